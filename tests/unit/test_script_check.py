"""Script adherence: windowed-WER phrase matching, positions, order rules and the default rubric."""

from __future__ import annotations

import json
import time

import jiwer
import pytest

from qa_scoring.normalize import normalize
from qa_scoring.rubric import Rubric
from qa_scoring.script_check import ScriptItemResult, ScriptReport, check_script
from qa_scoring.transcript import Speaker, Transcript, Turn


@pytest.fixture(scope="module")
def default_rubric() -> Rubric:
    return Rubric.load("default")


# The shipped rubric's phrase lists grow as real wordings are added; the matching cases below pin the
# algorithm (windows, WER, best phrase) to the first four phrases of each item, which they were written for.
CLASSIC_PHRASES = 4


@pytest.fixture(scope="module")
def classic_rubric() -> Rubric:
    data = Rubric.load("default").to_dict()
    for item in data["script"]:
        item["phrases"] = item["phrases"][:CLASSIC_PHRASES]
    return Rubric.from_dict(data)


@pytest.fixture(scope="module")
def tahsilat_rubric() -> Rubric:
    return Rubric.load("tahsilat")


def _call(*agent_texts: str, customer: str = "Tamam, teşekkürler.") -> Transcript:
    """A call in which every agent turn is followed by a short customer turn."""
    turns: list[Turn] = []
    for text in agent_texts:
        turns.append(Turn(Speaker.AGENT, text))
        turns.append(Turn(Speaker.CUSTOMER, customer))
    return Transcript(call_id="test-call", turns=tuple(turns))


def _turns(*pairs: tuple[str, str]) -> Transcript:
    return Transcript(call_id="test-call", turns=tuple(Turn(Speaker(s), t) for s, t in pairs))


# --------------------------------------------------------------------------------------------- matching

# (agent text, item key, expected present, expected wer, expected best_phrase)
MATCH_CASES = [
    pytest.param(
        "Müşteri hizmetlerine hoş geldiniz, ben Ayşe.",
        "greeting",
        True,
        0.0,
        "müşteri hizmetlerine hoş geldiniz",
        id="exact-phrase-with-extra-words",
    ),
    pytest.param(
        "MÜŞTERİ HİZMETLERİNE HOŞ GELDİNİZ",
        "greeting",
        True,
        0.0,
        "müşteri hizmetlerine hoş geldiniz",
        id="upper-case-turkish",
    ),
    pytest.param(
        "musteri hizmetlerine hos geldiniz",
        "greeting",
        True,
        0.0,
        "müşteri hizmetlerine hoş geldiniz",
        id="no-turkish-letters",
    ),
    pytest.param(
        "iyi günler size nasıl yardımcı olabilirin",
        "greeting",
        True,
        pytest.approx(1 / 6),
        "iyi günler size nasıl yardımcı olabilirim",
        id="asr-lowercase-one-misrecognised-word",
    ),
    pytest.param(
        "iyi günler siz nasıl yardım olabilirin",
        "greeting",
        False,
        pytest.approx(3 / 6),
        "iyi günler size nasıl yardımcı olabilirim",
        id="asr-three-misrecognised-words-too-far",
    ),
    pytest.param(
        "iyi günler efendim size nasıl yardımcı olabilirim",
        "greeting",
        True,
        pytest.approx(1 / 6),
        "iyi günler size nasıl yardımcı olabilirim",
        id="inserted-word-needs-longer-window",
    ),
    pytest.param(
        "müşteri hizmetlerine geldiniz ben Ayşe",
        "greeting",
        True,
        pytest.approx(1 / 4),
        "müşteri hizmetlerine hoş geldiniz",
        id="dropped-word-needs-shorter-window",
    ),
    pytest.param(
        "kimlik dogrulamasi icin dogum tarihinizi alabilir miyim",
        "identity_check",
        True,
        0.0,
        "kimlik doğrulaması için doğum tarihinizi alabilir miyim",
        id="ascii-typed-identity-check",
    ),
    pytest.param(
        "Kişisel verileriniz KVKK kapsamında işlenmekte dir.",
        "kvkk",
        True,
        pytest.approx(0.2),
        "kişisel verileriniz kvkk kapsamında işlenmektedir",
        id="asr-split-suffix-within-max-wer",
    ),
    pytest.param(
        "Görüşmemiz kayıt altına alınıyor, bilginize.",
        "kvkk",
        False,
        pytest.approx(5 / 7),
        "görüşmemiz kalite standartları gereği kayıt altına alınmaktadır",
        id="absent-with-best-match",
    ),
]


