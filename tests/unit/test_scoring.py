"""Call-level aggregation with a fake classifier: levels, applicability, evidence, flags, feedback."""

from __future__ import annotations

import pytest

from qa_scoring.errors import ModelError
from qa_scoring.rubric import Rubric
from qa_scoring.scoring import Scorer
from qa_scoring.skills import SKILL_KEYS
from qa_scoring.transcript import Speaker, Transcript, Turn
from tests.fakes import FakeClassifier


def call(*agent_and_customer: tuple[str, str], call_id: str = "c1", times: bool = False) -> Transcript:
    turns = []
    t = 0.0
    for customer, agent in agent_and_customer:
        if customer:
            turns.append(Turn(Speaker.CUSTOMER, customer, t if times else None, t + 3 if times else None))
            t += 4
        turns.append(Turn(Speaker.AGENT, agent, t if times else None, t + 3 if times else None))
        t += 4
    return Transcript(call_id=call_id, turns=tuple(turns), agent_id="A-1", team="Kargo")


GREETING = "İyi günler, HızlıKargo'ya hoş geldiniz, ben Elif, size nasıl yardımcı olabilirim?"
CLOSING = "Başka yardımcı olabileceğim bir konu var mı? İyi günler dilerim."


def test_worked_example_1_from_the_rubric_doc():
    """12 agent turns, 4 respect +1 and one -1 → net rate 0.167 → level 4 with the default rubric."""
    rows = [("Merhaba, kargom nerede acaba bir bakar mısınız", GREETING + " [respect+1]")]
    rows += [("Tamam bekliyorum sizi efendim", f"Kontrol ediyorum {i} [respect+1]") for i in range(3)]
    rows += [("Peki ne zaman gelir kargom acaba", "Sizin hatanız [respect-1]")]
    rows += [("Anladım peki bekliyorum o zaman", f"Bilgi veriyorum {i}") for i in range(7)]
    report = Scorer(FakeClassifier(), Rubric.default()).score(call(*rows))
    s = report.skills["respect"]
    assert (s.positives, s.negatives, s.turns_considered) == (4, 1, 12)
    assert s.net_rate == pytest.approx(2 / 12)
    assert s.level == 4 and s.level_name == Rubric.default().skill("respect").level_name(4)
    assert s.score == 75.0
    assert [e.label for e in s.lowered] == [-1] and len(s.raised) == 3


def test_worked_example_2_empathy_with_a_missed_opportunity():
    rows = [
        ("Üç gündür kargomu bekliyorum, çok sinirlendim!!", "Ne kadar can sıkıcı olduğunu anlıyorum [empathy+1]"),
        ("Annem hastanede, bu işle uğraşacak durumda değilim!!", "Sipariş numaranızı alabilir miyim?"),
        ("Tamam numara şu", "Teşekkürler, kontrol ediyorum."),
    ]
    s = Scorer(FakeClassifier(), Rubric.default()).score(call(*rows)).skills["empathy"]
    assert (s.positives, s.missed, s.turns_considered) == (1, 1, 2)
    assert s.net_rate == pytest.approx(0.25) and s.level == 3
    assert any(e.missed for e in s.lowered)


def test_empathy_is_not_applicable_without_distress_and_shares_its_weight():
    rows = [
        ("Adresimi değiştirmek istiyorum lütfen", GREETING + " [respect+1]"),
        ("Yeni adresim Ankara'da", "Güncelledim [positive_tone+1]"),
        ("Teşekkürler", CLOSING),
    ]
    report = Scorer(FakeClassifier(), Rubric.default()).score(call(*rows))
    emp = report.skills["empathy"]
    assert not emp.applicable and emp.level is None and emp.score is None
    weights = Rubric.default().weights_for([k for k in SKILL_KEYS if k != "empathy"])
    expected = sum(weights[k] * report.skills[k].score for k in weights)
    assert report.overall == pytest.approx(round(expected - _missing_weight(report), 1))


def _missing_weight(report) -> float:
    rubric = Rubric.default()
    return sum(rubric.script_item(k).weight for k in report.script.missing_required)


def test_a_dismissive_reply_always_counts_for_empathy():
    rows = [
        ("Kargom bir haftadır gelmedi, ne zaman gelecek", "Abartıyorsunuz bence, bekleyin [empathy-1]"),
        ("Peki o zaman bekleyeceğim", "Tamam, iyi günler"),
    ]
    s = Scorer(FakeClassifier(), Rubric.default()).score(call(*rows)).skills["empathy"]
    assert s.applicable and s.negatives == 1 and s.level == 1


def test_evidence_text_is_redacted():
    rows = [
        (
            "Numaram 0532 123 45 67, lütfen beni bu numaradan arayın",
            "0532 123 45 67 numarasını not aldım [active_listening+1]",
        ),
        ("Tamam, teşekkür ederim", "Rica ederim"),
    ]
    report = Scorer(FakeClassifier(), Rubric.default()).score(call(*rows))
    ev = report.skills["active_listening"].raised[0]
    assert "0532" not in ev.text and "[TELEFON]" in ev.text
    assert all("0532" not in t.text for t in report.turns)


