"""A role-play drill: :class:`DrillSession` plays the customer of a :class:`~qa_scoring.drills.Scenario`.

    from qa_scoring import TurnClassifier
    from qa_scoring.drills import DrillSession, load_scenarios

    scenario = load_scenarios()["kargo-gecikme"]
    session = DrillSession(scenario, TurnClassifier.from_pretrained(), trainee="elif", seed=7)
    session.customer_line                      # the customer's opening line
    r = session.reply("Çok haklısınız, beklemek gerçekten can sıkıcı; sipariş numaranızı alabilir miyim?")
    r.chips, r.tip, r.mood_after, r.customer_line
    ...
    summary = session.summary()                # DrillSummary, .to_dict() for the store

After each trainee reply the classifier labels the reply (read with the customer's line before it) for the five
skills, one pair per call. The labels move the customer's mood (:data:`CALM_WEIGHTS`, :data:`ANGER_WEIGHTS`,
scaled by the difficulty), the scenario's advance rule moves the stage on, and the customer's next line is picked
for the new mood and stage. The drill ends when the problem is solved (``resolved``), when the customer gives up
(``escalated``) or after the scenario's ``max_turns`` replies (``turn_limit``). Trainee text is redacted before
anything is classified or kept.
"""

from __future__ import annotations

import logging
import math
import random
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import ModelError, QAScoringError
from ..normalize import normalize
from ..redact import redact_text
from ..rubric import Rubric
from ..scoring import DISTRESS_THRESHOLD, TurnLabeller
from .feedback import as_suggestion, choose_phrasing, join_tr, pick_tip
from .matching import NormalizedText, find_phrase, is_question, normalized
from .mood import Mood
from .scenario import DIFFICULTIES, AdvanceRule, Resolution, Scenario
from .summary import OUTCOME_NAMES_TR, DrillSummary, build_summary

logger = logging.getLogger(__name__)

__all__ = [
    "ANGER_WEIGHTS",
    "CALM_WEIGHTS",
    "CHIP_WORDS_TR",
    "DIFFICULTY_FACTORS",
    "OUTCOME_NAMES_TR",
    "DrillError",
    "DrillReply",
    "DrillSession",
    "SkillChip",
    "mood_delta",
]

CALM_WEIGHTS: Mapping[str, float] = {
    "empathy": 0.6,
    "respect": 0.4,
    "positive_tone": 0.3,
    "active_listening": 0.3,
    "patience": 0.25,
}
"""How much a +1 label on each skill calms the customer (mood units, before the difficulty factor)."""

ANGER_WEIGHTS: Mapping[str, float] = {
    "respect": 0.9,
    "empathy": 0.7,
    "patience": 0.7,
    "positive_tone": 0.5,
    "active_listening": 0.25,
}
"""How much a -1 label on each skill angers the customer."""

MISSED_EMPATHY_WEIGHT = 0.3
"""Anger added (times the distress probability) when a distress moment is answered without empathy."""
REPEAT_WEIGHT = 0.3
"""Anger added when the trainee sends the same reply again (the customer notices a canned answer)."""
MAX_CALM_STEP = 1.0
"""One reply calms the customer by at most one mood level."""
MAX_ANGER_STEP = 1.25
"""One reply angers the customer by at most this much (a single rude reply can jump one level, rarely two)."""

DIFFICULTY_FACTORS: Mapping[str, tuple[float, float]] = {
    "kolay": (1.25, 0.75),
    "orta": (1.0, 1.0),
    "zor": (0.85, 1.25),
}
"""difficulty → (factor on calming, factor on angering)."""

CHIP_WORDS_TR: Mapping[str, str] = {"good": "güçlü", "neutral": "nötr", "warn": "dikkat", "missed": "fırsat kaçtı"}
"""Word on a skill chip for each status."""


class DrillError(QAScoringError, ValueError):
    """A reply the session cannot take (empty, or the drill has already ended).

    Attributes:
        message_tr: The same problem in Turkish, for the trainee.
    """

    def __init__(self, message: str, message_tr: str):
        self.message_tr = message_tr
        super().__init__(message)


