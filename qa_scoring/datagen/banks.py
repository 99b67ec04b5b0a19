"""Load and validate the phrase banks of the training-data generator.

The bank format is described in ``datasets/generator/BANK_FORMAT.md``: one ``components.yaml`` with the
domain-independent components (at least 40 variants each) and one ``domains/<domain>.yaml`` per service domain.
Structure (types, missing and unknown fields) is checked with pydantic; the content rules (minimum number of
variants, placeholders, file name, personal data) are checked afterwards. Every problem is reported with the
file, the field and what to change, e.g.::

    domains/kargo.yaml: situations[2].solution: at least 3 variants needed, found 1; add more variants
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import QAScoringError

logger = logging.getLogger(__name__)

__all__ = [
    "AGENT_COMPONENTS",
    "BankError",
    "Banks",
    "COMPONENT_NAMES",
    "CUSTOMER_COMPONENTS",
    "DEFAULT_BANKS_DIR",
    "DomainBank",
    "MIN_COMPONENT_VARIANTS",
    "SLOTS",
    "Situation",
    "load_banks",
    "placeholders",
]

#: The repository's bank folder, found relative to the package (``<repo>/datasets/generator/banks``).
DEFAULT_BANKS_DIR: Path = Path(__file__).resolve().parents[2] / "datasets" / "generator" / "banks"

#: Slots a domain file may use in ``problem`` and ``paraphrase`` (and as ``ask_given`` keys).
SLOTS: tuple[str, ...] = ("ref", "date", "amount")

#: Minimum number of variants of every entry of ``components.yaml``.
MIN_COMPONENT_VARIANTS = 40

#: Customer-side components: a flat list, or a mapping persona -> list (the persona goes into the record).
CUSTOMER_COMPONENTS: tuple[str, ...] = ("feeling_distress", "feeling_neutral")

#: Agent-side components -> (placeholders each variant must contain, placeholders it may contain).
AGENT_COMPONENTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "respect_pos": (frozenset(), frozenset({"title"})),
    "respect_neg": (frozenset(), frozenset()),
    "sarcasm": (frozenset(), frozenset({"title"})),
    "patience_pos": (frozenset(), frozenset()),
    "patience_neg": (frozenset(), frozenset()),
    "hangup_threat": (frozenset(), frozenset()),
    "empathy_pos": (frozenset(), frozenset()),
    "empathy_neg": (frozenset(), frozenset()),
    "indifference": (frozenset(), frozenset()),
    "listening_pos_frames": (frozenset({"paraphrase"}), frozenset()),
    "listening_neg_generic": (frozenset(), frozenset()),
    "tone_pos_frames": (frozenset({"solution"}), frozenset()),
    "bad_news_good_frames": (frozenset({"refusal", "alternative"}), frozenset()),
    "tone_neg_frames": (frozenset({"refusal"}), frozenset()),
    "tone_neg_generic": (frozenset(), frozenset()),
    "neutral_frames": (frozenset({"info"}), frozenset()),
    "titles": (frozenset(), frozenset()),
}

COMPONENT_NAMES: tuple[str, ...] = (*CUSTOMER_COMPONENTS, *AGENT_COMPONENTS)

# minimum number of variants per situation field (BANK_FORMAT.md)
_SITUATION_MINIMA: dict[str, int] = {
    "problem": 3,
    "paraphrase": 2,
    "first_question": 2,
    "solution": 3,
    "refusal": 2,
    "alternative": 2,
    "info": 2,
    "wrong_topic": 2,
}
_MIN_SITUATIONS = 8
_MIN_ASK_GIVEN = 2
_MIN_REF_PROBLEMS = 2
_MAX_CODE_LEN = 8

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_DOMAIN_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_PII = (
    (re.compile(r"\d[\d \-]{8,}\d"), "a run of 10 or more digits (phone, ID or account number)"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), "an e-mail address"),
    (re.compile(r"\bTR\d{2}"), "an IBAN"),
)


class BankError(QAScoringError, ValueError):
    """The phrase banks are missing or invalid.

    Args:
        problems: One line per problem, each ``"<file>: <field>: <what is wrong>; <how to fix>"``.
    """

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        head = self.problems[0] if len(self.problems) == 1 else f"{len(self.problems)} problems in the phrase banks"
        body = "" if len(self.problems) == 1 else "\n" + "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(head + body)


# ----------------------------------------------------------------------------- pydantic models (structure)


class Situation(BaseModel):
    """One everyday problem of a domain and the phrases the generator builds around it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    problem: list[str]
    paraphrase: list[str]
    ask_given: dict[str, list[str]]
    first_question: list[str]
    solution: list[str]
    refusal: list[str]
    alternative: list[str]
    info: list[str]
    wrong_topic: list[str]