def test_critical_pattern_fails_the_call_and_names_the_turn():
    rubric = Rubric.default()
    insult = next(cb for cb in rubric.critical_behaviours if cb.action == "fail" and cb.patterns)
    phrase = _example_for(insult.patterns[0])
    rows = [("Merhaba", GREETING), ("Anlamadım", f"{phrase} [respect-1]"), ("Peki", CLOSING)]
    report = Scorer(FakeClassifier(), rubric).score(call(*rows))
    flag = next(f for f in report.flags if f.key == f"critical:{insult.key}")
    assert flag.severity == "fail" and report.passed is False
    assert report.turns[flag.turn_index].speaker is Speaker.AGENT


def _example_for(pattern: str) -> str:
    """A literal string matching a simple rubric regex (alternations and optional groups resolved)."""
    import re

    text = re.sub(r"\(\?:([^|)]*)[^)]*\)\??", r"\1", pattern)
    text = re.sub(r"\\b|\\s\+|\\s\*|\[\^?[^\]]*\][*+?]?|[\^$]", " ", text).replace("\\", "")
    text = re.sub(r"(.)\?", r"\1", text)
    text = re.sub(r"\|.*", "", text)
    assert re.search(pattern, " ".join(text.split())), f"could not build an example for {pattern!r}"
    return " ".join(text.split())


def test_skill_gap_and_low_confidence_flags():
    rows = [("Merhaba", f"Merhaba [respect+1] [patience-1] {i}") for i in range(4)]
    report = Scorer(FakeClassifier(), Rubric.default()).score(call(*rows))
    keys = {f.key for f in report.flags}
    assert "skill_gap" in keys
    short = Scorer(FakeClassifier(), Rubric.default()).score(call(("Merhaba bir sorum vardı", GREETING + " x y z")))
    assert any(f.key.startswith("low_confidence:") for f in short.flags)


def test_feedback_has_strengths_and_improvements_tied_to_turns_in_turkish():
    rows = [
        ("Kargom gelmedi!!", "Çok üzgünüm, anlıyorum [empathy+1] [respect+1]"),
        ("Numaram KT-1", "Numaranızı söyler misiniz? [active_listening-1]"),
        ("Az önce söyledim", "Kısa kesin [patience-1]"),
        ("Peki", "Hemen çözüyorum [positive_tone+1] [respect+1]"),
    ]
    report = Scorer(FakeClassifier(), Rubric.default()).score(call(*rows))
    kinds = [f.kind for f in report.feedback]
    assert "strength" in kinds and "improvement" in kinds
    for f in report.feedback:
        assert report.turns[f.turn_index].text == f.quote
        assert f.message and any(ch in f.message for ch in "ışğüöçİ") or f.message.isascii() is False
    improvements = [f for f in report.feedback if f.kind == "improvement"]
    assert all(f.suggestion for f in improvements)


def test_script_items_are_reported_and_missing_ones_cost_points():
    good = Scorer(FakeClassifier(), Rubric.default()).score(call(("Merhaba", GREETING), ("Teşekkürler", CLOSING)))
    assert good.script.item("greeting").present and good.script.item("closing").present
    bad = Scorer(FakeClassifier(), Rubric.default()).score(
        call(("Merhaba, faturam bu ay çok yüksek geldi", "Buyurun, söyleyin"), ("Teşekkürler, tamam o zaman", "Tamam"))
    )
    assert "greeting" in bad.script.missing_required
    assert any(f.key == "script:greeting" for f in bad.flags)


def test_ineligible_call_is_not_scored():
    report = Scorer(FakeClassifier(), Rubric.default()).score(call(("Alo", "Evet")))
    assert not report.eligible and report.overall is None and "kelime" in report.ineligible_reason


def test_timing_is_reported_for_timed_calls():
    rows = [("Merhaba kargom gelmedi bakabilir misiniz", GREETING), ("Tamam teşekkürler iyi günler", CLOSING)]
    report = Scorer(FakeClassifier(), Rubric.default()).score(call(*rows, times=True))
    assert report.timing is not None and 0 < report.timing.agent_talk_share < 1


def test_score_many_batches_one_classifier_pass_and_keeps_order():
    fake = FakeClassifier()
    calls = [call(("Merhaba kargom nerede acaba", GREETING + f" {i}"), call_id=f"c{i}") for i in range(5)]
    reports = Scorer(fake, Rubric.default()).score_many(calls)
    assert [r.call_id for r in reports] == [f"c{i}" for i in range(5)] and fake.calls == 1
    row = reports[0].to_row()
    assert set(SKILL_KEYS) <= set(row) and row["call_id"] == "c0"


def test_rubric_with_a_skill_the_model_lacks_is_refused():
    class Narrow(FakeClassifier):
        skills = ["respect"]

    with pytest.raises(ModelError, match="only predicts"):
        Scorer(Narrow(), Rubric.default())