@pytest.mark.parametrize(("text", "key", "present", "wer", "phrase"), MATCH_CASES)
def test_phrase_matching(classic_rubric: Rubric, text: str, key: str, present: bool, wer: float, phrase: str) -> None:
    result = check_script(_call(text), classic_rubric).item(key)
    assert result.present is present
    assert result.wer == wer
    assert result.best_phrase == phrase
    assert result.turn_index == 0
    assert result.best_match  # the closest window is reported even when absent


def test_absent_item_reports_original_window(classic_rubric: Rubric) -> None:
    result = check_script(_call("Görüşmemiz kayıt altına alınıyor, bilginize."), classic_rubric).item("kvkk")
    assert result.present is False
    assert result.best_match == "Görüşmemiz kayıt altına alınıyor, bilginize."
    assert result.wer is not None and result.wer > result.max_wer
    assert "kvkk" in check_script(_call("Görüşmemiz kayıt altına alınıyor."), classic_rubric).missing_required


# Wordings agents really use (from datasets/calls), which the shipped rubric must accept, and look-alikes it must not.
NATURAL_CASES = [
    ("Önce adınızı ve soyadınızı alabilir miyim?", "identity_check", True),
    ("Randevunuzu bulabilmem için T.C. kimlik numaranızı alabilir miyim?", "identity_check", True),
    ("Kaydınızı buldum. Doğrulama için doğum yılınızı alabilir miyim?", "identity_check", True),
    ("Kimlik doğrulama yapmam gerekiyor, TC kimlik numaranızı alayım.", "identity_check", True),
    ("kimlik dogrulamasi yapmam gerekiyor", "identity_check", True),
    ("Sipariş numaranızı alabilir miyim?", "identity_check", False),
    ("Rezervasyon kodunuzu alabilir miyim?", "identity_check", False),
    ("Görüşmemiz kalite amacıyla kaydedilmektedir.", "kvkk", True),
    ("Görüşmemiz kalite amacıyla kayıt altına alınmaktadır.", "kvkk", True),
    ("Restoran ile ilgili geri bildiriminiz kayıt altına alınmıştır.", "kvkk", False),
    ("Merhaba, Pazarım canlı desteğe hoş geldiniz, ben Ece.", "greeting", True),
    ("Şifa Hastanesi randevu hattı, günaydın, ben Büşra. Size nasıl yardımcı olabilirim?", "greeting", True),
    ("Ege Koyu Otel rezervasyon, buyrun.", "greeting", False),
]


@pytest.mark.parametrize(("text", "key", "present"), NATURAL_CASES)
def test_natural_wordings_of_the_shipped_rubric(default_rubric: Rubric, text: str, key: str, present: bool) -> None:
    assert check_script(_call(text), default_rubric).item(key).present is present


@pytest.mark.parametrize(
    ("last_agent_line", "present"),
    [("İyi günler.", True), ("Sağlıklı günler dilerim.", True), ("Kaydınızı aldım.", False)],
)
def test_short_polite_closing_counts(default_rubric: Rubric, last_agent_line: str, present: bool) -> None:
    call = _call("Merhaba, size nasıl yardımcı olabilirim?", "Kontrol ediyorum.", last_agent_line)
    assert check_script(call, default_rubric).item("closing").present is present


@pytest.mark.parametrize(
    ("text", "expected_match"),
    [
        ("Evet. Müşteri hizmetlerine hoş geldiniz! Ben Ayşe.", "Müşteri hizmetlerine hoş geldiniz!"),
        ("Tamam, iyi günler, size nasıl yardımcı olabilirim?", "iyi günler, size nasıl yardımcı olabilirim?"),
    ],
)
def test_best_match_is_the_agents_own_wording(default_rubric: Rubric, text: str, expected_match: str) -> None:
    result = check_script(_call(text), default_rubric).item("greeting")
    assert result.wer == 0.0
    assert result.best_match == expected_match