class DomainBank(BaseModel):
    """One ``domains/<domain>.yaml`` file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    domain: str
    name: str
    codes: list[str]
    situations: list[Situation]


class _ComponentsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    feeling_distress: list[str] | dict[str, list[str]]
    feeling_neutral: list[str] | dict[str, list[str]]
    respect_pos: list[str]
    respect_neg: list[str]
    sarcasm: list[str]
    patience_pos: list[str]
    patience_neg: list[str]
    hangup_threat: list[str]
    empathy_pos: list[str]
    empathy_neg: list[str]
    indifference: list[str]
    listening_pos_frames: list[str]
    listening_neg_generic: list[str]
    tone_pos_frames: list[str]
    bad_news_good_frames: list[str]
    tone_neg_frames: list[str]
    tone_neg_generic: list[str]
    neutral_frames: list[str]
    titles: list[str]


@dataclass(frozen=True)
class Banks:
    """Validated phrase banks.

    Attributes:
        path: The folder the banks were read from.
        components: Agent-side component name -> variants (``feeling_*`` not included).
        feelings: ``feeling_distress`` / ``feeling_neutral`` -> list of (persona, text); persona is ``""`` when
            the file gives a flat list.
        domains: Domain key -> its bank, in sorted key order.
        skipped: Problems of domain files left out with ``skip_invalid=True``.
    """

    path: Path
    components: dict[str, tuple[str, ...]]
    feelings: dict[str, tuple[tuple[str, str], ...]]
    domains: dict[str, DomainBank]
    skipped: tuple[str, ...] = field(default=())

    @property
    def domain_keys(self) -> tuple[str, ...]:
        return tuple(self.domains)


# ----------------------------------------------------------------------------- helpers


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders used in ``text``."""
    return set(_PLACEHOLDER.findall(text))


def _fmt_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("str", "dict[str,list[str]]", "list[str]"):  # pydantic union branch names
            continue
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _pydantic_problems(fname: str, exc: ValidationError) -> list[str]:
    problems = []
    seen = set()
    for err in exc.errors():
        loc = _fmt_loc(tuple(err["loc"]))
        kind = err["type"]
        if kind == "missing":
            msg = "field missing; add it (see datasets/generator/BANK_FORMAT.md)"
        elif kind == "extra_forbidden":
            msg = "unknown field; remove it or fix its spelling (see datasets/generator/BANK_FORMAT.md)"
        else:
            found = type(err.get("input")).__name__
            msg = f"{err['msg'].lower()} (found {found}); write it as in datasets/generator/BANK_FORMAT.md"
        line = f"{fname}: {loc}: {msg}"
        if line not in seen:  # unions report the same location once per branch
            seen.add(line)
            problems.append(line)
    return problems


def _check_text(fname: str, loc: str, text: str, allowed: frozenset[str] | set[str], problems: list[str]) -> None:
    if not text.strip():
        problems.append(f"{fname}: {loc}: empty text; write a phrase or remove the entry")
        return
    for name in sorted(placeholders(text)):
        if name not in allowed:
            hint = ", ".join("{" + a + "}" for a in sorted(allowed)) if allowed else "none"
            problems.append(f"{fname}: {loc}: unknown placeholder {{{name}}}; allowed here: {hint}")
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        problems.append(f"{fname}: {loc}: unbalanced brace; write placeholders as {{name}}")
    for rx, what in _PII:
        if rx.search(text):
            problems.append(f"{fname}: {loc}: looks like {what}; banks must not contain personal data")


def _check_list(
    fname: str, loc: str, items: list[str], minimum: int, allowed: frozenset[str] | set[str], problems: list[str]
) -> None:
    if len(items) < minimum:
        problems.append(f"{fname}: {loc}: at least {minimum} variants needed, found {len(items)}; add more variants")
    seen: dict[str, int] = {}
    for i, text in enumerate(items):
        _check_text(fname, f"{loc}[{i}]", text, allowed, problems)
        key = " ".join(text.split()).casefold()
        if key in seen:
            problems.append(f"{fname}: {loc}[{i}]: duplicate of {loc}[{seen[key]}]; remove or reword it")
        else:
            seen[key] = i


