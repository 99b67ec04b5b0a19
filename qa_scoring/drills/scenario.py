"""Role-play scenarios: the YAML format, its validation and loading.

A scenario describes one simulated customer: who they are, what happened, how they open the call, what they say
at every stage of the conversation in every mood, what moves the conversation on, what counts as solving the
problem and when the customer gives up on the trainee. The format is documented in ``docs/scenario-format.md``;
the shipped scenarios live in ``training_app/scenarios/``.

    scenarios = load_scenarios()                       # the bundled ones, id → Scenario
    scenario = load_scenario("training_app/scenarios/kargo_gecikme.yaml")

Every problem in a file is reported at once, as one :class:`ScenarioError` whose message names the file, the
field and the fix (``stages[1].lines.kizgin: needs at least 2 lines, found 1 → add …``).
"""

from __future__ import annotations

import difflib
import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from ..errors import FieldError
from ..normalize import normalize
from ..rubric import (
    _PREFIX_RE,
    NonEmptyStr,
    Slug,
    _describe,
    _did_you_mean,
    _find_model,
    _join_path,
    _loc_to_path,
    _Problems,
    _type_name,
    parse_yaml_document,
)
from ..skills import SKILL_KEYS, SKILL_NAMES_TR
from ..turkish import fold_key
from .mood import MOOD_KEYS, Mood

logger = logging.getLogger(__name__)

__all__ = [
    "DIFFICULTIES",
    "DIFFICULTY_NAMES_TR",
    "MIN_BETTER_PHRASINGS",
    "STAGE_NAMES_TR",
    "AdvanceRule",
    "Escalation",
    "LearningGoal",
    "Persona",
    "Resolution",
    "Scenario",
    "ScenarioError",
    "Stage",
    "bundled_scenarios_dir",
    "load_scenario",
    "load_scenarios",
]

DOC = "docs/scenario-format.md"
MIN_STAGE_LINES = 2
MIN_BETTER_PHRASINGS = 2
"""How many better phrasings per stage and skill the shipped scenarios give (a file may give fewer, or none)."""
"""Every stage needs at least this many customer lines per mood, so the customer need not repeat a line."""

DIFFICULTIES: tuple[str, ...] = ("kolay", "orta", "zor")
DIFFICULTY_NAMES_TR: dict[str, str] = {"kolay": "Kolay", "orta": "Orta", "zor": "Zor"}
STAGE_NAMES_TR: dict[str, str] = {
    "acilis": "Açılış",
    "sorun_anlama": "Sorunu anlama",
    "cozum": "Çözüm",
    "kapanis": "Kapanış",
}
"""Default Turkish names of the usual stage keys (a stage may set its own ``name``)."""


class ScenarioError(FieldError):
    """A scenario file is missing, malformed or inconsistent (``field`` e.g. ``stages[1].lines.kizgin``)."""


# ------------------------------------------------------------------------------------------- field types


def _parse_mood(value: Any) -> Mood:
    try:
        return Mood.parse(value)
    except ValueError:
        hint = _did_you_mean(str(value), MOOD_KEYS)
        raise _Problems([("", f"unknown mood {value!r}.{hint} → use one of: {', '.join(MOOD_KEYS)}")]) from None


MoodField = Annotated[Mood, BeforeValidator(_parse_mood), PlainSerializer(lambda m: m.key, return_type=str)]


def _skill_problem(value: Any) -> str | None:
    if value in SKILL_KEYS:
        return None
    by_turkish = {fold_key(name): key for key, name in SKILL_NAMES_TR.items()}
    if isinstance(value, str) and fold_key(value) in by_turkish:
        hint = f" Did you mean '{by_turkish[fold_key(value)]}'? (keys are English, names are Turkish)"
    else:
        hint = _did_you_mean(str(value), SKILL_KEYS)
    return f"unknown skill key {value!r}.{hint} → use one of: {', '.join(SKILL_KEYS)}"


def _check_skill(value: Any) -> str:
    problem = _skill_problem(value)
    if problem:
        raise _Problems([("", problem)])
    return value


SkillKey = Annotated[str, BeforeValidator(_check_skill)]