def test_customer_turns_are_not_searched(default_rubric: Rubric) -> None:
    call = _turns(
        ("customer", "Müşteri hizmetlerine hoş geldiniz diyorsunuz ama bekliyorum."),
        ("agent", "Hemen bakıyorum."),
    )
    result = check_script(call, default_rubric).item("greeting")
    assert result.present is False
    assert result.turn_index == 1


# --------------------------------------------------------------------------------------------- positions

POSITION_CASES = [
    pytest.param(
        ("Merhaba.", "Bir saniye.", "Kontrol ediyorum.", "Kaydınızı güncelledim.", "İyi günler dilerim."),
        "closing",
        True,
        8,
        id="closing-in-last-turn",
    ),
    pytest.param(
        ("İyi günler dilerim.", "Bir saniye.", "Kontrol ediyorum.", "Kaydınızı güncelledim.", "Tamam."),
        "closing",
        False,
        None,
        id="closing-in-first-turn-with-position-end",
    ),
    pytest.param(
        ("Bir saniye.", "Kontrol ediyorum.", "Merhaba size nasıl yardımcı olabilirim?", "Tamam."),
        "greeting",
        False,
        None,
        id="greeting-after-first-two-agent-turns",
    ),
    pytest.param(
        ("Alo?", "Merhaba size nasıl yardımcı olabilirim?", "Kontrol ediyorum.", "Tamam."),
        "greeting",
        True,
        2,
        id="greeting-in-second-agent-turn",
    ),
]


@pytest.mark.parametrize(("agent_texts", "key", "present", "turn_index"), POSITION_CASES)
def test_position_window(
    default_rubric: Rubric, agent_texts: tuple[str, ...], key: str, present: bool, turn_index: int | None
) -> None:
    result = check_script(_call(*agent_texts), default_rubric).item(key)
    assert result.present is present
    if present:
        assert result.turn_index == turn_index
        assert result.wer == 0.0
    else:
        # the matching turn lies outside the window, so it must not be reported as the best match
        assert result.wer is not None and result.wer > result.max_wer
        assert result.turn_index != (0 if key == "closing" else 4)


# ------------------------------------------------------------------------------------------------- order

IDENTITY = "Kimlik doğrulaması için doğum tarihinizi alabilir miyim?"
DEBT = "Bu görüşme bir borç tahsilatı görüşmesidir."
OPTIONS = "Borcunuzu taksitlendirebiliriz."

ORDER_CASES = [
    pytest.param(
        ("İyi günler, tahsilat biriminden arıyorum.", IDENTITY, DEBT, OPTIONS),
        [],
        id="identity-first",
    ),
    pytest.param(
        ("İyi günler, tahsilat biriminden arıyorum.", DEBT, IDENTITY, OPTIONS),
        ["identity_check before debt_disclosure"],
        id="identity-after-debt-talk",
    ),
    pytest.param(
        ("İyi günler, tahsilat biriminden arıyorum.", f"{DEBT} {IDENTITY}", OPTIONS),
        ["identity_check before debt_disclosure"],
        id="identity-after-debt-talk-in-same-turn",
    ),
    pytest.param(
        ("İyi günler, tahsilat biriminden arıyorum.", OPTIONS, IDENTITY, DEBT),
        ["identity_check before payment_options"],
        id="identity-after-payment-options",
    ),
    pytest.param(
        ("İyi günler, tahsilat biriminden arıyorum.", DEBT, OPTIONS),
        [],
        id="identity-missing-is-not-an-order-violation",
    ),
]


@pytest.mark.parametrize(("agent_texts", "violations"), ORDER_CASES)
def test_order_violations(tahsilat_rubric: Rubric, agent_texts: tuple[str, ...], violations: list[str]) -> None:
    report = check_script(_call(*agent_texts), tahsilat_rubric)
    assert report.order_violations == violations


def test_missing_identity_check_is_reported(tahsilat_rubric: Rubric) -> None:
    report = check_script(_call("İyi günler, tahsilat biriminden arıyorum.", DEBT, OPTIONS), tahsilat_rubric)
    assert "identity_check" in report.missing_required
    assert "debt_disclosure" not in report.missing_required