@dataclass(frozen=True)
class SkillChip:
    """One skill's label for one reply, as the app shows it ("Empati: güçlü").

    Attributes:
        key: Skill key.
        name: Turkish skill name ("Empati").
        label: -1, 0 or +1.
        text_tr: "Empati: güçlü" / "Saygı: dikkat" / "Sabır: nötr" / "Empati: fırsat kaçtı".
        status: ``good`` (+1), ``neutral`` (0), ``warn`` (-1) or ``missed`` (a distress moment answered without
            empathy) — for colouring.
        probability: The model's probability of ``label``.
    """

    key: str
    name: str
    label: int
    text_tr: str
    status: str
    probability: float

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "probability": round(self.probability, 4)}


@dataclass(frozen=True)
class DrillReply:
    """What happened after one trainee reply.

    Attributes:
        turn: 1 for the trainee's first reply.
        text: The reply as kept (redacted).
        redactions: How many personal-data items were masked in it.
        customer_before: The customer line the trainee answered.
        labels: skill → -1/0/+1.
        probs: skill → (p(-1), p(0), p(+1)).
        distress: Probability that the customer's line expressed distress.
        distress_moment: Whether empathy was required here (distress model or the rubric's distress cues).
        chips: One :class:`SkillChip` per rubric skill, in rubric order.
        tip: One Turkish line: a better phrasing for the weakest skill ("Şöyle deneyebilirsiniz: “…”"), taken from
            the scenario's ``better`` phrasings for the stage the reply was given in (the rubric's examples when it
            has none), or praise when nothing went wrong.
        tip_skill: The skill the tip is about (``None`` for general praise).
        advice: The rubric's longer advice behind the tip, if any.
        mood_before / mood_after: The customer's mood before and after the reply.
        stage_before / stage_after: Stage keys before and after the reply.
        advanced: Whether the reply moved the conversation to the next stage.
        customer_line: The customer's next line; when the drill ended, their last words (or ``None``).
        ended: Whether the drill is over.
        outcome: ``resolved``, ``escalated``, ``turn_limit`` or ``None`` while the drill goes on.
        latency_ms: Time to process the reply (classifier call included), in milliseconds.
    """

    turn: int
    text: str
    redactions: int
    customer_before: str
    labels: Mapping[str, int]
    probs: Mapping[str, tuple[float, float, float]]
    distress: float
    distress_moment: bool
    chips: tuple[SkillChip, ...]
    tip: str
    tip_skill: str | None
    advice: str | None
    mood_before: Mood
    mood_after: Mood
    stage_before: str
    stage_after: str
    advanced: bool
    customer_line: str | None
    ended: bool
    outcome: str | None
    latency_ms: float

    @property
    def outcome_tr(self) -> str | None:
        """Turkish outcome name, or ``None`` while the drill goes on."""
        return OUTCOME_NAMES_TR.get(self.outcome) if self.outcome else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "text": self.text,
            "redactions": self.redactions,
            "customer_before": self.customer_before,
            "labels": dict(self.labels),
            "probs": {k: [round(p, 4) for p in v] for k, v in self.probs.items()},
            "distress": round(self.distress, 4),
            "distress_moment": self.distress_moment,
            "chips": [c.to_dict() for c in self.chips],
            "tip": self.tip,
            "tip_skill": self.tip_skill,
            "advice": self.advice,
            "mood_before": self.mood_before.key,
            "mood_after": self.mood_after.key,
            "stage_before": self.stage_before,
            "stage_after": self.stage_after,
            "advanced": self.advanced,
            "customer_line": self.customer_line,
            "ended": self.ended,
            "outcome": self.outcome,
            "latency_ms": round(self.latency_ms, 1),
        }