# ----------------------------------------------------------------------------- domain files


def _read_yaml(path: Path, fname: str) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise BankError(f"{fname}: (file): not valid YAML ({exc}); fix the syntax") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BankError(f"{fname}: (file): cannot be read as UTF-8 text ({exc})") from None


def _validate_domain(fname: str, stem: str, data: Any) -> DomainBank:
    if not isinstance(data, dict):
        raise BankError(f"{fname}: (top level): expected a mapping with domain, name, codes, situations, "
                        f"found {type(data).__name__}")
    try:
        bank = DomainBank.model_validate(data)
    except ValidationError as exc:
        raise BankError(_pydantic_problems(fname, exc)) from None

    problems: list[str] = []
    if bank.domain != stem:
        problems.append(f"{fname}: domain: is {bank.domain!r} but must equal the file name {stem!r}; "
                        "rename the file or fix the field")
    if not _DOMAIN_KEY.match(bank.domain):
        problems.append(f"{fname}: domain: {bank.domain!r} is not a valid key; use lower-case ASCII letters, "
                        "digits and '_'")
    if not bank.name.strip():
        problems.append(f"{fname}: name: empty; give the Turkish display name")
    if not bank.codes:
        problems.append(f"{fname}: codes: at least 1 pattern needed, found 0; add e.g. \"KG-#####\"")
    for i, code in enumerate(bank.codes):
        if not code or len(code) > _MAX_CODE_LEN:
            problems.append(f"{fname}: codes[{i}]: {code!r} must have 1 to {_MAX_CODE_LEN} characters")
        elif "{" in code or "}" in code:
            problems.append(f"{fname}: codes[{i}]: {code!r} must not contain braces")
    if len(bank.situations) < _MIN_SITUATIONS:
        problems.append(f"{fname}: situations: at least {_MIN_SITUATIONS} situations needed, "
                        f"found {len(bank.situations)}; add more situations")
    keys: dict[str, int] = {}
    slots = frozenset(SLOTS)
    for si, sit in enumerate(bank.situations):
        loc = f"situations[{si}]"
        if not _DOMAIN_KEY.match(sit.key):
            problems.append(f"{fname}: {loc}.key: {sit.key!r} is not a valid key; use lower-case ASCII and '_'")
        if sit.key in keys:
            problems.append(f"{fname}: {loc}.key: {sit.key!r} repeats situations[{keys[sit.key]}]; keys must be "
                            "unique")
        keys.setdefault(sit.key, si)
        for fld, minimum in _SITUATION_MINIMA.items():
            allowed = slots if fld in ("problem", "paraphrase") else frozenset()
            _check_list(fname, f"{loc}.{fld}", getattr(sit, fld), minimum, allowed, problems)
        with_ref = sum("ref" in placeholders(p) for p in sit.problem)
        if with_ref < _MIN_REF_PROBLEMS:
            problems.append(f"{fname}: {loc}.problem: at least {_MIN_REF_PROBLEMS} statements must contain "
                            f"{{ref}}, found {with_ref}; put the reference code into more statements")
        for slot, questions in sit.ask_given.items():
            if slot not in slots:
                problems.append(f"{fname}: {loc}.ask_given.{slot}: unknown slot; use one of "
                                f"{', '.join(SLOTS)}")
                continue
            _check_list(fname, f"{loc}.ask_given.{slot}", questions, _MIN_ASK_GIVEN, frozenset(), problems)
        if "ref" not in sit.ask_given:
            problems.append(f"{fname}: {loc}.ask_given.ref: missing; add at least {_MIN_ASK_GIVEN} questions "
                            "asking again for the reference code")
    if problems:
        raise BankError(problems)
    return bank


# ----------------------------------------------------------------------------- components file


