"""Timing metrics (silence, hold, interruptions, talk share, speaking rate) and the rubric's timing flags."""

from __future__ import annotations

import json

import pytest

from qa_scoring.rubric import Rubric, Timing
from qa_scoring.timing import (
    FLAG_KEYS,
    INTERRUPTION_TOLERANCE_S,
    Interruption,
    TimingFlag,
    TimingReport,
    timing_flags,
    timing_metrics,
)
from qa_scoring.transcript import Speaker, Transcript, Turn


def _call(*turns: tuple[str, str, float | None, float | None]) -> Transcript:
    return Transcript(call_id="timed-call", turns=tuple(Turn(Speaker(s), t, a, b) for s, t, a, b in turns))


# A hand-timed call. Words: agent 8 + 6 + 8 + 3 = 25, customer 8 + 2 = 10.
HAND_TIMED = _call(
    ("agent", "Müşteri hizmetlerine hoş geldiniz, size nasıl yardımcı olabilirim?", 0.0, 4.0),
    ("customer", "Kargom üç gündür gelmedi, ne zaman gelecek acaba?", 4.5, 10.0),
    ("agent", "Hemen kontrol ediyorum, bir dakika lütfen.", 9.5, 15.5),  # starts 0.5 s early: interruption
    ("system", "[bekleme müziği]", 16.0, 46.0),  # 30 s hold
    ("agent", "Beklettiğim için özür dilerim, kargonuz yarın teslim edilecek.", 47.0, 53.0),
    ("customer", "Tamam, teşekkürler.", 52.9, 55.0),
    ("agent", "İyi günler dilerim.", 54.9, 58.0),  # 0.1 s early: within the tolerance
)
AGENT_S = 4.0 + 6.0 + 6.0 + 3.1
CUSTOMER_S = 5.5 + 2.1


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("duration_s", 58.0),
        ("interruptions", 1),
        ("longest_silence_s", 31.5),  # 15.5 → 47.0, the hold counts as silence
        ("longest_silence_turn_index", 4),
        ("longest_hold_s", 30.0),
        ("agent_speaking_s", AGENT_S),
        ("customer_speaking_s", CUSTOMER_S),
        ("agent_talk_share", AGENT_S / (AGENT_S + CUSTOMER_S)),
        ("agent_words_per_minute", 25 / (AGENT_S / 60)),
        ("customer_words_per_minute", 10 / (CUSTOMER_S / 60)),
        ("skipped_turns", 0),
    ],
)
def test_hand_timed_call(field: str, expected: float) -> None:
    report = timing_metrics(HAND_TIMED)
    assert report is not None
    assert getattr(report, field) == pytest.approx(expected)


def test_interruption_details() -> None:
    report = timing_metrics(HAND_TIMED)
    assert report is not None
    assert report.interruption_details == [Interruption(turn_index=2, overlap_s=pytest.approx(0.5))]


@pytest.mark.parametrize(
    ("customer", "agent_start", "interrupted"),
    [
        pytest.param((2.0, 10.0), 10.5, False, id="after-customer-ended"),
        pytest.param((2.0, 10.0), 10.0 - INTERRUPTION_TOLERANCE_S / 2, False, id="within-tolerance"),
        pytest.param((2.0, 10.0), 9.75, True, id="just-beyond-tolerance"),
        pytest.param((2.0, 10.0), 5.0, True, id="mid-sentence"),
        pytest.param((2.0, 10.0), 1.5, False, id="agent-was-speaking-first"),
    ],
)
def test_interruption_rule(customer: tuple[float, float], agent_start: float, interrupted: bool) -> None:
    call = _call(
        ("agent", "Merhaba, nasıl yardımcı olabilirim?", 0.0, 1.5),
        ("customer", "Faturam yanlış geldi, iki kez ödeme alınmış.", *customer),
        ("agent", "Anlıyorum, hemen bakıyorum.", agent_start, agent_start + 2.0),
    )
    report = timing_metrics(call)
    assert report is not None
    assert report.interruptions == int(interrupted)
    if interrupted:
        assert report.interruption_details[0].turn_index == 2
        assert report.interruption_details[0].overlap_s == pytest.approx(customer[1] - agent_start)


@pytest.mark.parametrize(
    "turns",
    [
        pytest.param((("agent", "Merhaba.", None, None), ("customer", "Merhaba.", None, None)), id="no-times"),
        pytest.param((("agent", "Merhaba.", 0.0, None), ("customer", "Merhaba.", 1.0, None)), id="starts-only"),
        pytest.param((("system", "[müzik]", 0.0, 20.0), ("agent", "Merhaba.", None, None)), id="only-system-timed"),
        pytest.param((), id="empty"),
    ],
)
def test_no_usable_times_gives_none(turns: tuple[tuple[str, str, float | None, float | None], ...]) -> None:
    assert timing_metrics(_call(*turns)) is None


def test_partial_times_skip_untimed_turns() -> None:
    call = _call(
        ("agent", "Merhaba, size nasıl yardımcı olabilirim?", 0.0, 3.0),
        ("customer", "Siparişim nerede?", None, None),  # skipped
        ("agent", "Hemen bakıyorum efendim.", 8.0, 10.0),
        ("customer", "Tamam.", 11.0, None),  # skipped: no end
        ("customer", "Teşekkürler.", 12.0, 13.0),
    )
    report = timing_metrics(call)
    assert report is not None
    assert report.skipped_turns == 2
    assert report.longest_silence_s == pytest.approx(5.0)  # 3.0 → 8.0: the untimed turn is not known to fill it
    assert report.longest_silence_turn_index == 2
    assert report.agent_speaking_s == pytest.approx(5.0)
    assert report.customer_speaking_s == pytest.approx(1.0)
    assert report.agent_words_per_minute == pytest.approx(8 / (5.0 / 60))
    assert report.duration_s == pytest.approx(13.0)