def mood_delta(
    labels: Mapping[str, int],
    probs: Mapping[str, Sequence[float]],
    distress_moment: bool,
    distress: float,
    difficulty: str = "orta",
) -> float:
    """How much one reply moves the customer's anger (negative calms, positive angers), in mood levels.

    Each +1 label calms by its :data:`CALM_WEIGHTS` weight and each -1 label angers by its :data:`ANGER_WEIGHTS`
    weight, both times the model's probability of that label (an unsure label moves the customer less). A distress
    moment answered with empathy 0 adds :data:`MISSED_EMPATHY_WEIGHT` times the distress probability. Calming and
    angering are scaled by :data:`DIFFICULTY_FACTORS` and the result is clipped to
    [-:data:`MAX_CALM_STEP`, :data:`MAX_ANGER_STEP`].
    """
    calm_factor, anger_factor = DIFFICULTY_FACTORS[difficulty]
    calm = anger = 0.0
    for key, label in labels.items():
        p = _prob(probs, key, label)
        if label > 0:
            calm += CALM_WEIGHTS.get(key, 0.0) * p
        elif label < 0:
            anger += ANGER_WEIGHTS.get(key, 0.0) * p
    if distress_moment and labels.get("empathy", 0) == 0:
        anger += MISSED_EMPATHY_WEIGHT * max(distress, 0.5)
    delta = anger * anger_factor - calm * calm_factor
    return max(-MAX_CALM_STEP, min(MAX_ANGER_STEP, delta))


def _prob(probs: Mapping[str, Sequence[float]], key: str, label: int) -> float:
    try:
        p = float(probs[key][label + 1])
    except (KeyError, IndexError, TypeError, ValueError):
        return 1.0
    return p if math.isfinite(p) else 1.0


def _mood_for(anger: float) -> Mood:
    """The mood for a continuous anger value: the nearest level, halfway points going to the calmer one."""
    return Mood(max(0, min(3, math.ceil(anger - 0.5))))


@dataclass
class _Turn:
    speaker: str
    text: str
    mood: Mood | None = None
    reply: DrillReply | None = None


