"""Compose labelled (customer line, agent reply) turns from the phrase banks.

Labels follow from the parts chosen: every agent component sets the labels in :data:`COMPONENT_LABELS` and
nothing else, at most one component per skill, so a record's labels can be recomputed from its
``components`` list with :func:`labels_from_components`. The rules and the reasons for them are in
``datasets/generator/LABEL_RULES.md``.

Per turn: pick a domain, a situation and a problem statement (slots filled), maybe add a feeling (distress
or neutral), draw a target label per skill, realise each target with one component respecting the
constraints (empathy only after distress, "ask again" only for a detail the customer gave, off-topic replies
carry no on-topic content, ...), assemble the reply in a natural order and finally apply surface noise.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..fileio import atomic_write_bytes
from ..skills import SKILL_KEYS
from ..turkish import turkish_upper
from .banks import SLOTS, Banks, Situation, load_banks, placeholders
from .noise import NOISE_STYLES, apply_noise

__all__ = [
    "COMPONENT_LABELS",
    "DATES",
    "ComposedTurn",
    "compose_turn",
    "generate",
    "labels_from_components",
    "summarize",
    "write_jsonl",
]

# ----------------------------------------------------------------------------- the label table

#: Component name -> the labels it sets. Components not listed with a label (fills, customer side, neutral
#: frames, first questions) set nothing. ``ask_given.<slot>`` is looked up as ``ask_given``.
COMPONENT_LABELS: dict[str, dict[str, int]] = {
    "respect_pos": {"respect": 1},
    "respect_neg": {"respect": -1},
    "sarcasm": {"respect": -1, "positive_tone": -1},
    "patience_pos": {"patience": 1},
    "patience_neg": {"patience": -1},
    "hangup_threat": {"patience": -1, "positive_tone": -1},
    "empathy_pos": {"empathy": 1},
    "empathy_neg": {"empathy": -1},
    "indifference": {"empathy": -1},
    "listening_pos_frames": {"active_listening": 1},
    "ask_given": {"active_listening": -1},
    "wrong_topic": {"active_listening": -1},
    "listening_neg_generic": {"active_listening": -1},
    "tone_pos_frames": {"positive_tone": 1},
    "bad_news_good_frames": {"positive_tone": 1},
    "tone_neg_frames": {"positive_tone": -1},
    "tone_neg_generic": {"positive_tone": -1},
    # label-neutral parts
    "neutral_frames": {},
    "first_question": {},
    "problem": {},
    "feeling_distress": {},
    "feeling_neutral": {},
    "paraphrase": {},
    "solution": {},
    "refusal": {},
    "alternative": {},
    "info": {},
    "titles": {},
}


def labels_from_components(components: Iterable[str]) -> dict[str, int]:
    """Recompute the five labels from a record's ``components`` list.

    Raises:
        ValueError: on an unknown component or when two components set the same skill.
    """
    labels = dict.fromkeys(SKILL_KEYS, 0)
    setter: dict[str, str] = {}
    for comp in components:
        base = comp.split(".", 1)[0]
        if base not in COMPONENT_LABELS:
            raise ValueError(f"unknown component {comp!r}")
        for skill, value in COMPONENT_LABELS[base].items():
            if skill in setter:
                raise ValueError(f"{skill} set by both {setter[skill]!r} and {comp!r}")
            setter[skill] = comp
            labels[skill] = value
    return labels


# ----------------------------------------------------------------------------- sampling settings

P_DISTRESS = 0.55  # share of turns whose customer line carries a feeling_distress variant
P_NEUTRAL_FEELING = 0.6  # share of calm turns that get a feeling_neutral opener
P_ALL_ZERO = {0: 0.14, 1: 0.03}  # first question / info only, by distress (about 8 % overall)
# target label shares per skill: (P(-1), P(0), P(+1)); empathy only for distress turns
TARGETS: dict[str, tuple[float, float, float]] = {
    "respect": (0.31, 0.28, 0.41),
    "patience": (0.31, 0.33, 0.36),
    "empathy": (0.45, 0.08, 0.47),
    "active_listening": (0.33, 0.29, 0.38),
    "positive_tone": (0.34, 0.26, 0.40),
}
P_SARCASM = 0.4  # when respect and tone are both -1
P_HANGUP = 0.45  # when patience and tone are both -1 and no sarcasm
P_INDIFFERENCE = 0.45  # share of empathy -1 realised as indifference (else minimising)
LISTEN_NEG_MODES = (("ask_given", 0.4), ("wrong_topic", 0.3), ("listening_neg_generic", 0.3))
P_BAD_NEWS_GOOD = 0.4  # share of tone +1 realised as refusal + alternative
P_TONE_NEG_FRAME = 0.55  # share of tone -1 (plain) realised as a bare refusal when on topic
P_INFO_WHEN_ZERO = 0.5  # tone 0 on topic: add a neutral fact
P_CHAT_CHANNEL = {"clean": 0.4, "ascii": 0.6, "asr": 0.0, "chat": 1.0}

_MONTHS = (
    "Ocak",
    "Şubat",
    "Mart",
    "Nisan",
    "Mayıs",
    "Haziran",
    "Temmuz",
    "Ağustos",
    "Eylül",
    "Ekim",
    "Kasım",
    "Aralık",
)
#: Turkish dates for ``{date}``: "12 Mart".
DATES: tuple[str, ...] = tuple(f"{d} {m}" for m in _MONTHS for d in range(1, 29))

_DISTRESS_PERSONA = "endişeli"
_CALM_PERSONA = "sakin"

_PII = (re.compile(r"\d[\d \-]{8,}\d"), re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), re.compile(r"\bTR\d{2}", re.I))
_SENT_START = re.compile(r"(^|[.!?]\s+)([a-zçğıöşüâîû])")
_SPACE_BEFORE = re.compile(r"\s+([.,;:!?])")
_SPACE_AFTER = re.compile(r"([,;!?])(?=[^\s\d.,;:!?])|(?<=[a-zçğıöşü])\.(?=[A-ZÇĞİÖŞÜa-zçğıöşü])")
_DOUBLE = re.compile(r"([.,;:!?])\s*(?:[.,;:])+")
_COMMA_END = re.compile(r"[,;:]\s*([.!?])")
_SPACES = re.compile(r"\s+")
_CLAUSE_TRIM = " \t.,;:!"


@dataclass
class ComposedTurn:
    """One composed turn before it becomes a record (``meta`` explains the choices, for tests)."""

    domain: str
    persona: str
    customer: str
    agent: str
    distress: int
    labels: dict[str, int]
    components: list[str]
    tags: list[str]
    meta: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- text helpers


def _fill(template: str, values: Mapping[str, str]) -> str:
    out = template
    for name in placeholders(template):
        out = out.replace("{" + name + "}", values[name])
    return out


def _clause(text: str) -> str:
    """A bank clause as inserted into a frame: no final punctuation."""
    return text.strip().rstrip(_CLAUSE_TRIM).strip()


def _sentence(text: str) -> str:
    t = text.strip()
    return t if t.endswith((".", "!", "?", "…")) else t + "."


def _upper_first(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + turkish_upper(ch) + text[i + 1 :]
        if ch.isdigit():
            return text
    return text


def tidy(text: str) -> str:
    """Fix spacing and punctuation and capitalise sentence starts (Turkish upper case)."""
    t = _SPACES.sub(" ", text).strip()
    t = _SPACE_BEFORE.sub(r"\1", t)
    t = _COMMA_END.sub(r"\1", t)
    t = _DOUBLE.sub(r"\1", t)
    t = _SPACE_AFTER.sub(lambda m: (m.group(1) or ".") + " ", t)
    t = _SPACES.sub(" ", t).strip()
    t = _SENT_START.sub(lambda m: m.group(1) + turkish_upper(m.group(2)), t)
    return _upper_first(t)


def _amount(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        value = rng.randrange(4, 100) * 5
    elif r < 0.85:
        value = rng.randrange(20, 400) * 25
    else:
        value = rng.randrange(10, 90) * 500
    text = f"{value:,}".replace(",", ".")
    if rng.random() < 0.15:
        text += f",{rng.choice(('50', '90', '99'))}"
    return text + (" lira" if rng.random() < 0.25 else " TL")


def _code(pattern: str, rng: random.Random) -> str:
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(str(rng.randrange(10)))
        elif ch == "A":
            out.append(chr(ord("A") + rng.randrange(26)))
        else:
            out.append(ch)
    return "".join(out)


def _weighted(rng: random.Random, options: Iterable[tuple[str, float]]) -> str:
    opts = list(options)
    r = rng.random() * sum(w for _, w in opts)
    for name, weight in opts:
        r -= weight
        if r < 0:
            return name
    return opts[-1][0]


def _target(rng: random.Random, shares: tuple[float, float, float]) -> int:
    r = rng.random()
    if r < shares[0]:
        return -1
    if r < shares[0] + shares[1]:
        return 0
    return 1


# ----------------------------------------------------------------------------- composition


def _slot_set(text: str) -> frozenset[str]:
    return frozenset(p for p in placeholders(text) if p in SLOTS)


def compose_turn(rng: random.Random, banks: Banks, domain: str | None = None) -> ComposedTurn:
    """Compose one labelled turn (clean text, no noise).

    Args:
        rng: The random source.
        banks: Validated banks.
        domain: Force a domain (default: uniform over the banks' domains).
    """
    comps = banks.components
    dkey = domain if domain is not None else rng.choice(banks.domain_keys)
    bank = banks.domains[dkey]
    sit: Situation = rng.choice(bank.situations)
    distress = 1 if rng.random() < P_DISTRESS else 0
    all_zero = rng.random() < P_ALL_ZERO[distress]

    targets = dict.fromkeys(SKILL_KEYS, 0)
    plan: dict[str, str] = {}  # skill -> realisation
    listen_mode = ""
    if all_zero:
        slot_free = [p for p in sit.problem if not _slot_set(p)]
        plan["zero"] = "first_question" if slot_free and rng.random() < 0.5 else "info"
    else:
        for skill in SKILL_KEYS:
            if skill == "empathy" and not distress:
                continue
            targets[skill] = _target(rng, TARGETS[skill])
        if targets["respect"] == -1 and targets["positive_tone"] == -1 and rng.random() < P_SARCASM:
            plan["respect"] = plan["positive_tone"] = "sarcasm"
        elif targets["patience"] == -1 and targets["positive_tone"] == -1 and rng.random() < P_HANGUP:
            plan["patience"] = plan["positive_tone"] = "hangup_threat"
        if targets["active_listening"] == -1:
            listen_mode = "ask_given" if targets["positive_tone"] == 1 else _weighted(rng, LISTEN_NEG_MODES)

    # --- the problem statement (constrained by what the reply needs)
    candidates = list(sit.problem)
    if plan.get("zero") == "first_question":
        candidates = [p for p in candidates if not _slot_set(p)]
    elif listen_mode == "ask_given":
        candidates = [p for p in candidates if _slot_set(p) & set(sit.ask_given)]
    elif targets["active_listening"] == 1:
        candidates = [p for p in candidates if any(_slot_set(q) <= _slot_set(p) for q in sit.paraphrase)]
    if not candidates:  # cannot happen with validated banks (ref problems + ref questions); stay safe
        candidates = list(sit.problem)
        if listen_mode == "ask_given":
            listen_mode = "listening_neg_generic" if targets["positive_tone"] != 1 else ""
            if not listen_mode:
                targets["active_listening"] = 0
        elif targets["active_listening"] == 1:
            targets["active_listening"] = 0
    problem_t = rng.choice(candidates)
    pslots = _slot_set(problem_t)
    values: dict[str, str] = {}
    if "ref" in pslots:
        values["ref"] = _code(rng.choice(bank.codes), rng)
    if "date" in pslots:
        values["date"] = rng.choice(DATES)
    if "amount" in pslots:
        values["amount"] = _amount(rng)
    problem = _sentence(_fill(problem_t, values))

    components = ["problem"]
    persona = _CALM_PERSONA
    if distress:
        persona, feeling = rng.choice(banks.feelings["feeling_distress"])
        persona = persona or _DISTRESS_PERSONA
        feeling = _sentence(feeling)
        customer = f"{feeling} {problem}" if rng.random() < 0.5 else f"{problem} {feeling}"
        components.append("feeling_distress")
    elif rng.random() < P_NEUTRAL_FEELING:
        persona, feeling = rng.choice(banks.feelings["feeling_neutral"])
        persona = persona or _CALM_PERSONA
        customer = f"{_sentence(feeling)} {problem}"
        components.append("feeling_neutral")
    else:
        customer = problem

    # --- the agent reply, part by part in a natural order
    opener: list[str] = []
    empathy: list[str] = []
    listening: list[str] = []
    action: list[str] = []
    closing: list[str] = []
    meta: dict[str, Any] = {"situation": sit.key, "problem": problem_t, "slots": dict(values)}

    def pick(name: str) -> str:
        components.append(name)
        return rng.choice(comps[name])

    def title_fill(text: str) -> str:
        if "{title}" in text:
            components.append("titles")
            return text.replace("{title}", rng.choice(comps["titles"]))
        return text

    if all_zero:
        if plan["zero"] == "first_question":
            components.append("first_question")
            action.append(_sentence(rng.choice(sit.first_question)))
        else:
            frame = pick("neutral_frames")
            components.append("info")
            action.append(_fill(frame, {"info": _clause(rng.choice(sit.info))}))
    else:
        on_topic = listen_mode not in ("wrong_topic", "listening_neg_generic")
        # respect
        if plan.get("respect") == "sarcasm":
            pass  # placed with the action part below
        elif targets["respect"] == 1:
            opener.append(title_fill(pick("respect_pos")))
        elif targets["respect"] == -1:
            opener.append(pick("respect_neg"))
        # empathy (distress turns only; targets stay 0 otherwise)
        if targets["empathy"] == 1:
            empathy.append(pick("empathy_pos"))
        elif targets["empathy"] == -1:
            empathy.append(pick("indifference" if rng.random() < P_INDIFFERENCE else "empathy_neg"))
        # active listening
        if targets["active_listening"] == 1:
            usable = [q for q in sit.paraphrase if _slot_set(q) <= pslots]
            para_t = rng.choice(usable)
            meta["paraphrase"] = para_t
            frame = pick("listening_pos_frames")
            components.append("paraphrase")
            listening.append(_fill(frame, {"paraphrase": _clause(_fill(para_t, values))}))
        elif listen_mode == "wrong_topic":
            components.append("wrong_topic")
            listening.append(_sentence(rng.choice(sit.wrong_topic)))
        elif listen_mode == "listening_neg_generic":
            listening.append(pick("listening_neg_generic"))
        # tone (and sarcasm / hang-up threats, which also carry respect / patience)
        tone = targets["positive_tone"]
        if plan.get("positive_tone") == "sarcasm":
            action.append(title_fill(pick("sarcasm")))
        elif plan.get("positive_tone") == "hangup_threat":
            pass  # placed at the end
        elif tone == 1:
            if rng.random() < P_BAD_NEWS_GOOD:
                frame = pick("bad_news_good_frames")
                components += ["refusal", "alternative"]
                action.append(
                    _fill(
                        frame,
                        {
                            "refusal": _clause(rng.choice(sit.refusal)),
                            "alternative": _clause(rng.choice(sit.alternative)),
                        },
                    )
                )
            else:
                frame = pick("tone_pos_frames")
                components.append("solution")
                action.append(_fill(frame, {"solution": _clause(rng.choice(sit.solution))}))
        elif tone == -1:
            if on_topic and rng.random() < P_TONE_NEG_FRAME:
                frame = pick("tone_neg_frames")
                components.append("refusal")
                action.append(_fill(frame, {"refusal": _clause(rng.choice(sit.refusal))}))
            else:
                action.append(pick("tone_neg_generic"))
        elif on_topic and rng.random() < P_INFO_WHEN_ZERO:
            frame = pick("neutral_frames")
            components.append("info")
            action.append(_fill(frame, {"info": _clause(rng.choice(sit.info))}))
        # asking again for a detail the customer gave
        if listen_mode == "ask_given":
            slot = rng.choice(sorted(pslots & set(sit.ask_given)))
            meta["ask_given_slot"] = slot
            components.append(f"ask_given.{slot}")
            action.append(_sentence(rng.choice(sit.ask_given[slot])))
        # patience
        if plan.get("patience") == "hangup_threat":
            closing.append(pick("hangup_threat"))
        elif targets["patience"] == 1:
            closing.append(pick("patience_pos"))
        elif targets["patience"] == -1:
            closing.append(pick("patience_neg"))
        if not (opener or empathy or listening or action or closing):
            frame = pick("neutral_frames")
            components.append("info")
            action.append(_fill(frame, {"info": _clause(rng.choice(sit.info))}))

    parts = [_sentence(p) for p in (*opener, *empathy, *listening, *action, *closing)]
    agent = tidy(" ".join(parts))
    customer = tidy(customer)
    labels = labels_from_components(components)
    tags = _tags(components, labels, distress, all_zero)
    meta["all_zero"] = all_zero
    return ComposedTurn(
        domain=dkey,
        persona=persona,
        customer=customer,
        agent=agent,
        distress=distress,
        labels=labels,
        components=components,
        tags=tags,
        meta=meta,
    )


def _tags(components: list[str], labels: dict[str, int], distress: int, all_zero: bool) -> list[str]:
    c = {x.split(".", 1)[0] for x in components}
    tags = []
    if all_zero:
        tags.append("first_question" if "first_question" in c else "info_only")
    simple = (
        ("sarcasm", "sarcasm"),
        ("hangup_threat", "threat_hangup"),
        ("empathy_neg", "minimising"),
        ("indifference", "indifference"),
        ("ask_given", "asks_again"),
        ("listening_neg_generic", "canned"),
        ("wrong_topic", "wrong_topic"),
        ("bad_news_good_frames", "bad_news_good"),
        ("tone_neg_frames", "bad_news_bad"),
        ("respect_neg", "disrespectful"),
        ("listening_pos_frames", "paraphrase"),
    )
    tags += [tag for comp, tag in simple if comp in c]
    if "listening_pos_frames" in c and "titles" in c:
        tags.append("uses_name")
    if labels["respect"] == 1 and labels["patience"] == -1:
        tags.append("formal_impatient")
    if labels["empathy"] == 1 and labels["active_listening"] == -1:
        tags.append("empathy_no_listening")
    if distress and labels["active_listening"] == 1 and labels["empathy"] != 1:
        tags.append("listening_no_empathy")
    return tags


# ----------------------------------------------------------------------------- generation


def _has_pii(text: str) -> bool:
    return any(rx.search(text) for rx in _PII)


def generate(
    n: int,
    seed: int = 13,
    banks: Banks | None = None,
    noise_share: float = 0.3,
    *,
    include_meta: bool = False,
) -> list[dict[str, Any]]:
    """Generate ``n`` labelled turns as records in the gold schema (plus ``source`` and ``components``).

    Args:
        n: Number of turns.
        seed: Random seed; the same seed and banks give identical records.
        banks: Validated banks (default: :func:`load_banks` of the repository).
        noise_share: Share of turns that get one noise style (``ascii``, ``asr`` or ``chat``) on both sides.
        include_meta: Add a ``meta`` field (situation, problem template, slot values) for inspection.

    Returns:
        The records, ids ``gen-000001`` ... in order.

    Raises:
        ConfigError: on an invalid ``n`` or ``noise_share``, or when the banks are too small to give ``n``
            distinct turns.
        BankError: when the default banks cannot be loaded.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ConfigError(f"n must be a non-negative integer, found {n!r}")
    if isinstance(noise_share, bool) or not isinstance(noise_share, (int, float)) or not 0 <= noise_share <= 1:
        raise ConfigError(f"noise_share must be a number between 0 and 1, found {noise_share!r}")
    if banks is None:
        banks = load_banks()
    rng = random.Random(seed)
    width = max(6, len(str(n)))
    seen: set[tuple[str, str]] = set()
    records: list[dict[str, Any]] = []
    for i in range(1, n + 1):
        for _attempt in range(200):
            turn = compose_turn(rng, banks)
            style = rng.choice(NOISE_STYLES) if rng.random() < noise_share else "clean"
            customer, agent = apply_noise(turn.customer, turn.agent, style, rng)
            key = (customer, agent)
            if key in seen or _has_pii(customer) or _has_pii(agent):
                continue
            break
        else:
            raise ConfigError(
                f"could not compose {n} distinct turns from these banks (stuck at {i}); "
                "add variants or domains, or ask for fewer turns"
            )
        seen.add(key)
        channel = "chat" if rng.random() < P_CHAT_CHANNEL[style] else "call"
        rid = f"gen-{i:0{width}d}"
        rec: dict[str, Any] = {
            "id": rid,
            "dialogue_id": rid,
            "domain": turn.domain,
            "persona": turn.persona,
            "channel": channel,
            "turn": 1,
            "customer": customer,
            "agent": agent,
            "customer_distress": turn.distress,
            "labels": {k: turn.labels[k] for k in SKILL_KEYS},
            "noise": style,
            "tags": turn.tags,
            "source": "generated",
            "components": turn.components,
        }
        if include_meta:
            rec["meta"] = turn.meta
        records.append(rec)
    return records


def write_jsonl(records: Iterable[Mapping[str, Any]], path: str | Path) -> Path:
    """Write records as UTF-8 JSON lines, atomically (a temporary file renamed into place).

    Returns:
        The path written.
    """
    data = "".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in records)
    return atomic_write_bytes(path, data.encode("utf-8"))