# --------------------------------------------------------------------------------------- whole rubric

IDEAL_DEFAULT_CALL = (
    "Müşteri hizmetlerine hoş geldiniz, ben Deniz. Size nasıl yardımcı olabilirim?",
    "Görüşmemiz kalite standartları gereği kayıt altına alınmaktadır. "
    "Kimlik doğrulaması için adınızı ve soyadınızı alabilir miyim?",
    "Teşekkür ederim, siparişinizi kontrol ediyorum; yarın teslim edilecek.",
    "Başka yardımcı olabileceğim bir konu var mı?",
    "Bizi tercih ettiğiniz için teşekkür ederiz, iyi günler dilerim.",
)


def test_ideal_call_has_every_default_item(default_rubric: Rubric) -> None:
    report = check_script(_call(*IDEAL_DEFAULT_CALL), default_rubric)
    assert [r.key for r in report.items] == [s.key for s in default_rubric.script]
    assert all(r.present for r in report.items), [r.key for r in report.items if not r.present]
    assert report.missing_required == []
    assert report.order_violations == []


def test_no_agent_turns(default_rubric: Rubric) -> None:
    report = check_script(_turns(("customer", "Alo?"), ("system", "")), default_rubric)
    assert all(not r.present for r in report.items)
    assert all(r.wer is None and r.turn_index is None and r.best_match == "" for r in report.items)
    assert report.missing_required == [s.key for s in default_rubric.script if s.required]


def test_report_to_dict_is_json_ready(default_rubric: Rubric) -> None:
    report = check_script(_call(*IDEAL_DEFAULT_CALL), default_rubric)
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert set(data) == {"items", "missing_required", "order_violations"}
    greeting = data["items"][0]
    assert greeting["key"] == "greeting"
    assert greeting["present"] is True
    assert greeting["wer"] == 0.0
    assert greeting["position"] == "start"
    assert isinstance(report, ScriptReport) and isinstance(report.items[0], ScriptItemResult)
    with pytest.raises(KeyError, match="no script item"):
        report.item("nope")


def test_forty_turn_call_is_fast(default_rubric: Rubric, tahsilat_rubric: Rubric) -> None:
    filler = (
        "Hesabınızı kontrol ediyorum, borç tutarınız ve ödeme tarihiniz sistemde görünüyor; "
        "isterseniz kartınızla bugün ödeme yapabilir ya da yarın tekrar arayabilirsiniz, "
        "iyi günler size yardımcı olmak için buradayım"
    )
    call = _call(*([filler] * 20), customer=filler)
    assert len(call.turns) == 40
    began = time.perf_counter()
    for _ in range(3):
        check_script(call, default_rubric)
        check_script(call, tahsilat_rubric)
    assert time.perf_counter() - began < 10.0  # generous: the machine may be busy; typically well under 1 s


def _brute_force_wer(phrase: str, text: str) -> float:
    """Minimum WER over every window of len(phrase) ± 2 words, without any pruning."""
    ref = normalize(phrase, "match_ascii")
    words = normalize(text, "match_ascii").split()
    n = len(ref.split())
    best = float("inf")
    for start in range(len(words)):
        for length in range(max(1, n - 2), n + 3):
            length = min(length, len(words) - start)
            best = min(best, jiwer.wer(ref, " ".join(words[start : start + length])))
    return best


@pytest.mark.parametrize(
    "text",
    [
        "borç borç ödeme kayıt kayıt altına altına görüşmemiz alınmaktadır kalite kalite",
        "Görüşmemiz, kalite standartları... gereği kayıt altına, alınmaktadır efendim kayıt.",
        "kişisel kişisel verileriniz kvkk kvkk kapsamında korunmaktadır işlenmektedir",
        "hiçbir ortak kelime yok burada",
    ],
)
def test_pruned_search_equals_brute_force(default_rubric: Rubric, text: str) -> None:
    result = check_script(_call(text), default_rubric).item("kvkk")
    expected = min(_brute_force_wer(p, text) for p in default_rubric.script[2].phrases)
    assert default_rubric.script[2].key == "kvkk"
    assert result.wer == pytest.approx(expected)
