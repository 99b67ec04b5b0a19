"""Rubrics: how turn labels become a 1–5 score per skill, plus script checks and critical behaviours.

A rubric is a YAML file (format in ``docs/rubric-format.md``). The built-in rubrics live in
``qa_scoring/resources/*.yaml`` (the source of truth, shipped with the package); ``rubrics/`` at the
repository root holds byte-identical copies for users to copy and edit.

Typical use::

    rubric = Rubric.load("default")            # or "tahsilat", or a path to a YAML file
    skill = rubric.skill("respect")
    rate = skill.evidence.net_rate(positive=4, negative=1, total=12)
    level = skill.level_for(rate)              # 1..5
    skill.level_name(level)                    # "Yeterli"

Every problem in a file is reported at once, as one :class:`~qa_scoring.errors.RubricError` whose message
lists ``field path: problem → fix`` lines.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import math
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import FieldError, RubricError
from .skills import LABELS, SKILL_KEYS, SKILL_NAMES_TR
from .turkish import fold_key, turkish_lower

logger = logging.getLogger(__name__)

__all__ = [
    "CriticalBehaviour",
    "Eligibility",
    "Evidence",
    "Level",
    "Review",
    "Rubric",
    "ScriptItem",
    "Scoring",
    "Skill",
    "SkillLabelRule",
    "Timing",
    "Tip",
    "check_skills",
    "list_builtin_rubrics",
]

LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)
"""The five levels every skill is scored on."""

DEFAULT_WITHIN_TURNS = 3
"""Window of a ``start``/``end`` script item when ``within_turns`` is not given."""

SUGGESTION_PREFIX = "Şöyle deneyebilirsiniz:"
"""How a better phrasing is introduced to the trainee (see :meth:`Tip.suggestions`)."""

_RESOURCE_PACKAGE = "qa_scoring.resources"
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PREFIX_RE = re.compile(r"^\s*(şöyle|söyle|soyle)\s+deneyebilirsiniz\s*:?\s*", re.IGNORECASE)

NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, pattern=_SLUG_RE.pattern)]


class _Problems(ValueError):
    """One or more validation problems found by a validator, each with a path relative to the validated value.

    Pydantic wraps this into a ``value_error``; :func:`_problems_from_validation_error` unpacks it so that
    every problem is reported with its full field path (``skills[2].levels`` rather than just ``skills[2]``).
    """

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" if p else m for p, m in problems))


def _did_you_mean(value: str, options: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest option, or ``""`` if nothing is close."""
    options = list(options)
    folded = {fold_key(o): o for o in options}
    match = difflib.get_close_matches(fold_key(str(value)), list(folded), n=1, cutoff=0.6)
    return f" Did you mean '{folded[match[0]]}'?" if match else ""


def _fmt_num(value: float) -> str:
    """Format a number without a needless ``.0`` (25.0 → "25", 12.5 → "12.5")."""
    return f"{value:g}"