def summarize(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts per domain, per skill and class, per noise style and channel, and shares.

    Returns:
        ``{"n", "domains", "labels" (skill -> {-1, 0, 1} counts), "label_shares", "noise", "noise_share",
        "channels", "distress_share", "all_zero_share"}``.
    """
    rows = list(records)
    n = len(rows)
    domains = Counter(r["domain"] for r in rows)
    noise = Counter(r["noise"] for r in rows)
    channels = Counter(r["channel"] for r in rows)
    labels = {s: {c: 0 for c in (-1, 0, 1)} for s in SKILL_KEYS}
    all_zero = 0
    for r in rows:
        for s in SKILL_KEYS:
            labels[s][r["labels"][s]] += 1
        all_zero += all(r["labels"][s] == 0 for s in SKILL_KEYS)
    shares = {s: {c: (v / n if n else 0.0) for c, v in cl.items()} for s, cl in labels.items()}
    return {
        "n": n,
        "domains": dict(sorted(domains.items())),
        "labels": labels,
        "label_shares": shares,
        "noise": {k: noise.get(k, 0) for k in ("clean", *NOISE_STYLES)},
        "noise_share": (n - noise.get("clean", 0)) / n if n else 0.0,
        "channels": dict(sorted(channels.items())),
        "distress_share": sum(r["customer_distress"] for r in rows) / n if n else 0.0,
        "all_zero_share": all_zero / n if n else 0.0,
    }