def test_overlapping_turns_do_not_create_silence() -> None:
    call = _call(
        ("agent", "Bir dakika, kontrol ediyorum ve size bilgi vereceğim.", 0.0, 20.0),
        ("customer", "Tamam.", 5.0, 6.0),  # ends long before the agent does
        ("agent", "Evet, buldum.", 21.0, 22.0),
    )
    report = timing_metrics(call)
    assert report is not None
    assert report.longest_silence_s == pytest.approx(1.0)


def test_customer_only_call_has_no_agent_rate() -> None:
    report = timing_metrics(_call(("customer", "Alo, kimse yok mu?", 0.0, 3.0)))
    assert report is not None
    assert report.agent_words_per_minute is None
    assert report.agent_talk_share == 0.0
    assert report.customer_words_per_minute == pytest.approx(80.0)


def test_report_to_dict_is_json_ready() -> None:
    report = timing_metrics(HAND_TIMED)
    assert report is not None
    data = json.loads(json.dumps(report.to_dict()))
    assert data["interruption_details"] == [{"turn_index": 2, "overlap_s": 0.5}]
    assert data["longest_hold_s"] == 30.0
    assert data["agent_talk_share"] == round(AGENT_S / (AGENT_S + CUSTOMER_S), 4)


# ------------------------------------------------------------------------------------------------ flags


def _report(**values: float | int | None) -> TimingReport:
    base: dict[str, object] = {
        "duration_s": 300.0,
        "interruptions": 1,
        "longest_silence_s": 10.0,
        "agent_talk_share": 0.5,
        "agent_words_per_minute": 120.0,
        "customer_words_per_minute": 110.0,
    }
    base.update(values)
    return TimingReport(**base)  # type: ignore[arg-type]


RULES = Timing(max_silence_s=30, max_interruptions=3, agent_talk_share=(0.3, 0.7), max_words_per_minute=160)

FLAG_CASES = [
    pytest.param({}, [], id="all-within-limits"),
    pytest.param({"longest_silence_s": 30.0}, [], id="silence-at-limit-passes"),
    pytest.param(
        {"longest_silence_s": 42.0},
        [("silence", "En uzun sessizlik 42 sn (sınır 30 sn)", 42.0, 30.0)],
        id="long-silence",
    ),
    pytest.param(
        {"longest_silence_s": 42.5},
        [("silence", "En uzun sessizlik 42,5 sn (sınır 30 sn)", 42.5, 30.0)],
        id="decimal-comma",
    ),
    pytest.param(
        {"interruptions": 5},
        [("interruptions", "Temsilci müşterinin sözünü 5 kez kesti (sınır 3 kez)", 5.0, 3.0)],
        id="interruptions",
    ),
    pytest.param(
        {"agent_talk_share": 0.82},
        [("talk_share", "Temsilcinin konuşma payı %82, çok yüksek (sınır %30–%70)", 0.82, 0.7)],
        id="agent-talks-too-much",
    ),
    pytest.param(
        {"agent_talk_share": 0.2},
        [("talk_share", "Temsilcinin konuşma payı %20, çok düşük (sınır %30–%70)", 0.2, 0.3)],
        id="agent-talks-too-little",
    ),
    pytest.param(
        {"agent_words_per_minute": 185.4},
        [("speaking_rate", "Temsilcinin konuşma hızı dakikada 185 kelime (sınır 160 kelime)", 185.4, 160.0)],
        id="speaking-too-fast",
    ),
    pytest.param({"agent_words_per_minute": None, "agent_talk_share": None}, [], id="unknown-values-not-checked"),
    pytest.param(
        {"longest_silence_s": 60.0, "interruptions": 4, "agent_talk_share": 0.9, "agent_words_per_minute": 200.0},
        ["silence", "interruptions", "talk_share", "speaking_rate"],
        id="all-exceeded-in-order",
    ),
]


@pytest.mark.parametrize(("values", "expected"), FLAG_CASES)
def test_timing_flags(values: dict[str, float | None], expected: list) -> None:
    flags = timing_flags(_report(**values), RULES)
    if expected and isinstance(expected[0], str):
        assert [f.key for f in flags] == expected
        return
    assert [(f.key, f.message, f.value, f.limit) for f in flags] == [
        (k, m, pytest.approx(v), pytest.approx(lim)) for k, m, v, lim in expected
    ]
    assert all(f.key in FLAG_KEYS and isinstance(f, TimingFlag) for f in flags)


def test_unset_limits_are_not_checked() -> None:
    loud = _report(longest_silence_s=500.0, interruptions=40, agent_talk_share=0.99, agent_words_per_minute=300.0)
    assert timing_flags(loud, Timing()) == []
    only_silence = timing_flags(loud, Timing(max_silence_s=60))
    assert [f.key for f in only_silence] == ["silence"]


def test_flags_from_rubric_and_hand_timed_call() -> None:
    rubric = Rubric.load("default")  # timing: silence 30 s, 5 interruptions, share 0.3–0.7, 170 wpm
    report = timing_metrics(HAND_TIMED)
    flags = timing_flags(report, rubric)
    assert [f.key for f in flags] == ["silence", "talk_share"]
    assert flags[0].message == "En uzun sessizlik 31,5 sn (sınır 30 sn)"
    assert flags[1].message == "Temsilcinin konuşma payı %72, çok yüksek (sınır %30–%70)"
    assert flags[0].to_dict()["key"] == "silence"


def test_no_report_gives_no_flags() -> None:
    assert timing_flags(None, RULES) == []
    assert timing_flags(timing_metrics(_call(("agent", "Merhaba.", None, None))), RULES) == []