class _Model(BaseModel):
    """Base for all rubric models: immutable, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------------------------------- skills


class Level(_Model):
    """One of the five levels of a skill.

    Attributes:
        level: 1 (lowest) to 5 (highest).
        name: Short Turkish name shown in reports, e.g. "Yeterli".
        anchor: A behavioural Turkish sentence describing what an agent at this level does.
    """

    level: int = Field(ge=1, le=5)
    name: NonEmptyStr
    anchor: NonEmptyStr


class Evidence(_Model):
    """How the turn labels of one skill become a level (the ``net_rate`` rule).

    For the turns considered (all agent turns, or for ``applies_when: distress`` the agent replies to distress
    moments plus any turn labelled -1), with ``P`` turns labelled +1, ``N`` labelled -1 and ``M`` missed
    opportunities (distress answered with 0) among ``n`` turns::

        net_rate = clip((P - negative_weight * N - missed_weight * M) / n, -1, 1)

    The level is 1 below ``thresholds[0]``, 2 from ``thresholds[0]``, 3 from ``thresholds[1]``, 4 from
    ``thresholds[2]`` and 5 from ``thresholds[3]`` (a rate equal to a cut point gets the higher level).
    With fewer than ``min_turns`` turns considered the level is reported with low confidence.

    Attributes:
        method: Always ``net_rate`` for now.
        negative_weight: How many positives one violation cancels (default 2).
        missed_weight: Weight of a missed opportunity (distress moment answered with label 0); only used with
            ``applies_when: distress``.
        thresholds: Four strictly increasing cut points in [-1, 1] between levels 1|2, 2|3, 3|4 and 4|5.
        min_turns: Fewer turns considered than this → low confidence.
        applies_when: ``always``, or ``distress`` (judged only where the customer voices a negative feeling
            or hardship; no such moment → not applicable).
        distress_cues: Lower-case Turkish regexes over the customer's normalised text that mark a distress
            moment (used together with, or instead of, a customer-sentiment model).
    """

    method: Literal["net_rate"] = "net_rate"
    negative_weight: float = Field(default=2.0, ge=1, le=10)
    missed_weight: float = Field(default=1.0, ge=0, le=10)
    thresholds: tuple[float, ...]
    min_turns: int = Field(default=3, ge=1)
    applies_when: Literal["always", "distress"] = "always"
    distress_cues: tuple[NonEmptyStr, ...] = ()

    @field_validator("thresholds")
    @classmethod
    def _check_thresholds(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        problems: list[tuple[str, str]] = []
        if len(value) != 4:
            raise _Problems(
                [
                    (
                        "",
                        f"needs exactly 4 cut points (between levels 1|2, 2|3, 3|4, 4|5), found {len(value)} "
                        "→ write e.g. thresholds: [-0.2, 0.0, 0.15, 0.35]",
                    )
                ]
            )
        for i, t in enumerate(value):
            if not math.isfinite(t) or not -1 <= t <= 1:
                problems.append((f"[{i}]", f"{t} is outside [-1, 1] → net rates lie between -1 and 1"))
        for i in range(1, 4):
            if value[i] <= value[i - 1]:
                shown = ", ".join(_fmt_num(t) for t in value)
                problems.append(
                    (
                        f"[{i}]",
                        f"thresholds must increase strictly, found [{shown}] ({_fmt_num(value[i])} is not "
                        f"greater than {_fmt_num(value[i - 1])}) → order the cut points from the 1|2 "
                        "boundary up to the 4|5 boundary",
                    )
                )
        if problems:
            raise _Problems(problems)
        return value

    @field_validator("distress_cues")
    @classmethod
    def _check_cues(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        problems = [(f"[{i}]", msg) for i, cue in enumerate(value) if (msg := _regex_problem(cue))]
        if problems:
            raise _Problems(problems)
        return value

    @model_validator(mode="after")
    def _check_distress(self) -> Evidence:
        if self.distress_cues and self.applies_when != "distress":
            raise _Problems(
                [
                    (
                        "distress_cues",
                        "only used with applies_when: distress → remove distress_cues or set applies_when: distress",
                    )
                ]
            )
        return self

    def net_rate(self, positive: int, negative: int, total: int, missed: int = 0) -> float | None:
        """Compute the net rate of a skill over the turns considered.

        Args:
            positive: Turns labelled +1.
            negative: Turns labelled -1.
            total: Turns considered (including neutral ones and missed opportunities).
            missed: Missed opportunities (distress moments answered with label 0); counted only with
                ``applies_when: distress``.

        Returns:
            The rate in [-1, 1], or ``None`` when no turn was considered (the skill is not applicable).

        Raises:
            ValueError: If a count is negative or ``total`` is smaller than the labelled turns.
        """
        if min(positive, negative, total, missed) < 0:
            raise ValueError(f"turn counts must not be negative: {positive=}, {negative=}, {total=}, {missed=}")
        if positive + negative + missed > total:
            raise ValueError(
                f"total ({total}) is smaller than positive + negative + missed ({positive + negative + missed})"
            )
        if total == 0:
            return None
        missed_cost = self.missed_weight * missed if self.applies_when == "distress" else 0.0
        rate = (positive - self.negative_weight * negative - missed_cost) / total
        return max(-1.0, min(1.0, rate))


class Tip(_Model):
    """Feedback shown to the agent for one skill.

    Attributes:
        when: ``violation`` (a turn labelled -1), ``missing`` (the skill was needed but not shown) or
            ``strength`` (a turn labelled +1, to reinforce).
        advice: The advice in Turkish.
        examples: Better phrasings; reports introduce each with "Şöyle deneyebilirsiniz:" (a prefix written
            in the file is removed so it is not shown twice).
    """

    when: Literal["violation", "missing", "strength"]
    advice: NonEmptyStr
    examples: tuple[NonEmptyStr, ...] = Field(min_length=1)

    @field_validator("examples", mode="before")
    @classmethod
    def _strip_prefix(cls, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            return value
        return [_PREFIX_RE.sub("", item).strip("“”\"' ") if isinstance(item, str) else item for item in value]

    def suggestions(self) -> list[str]:
        """Return the examples as the trainee reads them: ``Şöyle deneyebilirsiniz: “…”``."""
        return [f"{SUGGESTION_PREFIX} “{example}”" for example in self.examples]


class Skill(_Model):
    """One scored skill of a rubric.

    Attributes:
        key: One of :data:`qa_scoring.skills.SKILL_KEYS`.
        name: Turkish display name (defaults to the standard one, e.g. "Saygı").
        description: What the skill means in this rubric, in Turkish.
        weight: Share of the call score in percent; all weights of a rubric add up to 100.
        critical: A level 1 on this skill fails the whole call.
        levels: Exactly the levels 1..5, each with a Turkish name and behavioural anchor.
        evidence: How turn labels become a level.
        tips: At least two feedback tips, at least one for ``violation`` or ``missing``.
    """

    key: str
    name: NonEmptyStr
    description: NonEmptyStr
    weight: float = Field(ge=0, le=100)
    critical: bool = False
    levels: tuple[Level, ...]
    evidence: Evidence
    tips: tuple[Tip, ...] = Field(min_length=2)

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "name" not in data and data.get("key") in SKILL_NAMES_TR:
            data = {**data, "name": SKILL_NAMES_TR[data["key"]]}
        return data

    @field_validator("key")
    @classmethod
    def _check_key(cls, value: str) -> str:
        if value in SKILL_KEYS:
            return value
        by_turkish = {fold_key(name): key for key, name in SKILL_NAMES_TR.items()}
        if fold_key(value) in by_turkish:
            hint = f" Did you mean '{by_turkish[fold_key(value)]}'? (keys are English, names are Turkish)"
        else:
            hint = _did_you_mean(value, SKILL_KEYS)
        raise _Problems([("", f"unknown skill key '{value}'.{hint} → use one of: {', '.join(SKILL_KEYS)}")])

    @field_validator("levels")
    @classmethod
    def _check_levels(cls, value: tuple[Level, ...]) -> tuple[Level, ...]:
        problems: list[tuple[str, str]] = []
        seen: dict[int, int] = {}
        for i, level in enumerate(value):
            if level.level in seen:
                problems.append(
                    (
                        f"[{i}].level",
                        f"level {level.level} appears twice (also levels[{seen[level.level]}]) → keep one "
                        "entry per level",
                    )
                )
            seen.setdefault(level.level, i)
        for missing in (lvl for lvl in LEVELS if lvl not in seen):
            problems.append(
                (
                    "",
                    f"level {missing} is missing → add an entry with level: {missing}, name and anchor "
                    "(a skill needs exactly the levels 1, 2, 3, 4, 5)",
                )
            )
        if problems:
            raise _Problems(problems)
        return tuple(sorted(value, key=lambda lv: lv.level))

    @field_validator("tips")
    @classmethod
    def _check_tips(cls, value: tuple[Tip, ...]) -> tuple[Tip, ...]:
        if not any(t.when in ("violation", "missing") for t in value):
            raise _Problems(
                [
                    (
                        "",
                        "all tips are for 'strength' → add at least one tip with when: violation or "
                        "when: missing, so that a low score comes with advice",
                    )
                ]
            )
        return value

    def level_for(self, net_rate: float) -> int:
        """Map a net rate to a level 1..5 using this skill's thresholds.

        Args:
            net_rate: The rate from :meth:`Evidence.net_rate`; values outside [-1, 1] are clipped.

        Returns:
            The level; a rate equal to a cut point gets the higher level.

        Raises:
            ValueError: If ``net_rate`` is not a finite number.
        """
        if isinstance(net_rate, bool) or not isinstance(net_rate, int | float) or not math.isfinite(net_rate):
            raise ValueError(f"net_rate must be a finite number, found {net_rate!r}")
        rate = max(-1.0, min(1.0, float(net_rate)))
        return 1 + sum(1 for t in self.evidence.thresholds if rate >= t)

    def level_name(self, level: int) -> str:
        """Return the Turkish name of ``level`` (1..5), e.g. "Yeterli".

        Raises:
            ValueError: If ``level`` is not 1..5.
        """
        return self._level(level).name

    def level_anchor(self, level: int) -> str:
        """Return the behavioural anchor sentence of ``level`` (1..5).

        Raises:
            ValueError: If ``level`` is not 1..5.
        """
        return self._level(level).anchor

    def tips_for(self, when: str) -> list[Tip]:
        """Return the tips for ``when`` (``violation``, ``missing`` or ``strength``), in file order."""
        return [t for t in self.tips if t.when == when]

    def _level(self, level: int) -> Level:
        for entry in self.levels:
            if entry.level == level:
                return entry
        raise ValueError(f"level must be one of {', '.join(map(str, LEVELS))}, found {level!r}")


# --------------------------------------------------------------------------------------------------- script


class ScriptItem(_Model):
    """A phrase the agent is expected to say (greeting, identity check, KVKK notice, closing…).

    Phrases are matched against the agent's turns with a windowed word error rate after Turkish normalisation;
    any one of them is enough.

    Attributes:
        key: Identifier, e.g. ``greeting``.
        name: Turkish display name.
        description: What the item is for (optional).
        phrases: Acceptable wordings.
        position: ``start`` (within the agent's first ``within_turns`` turns), ``end`` (within the last
            ``within_turns``) or ``anywhere``.
        within_turns: Window for ``start``/``end`` (default 3); not allowed with ``anywhere``.
        max_wer: Highest word error rate still counted as a match (0 = exact, 1 = anything).
        required: A missing required item is reported and costs ``weight``.
        weight: Points subtracted from the 0–100 call score when the item is missing.
        before: Keys of other script items that must come after this one (e.g. identity check before the
            debt is discussed).
    """

    key: Slug
    name: NonEmptyStr
    description: str = ""
    phrases: tuple[NonEmptyStr, ...] = Field(min_length=1)
    position: Literal["start", "end", "anywhere"] = "anywhere"
    within_turns: int | None = Field(default=None, ge=1)
    max_wer: float = Field(default=0.3, ge=0, le=1)
    required: bool = True
    weight: float = Field(default=0.0, ge=0, le=100)
    before: tuple[Slug, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _default_window(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("position") in ("start", "end") and data.get("within_turns") is None:
            data = {**data, "within_turns": DEFAULT_WITHIN_TURNS}
        return data

    @field_validator("phrases")
    @classmethod
    def _check_phrases(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        problems: list[tuple[str, str]] = []
        seen: dict[str, int] = {}
        for i, phrase in enumerate(value):
            if not re.search(r"\w", phrase):
                problems.append((f"[{i}]", f"{phrase!r} has no words → write the wording the agent says"))
                continue
            norm = " ".join(re.findall(r"\w+", fold_key(phrase)))
            if norm in seen:
                problems.append(
                    (f"[{i}]", f"duplicates phrases[{seen[norm]}] after normalisation → remove one of them")
                )
            seen.setdefault(norm, i)
        if problems:
            raise _Problems(problems)
        return value

    @model_validator(mode="after")
    def _check_window(self) -> ScriptItem:
        if self.position == "anywhere" and self.within_turns is not None:
            raise _Problems(
                [
                    (
                        "within_turns",
                        "has no effect with position: anywhere → remove it or set position to start or end",
                    )
                ]
            )
        if self.key in self.before:
            raise _Problems([("before", f"'{self.key}' cannot come before itself → remove it from the list")])
        return self


# --------------------------------------------------------------------------------------- critical behaviours


def _regex_problem(pattern: str) -> str | None:
    """Return a problem description if ``pattern`` is not a usable lower-case regex, else ``None``."""
    try:
        re.compile(pattern)
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        return (
            f"invalid regular expression {pattern!r}: {exc.msg}{where} → fix the regex "
            "(escape ( ) [ ] . ? * + with \\ when you mean the character itself)"
        )
    literal_chars = re.sub(r"\\.", "", pattern)
    if literal_chars != turkish_lower(literal_chars):
        return (
            f"{pattern!r} contains upper-case letters but is matched against lower-cased text, so it can "
            "never match → write it in lower case (Turkish: 'I' → 'ı', 'İ' → 'i')"
        )
    return None


class SkillLabelRule(_Model):
    """Detect a critical behaviour from a skill label predicted with high confidence.

    Attributes:
        skill: A skill key.
        label: The label that triggers (-1, 0 or 1; normally -1).
        min_prob: Lowest model probability of that label that triggers (0 < p ≤ 1).
    """

    skill: str
    label: int
    min_prob: float = Field(default=0.9, gt=0, le=1)

    @field_validator("skill")
    @classmethod
    def _check_skill(cls, value: str) -> str:
        if value not in SKILL_KEYS:
            raise _Problems(
                [
                    (
                        "",
                        f"unknown skill key '{value}'.{_did_you_mean(value, SKILL_KEYS)} → use one of: "
                        f"{', '.join(SKILL_KEYS)}",
                    )
                ]
            )
        return value

    @field_validator("label")
    @classmethod
    def _check_label(cls, value: int) -> int:
        if value not in LABELS:
            raise _Problems([("", f"label must be -1, 0 or 1, found {value} → use -1 for a violation")])
        return value


class CriticalBehaviour(_Model):
    """A behaviour that sends the call to review or fails it outright.

    Attributes:
        key: Identifier, e.g. ``insult``.
        name: Turkish display name, e.g. "Hakaret".
        description: What counts, in Turkish.
        patterns: Lower-case regexes searched in the agent's Turkish-normalised text (see
            :meth:`compiled_patterns`).
        skill_label: Alternatively (or additionally), a skill label predicted with high probability.
        action: ``review`` (flag for a human) or ``fail`` (the call fails).
    """

    key: Slug
    name: NonEmptyStr
    description: NonEmptyStr
    patterns: tuple[NonEmptyStr, ...] = ()
    skill_label: SkillLabelRule | None = None
    action: Literal["review", "fail"] = "review"

    @field_validator("patterns")
    @classmethod
    def _check_patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        problems = [(f"[{i}]", msg) for i, p in enumerate(value) if (msg := _regex_problem(p))]
        if problems:
            raise _Problems(problems)
        return value

    @model_validator(mode="after")
    def _check_detector(self) -> CriticalBehaviour:
        if not self.patterns and self.skill_label is None:
            raise _Problems(
                [
                    (
                        "",
                        "has no way to be detected → add patterns (a list of phrases/regexes) and/or "
                        "skill_label (e.g. {skill: respect, label: -1, min_prob: 0.9})",
                    )
                ]
            )
        return self

    def compiled_patterns(self, ascii_folded: bool = False) -> list[re.Pattern[str]]:
        """Compile the patterns.

        Args:
            ascii_folded: Fold Turkish letters in the patterns to ASCII ("ı" → "i"), for matching text written
                without Turkish letters (which should itself be ASCII-folded first).

        Returns:
            One compiled regex per pattern, in file order.
        """
        from .turkish import ascii_fold

        return [re.compile(ascii_fold(p) if ascii_folded else p) for p in self.patterns]


# ------------------------------------------------------------------------------------ review / eligibility


class Timing(_Model):
    """Timing checks for calls with turn times (all optional; absent → not checked).

    Attributes:
        max_silence_s: Longest acceptable gap between turns, in seconds.
        max_interruptions: Most agent turns that may start before the customer's turn ended.
        agent_talk_share: ``[lo, hi]``: acceptable share of talk time for the agent.
        max_words_per_minute: Fastest acceptable agent speaking rate.
    """

    max_silence_s: float | None = Field(default=None, gt=0)
    max_interruptions: int | None = Field(default=None, ge=0)
    agent_talk_share: tuple[float, float] | None = None
    max_words_per_minute: float | None = Field(default=None, gt=0)

    @field_validator("agent_talk_share")
    @classmethod
    def _check_share(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is not None and not 0 <= value[0] < value[1] <= 1:
            raise _Problems(
                [("", f"must be [lo, hi] with 0 ≤ lo < hi ≤ 1, found {list(value)} → write e.g. [0.3, 0.7]")]
            )
        return value


class Review(_Model):
    """When a scored call is flagged for human review.

    Attributes:
        low_confidence: Flag when the model's confidence in a skill's evidence is below this (0..1).
        skill_gap: Flag when the highest minus the lowest skill level is at least this (1..4).
        timing: Optional timing checks.
    """

    low_confidence: float = Field(default=0.6, ge=0, le=1)
    skill_gap: int = Field(default=3, ge=1, le=4)
    timing: Timing = Timing()


class Eligibility(_Model):
    """Which conversations are scored at all.

    Attributes:
        min_words: Conversations with fewer words in total are skipped (reported as not eligible).
        min_agent_turns: Conversations with fewer agent turns are skipped.
    """

    min_words: int = Field(default=10, ge=0)
    min_agent_turns: int = Field(default=1, ge=0)


class Scoring(_Model):
    """How skill levels add up to a call score.

    Attributes:
        pass_mark: Lowest 0–100 call score that passes.
    """

    pass_mark: float = Field(default=80, ge=0, le=100)


# --------------------------------------------------------------------------------------------------- rubric


class Rubric(_Model):
    """A complete scorecard. Load with :meth:`load`, :meth:`from_yaml` or :meth:`default`.

    Attributes:
        id: Short identifier (lower-case letters, digits, ``-``, ``_``).
        name: Turkish name, e.g. "Genel çağrı merkezi kalite kartı".
        description: Turkish description.
        version: Version string of this rubric (a number in YAML is accepted).
        language: Always ``tr``.
        eligibility: Which conversations are scored.
        scoring: Pass mark.
        skills: The scored skills; weights add up to 100.
        script: Required phrases.
        critical_behaviours: Behaviours that send a call to review or fail it.
        review: When a call is flagged for human review.
    """

    id: Slug
    name: NonEmptyStr
    description: NonEmptyStr
    version: NonEmptyStr
    language: Literal["tr"] = "tr"
    eligibility: Eligibility = Eligibility()
    scoring: Scoring = Scoring()
    skills: tuple[Skill, ...] = Field(min_length=1)
    script: tuple[ScriptItem, ...] = ()
    critical_behaviours: tuple[CriticalBehaviour, ...] = ()
    review: Review = Review()

    @field_validator("version", mode="before")
    @classmethod
    def _version_to_str(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    @model_validator(mode="after")
    def _check_consistency(self) -> Rubric:
        problems: list[tuple[str, str]] = []
        problems += _duplicate_keys("skills", [s.key for s in self.skills])
        problems += _duplicate_keys("script", [s.key for s in self.script])
        problems += _duplicate_keys("critical_behaviours", [c.key for c in self.critical_behaviours])
        total = sum(s.weight for s in self.skills)
        if not math.isclose(total, 100.0, abs_tol=1e-6):
            parts = " + ".join(f"{s.key} {_fmt_num(s.weight)}" for s in self.skills)
            problems.append(
                (
                    "skills",
                    f"skill weights must add up to 100, found {_fmt_num(total)} ({parts}) → adjust the "
                    f"weights by {_fmt_num(100 - total)} in total",
                )
            )
        script_keys = [s.key for s in self.script]
        for i, item in enumerate(self.script):
            for j, other in enumerate(item.before):
                if other not in script_keys:
                    problems.append(
                        (
                            f"script[{i}].before[{j}]",
                            f"no script item has key '{other}'.{_did_you_mean(other, script_keys)} → use one "
                            f"of: {', '.join(script_keys)}",
                        )
                    )
        if problems:
            raise _Problems(problems)
        return self

    # ------------------------------------------------------------------------------------------- helpers

    @property
    def skill_keys(self) -> tuple[str, ...]:
        """The rubric's skill keys, in file order."""
        return tuple(s.key for s in self.skills)

    @property
    def weights(self) -> dict[str, float]:
        """Skill weights normalised to sum to 1, keyed by skill key."""
        return self.weights_for(self.skill_keys)

    def weights_for(self, keys: Iterable[str]) -> dict[str, float]:
        """Weights renormalised over a subset of skills (e.g. without a not-applicable empathy).

        Args:
            keys: Skill keys of this rubric.

        Returns:
            Weights for ``keys`` summing to 1 (equal shares if all of them weigh 0; empty if ``keys`` is).

        Raises:
            KeyError: If a key is not a skill of this rubric.
        """
        chosen = [self.skill(k) for k in dict.fromkeys(keys)]
        total = sum(s.weight for s in chosen)
        if not chosen:
            return {}
        if total <= 0:
            return {s.key: 1 / len(chosen) for s in chosen}
        return {s.key: s.weight / total for s in chosen}

    def skill(self, key: str) -> Skill:
        """Return the skill with ``key``.

        Raises:
            KeyError: If the rubric has no such skill (the message lists the ones it has).
        """
        for s in self.skills:
            if s.key == key:
                return s
        raise KeyError(
            f"rubric '{self.id}' has no skill '{key}'.{_did_you_mean(key, self.skill_keys)} "
            f"Its skills: {', '.join(self.skill_keys)}"
        )

    def script_item(self, key: str) -> ScriptItem:
        """Return the script item with ``key``.

        Raises:
            KeyError: If there is none.
        """
        for item in self.script:
            if item.key == key:
                return item
        raise KeyError(f"rubric '{self.id}' has no script item '{key}'")

    @property
    def critical_skills(self) -> tuple[str, ...]:
        """Keys of skills whose level 1 fails the call."""
        return tuple(s.key for s in self.skills if s.critical)

    def to_dict(self) -> dict[str, Any]:
        """Return the rubric as plain JSON-compatible data (defaults filled in)."""
        return self.model_dump(mode="json")

    @property
    def fingerprint(self) -> str:
        """SHA-256 (hex) of the canonical JSON of :meth:`to_dict`; changes with any value, not with layout."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    # ------------------------------------------------------------------------------------------- loading

    @classmethod
    def from_dict(cls, data: Any, source: str | Path = "<dict>") -> Rubric:
        """Validate already-parsed data.

        Args:
            data: The parsed YAML/JSON mapping.
            source: Name used in error messages (a file path).

        Raises:
            RubricError: Listing every problem as ``field path: problem → fix``.
        """
        if not isinstance(data, Mapping):
            raise RubricError(
                f"the top level must be a mapping of fields (id, name, skills, …), found "
                f"{_type_name(data)} → see docs/rubric-format.md or copy rubrics/default.yaml",
                path=source,
            )
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = _problems_from_validation_error(exc)
            raise RubricError.from_problems(problems, source) from None

    @classmethod
    def from_yaml(cls, path: str | Path) -> Rubric:
        """Read and validate a rubric YAML file.

        Raises:
            RubricError: If the file is missing, not UTF-8, not valid YAML or not a valid rubric.
        """
        path = Path(path)
        if not path.exists():
            raise RubricError(
                f"file not found → give a path to an existing rubric YAML file or a built-in rubric name "
                f"({', '.join(list_builtin_rubrics())})",
                path=path,
            )
        if path.is_dir():
            raise RubricError("is a directory, not a file → give the path of a .yaml file", path=path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise RubricError(f"cannot be read ({exc.strerror}) → check the permissions", path=path) from exc
        rubric = cls._from_bytes(data, source=path)
        logger.debug("Loaded rubric %s (%s) from %s", rubric.id, rubric.version, path)
        return rubric

    @classmethod
    def default(cls) -> Rubric:
        """Return the built-in general rubric (``default``)."""
        return cls.load("default")

    @classmethod
    def load(cls, name_or_path: str | Path) -> Rubric:
        """Load a built-in rubric by name (``default``, ``tahsilat``) or a rubric file by path.

        A string that names an existing file, contains a path separator or ends in ``.yaml``/``.yml`` is
        treated as a path; otherwise as a built-in name.

        Raises:
            RubricError: If no such built-in rubric or file exists, or the rubric is invalid.
        """
        if isinstance(name_or_path, Path):
            return cls.from_yaml(name_or_path)
        text = str(name_or_path)
        looks_like_path = (
            "/" in text or "\\" in text or text.lower().endswith((".yaml", ".yml")) or Path(text).is_file()
        )
        if looks_like_path:
            return cls.from_yaml(text)
        builtins = list_builtin_rubrics()
        if text not in builtins:
            raise RubricError(
                f"no built-in rubric named '{text}'.{_did_you_mean(text, builtins)} → use one of: "
                f"{', '.join(builtins)}, or a path to a rubric YAML file"
            )
        resource = resources.files(_RESOURCE_PACKAGE).joinpath(f"{text}.yaml")
        rubric = cls._from_bytes(resource.read_bytes(), source=f"qa_scoring/resources/{text}.yaml")
        logger.debug("Loaded built-in rubric %s (%s)", rubric.id, rubric.version)
        return rubric

    @classmethod
    def _from_bytes(cls, data: bytes, source: str | Path) -> Rubric:
        parsed = parse_yaml_document(
            data, source, RubricError, "write a rubric (copy rubrics/default.yaml as a starting point)"
        )
        return cls.from_dict(parsed, source=source)


def parse_yaml_document(data: bytes, source: str | Path, error: type[FieldError], empty_hint: str) -> Any:
    """Decode a UTF-8 YAML file and parse it safely, for rubrics and drill scenarios alike.

    Args:
        data: The file's bytes.
        source: The file, for messages.
        error: The error class to raise (called with a message and ``path=source``).
        empty_hint: What to do about an empty file ("write a rubric (…)").

    Raises:
        error: For text that is not UTF-8, an empty file, invalid YAML or a key written twice in one mapping.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}) → save the file as UTF-8 "
            "(Turkish letters are often saved as Windows-1254 by older editors)",
            path=source,
        ) from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise error(f"the file is empty → {empty_hint}", path=source)
    try:
        parsed = yaml.safe_load(text)
        duplicate = _find_duplicate_key(text)
    except yaml.YAMLError as exc:
        raise error(_yaml_error_message(exc), path=source) from None
    if duplicate:
        raise error(duplicate, path=source)
    if parsed is None:
        raise error(f"the file has no content → {empty_hint}", path=source)
    return parsed


