"""Scoring a whole call against a rubric: :class:`Scorer` and :class:`CallReport`.

    from qa_scoring import Scorer, Transcript
    scorer = Scorer.from_pretrained()                     # bundled model + default rubric
    report = scorer.score(Transcript.from_file("call.json"))
    report.skills["empathy"].level, report.skills["empathy"].lowered

Every agent turn is labelled by the classifier (with the customer's words just before it); the rubric's evidence
rule (``docs/rubric-format.md``) turns the labels into a level 1–5 per skill; the turns that raised and lowered each
level are kept as evidence, with their (redacted) text, time and probabilities. Transcripts are redacted before
anything is kept.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .normalize import normalize
from .redact import redact_transcript
from .rubric import Rubric, Skill
from .script_check import ScriptReport, check_script
from .timing import TimingFlag, TimingReport, timing_flags, timing_metrics
from .transcript import Speaker, Transcript, Turn

log = logging.getLogger(__name__)

DISTRESS_THRESHOLD = 0.5
MAX_EVIDENCE = 3


class TurnLabeller(Protocol):
    """What the scorer needs from a classifier (``TurnClassifier`` or a fake in tests)."""

    skills: list[str]

    def predict(self, pairs: Sequence[tuple[str | None, str]]) -> list[Any]: ...


@dataclass(frozen=True)
class TurnEvidence:
    """One agent turn that moved a skill's level.

    Attributes:
        turn_index: Position in the call's turns.
        text: The agent's words (redacted).
        start: Start time in seconds, if known.
        label: The turn's label for the skill (0 for a missed opportunity).
        probability: Probability of that label.
        probs: (p(-1), p(0), p(+1)).
        missed: True for a distress moment answered without empathy.
    """

    turn_index: int
    text: str
    start: float | None
    label: int
    probability: float
    probs: tuple[float, float, float]
    missed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "turn_index": self.turn_index,
            "text": self.text,
            "start": self.start,
            "label": self.label,
            "probability": round(self.probability, 4),
            "probs": [round(p, 4) for p in self.probs],
            "missed": self.missed,
        }


@dataclass(frozen=True)
class SkillScore:
    """A skill's result for one call.

    Attributes:
        key: Skill key (``empathy``).
        name: Turkish name (``Empati``).
        applicable: False when the rubric judges the skill only at distress moments and there were none.
        level: 1–5, or None when not applicable.
        level_name: Turkish name of the level ("İyi").
        score: 0–100 (``(level − 1) / 4 × 100``), or None.
        net_rate: The rubric's net rate of the evidence, or None.
        positives / negatives / missed: Turns labelled +1, −1, and distress moments answered with 0.
        turns_considered: Turns the rule looked at.
        confidence: 0–1; mean probability of the labels used, reduced when fewer than ``min_turns`` turns count.
        raised / lowered: The turns that raised and lowered the level, strongest first.
    """

    key: str
    name: str
    applicable: bool
    level: int | None
    level_name: str | None
    score: float | None
    net_rate: float | None
    positives: int
    negatives: int
    missed: int
    turns_considered: int
    confidence: float
    raised: tuple[TurnEvidence, ...] = ()
    lowered: tuple[TurnEvidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "applicable": self.applicable,
            "level": self.level,
            "level_name": self.level_name,
            "score": self.score,
            "net_rate": None if self.net_rate is None else round(self.net_rate, 4),
            "positives": self.positives,
            "negatives": self.negatives,
            "missed": self.missed,
            "turns_considered": self.turns_considered,
            "confidence": round(self.confidence, 4),
            "raised": [e.to_dict() for e in self.raised],
            "lowered": [e.to_dict() for e in self.lowered],
        }


@dataclass(frozen=True)
class Feedback:
    """A strength or an improvement for the agent, tied to one turn, in Turkish."""

    kind: str  # "strength" | "improvement"
    skill: str
    skill_name: str
    turn_index: int
    quote: str
    message: str
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ReviewFlag:
    """Why a call should be looked at by a person (Turkish message)."""

    key: str
    message: str
    severity: str = "review"  # "review" | "fail"
    turn_index: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class CallReport:
    """The scorecard of one call.

    Attributes:
        call_id, agent_id, team, channel, started_at: From the transcript.
        rubric_id, rubric_fingerprint: The rubric used (the fingerprint identifies its exact content).
        eligible: False when the call is below the rubric's eligibility rule (then nothing is scored).
        skills: skill key → :class:`SkillScore`.
        overall: Weighted call score 0–100 (not-applicable skills share their weight out), minus missing
            required script items.
        passed: Whether the call reaches the pass mark without a failing critical behaviour or skill.
        confidence: Weighted mean of the skills' confidences.
        flags: Reasons for human review.
        feedback: Strengths and improvements, each tied to a turn.
        script: Required phrases found or missing.
        timing: Interruptions, silences, talk share and speaking rate (calls with turn times).
        turns: The redacted transcript, for display.
    """

    call_id: str
    agent_id: str | None
    team: str | None
    channel: str
    started_at: str | None
    rubric_id: str
    rubric_fingerprint: str
    eligible: bool
    ineligible_reason: str | None
    skills: Mapping[str, SkillScore]
    overall: float | None
    passed: bool | None
    confidence: float | None
    flags: tuple[ReviewFlag, ...]
    feedback: tuple[Feedback, ...]
    script: ScriptReport | None
    timing: TimingReport | None
    turns: tuple[Turn, ...] = field(repr=False, default=())
    model: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "agent_id": self.agent_id,
            "team": self.team,
            "channel": self.channel,
            "started_at": self.started_at,
            "rubric_id": self.rubric_id,
            "rubric_fingerprint": self.rubric_fingerprint,
            "model": self.model,
            "eligible": self.eligible,
            "ineligible_reason": self.ineligible_reason,
            "skills": {k: v.to_dict() for k, v in self.skills.items()},
            "overall": self.overall,
            "passed": self.passed,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "flags": [f.to_dict() for f in self.flags],
            "feedback": [f.to_dict() for f in self.feedback],
            "script": self.script.to_dict() if self.script else None,
            "timing": self.timing.to_dict() if self.timing else None,
            "turns": [t.to_dict() for t in self.turns],
        }

    def to_row(self) -> dict[str, Any]:
        """One flat row for ``scores.csv``."""
        row: dict[str, Any] = {
            "call_id": self.call_id,
            "agent_id": self.agent_id or "",
            "team": self.team or "",
            "date": (self.started_at or "")[:10],
            "channel": self.channel,
            "eligible": self.eligible,
        }
        for k, s in self.skills.items():
            row[k] = "" if s.level is None else s.level
        row["overall"] = "" if self.overall is None else round(self.overall, 1)
        row["passed"] = "" if self.passed is None else self.passed
        row["confidence"] = "" if self.confidence is None else round(self.confidence, 3)
        row["flags"] = "; ".join(f.key for f in self.flags)
        return row


# ------------------------------------------------------------------------------------------------ scorer
class Scorer:
    """Scores calls with a turn classifier and a rubric.

    Args:
        classifier: Anything with ``skills`` and ``predict(pairs)`` returning objects with ``labels``,
            ``probs`` and ``distress`` (the bundled :class:`~qa_scoring.model.classifier.TurnClassifier`).
        rubric: The scorecard (default: the built-in Turkish contact-centre rubric).
    """

    def __init__(self, classifier: TurnLabeller, rubric: Rubric | None = None):
        from .errors import ModelError

        self.classifier = classifier
        self.rubric = rubric or Rubric.default()
        missing = [k for k in self.rubric.skill_keys if k not in classifier.skills]
        if missing:
            raise ModelError(
                f"rubric '{self.rubric.id}' scores {missing}, but the model only predicts {classifier.skills}; "
                "remove those skills from the rubric or use a model trained for them"
            )

    @classmethod
    def from_pretrained(
        cls, rubric: Rubric | str | None = None, model: str | None = None, *, engine: str = "auto"
    ) -> Scorer:
        """The bundled model (or ``model`` folder) with ``rubric`` (a Rubric, a built-in name or a YAML path).

        ``engine`` picks the classifier's inference engine: ``"auto"`` (int8 ONNX when the ``fast`` extra is
        installed, else PyTorch), ``"onnx"`` or ``"torch"`` (the float32 reference).
        """
        from .model.classifier import TurnClassifier

        if isinstance(rubric, str):
            rubric = Rubric.load(rubric)
        return cls(TurnClassifier.from_pretrained(model, engine=engine), rubric)

    def score(self, transcript: Transcript) -> CallReport:
        """Score one call."""
        return self.score_many([transcript])[0]

    def score_many(self, transcripts: Sequence[Transcript]) -> list[CallReport]:
        """Score several calls with one batched classifier pass (one report per call, input order)."""
        safe = [redact_transcript(t) for t in transcripts]
        plans = []
        pairs: list[tuple[str, str]] = []
        for t in safe:
            eligible, reason = self._eligibility(t)
            call_pairs = t.pairs() if eligible else []
            plans.append((t, eligible, reason, len(pairs), call_pairs))
            pairs.extend((c, a) for c, a, _ in call_pairs)
        preds = self.classifier.predict(pairs) if pairs else []
        reports = []
        for t, eligible, reason, offset, call_pairs in plans:
            call_preds = preds[offset : offset + len(call_pairs)]
            reports.append(self._report(t, eligible, reason, call_pairs, call_preds))
        return reports

    # ------------------------------------------------------------------------------------------ internals
    def _eligibility(self, t: Transcript) -> tuple[bool, str | None]:
        rule = self.rubric.eligibility
        words = sum(len(turn.text.split()) for turn in t.turns if turn.speaker is not Speaker.SYSTEM)
        agent_turns = len(t.agent_turns)
        if words < rule.min_words:
            return False, f"görüşme {words} kelime; bu kart en az {rule.min_words} kelime ister"
        if agent_turns < rule.min_agent_turns:
            return False, f"temsilci {agent_turns} kez konuşmuş; bu kart en az {rule.min_agent_turns} ister"
        return True, None

    def _distress_moments(self, skill: Skill, call_pairs, preds) -> list[bool]:
        cues = [re.compile(c) for c in skill.evidence.distress_cues]
        out = []
        for (customer, _, _), p in zip(call_pairs, preds, strict=True):
            if not customer.strip():
                out.append(False)
                continue
            by_model = p.distress >= DISTRESS_THRESHOLD
            text = normalize(customer, "match")
            out.append(by_model or any(c.search(text) for c in cues))
        return out

    def _skill_score(self, skill: Skill, t: Transcript, call_pairs, preds) -> SkillScore:
        ev = skill.evidence
        considered: list[int] = []
        missed_idx: list[int] = []
        if ev.applies_when == "distress":
            moments = self._distress_moments(skill, call_pairs, preds)
            for i, p in enumerate(preds):
                label = p.labels[skill.key]
                if moments[i] or label == -1:
                    considered.append(i)
                    if moments[i] and label == 0:
                        missed_idx.append(i)
        else:
            considered = list(range(len(preds)))
        pos = [i for i in considered if preds[i].labels[skill.key] == 1]
        neg = [i for i in considered if preds[i].labels[skill.key] == -1]
        n = len(considered)

        def evidence(i: int, missed: bool = False) -> TurnEvidence:
            _, agent, turn_index = call_pairs[i]
            probs = tuple(preds[i].probs[skill.key])
            label = 0 if missed else preds[i].labels[skill.key]
            return TurnEvidence(turn_index, agent, t.turns[turn_index].start, label, probs[label + 1], probs, missed)

        raised = sorted((evidence(i) for i in pos), key=lambda e: -e.probability)[:MAX_EVIDENCE]
        lowered_all = [evidence(i) for i in neg] + [evidence(i, missed=True) for i in missed_idx]
        lowered = sorted(lowered_all, key=lambda e: (e.missed, -e.probability))[:MAX_EVIDENCE]
        if n == 0:
            return SkillScore(skill.key, skill.name, False, None, None, None, None, 0, 0, 0, 0, 1.0)
        rate = ev.net_rate(len(pos), len(neg), n, missed=len(missed_idx))
        level = skill.level_for(rate)
        mean_conf = sum(max(preds[i].probs[skill.key]) for i in considered) / n
        confidence = mean_conf * min(1.0, n / ev.min_turns)
        return SkillScore(
            skill.key,
            skill.name,
            True,
            level,
            skill.level_name(level),
            round((level - 1) / 4 * 100, 1),
            rate,
            len(pos),
            len(neg),
            len(missed_idx),
            n,
            confidence,
            tuple(raised),
            tuple(lowered),
        )

    def _critical(self, call_pairs, preds) -> list[ReviewFlag]:
        flags = []
        texts = [(normalize(a, "match"), normalize(a, "match_ascii")) for _, a, _ in call_pairs]
        for cb in self.rubric.critical_behaviours:
            plain, folded = cb.compiled_patterns(), cb.compiled_patterns(ascii_folded=True)
            hit: int | None = None
            for i, (tr, asc) in enumerate(texts):
                if any(p.search(tr) for p in plain) or any(p.search(asc) for p in folded):
                    hit = i
                    break
                rule = cb.skill_label
                if rule is not None and preds[i].labels.get(rule.skill) == rule.label:
                    if preds[i].probs[rule.skill][rule.label + 1] >= rule.min_prob:
                        hit = i
                        break
            if hit is not None:
                turn_index = call_pairs[hit][2]
                flags.append(ReviewFlag(f"critical:{cb.key}", f"Kritik davranış: {cb.name}", cb.action, turn_index))
        return flags

    def _feedback(self, skills: dict[str, SkillScore]) -> list[Feedback]:
        out: list[Feedback] = []
        ranked = sorted((s for s in skills.values() if s.applicable), key=lambda s: (-(s.level or 0), s.key))
        for s in ranked:
            if len([f for f in out if f.kind == "strength"]) >= 3 or not s.raised or (s.level or 0) < 4:
                continue
            e = s.raised[0]
            tips = self.rubric.skill(s.key).tips_for("strength")
            out.append(
                Feedback(
                    "strength",
                    s.key,
                    s.name,
                    e.turn_index,
                    e.text,
                    f"{s.name}: bu yanıt, bu becerinin güçlü bir örneği.",
                    tips[0].advice if tips else None,
                )
            )
        for s in sorted((s for s in skills.values() if s.applicable), key=lambda s: (s.level or 5, s.key)):
            if len([f for f in out if f.kind == "improvement"]) >= 3:
                break
            if not s.lowered or (s.level or 5) > 3:
                continue
            e = s.lowered[0]
            when = "missing" if e.missed else "violation"
            tips = self.rubric.skill(s.key).tips_for(when) or self.rubric.skill(s.key).tips_for("violation")
            suggestion = None
            message = f"{s.name}: bu yanıt puanı düşürdü."
            if tips:
                examples = tips[0].suggestions()
                suggestion = examples[e.turn_index % len(examples)] if examples else None
                message = f"{s.name}: {tips[0].advice}"
            out.append(Feedback("improvement", s.key, s.name, e.turn_index, e.text, message, suggestion))
        return out

    def _report(self, t: Transcript, eligible: bool, reason: str | None, call_pairs, preds) -> CallReport:
        rubric = self.rubric
        base = dict(
            call_id=t.call_id,
            agent_id=t.agent_id,
            team=t.team,
            channel=t.channel.value,
            started_at=t.started_at.isoformat() if t.started_at else None,
            rubric_id=rubric.id,
            rubric_fingerprint=rubric.fingerprint,
            turns=t.turns,
            model=str(getattr(self.classifier, "path", "") or "") or None,
        )
        timing = timing_metrics(t)
        if not eligible:
            return CallReport(
                eligible=False,
                ineligible_reason=reason,
                skills={},
                overall=None,
                passed=None,
                confidence=None,
                flags=(),
                feedback=(),
                script=None,
                timing=timing,
                **base,
            )
        skills = {s.key: self._skill_score(s, t, call_pairs, preds) for s in rubric.skills}
        applicable = [k for k, s in skills.items() if s.applicable]
        weights = rubric.weights_for(applicable) if applicable else {}
        overall = sum(weights[k] * skills[k].score for k in applicable) if applicable else None
        confidence = sum(weights[k] * skills[k].confidence for k in applicable) if applicable else None
        script = check_script(t, rubric) if rubric.script else None
        flags: list[ReviewFlag] = []
        if script is not None:
            for key in script.missing_required:
                item = rubric.script_item(key)
                if overall is not None:
                    overall = max(0.0, overall - item.weight)
                flags.append(ReviewFlag(f"script:{key}", f"Zorunlu ifade eksik: {item.name}"))
            for violation in script.order_violations:
                flags.append(ReviewFlag("script:order", f"Sıra hatası: {violation}"))
        flags += self._critical(call_pairs, preds)
        for s in skills.values():
            if s.applicable and (s.confidence < rubric.review.low_confidence):
                flags.append(
                    ReviewFlag(f"low_confidence:{s.key}", f"{s.name} için model emin değil (güven {s.confidence:.0%})")
                )
        levels = [s.level for s in skills.values() if s.level is not None]
        if levels and max(levels) - min(levels) >= rubric.review.skill_gap:
            flags.append(
                ReviewFlag(
                    "skill_gap", f"Beceriler arasında büyük fark: en yüksek {max(levels)}, en düşük {min(levels)}"
                )
            )
        if timing is not None:
            for tf in timing_flags(timing, rubric.review.timing):
                flags.append(_timing_flag(tf))
        failed = any(f.severity == "fail" for f in flags) or any(
            skills[k].level == 1 for k in rubric.critical_skills if k in skills
        )
        passed = None if overall is None else (not failed and overall >= rubric.scoring.pass_mark)
        return CallReport(
            eligible=True,
            ineligible_reason=None,
            skills=skills,
            overall=None if overall is None else round(overall, 1),
            passed=passed,
            confidence=confidence,
            flags=tuple(flags),
            feedback=tuple(self._feedback(skills)),
            script=script,
            timing=timing,
            **base,
        )


def _timing_flag(tf: TimingFlag) -> ReviewFlag:
    return ReviewFlag(f"timing:{tf.key}", tf.message)