class DrillSession:
    """One role-play drill against a scenario's simulated customer.

    Args:
        scenario: The scenario to play.
        classifier: Anything with ``skills`` and ``predict(list of (customer, agent) pairs)`` returning objects
            with ``labels``, ``probs`` and ``distress`` (:class:`~qa_scoring.model.classifier.TurnClassifier`, or
            ``tests.fakes.FakeClassifier``).
        rubric: Scorecard for tips and the summary (default: the built-in default rubric).
        trainee: Who is practising (a username, or an object with ``username``); kept in the summary.
        seed: Makes the customer's choice of lines reproducible; ``None`` draws a random seed (see :attr:`seed`).
        difficulty: Overrides the scenario's difficulty (``kolay``, ``orta``, ``zor``).

    Raises:
        ModelError: If the classifier does not predict every skill of the rubric.
        ValueError: If ``difficulty`` is unknown.
    """

    def __init__(
        self,
        scenario: Scenario,
        classifier: TurnLabeller,
        rubric: Rubric | None = None,
        trainee: Any = None,
        seed: int | str | None = None,
        difficulty: str | None = None,
    ):
        self.scenario = scenario
        self.classifier = classifier
        self.rubric = rubric or Rubric.default()
        missing = [k for k in self.rubric.skill_keys if k not in classifier.skills]
        if missing:
            raise ModelError(
                f"rubric '{self.rubric.id}' scores {missing}, but the model only predicts {list(classifier.skills)}; "
                "use a rubric without those skills or a model trained for them"
            )
        if difficulty is not None and difficulty not in DIFFICULTIES:
            raise ValueError(f"unknown difficulty {difficulty!r} → use one of: {', '.join(DIFFICULTIES)}")
        self.difficulty: str = difficulty or scenario.difficulty
        self.trainee: str | None = _trainee_name(trainee)
        self.seed: int | str = seed if seed is not None else secrets.randbits(32)
        self._rng = random.Random(f"{self.seed}:{scenario.id}")
        # a separate stream for the scenario's better phrasings, so tips never change the customer's lines
        self._tip_rng = random.Random(f"{self.seed}:{scenario.id}:better")
        self._phrasings_used: set[str] = set()
        self._last_phrasing: str | None = None
        self._anger = float(scenario.starting_mood)
        self._mood = scenario.starting_mood
        self._stage_index = 0
        self._furious_streak = 0
        self._outcome: str | None = None
        self._customer_line: str | None = scenario.opening
        self._said: set[str] = {scenario.opening}
        self._turns: list[_Turn] = [_Turn("customer", scenario.opening, scenario.starting_mood)]
        self._replies: list[DrillReply] = []
        self._mood_path: list[Mood] = [scenario.starting_mood]
        self.started_at = datetime.now().astimezone()
        self.ended_at: datetime | None = None
        empathy = next((s for s in self.rubric.skills if s.key == "empathy"), None)
        self._distress_cues = (
            [re.compile(c) for c in empathy.evidence.distress_cues]
            if empathy is not None and empathy.evidence.applies_when == "distress"
            else []
        )

    # ------------------------------------------------------------------------------------------- state

    @property
    def customer_line(self) -> str | None:
        """The customer's current line (the opening at first; their last words, or ``None``, once ended)."""
        return self._customer_line

    @property
    def mood(self) -> Mood:
        """The customer's current mood."""
        return self._mood

    @property
    def anger(self) -> float:
        """The customer's anger on a continuous 0–3 scale (the mood is its rounded value), for a gauge."""
        return self._anger

    @property
    def stage(self) -> str:
        """Key of the current stage."""
        return self.scenario.stages[self._stage_index].key

    @property
    def stage_name(self) -> str:
        """Turkish name of the current stage."""
        return self.scenario.stages[self._stage_index].name

    @property
    def stage_index(self) -> int:
        """Position of the current stage (0 = first)."""
        return self._stage_index

    @property
    def turn(self) -> int:
        """Number of trainee replies so far."""
        return len(self._replies)

    @property
    def turns_left(self) -> int:
        """Replies left before the turn limit."""
        return max(0, self.scenario.max_turns - self.turn)

    @property
    def history(self) -> list[tuple[str, str]]:
        """The conversation so far as ``(speaker, text)`` pairs, speaker ``customer`` or ``agent`` (the trainee;
        text redacted)."""
        return [(t.speaker, t.text) for t in self._turns]

    @property
    def replies(self) -> list[DrillReply]:
        """Every :class:`DrillReply` so far, in order."""
        return list(self._replies)

    @property
    def mood_path(self) -> list[Mood]:
        """The starting mood, then the mood after each reply."""
        return list(self._mood_path)

    @property
    def finished(self) -> bool:
        """Whether the drill has ended."""
        return self._outcome is not None

    @property
    def outcome(self) -> str | None:
        """``resolved``, ``escalated``, ``turn_limit``, or ``None`` while the drill goes on."""
        return self._outcome

    # ------------------------------------------------------------------------------------------- reply

    def reply(self, text: str) -> DrillReply:
        """Take the trainee's reply and let the customer react.

        Args:
            text: What the trainee says (personal data is redacted before anything is classified or kept).

        Returns:
            The reply's labels, skill chips, tip, the customer's mood and next line, and whether the drill ended.

        Raises:
            DrillError: If the drill has ended or ``text`` is empty.
            TypeError: If ``text`` is not a string.
        """
        if not isinstance(text, str):
            raise TypeError(f"reply() expected a str, found {type(text).__name__}")
        if self.finished:
            raise DrillError(
                f"the drill has already ended ({self._outcome}); start a new DrillSession",
                "Bu alıştırma bitti; yeni bir alıştırma başlatın.",
            )
        if not text.strip():
            raise DrillError("the reply is empty; type what you would say", "Lütfen müşteriye bir yanıt yazın.")
        t0 = time.perf_counter()
        red = redact_text(text.strip())
        safe = red.text
        customer = self._customer_line or ""
        pred = self.classifier.predict([(customer, safe)])[0]
        keys = self.rubric.skill_keys
        labels = {k: int(pred.labels[k]) for k in keys}
        probs = {k: tuple(float(p) for p in pred.probs[k]) for k in keys}
        distress = float(pred.distress)
        moment = bool(customer.strip()) and (
            distress >= DISTRESS_THRESHOLD or any(c.search(normalize(customer, "match")) for c in self._distress_cues)
        )
        norm = normalized(safe)
        turn = self.turn + 1
        stage_before = self.stage
        mood_before = self._mood

        # mood
        delta = mood_delta(labels, probs, moment, distress, self.difficulty)
        if any(r.text == safe for r in self._replies):
            delta = min(MAX_ANGER_STEP, delta + REPEAT_WEIGHT * DIFFICULTY_FACTORS[self.difficulty][1])
        self._anger = max(0.0, min(3.0, self._anger + delta))
        self._mood = _mood_for(self._anger)
        self._furious_streak = self._furious_streak + 1 if self._mood is Mood.FURIOUS else 0

        # stage, ending
        stage_index_before = self._stage_index
        stage = self.scenario.stages[self._stage_index]
        advanced = False
        if (
            stage.advance is not None
            and self._mood <= stage.advance.max_mood
            and self._rule_met(stage.advance, norm, labels)
        ):
            self._stage_index += 1
            advanced = True
        outcome = self._ending(norm, labels, turn, stage_index_before)
        self._outcome = outcome

        # customer's next line
        if outcome == "resolved":
            line = self._pick(self.scenario.resolution.lines[self._mood])
        elif outcome == "escalated":
            line = self._pick(self.scenario.escalation.lines)
        elif outcome == "turn_limit":
            line = self._pick(self.scenario.turn_limit_lines) if self.scenario.turn_limit_lines else None
        else:
            line = self._pick(self.scenario.stages[self._stage_index].lines[self._mood])
        self._customer_line = line

        chips = self._chips(labels, probs, moment)
        tip, tip_skill, advice = self._tip(labels, probs, moment, norm, turn, stage_before)
        latency = (time.perf_counter() - t0) * 1000
        reply = DrillReply(
            turn=turn,
            text=safe,
            redactions=red.total,
            customer_before=customer,
            labels=labels,
            probs=probs,
            distress=distress,
            distress_moment=moment,
            chips=chips,
            tip=tip,
            tip_skill=tip_skill,
            advice=advice,
            mood_before=mood_before,
            mood_after=self._mood,
            stage_before=stage_before,
            stage_after=self.stage,
            advanced=advanced,
            customer_line=line,
            ended=outcome is not None,
            outcome=outcome,
            latency_ms=latency,
        )
        self._replies.append(reply)
        self._mood_path.append(self._mood)
        self._turns.append(_Turn("agent", safe, reply=reply))
        if line is not None:
            self._turns.append(_Turn("customer", line, self._mood))
        if outcome is not None:
            self.ended_at = datetime.now().astimezone()
            logger.info("Drill %s ended: %s after %d replies", self.scenario.id, outcome, turn)
        return reply

    @property
    def turns(self) -> list[dict[str, Any]]:
        """The conversation for display and storage: dicts with ``speaker`` (``customer``/``agent``) and ``text``
        (redacted); customer lines also carry ``mood`` (key), replies ``turn`` and ``labels``."""
        out: list[dict[str, Any]] = []
        for t in self._turns:
            if t.reply is None:
                out.append({"speaker": t.speaker, "text": t.text, "mood": t.mood.key if t.mood else None})
            else:
                out.append({"speaker": t.speaker, "text": t.text, "turn": t.reply.turn, "labels": dict(t.reply.labels)})
        return out

    def summary(self) -> DrillSummary:
        """The drill's scorecard; may be called before the end (then ``outcome`` is ``None`` and ``ended_at`` is
        now)."""
        return build_summary(self)

    # ------------------------------------------------------------------------------------------ internals

    @staticmethod
    def _rule_met(rule: AdvanceRule | Resolution, norm: NormalizedText, labels: Mapping[str, int]) -> bool:
        if find_phrase(norm, rule.phrases):
            return True
        if any(labels.get(k, 0) > 0 for k in rule.skills):
            return True
        return bool(getattr(rule, "question", False)) and is_question(norm)

    def _ending(self, norm: NormalizedText, labels: Mapping[str, int], turn: int, stage_index: int) -> str | None:
        """The outcome after a reply given in stage ``stage_index`` (the stage the customer's line belonged to):
        escalation first, then resolution, then the turn limit."""
        esc = self.scenario.escalation
        if esc.phrases and find_phrase(norm, esc.phrases):
            return "escalated"
        if self._furious_streak >= esc.furious_replies:
            return "escalated"
        res = self.scenario.resolution
        if (
            stage_index >= self.scenario.resolution_stage_index
            and self._mood <= res.max_mood
            and self._rule_met(res, norm, labels)
        ):
            return "resolved"
        if turn >= self.scenario.max_turns:
            return "turn_limit"
        return None

    def _pick(self, lines: Sequence[str]) -> str:
        """Pick a line not said yet (else any but the last one), reproducibly for the session's seed."""
        fresh = [ln for ln in lines if ln not in self._said]
        if not fresh:
            last = self._customer_line
            fresh = [ln for ln in lines if ln != last] or list(lines)
        line = fresh[self._rng.randrange(len(fresh))]
        self._said.add(line)
        return line

    def _chips(self, labels, probs, moment: bool) -> tuple[SkillChip, ...]:
        chips = []
        for skill in self.rubric.skills:
            label = labels[skill.key]
            if label > 0:
                status = "good"
            elif label < 0:
                status = "warn"
            elif skill.key == "empathy" and moment:
                status = "missed"
            else:
                status = "neutral"
            chips.append(
                SkillChip(
                    skill.key,
                    skill.name,
                    label,
                    f"{skill.name}: {CHIP_WORDS_TR[status]}",
                    status,
                    _prob(probs, skill.key, label),
                )
            )
        return tuple(chips)

    def _tip(
        self, labels, probs, moment: bool, norm: NormalizedText, turn: int, stage: str
    ) -> tuple[str, str | None, str | None]:
        weights = self.rubric.weights
        violations = [k for k in self.rubric.skill_keys if labels[k] < 0]
        if violations:
            worst = max(violations, key=lambda k: (weights[k] * _prob(probs, k, -1), -self.rubric.skill_keys.index(k)))
            return self._skill_tip(worst, "violation", norm, turn, stage)
        if moment and "empathy" in labels and labels["empathy"] == 0:
            return self._skill_tip("empathy", "missing", norm, turn, stage)
        strengths = [k for k in self.rubric.skill_keys if labels[k] > 0]
        if strengths:
            names = [self.rubric.skill(k).name for k in strengths]
            top = max(strengths, key=lambda k: (weights[k], -self.rubric.skill_keys.index(k)))
            picked = pick_tip(self.rubric.skill(top), "strength", None, turn)
            praise = f"Güzel yanıt: {join_tr(names)} güçlüydü."
            if picked is not None:
                return f"{praise} {picked[0].advice}", None, picked[0].advice
            return praise, None, None
        # nothing shown, nothing violated: suggest the next skill to show, rotating through the heavy ones
        candidates = [k for k in self.rubric.skill_keys if not (k == "empathy" and not moment)]
        candidates.sort(key=lambda k: -weights[k])
        return self._skill_tip(candidates[(turn - 1) % len(candidates)], "missing", norm, turn, stage)

    def _skill_tip(
        self, key: str, when: str, norm: NormalizedText, turn: int, stage: str
    ) -> tuple[str, str | None, str | None]:
        """The tip about ``key`` for a reply given in ``stage``: one of the scenario's better phrasings for that
        stage and skill (:meth:`Scenario.better_for`) when it has any, else a rubric example; the advice always
        comes from the rubric tip that fits the reply best."""
        skill = self.rubric.skill(key)
        picked = pick_tip(skill, when, norm if when == "violation" else None, turn - 1)
        advice = picked[0].advice if picked is not None else None
        phrasings = self.scenario.better_for(stage, key)
        if phrasings:
            phrasing = choose_phrasing(phrasings, self._tip_rng, self._phrasings_used, self._last_phrasing)
            self._phrasings_used.add(phrasing)
            self._last_phrasing = phrasing
            return f"{skill.name} — {as_suggestion(phrasing)}", key, advice
        if picked is None:
            return f"{skill.name}: bu beceriye dikkat edin.", key, None
        self._last_phrasing = None
        return f"{skill.name} — {picked[1]}", key, advice


def _trainee_name(trainee: Any) -> str | None:
    if trainee is None or isinstance(trainee, str):
        return trainee
    name = getattr(trainee, "username", None)
    return str(name) if name is not None else str(trainee)