def list_builtin_rubrics() -> list[str]:
    """Names of the rubrics shipped with the package (``default``, ``tahsilat``, …), sorted."""
    root = resources.files(_RESOURCE_PACKAGE)
    return sorted(p.name[: -len(".yaml")] for p in root.iterdir() if p.name.endswith(".yaml"))


def check_skills(rubric: Rubric, model_skills: Iterable[str]) -> None:
    """Check that a model predicts every skill the rubric uses.

    Args:
        rubric: The rubric to score with.
        model_skills: Skill keys the model predicts.

    Raises:
        RubricError: If the rubric scores a skill (or a critical behaviour reads a skill label) that the model
            does not predict.
    """
    available = set(model_skills)
    needed = list(rubric.skill_keys)
    needed += [c.skill_label.skill for c in rubric.critical_behaviours if c.skill_label is not None]
    missing = [k for k in dict.fromkeys(needed) if k not in available]
    if missing:
        raise RubricError(
            f"rubric '{rubric.id}' uses skill(s) {', '.join(missing)} which the model does not predict "
            f"(model predicts: {', '.join(sorted(available)) or 'nothing'}) → remove them from the rubric "
            "(and rebalance the weights to 100) or use a model trained on them"
        )


# ------------------------------------------------------------------------------------ error formatting