def _validate_components(fname: str, data: Any) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple]]:
    if not isinstance(data, dict):
        raise BankError(f"{fname}: (top level): expected a mapping component -> variants, "
                        f"found {type(data).__name__}")
    try:
        parsed = _ComponentsFile.model_validate(data)
    except ValidationError as exc:
        raise BankError(_pydantic_problems(fname, exc)) from None

    problems: list[str] = []
    feelings: dict[str, tuple[tuple[str, str], ...]] = {}
    for name in CUSTOMER_COMPONENTS:
        value = getattr(parsed, name)
        if isinstance(value, dict):
            pairs = []
            for persona, items in value.items():
                if not persona.strip():
                    problems.append(f"{fname}: {name}: empty persona name; use e.g. 'öfkeli'")
                pairs.extend((persona, t) for t in items)
                for i, text in enumerate(items):
                    _check_text(fname, f"{name}.{persona}[{i}]", text, frozenset(), problems)
        else:
            pairs = [("", t) for t in value]
            for i, text in enumerate(value):
                _check_text(fname, f"{name}[{i}]", text, frozenset(), problems)
        if len(pairs) < MIN_COMPONENT_VARIANTS:
            problems.append(f"{fname}: {name}: at least {MIN_COMPONENT_VARIANTS} variants needed, "
                            f"found {len(pairs)}; add more variants")
        texts = [" ".join(t.split()).casefold() for _, t in pairs]
        if len(set(texts)) != len(texts):
            problems.append(f"{fname}: {name}: contains duplicate variants; remove or reword them")
        feelings[name] = tuple(pairs)

    components: dict[str, tuple[str, ...]] = {}
    for name, (required, optional) in AGENT_COMPONENTS.items():
        items = getattr(parsed, name)
        _check_list(fname, name, items, MIN_COMPONENT_VARIANTS, required | optional, problems)
        for i, text in enumerate(items):
            have = placeholders(text)
            for req in sorted(required - have):
                problems.append(f"{fname}: {name}[{i}]: must contain {{{req}}} exactly once; add it")
            for req in sorted(required & have):
                if text.count("{" + req + "}") > 1:
                    problems.append(f"{fname}: {name}[{i}]: {{{req}}} used more than once; keep one")
            if name == "titles" and not (text.endswith(" Hanım") or text.endswith(" Bey")):
                problems.append(f"{fname}: titles[{i}]: {text!r} must be a name followed by ' Hanım' or ' Bey'")
        components[name] = tuple(items)
    if problems:
        raise BankError(problems)
    return components, feelings


# ----------------------------------------------------------------------------- public loader


def load_banks(path: str | Path | None = None, *, skip_invalid: bool = False) -> Banks:
    """Read and validate the phrase banks.

    Args:
        path: The bank folder (with ``components.yaml`` and ``domains/``); defaults to
            :data:`DEFAULT_BANKS_DIR` of the repository checkout.
        skip_invalid: Leave out domain files that do not validate (logged as warnings and kept in
            :attr:`Banks.skipped`) instead of failing; ``components.yaml`` must always be valid and at
            least one domain file must remain.

    Returns:
        The validated :class:`Banks`.

    Raises:
        BankError: a file is missing or invalid; the message names the file, the field and the fix.
    """
    if path is None:
        if not DEFAULT_BANKS_DIR.is_dir():
            raise BankError(
                f"phrase banks not found at {DEFAULT_BANKS_DIR}: the training-data generator needs a repository "
                "checkout (datasets/generator/banks next to the qa_scoring package); clone the repository or "
                "pass the bank folder as load_banks(path=...)"
            )
        root = DEFAULT_BANKS_DIR
    else:
        root = Path(path)
        if not root.is_dir():
            raise BankError(f"{root}: bank folder not found; pass the folder that holds components.yaml and "
                            "domains/")
    comp_path = root / "components.yaml"
    if not comp_path.is_file():
        raise BankError(f"components.yaml: (file): not found in {root}; create it as described in "
                        "datasets/generator/BANK_FORMAT.md")
    components, feelings = _validate_components("components.yaml", _read_yaml(comp_path, "components.yaml"))

    dom_dir = root / "domains"
    files = sorted(dom_dir.glob("*.yaml")) if dom_dir.is_dir() else []
    domains: dict[str, DomainBank] = {}
    problems: list[str] = []
    skipped: list[str] = []
    for fpath in files:
        fname = f"domains/{fpath.name}"
        try:
            bank = _validate_domain(fname, fpath.stem, _read_yaml(fpath, fname))
        except BankError as exc:
            if skip_invalid:
                logger.warning("skipping invalid domain file %s: %s", fname, exc)
                skipped.extend(exc.problems)
                continue
            problems.extend(exc.problems)
            continue
        domains[bank.domain] = bank
    if problems:
        raise BankError(problems)
    if not domains:
        raise BankError(f"domains/: no valid domain file in {dom_dir}; add at least one domains/<domain>.yaml")
    return Banks(path=root, components=components, feelings=feelings, domains=dict(sorted(domains.items())),
                 skipped=tuple(skipped))