def _phrase_problems(phrases: Iterable[str]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for i, phrase in enumerate(phrases):
        norm = normalize(phrase, "match_ascii")
        if not re.search(r"\w", norm):
            problems.append((f"[{i}]", f"{phrase!r} has no words → write the words to look for"))
            continue
        if norm in seen:
            problems.append((f"[{i}]", f"duplicates [{seen[norm]}] after normalisation → remove one of them"))
        seen.setdefault(norm, i)
    return problems


def _check_phrases(value: tuple[str, ...]) -> tuple[str, ...]:
    problems = _phrase_problems(value)
    if problems:
        raise _Problems(problems)
    return value


def _mood_lines(value: Any, needed: Iterable[Mood], min_lines: int, what: str) -> dict[Mood, tuple[str, ...]]:
    """Validate a ``mood → [lines]`` mapping (keys in any spelling: "kızgın", "kizgin", "KIZGIN")."""
    if not isinstance(value, Mapping):
        raise _Problems(
            [
                (
                    "",
                    f"expected a mapping of mood → list of lines, found {_type_name(value)} → write e.g. "
                    "'gergin:' followed by '- line' items, one block per mood",
                )
            ]
        )
    problems: list[tuple[str, str]] = []
    out: dict[Mood, tuple[str, ...]] = {}
    where: dict[Mood, str] = {}
    for raw_key, lines in value.items():
        key = str(raw_key)
        try:
            mood = Mood.parse(key)
        except ValueError:
            hint = _did_you_mean(key, MOOD_KEYS)
            problems.append((key, f"unknown mood '{key}'.{hint} → use the mood keys {', '.join(MOOD_KEYS)}"))
            continue
        if mood in out:
            problems.append((key, f"mood {mood.key} is given twice (also as '{where[mood]}') → merge the two lists"))
            continue
        if isinstance(lines, str):
            lines = [lines]
        if not isinstance(lines, list | tuple):
            problems.append(
                (key, f"expected a list of lines, found {_type_name(lines)} → write each line as a '- …' item")
            )
            continue
        clean: list[str] = []
        seen: dict[str, int] = {}
        for i, line in enumerate(lines):
            if not isinstance(line, str) or not line.strip():
                problems.append((f"{key}[{i}]", f"expected a non-empty line of text, found {_type_name(line)}"))
                continue
            norm = normalize(line, "match_ascii")
            if norm in seen:
                problems.append((f"{key}[{i}]", f"repeats {key}[{seen[norm]}] → write a different wording"))
                continue
            seen[norm] = i
            clean.append(line.strip())
        out[mood] = tuple(clean)
        where[mood] = key
    for mood in needed:
        if mood not in out:
            problems.append(
                (
                    mood.key,
                    f"no lines for mood '{mood.key}' → add '{mood.key}:' with at least {min_lines} "
                    f"{what} line(s) (every mood needs its own lines)",
                )
            )
        elif mood in out and len(out[mood]) < min_lines:
            problems.append(
                (
                    where[mood],
                    f"needs at least {min_lines} line(s), found {len(out[mood])} → add another way the customer "
                    f"could say it, so the {what} line does not repeat",
                )
            )
    if problems:
        raise _Problems(problems)
    return dict(sorted(out.items()))


def _better_phrasings(value: Any) -> dict[str, tuple[str, ...]]:
    """Validate a ``skill → [better phrasings]`` mapping (a stage's or the scenario's ``better:`` block).

    Keys must be skill keys; each value is a list of non-empty phrasings (a single phrasing may be written
    without the list). A leading "Şöyle deneyebilirsiniz:" and surrounding quotes are removed (the app adds
    them), and runs of whitespace become one space so the tip stays on one line.
    """
    if not isinstance(value, Mapping):
        raise _Problems(
            [
                (
                    "",
                    f"expected a mapping of skill → list of better phrasings, found {_type_name(value)} → write "
                    f"e.g. 'empathy:' followed by '- phrasing' items (skill keys: {', '.join(SKILL_KEYS)}), or "
                    "remove 'better'",
                )
            ]
        )
    problems: list[tuple[str, str]] = []
    out: dict[str, tuple[str, ...]] = {}
    for raw_key, phrasings in value.items():
        key = str(raw_key)
        problem = _skill_problem(raw_key)
        if problem:
            problems.append((key, problem))
            continue
        if isinstance(phrasings, str):
            phrasings = [phrasings]
        if not isinstance(phrasings, list | tuple):
            problems.append(
                (
                    key,
                    f"expected a list of phrasings, found {_type_name(phrasings)} → write each phrasing as a "
                    "'- …' item",
                )
            )
            continue
        if not phrasings:
            problems.append(
                (key, "the list is empty → add at least one phrasing, or remove the key to use the rubric's tips")
            )
            continue
        clean: list[str] = []
        seen: dict[str, int] = {}
        for i, phrasing in enumerate(phrasings):
            if not isinstance(phrasing, str):
                problems.append(
                    (
                        f"{key}[{i}]",
                        f"expected a phrasing (text), found {_type_name(phrasing)} → write the sentence in quotes",
                    )
                )
                continue
            text = " ".join(_PREFIX_RE.sub("", phrasing).split()).strip("“”\"' ")
            if not re.search(r"\w", text):
                problems.append(
                    (
                        f"{key}[{i}]",
                        f"{phrasing!r} is empty → write the sentence the trainee could say, or remove the item",
                    )
                )
                continue
            norm = normalize(text, "match_ascii")
            if norm in seen:
                problems.append((f"{key}[{i}]", f"repeats {key}[{seen[norm]}] → write a different phrasing"))
                continue
            seen[norm] = i
            clean.append(text)
        out[key] = tuple(clean)
    if problems:
        raise _Problems(problems)
    return {k: out[k] for k in SKILL_KEYS if k in out}


def _serialize_better(value: Mapping[str, tuple[str, ...]]) -> dict[str, list[str]]:
    return {k: list(v) for k, v in value.items()}


BetterPhrasings = Annotated[
    dict[str, tuple[str, ...]], BeforeValidator(_better_phrasings), PlainSerializer(_serialize_better)
]


def _serialize_lines(value: Mapping[Mood, tuple[str, ...]]) -> dict[str, list[str]]:
    return {m.key: list(v) for m, v in value.items()}


MoodLines = Annotated[dict[Mood, tuple[str, ...]], PlainSerializer(_serialize_lines)]


class _Model(BaseModel):
    """Base for all scenario models: immutable, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ------------------------------------------------------------------------------------------------ models


class Persona(_Model):
    """Who the customer is.

    Attributes:
        name: The customer's name as the trainee may address them ("Ayşe Yılmaz").
        description: Age, situation, way of speaking, in Turkish (shown to the trainee).
    """

    name: NonEmptyStr
    description: NonEmptyStr


class LearningGoal(_Model):
    """What the trainee should practise with this scenario.

    Attributes:
        skill: A skill key (``empathy``).
        text: The goal in Turkish ("Müşterinin üç gündür beklemesinin yarattığı öfkeyi karşılamak").
    """

    skill: SkillKey
    text: NonEmptyStr


class AdvanceRule(_Model):
    """What the trainee must do to move the conversation to the next stage.

    The rule is met when **any** of these holds: a phrase of ``phrases`` occurs in the reply (after Turkish
    normalisation, with or without Turkish letters, at the start of a word), the reply is labelled +1 on one of
    ``skills``, or ``question`` is true and the reply asks something. The customer moves on only while their mood
    (after the reply) is at most ``max_mood``: a furious customer first has to be calmed down.

    Attributes:
        phrases: Words or stems ("sipariş numara", "kontrol ed", "doğru mu anladım").
        skills: Skill keys whose +1 label counts (``active_listening``).
        question: A clarifying question counts.
        max_mood: Highest mood at which the customer still moves on (default ``kizgin``).
    """

    phrases: tuple[NonEmptyStr, ...] = ()
    skills: tuple[SkillKey, ...] = ()
    question: bool = False
    max_mood: MoodField = Mood.ANGRY

    @field_validator("phrases")
    @classmethod
    def _phrases_ok(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_phrases(value)

    @model_validator(mode="after")
    def _has_a_rule(self) -> AdvanceRule:
        if not self.phrases and not self.skills and not self.question:
            raise _Problems(
                [
                    (
                        "",
                        "has no way to be met → add phrases (words the trainee says), skills (e.g. "
                        "[active_listening]) and/or question: true",
                    )
                ]
            )
        return self


class Stage(_Model):
    """One stage of the conversation (``acilis`` → ``sorun_anlama`` → ``cozum`` → ``kapanis``).

    Attributes:
        key: Identifier (lower-case ASCII), e.g. ``sorun_anlama``.
        name: Turkish display name (defaults to :data:`STAGE_NAMES_TR` or the key).
        hint: What the trainee should do in this stage, in Turkish (optional, shown by the app).
        lines: mood → at least two customer lines said in this stage in that mood (all four moods).
        advance: What moves the conversation to the next stage; required on every stage but the last one, not
            allowed on the last one.
        better: skill → better phrasings for replies given in this stage (the tip after a reply and the summary's
            "better phrasing"); they take precedence over the scenario-level :attr:`Scenario.better`.
    """

    key: Slug
    name: NonEmptyStr
    hint: str = ""
    lines: MoodLines
    advance: AdvanceRule | None = None
    better: BetterPhrasings = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "name" not in data and isinstance(data.get("key"), str):
            data = {**data, "name": STAGE_NAMES_TR.get(data["key"], data["key"])}
        return data

    @field_validator("lines", mode="before")
    @classmethod
    def _lines_ok(cls, value: Any) -> dict[Mood, tuple[str, ...]]:
        return _mood_lines(value, list(Mood), MIN_STAGE_LINES, "customer")


class Resolution(_Model):
    """What counts as solving the customer's problem (the drill then ends as ``resolved``).

    Attributes:
        from_stage: Earliest stage in which a resolution counts (default: the last stage).
        phrases: Concrete actions or commitments ("iade ed", "yeni kart", "teknisyen yönlendir").
        skills: Skill keys whose +1 label also counts (e.g. ``positive_tone`` for a confident closing).
        max_mood: Highest mood (after the reply) at which the customer accepts the solution (default ``gergin``).
        lines: mood → the customer's closing words, for every mood up to ``max_mood``.
    """

    from_stage: Slug | None = None
    phrases: tuple[NonEmptyStr, ...] = ()
    skills: tuple[SkillKey, ...] = ()
    max_mood: MoodField = Mood.TENSE
    lines: MoodLines

    @field_validator("phrases")
    @classmethod
    def _phrases_ok(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_phrases(value)

    @model_validator(mode="before")
    @classmethod
    def _lines_ok(cls, data: Any) -> Any:
        if not isinstance(data, Mapping) or "lines" not in data:
            return data
        try:
            max_mood = Mood.parse(data.get("max_mood", Mood.TENSE))
        except ValueError:
            return data  # reported by the max_mood field
        try:
            lines = _mood_lines(data["lines"], [m for m in Mood if m <= max_mood], 1, "closing")
        except _Problems as exc:
            raise _Problems([(_join_path("lines", p), m) for p, m in exc.problems]) from None
        extra = [m.key for m in lines if m > max_mood]
        if extra:
            raise _Problems(
                [
                    (
                        f"lines.{extra[0]}",
                        f"the customer never accepts a solution while {extra[0]} (max_mood is {max_mood.key}) → "
                        f"remove these lines or raise max_mood",
                    )
                ]
            )
        return {**data, "lines": lines}

    @model_validator(mode="after")
    def _has_a_rule(self) -> Resolution:
        if not self.phrases and not self.skills:
            raise _Problems(
                [("", "has no way to be reached → add phrases (what solves it) and/or skills (e.g. [positive_tone])")]
            )
        return self


class Escalation(_Model):
    """When the customer gives up on the trainee (the drill then ends as ``escalated``).

    Attributes:
        furious_replies: The drill escalates after this many trainee replies in a row that leave the customer
            ``ofkeli`` (default 2).
        phrases: Trainee words that end the drill at once (handing the customer off, threatening to hang up):
            "sizi yöneticime aktarıyorum", "telefonu kapatıyorum".
        lines: The customer's last words ("Yeter, beni hemen yöneticinize bağlayın!").
    """

    furious_replies: int = Field(default=2, ge=1, le=10)
    phrases: tuple[NonEmptyStr, ...] = ()
    lines: tuple[NonEmptyStr, ...] = Field(min_length=1)

    @field_validator("phrases")
    @classmethod
    def _phrases_ok(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_phrases(value)


class Scenario(_Model):
    """A role-play scenario. Load with :func:`load_scenario` / :func:`load_scenarios`.

    Attributes:
        id: Short identifier (lower-case ASCII letters, digits, ``-``, ``_``).
        title: Turkish title shown in the scenario list.
        domain: Service domain (``kargo``, ``banka``, ``operatör`` …).
        difficulty: ``kolay``, ``orta`` or ``zor``; scales how strongly the customer reacts.
        persona: The customer.
        situation: What happened, in Turkish, as the trainee reads it before starting.
        learning_goals: What to practise, per skill.
        opening: The customer's first line.
        starting_mood: The customer's mood at the start.
        max_turns: The drill ends (``turn_limit``) after this many trainee replies.
        stages: The conversation's stages in order, each with lines for every mood and an advance rule.
        resolution: What solves the problem.
        escalation: When the customer gives up.
        turn_limit_lines: The customer's last words when ``max_turns`` is reached (optional).
        better: skill → better phrasings used in every stage that gives none of its own for that skill
            (optional; without any, tips fall back to the rubric's examples).
    """

    id: Slug
    title: NonEmptyStr
    domain: NonEmptyStr
    difficulty: Literal["kolay", "orta", "zor"]
    persona: Persona
    situation: NonEmptyStr
    learning_goals: tuple[LearningGoal, ...] = Field(min_length=1)
    opening: NonEmptyStr
    starting_mood: MoodField
    max_turns: int = Field(default=12, ge=2, le=50)
    stages: tuple[Stage, ...] = Field(min_length=2)
    resolution: Resolution
    escalation: Escalation
    turn_limit_lines: tuple[NonEmptyStr, ...] = ()
    better: BetterPhrasings = Field(default_factory=dict)

    _source: str | None = PrivateAttr(default=None)

    @field_validator("difficulty", mode="before")
    @classmethod
    def _fold_difficulty(cls, value: Any) -> Any:
        return fold_key(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _check_consistency(self) -> Scenario:
        problems: list[tuple[str, str]] = []
        keys = [s.key for s in self.stages]
        first: dict[str, int] = {}
        for i, key in enumerate(keys):
            if key in first:
                problems.append(
                    (
                        f"stages[{i}].key",
                        f"duplicate stage key '{key}' (also stages[{first[key]}]) → keys must be unique",
                    )
                )
            first.setdefault(key, i)
        last = len(self.stages) - 1
        for i, stage in enumerate(self.stages):
            if i < last and stage.advance is None:
                problems.append(
                    (
                        f"stages[{i}].advance",
                        f"stage '{stage.key}' has no advance rule, so the conversation could never get past it → "
                        "add advance: with phrases, skills and/or question: true",
                    )
                )
            if i == last and stage.advance is not None:
                problems.append(
                    (
                        f"stages[{i}].advance",
                        f"'{stage.key}' is the last stage and has nowhere to advance to → remove advance (the drill "
                        "ends through resolution, escalation or max_turns)",
                    )
                )
        if self.resolution.from_stage is not None and self.resolution.from_stage not in keys:
            problems.append(
                (
                    "resolution.from_stage",
                    f"no stage has key '{self.resolution.from_stage}'."
                    f"{_did_you_mean(self.resolution.from_stage, keys)} → use one of: {', '.join(keys)}",
                )
            )
        if self.max_turns < len(self.stages):
            problems.append(
                (
                    "max_turns",
                    f"{self.max_turns} replies are too few to go through {len(self.stages)} stages → set max_turns "
                    f"to at least {len(self.stages)} (usually 10–14)",
                )
            )
        if problems:
            raise _Problems(problems)
        return self

    # --------------------------------------------------------------------------------------------- helpers

    @property
    def source(self) -> str | None:
        """The file the scenario was read from, if any."""
        return self._source

    @property
    def stage_keys(self) -> tuple[str, ...]:
        """Stage keys in order."""
        return tuple(s.key for s in self.stages)

    @property
    def difficulty_tr(self) -> str:
        """Turkish difficulty name ("Kolay", "Orta", "Zor")."""
        return DIFFICULTY_NAMES_TR[self.difficulty]

    @property
    def resolution_stage_index(self) -> int:
        """Index of the earliest stage in which a resolution counts."""
        if self.resolution.from_stage is None:
            return len(self.stages) - 1
        return self.stage_keys.index(self.resolution.from_stage)

    def stage(self, key: str) -> Stage:
        """Return the stage with ``key``.

        Raises:
            KeyError: If there is none (the message lists the stage keys).
        """
        for s in self.stages:
            if s.key == key:
                return s
        raise KeyError(f"scenario '{self.id}' has no stage '{key}'; its stages: {', '.join(self.stage_keys)}")

    def better_for(self, stage: str, skill: str) -> tuple[str, ...]:
        """The better phrasings for ``skill`` in stage ``stage``: the stage's own, else the scenario-level ones,
        else ``()`` (then tips come from the rubric).

        Raises:
            KeyError: If the scenario has no stage ``stage``.
        """
        return self.stage(stage).better.get(skill) or self.better.get(skill, ())

    def to_dict(self) -> dict[str, Any]:
        """The scenario as plain JSON-compatible data (defaults filled in, moods as keys)."""
        return self.model_dump(mode="json")

    # --------------------------------------------------------------------------------------------- loading

    @classmethod
    def from_dict(cls, data: Any, source: str | Path = "<dict>") -> Scenario:
        """Validate already-parsed data.

        Args:
            data: The parsed YAML mapping.
            source: Name used in error messages (a file path).

        Raises:
            ScenarioError: Naming every problem as ``field path: problem → fix``.
        """
        if not isinstance(data, Mapping):
            raise ScenarioError(
                f"the top level must be a mapping of fields (id, title, stages, …), found {_type_name(data)} → "
                f"see {DOC} or copy a file from training_app/scenarios",
                path=source,
            )
        try:
            scenario = cls.model_validate(data)
        except ValidationError as exc:
            raise ScenarioError.from_problems(_problems(exc), source) from None
        scenario._source = str(source)
        return scenario

    @classmethod
    def from_yaml(cls, path: str | Path) -> Scenario:
        """Read and validate a scenario YAML file.

        Raises:
            ScenarioError: If the file is missing, not UTF-8, not valid YAML or not a valid scenario.
        """
        path = Path(path)
        if not path.exists():
            raise ScenarioError("file not found → give the path of an existing scenario YAML file", path=path)
        if path.is_dir():
            raise ScenarioError(
                "is a directory, not a file → give the path of a .yaml file (load_scenarios reads a folder)", path=path
            )
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ScenarioError(f"cannot be read ({exc.strerror}) → check the permissions", path=path) from exc
        scenario = cls._from_bytes(raw, path)
        logger.debug("Loaded scenario %s from %s", scenario.id, path)
        return scenario

    @classmethod
    def _from_bytes(cls, data: bytes, source: str | Path) -> Scenario:
        parsed = parse_yaml_document(
            data,
            source,
            ScenarioError,
            "write a scenario (copy one from training_app/scenarios as a starting point)",
        )
        return cls.from_dict(parsed, source=source)


# ------------------------------------------------------------------------------------------------ loading


def bundled_scenarios_dir() -> Path:
    """The shipped scenarios: ``$QA_SCENARIOS_DIR`` if set, else ``training_app/scenarios``."""
    env = os.environ.get("QA_SCENARIOS_DIR")
    if env:
        return Path(env).expanduser()
    repo = Path(__file__).resolve().parents[2] / "training_app" / "scenarios"
    if repo.is_dir():
        return repo
    try:  # installed as a package (training_app ships its scenarios as package data)
        from importlib import resources

        return Path(str(resources.files("training_app").joinpath("scenarios")))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - no training_app at all
        return repo


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate one scenario file (see :meth:`Scenario.from_yaml`)."""
    return Scenario.from_yaml(path)


def load_scenarios(folder: str | Path | None = None, errors: list[ScenarioError] | None = None) -> dict[str, Scenario]:
    """Read every ``*.yaml``/``*.yml`` scenario of a folder.

    Args:
        folder: The folder (default: :func:`bundled_scenarios_dir`).
        errors: If a list is given, invalid files are appended to it as :class:`ScenarioError` and skipped;
            otherwise the first invalid file raises.

    Returns:
        Scenario id → scenario, in file-name order.

    Raises:
        ScenarioError: If the folder is missing or holds no scenario, if two files use the same id, or (without
            ``errors``) if a file is invalid.
    """
    root = Path(folder) if folder is not None else bundled_scenarios_dir()
    if not root.is_dir():
        raise ScenarioError("folder not found → give the folder that holds the scenario YAML files", path=root)
    files = sorted(p for p in root.iterdir() if p.suffix.lower() in (".yaml", ".yml") and p.is_file())
    if not files:
        raise ScenarioError(f"no .yaml files in this folder → add scenarios (format: {DOC})", path=root)
    out: dict[str, Scenario] = {}
    for path in files:
        try:
            scenario = Scenario.from_yaml(path)
        except ScenarioError as exc:
            if errors is None:
                raise
            logger.warning("Skipping invalid scenario %s", path.name)
            errors.append(exc)
            continue
        if scenario.id in out:
            exc = ScenarioError(
                f"id '{scenario.id}' is also used by {out[scenario.id].source} → give every scenario its own id",
                path=path,
                field="id",
            )
            if errors is None:
                raise exc
            errors.append(exc)
            continue
        out[scenario.id] = scenario
    logger.info("Loaded %d scenarios from %s", len(out), root)
    return out


# --------------------------------------------------------------------------------------- error formatting


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = Scenario
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _find_model(field.annotation)
    return model


def _problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    errors = exc.errors()
    failed = {_loc_to_path(e["loc"]) for e in errors}
    for err in errors:
        loc = tuple(err["loc"])
        path = _loc_to_path(loc)
        kind = err["type"]
        if kind == "too_short" and any(p.startswith(path + "[") for p in failed):
            continue
        ctx = err.get("ctx") or {}
        inner = ctx.get("error")
        if kind == "value_error" and isinstance(inner, _Problems):
            problems += [(_join_path(path, rel), msg) for rel, msg in inner.problems]
            continue
        name = str(loc[-1]) if loc else ""
        if kind == "missing":
            siblings = [
                str(e["loc"][-1]) for e in errors if e["type"] == "extra_forbidden" and e["loc"][:-1] == loc[:-1]
            ]
            typo = difflib.get_close_matches(name, siblings, n=1, cutoff=0.6)
            if typo:
                message = (
                    f"required field '{name}' is missing (misspelt as '{typo[0]}'?) → rename '{typo[0]}' to '{name}'"
                )
            else:
                message = f"required field '{name}' is missing → add it (see {DOC})"
        elif kind == "extra_forbidden":
            parent = _model_at(loc[:-1])
            allowed = list(parent.model_fields) if parent else []
            listing = f" Allowed here: {', '.join(allowed)}." if allowed else ""
            message = f"unknown field '{name}'.{_did_you_mean(name, allowed)}{listing} → fix the spelling or remove it"
        elif kind == "literal_error":
            message = f"{err.get('input')!r} is not allowed → use one of: {ctx.get('expected', '')}"
        elif kind == "string_pattern_mismatch":
            message = (
                f"{err.get('input')!r} is not a valid key → use lower-case ASCII letters, digits, '-' and '_' "
                "(e.g. sorun_anlama)"
            )
        else:
            message = _describe(kind, loc, err.get("input"), ctx, err.get("msg", ""))
            message = message.replace("docs/rubric-format.md", DOC)
        problems.append((path, message))
    return problems