def _duplicate_keys(section: str, keys: list[str]) -> list[tuple[str, str]]:
    first: dict[str, int] = {}
    problems = []
    for i, key in enumerate(keys):
        if key in first:
            problems.append(
                (
                    f"{section}[{i}].key",
                    f"duplicate key '{key}' (also {section}[{first[key]}]) → keys must be unique",
                )
            )
        first.setdefault(key, i)
    return problems


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a whole number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def _loc_to_path(loc: Iterable[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _join_path(base: str, rel: str) -> str:
    if not rel:
        return base
    if not base:
        return rel.lstrip(".")
    return base + rel if rel.startswith("[") else f"{base}.{rel}"


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model class that validates the value at ``loc`` (for listing allowed fields)."""
    model: type[BaseModel] | None = Rubric
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _find_model(field.annotation)
    return model


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is not None:
        for arg in get_args(annotation):
            found = _find_model(arg)
            if found is not None:
                return found
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _problems_from_validation_error(exc: ValidationError) -> list[tuple[str, str]]:
    """Turn pydantic's errors into ``(field path, "problem → fix")`` pairs."""
    problems: list[tuple[str, str]] = []
    errors = exc.errors()
    failed_paths = {_loc_to_path(e["loc"]) for e in errors}
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "too_short" and any(p.startswith(_loc_to_path(loc) + "[") for p in failed_paths):
            continue  # pydantic adds "too short" for a list whose items failed; the item errors say why
        path = _loc_to_path(loc)
        kind = err["type"]
        ctx = err.get("ctx") or {}
        value = err.get("input")
        inner = ctx.get("error")
        if kind == "value_error" and isinstance(inner, _Problems):
            problems += [(_join_path(path, rel), msg) for rel, msg in inner.problems]
            continue
        message = _describe(kind, loc, value, ctx, err.get("msg", ""))
        if kind == "missing":
            siblings = [
                str(e["loc"][-1]) for e in errors if e["type"] == "extra_forbidden" and e["loc"][:-1] == loc[:-1]
            ]
            typo = difflib.get_close_matches(str(loc[-1]), siblings, n=1, cutoff=0.6)
            if typo:
                message = (
                    f"required field '{loc[-1]}' is missing (misspelt as '{typo[0]}'?) → rename "
                    f"'{typo[0]}' to '{loc[-1]}'"
                )
        problems.append((path, message))
    return problems


def _describe(kind: str, loc: tuple[int | str, ...], value: Any, ctx: dict[str, Any], msg: str) -> str:
    name = str(loc[-1]) if loc else ""
    if kind == "missing":
        return f"required field '{name}' is missing → add it (see docs/rubric-format.md)"
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        allowed = list(parent.model_fields) if parent else []
        hint = _did_you_mean(name, allowed)
        listing = f" Allowed here: {', '.join(allowed)}." if allowed else ""
        return f"unknown field '{name}'.{hint}{listing} → fix the spelling or remove it"
    if kind == "literal_error":
        return f"{_short(value)} is not allowed → use one of: {ctx.get('expected', '')}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, found {_type_name(value)} {_short(value)} → write e.g. 3"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return f"expected a number, found {_type_name(value)} {_short(value)} → write e.g. 25 or 0.35"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, found {_short(value)} → write true or false"
    if kind == "string_type":
        return f"expected text, found {_type_name(value)} {_short(value)} → put the value in quotes"
    if kind == "string_too_short":
        return "must not be empty → write a value"
    if kind == "string_pattern_mismatch":
        return (
            f"{_short(value)} is not a valid key → use lower-case ASCII letters, digits, '-' and '_' "
            "(e.g. identity_check)"
        )
    if kind == "too_short":
        need = ctx.get("min_length", 1)
        return f"needs at least {need} item(s), found {ctx.get('actual_length', 0)} → add more"
    if kind == "too_long":
        return f"allows at most {ctx.get('max_length')} item(s), found {ctx.get('actual_length')} → remove some"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, found {_type_name(value)} {_short(value)} → write it as a YAML list ('- item')"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of fields, found {_type_name(value)} {_short(value)} → write 'field: value' lines"
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("greater than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"must be {words} {ctx.get(key)}, found {_short(value)} → change the value"
    return f"{msg} → see docs/rubric-format.md"


def _yaml_error_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    detail = problem
    if context:
        started = ""
        if context_mark is not None and context_mark is not mark:
            started = f" that starts at line {context_mark.line + 1}, column {context_mark.column + 1}"
        detail += f" ({context}{started})"
    return (
        f"YAML syntax error{where}: {detail} → check the indentation and quoting there "
        "(text containing ':' or '#' must be in quotes)"
    )


def _find_duplicate_key(text: str) -> str | None:
    """Return a message for the first key that appears twice in a mapping (``safe_load`` keeps the last)."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in current.value:
                if isinstance(key_node, yaml.ScalarNode):
                    line = key_node.start_mark.line + 1
                    if key_node.value in seen:
                        return (
                            f"key '{key_node.value}' appears twice in the same block (lines "
                            f"{seen[key_node.value]} and {line}) → keep one of them"
                        )
                    seen[key_node.value] = line
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return None
