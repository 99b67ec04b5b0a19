"""Redaction of personal data (PII) in Turkish call and chat text.

Redaction is on by default wherever text is stored, shown or logged. Each detected item is replaced by a
fixed Turkish placeholder:

==============  ===============  ==============================================================
kind            placeholder      what is detected
==============  ===============  ==============================================================
``tc_kimlik``   ``[TC_KIMLIK]``  11-digit T.C. kimlik numbers that pass the official checksum
``phone``       ``[TELEFON]``    Turkish mobile and landline numbers (rules below)
``iban``        ``[IBAN]``       ``TR`` + 24 digits that pass the ISO 13616 mod-97 check
``card``        ``[KART_NO]``    Luhn-valid payment card numbers, and already masked card numbers
``email``       ``[E_POSTA]``    e-mail addresses, Turkish letters allowed
==============  ===============  ==============================================================

Number rules:

* Numbers are found as *digit chains*: runs of ASCII digits separated by at most three spaces, dashes or
  parentheses ("0 (532) 123-45-67", "123 456 789 01", and ASR output written digit by digit,
  "0 5 3 2 1 2 3 4 5 6 7"). Dots, commas, slashes and colons do not join digits, so dates
  ("12.05.2024"), amounts ("1.250,00 TL") and times ("14:30") are never taken as one long number. A chain
  glued to a letter on its left ("TK10000000146"), or joined to one by a dash ("HK-240514-7751"), is a code,
  not PII, and is skipped; letters on the right
  are allowed because Turkish suffixes follow numbers ("05321234567den").
* Candidates are whole digit groups of a chain (a group is never split), so a PII item can sit next to other
  numbers in the same chain ("0532 123 45 67 2 kez").
* **TC kimlik**: 11 digits, first digit not 0, d10 = ((d1+d3+d5+d7+d9)·7 − (d2+d4+d6+d8)) mod 10 and
  d11 = (d1+…+d10) mod 10; any grouping. Random 11-digit numbers (order numbers) fail the checksum 99% of the
  time and are kept.
* **Phone**: an optional trunk prefix (``0``, ``90``, ``+90`` or ``0090``) and a 10-digit national number
  that starts with ``5`` (mobile, 5xx) or ``2``/``3``/``4`` (landline area codes 2xx/3xx/4xx + 7 subscriber
  digits).
  With a prefix any grouping is accepted. Without a prefix the grouping as a whole must be a usual one
  (3-3-2-2, 3-3-4, 3-7) or single digits, and a landline must be grouped ("212 555 12 34"):
  a bare 10-digit run starting with 2-4 is more likely an order or customer number. A bare 10-digit run
  starting with 5 ("5321234567") is taken as a mobile number.
* **Company numbers are not redacted**: ``444 XX XX`` call-centre numbers (7 digits, no area code) and the
  non-geographic ``0850``/``0800``/``0900`` numbers belong to companies, not people.
* **Card**: 13-19 digits, Luhn-valid, starting with 3, 4, 5, 6, 2221-2720 (Mastercard 2-series) or 9792
  (Troy); grouped in fours (last group 1-4 digits), 4-6-5/4-6-4, single digits or not at all.
* **Masked cards** such as "5406 **** **** 1234" or "540612******1234" (16 characters of digits and mask
  characters ``* • x X #``, at least four of them masks) are also replaced by ``[KART_NO]`` and counted as
  ``card``: the model never needs the remaining digits and one placeholder keeps the text uniform.
* **IBAN**: ``TR`` (any case) + 24 digits, spaces or dashes allowed anywhere between digits. Only
  mod-97-valid IBANs are redacted; an IBAN-shaped string that fails the check is left exactly as it is
  (its digits are not re-read as phone, card or TC numbers).

Overlaps are resolved deterministically: e-mail first, then IBAN, card, TC kimlik, phone (the most specific
kind wins); within a kind the longer match, then the earlier one. Detection always considers every kind and
``kinds`` only filters the result, so a given span is interpreted the same way whatever is requested.
Placeholders contain no digits or "@", so redacting twice gives the same text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from .errors import ConfigError
from .transcript import Transcript

logger = logging.getLogger(__name__)

__all__ = [
    "ALL_KINDS",
    "PLACEHOLDERS",
    "PiiKind",
    "PiiMatch",
    "RedactionResult",
    "find_pii",
    "is_valid_iban",
    "is_valid_tc_kimlik",
    "luhn_valid",
    "redact",
    "redact_text",
    "redact_transcript",
]


class PiiKind(StrEnum):
    """The kinds of personal data that are redacted."""

    TC_KIMLIK = "tc_kimlik"
    PHONE = "phone"
    IBAN = "iban"
    CARD = "card"
    EMAIL = "email"


#: All kinds, in the order used for counts.
ALL_KINDS: tuple[PiiKind, ...] = (
    PiiKind.TC_KIMLIK,
    PiiKind.PHONE,
    PiiKind.IBAN,
    PiiKind.CARD,
    PiiKind.EMAIL,
)

#: The placeholder that replaces each kind. Stable: downstream code and the model rely on these strings.
PLACEHOLDERS: Mapping[PiiKind, str] = MappingProxyType(
    {
        PiiKind.TC_KIMLIK: "[TC_KIMLIK]",
        PiiKind.PHONE: "[TELEFON]",
        PiiKind.IBAN: "[IBAN]",
        PiiKind.CARD: "[KART_NO]",
        PiiKind.EMAIL: "[E_POSTA]",
    }
)

# Lower number wins when two candidates overlap.
_PRIORITY: Mapping[PiiKind, int] = MappingProxyType(
    {PiiKind.EMAIL: 0, PiiKind.IBAN: 1, PiiKind.CARD: 2, PiiKind.TC_KIMLIK: 3, PiiKind.PHONE: 4}
)


@dataclass(frozen=True)
class PiiMatch:
    """Where a PII item was found. The matched text itself is deliberately not stored.

    Attributes:
        kind: What was found.
        start: Start offset in the text.
        end: End offset (exclusive).
    """

    kind: PiiKind
    start: int
    end: int

    def __repr__(self) -> str:
        return f"PiiMatch(kind={self.kind.value!r}, start={self.start}, end={self.end})"


@dataclass(frozen=True)
class RedactionResult:
    """Redacted text and how many items of each kind were replaced.

    Attributes:
        text: The redacted text.
        counts: Number of replacements per kind value (every requested kind is present, zeros included).
    """

    text: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Total number of replacements."""
        return sum(self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        """``{"text": ..., "counts": {...}, "total": n}``, ready for JSON."""
        return {"text": self.text, "counts": dict(self.counts), "total": self.total}


# --------------------------------------------------------------------------- validators


def is_valid_tc_kimlik(digits: str) -> bool:
    """True when ``digits`` is an 11-digit T.C. kimlik number with a valid checksum.

    Args:
        digits: The number, digits only.
    """
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit() or digits[0] == "0":
        return False
    d = [int(c) for c in digits]
    odd = d[0] + d[2] + d[4] + d[6] + d[8]
    even = d[1] + d[3] + d[5] + d[7]
    return (odd * 7 - even) % 10 == d[9] and sum(d[:10]) % 10 == d[10]


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` (digits only, at least 2) passes the Luhn check used by payment cards."""
    if len(digits) < 2 or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def is_valid_iban(iban: str) -> bool:
    """True when ``iban`` is a Turkish IBAN (``TR`` + 24 digits, spaces allowed) with a valid mod-97 check.

    Args:
        iban: The IBAN, any case, spaces or dashes allowed.
    """
    compact = re.sub(r"[\s\-]", "", iban).upper()
    if len(compact) != 26 or not compact.startswith("TR"):
        return False
    rest = compact[2:]
    if not rest.isascii() or not rest.isdigit():
        return False
    rearranged = rest[2:] + "2927" + rest[:2]  # T = 29, R = 27
    return int(rearranged) % 97 == 1


# --------------------------------------------------------------------------- patterns

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w%+-]+(?:\.[\w%+-]+)*@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}(?![\w-])"
)
_IBAN_SHAPE = re.compile(r"(?<!\w)tr(?:[ \u00a0\-]?[0-9]){24}(?![0-9])", re.IGNORECASE)
_MASK_CHARS = "*•xX#"
_MASKED_CARD = re.compile(r"(?<![\w*•#])(?:[0-9*•xX#]{4}[ \-]?){3}[0-9*•xX#]{4}(?![\w*•#])")
_SEP = r"[ \u00a0\u202f()\-\u2013]{1,3}"
# a chain glued to letters ("TK123…") or hyphenated to them ("HK-240514-7751") is a code, not PII; a chain
# starts at the first digit of a number, never inside one ("kargo-2024-05-14-0031" is a call id)
_CHAIN = re.compile(rf"(?:(?<!\w)\+|(?<![^\W\d])(?<![^\W\d]-))(?<![0-9])[0-9]+(?:{_SEP}[0-9]+)*")
_GROUP = re.compile(r"[0-9]+")

_MAX_WINDOW_DIGITS = 19
_PHONE_GROUPINGS = {(3, 6, 8), (3, 6), (3,)}


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    digits: str


def _split_offsets(groups: list[_Group], base: int) -> list[tuple[int, bool]]:
    """(offset of each split relative to ``base`` digits, whether both neighbouring groups are 1 digit)."""
    out: list[tuple[int, bool]] = []
    pos = 0
    for left, right in zip(groups, groups[1:], strict=False):
        pos += len(left.digits)
        out.append((pos - base, len(left.digits) == 1 and len(right.digits) == 1))
    return out


def _is_phone(groups: list[_Group], plus: bool) -> bool:
    digits = "".join(g.digits for g in groups)
    if plus:
        if len(digits) != 12 or not digits.startswith("90"):
            return False
        prefix = 2
    elif len(digits) == 14 and digits.startswith("0090"):
        prefix = 4
    elif len(digits) == 12 and digits.startswith("90"):
        prefix = 2
    elif len(digits) == 11 and digits.startswith("0"):
        prefix = 1
    elif len(digits) == 10:
        prefix = 0
    else:
        return False
    first = digits[prefix]
    mobile = first == "5"
    if not mobile and first not in "234":
        return False
    if prefix:
        return True
    if len(groups) == 1:
        return mobile
    splits = _split_offsets(groups, 0)
    if all(single for _, single in splits):
        return True  # spoken digit by digit
    # the whole grouping must be a usual one: 3-3-2-2, 3-3-4 or 3-7 ("240514-7751" is a ticket number)
    return tuple(offset for offset, _ in splits) in _PHONE_GROUPINGS


def _card_prefix_ok(digits: str) -> bool:
    if digits[0] in "3456" or digits.startswith("9792"):
        return True
    return 2221 <= int(digits[:4]) <= 2720


def _is_card(groups: list[_Group]) -> bool:
    digits = "".join(g.digits for g in groups)
    if not 13 <= len(digits) <= 19 or not _card_prefix_ok(digits) or not luhn_valid(digits):
        return False
    splits = _split_offsets(groups, 0)
    if {offset for offset, _ in splits} <= {4, 10} and len(splits) == 2:
        return True  # 4-6-5 (Amex) / 4-6-4 (Diners)
    return all(offset % 4 == 0 or single for offset, single in splits)


def _chain_candidates(text: str, chain: re.Match[str]) -> list[PiiMatch]:
    plus = chain.group(0).startswith("+")
    groups = [
        _Group(chain.start() + m.start(), chain.start() + m.end(), m.group(0))
        for m in _GROUP.finditer(chain.group(0))
    ]
    found: list[PiiMatch] = []
    for i in range(len(groups)):
        digits = ""
        for j in range(i, len(groups)):
            digits += groups[j].digits
            if len(digits) > _MAX_WINDOW_DIGITS:
                break
            if len(digits) < 10:
                continue
            window = groups[i : j + 1]
            with_plus = plus and i == 0
            start = chain.start() if with_plus else window[0].start
            end = window[-1].end
            if not with_plus and len(digits) >= 13 and _is_card(window):
                found.append(PiiMatch(PiiKind.CARD, start, end))
            if not with_plus and is_valid_tc_kimlik(digits):
                found.append(PiiMatch(PiiKind.TC_KIMLIK, start, end))
            if _is_phone(window, with_plus):
                found.append(PiiMatch(PiiKind.PHONE, start, end))
    return found


def _balance_parentheses(text: str, match: PiiMatch) -> PiiMatch:
    """Take in a "(" or ")" just outside the span when the span holds its partner: "(0532) 123 45 67"."""
    start, end = match.start, match.end
    inner = text[start:end]
    if start > 0 and text[start - 1] == "(" and inner.count(")") > inner.count("("):
        start -= 1
    if end < len(text) and text[end] == ")" and inner.count("(") > inner.count(")"):
        end += 1
    return PiiMatch(match.kind, start, end)


def _resolve(candidates: list[PiiMatch], taken: list[tuple[int, int]]) -> list[PiiMatch]:
    ordered = sorted(candidates, key=lambda m: (_PRIORITY[m.kind], -(m.end - m.start), m.start))
    accepted: list[PiiMatch] = []
    for cand in ordered:
        if any(cand.start < end and start < cand.end for start, end in taken):
            continue
        accepted.append(cand)
        taken.append((cand.start, cand.end))
    return accepted


def _masked_card_ok(candidate: str) -> bool:
    masks = sum(candidate.count(ch) for ch in _MASK_CHARS)
    digits = sum(ch.isdigit() for ch in candidate)
    return masks >= 4 and masks + digits == 16


def _parse_kinds(kinds: Iterable[PiiKind | str] | PiiKind | str | None) -> tuple[PiiKind, ...]:
    if kinds is None:
        return ALL_KINDS
    if isinstance(kinds, (str, PiiKind)):
        kinds = [kinds]
    wanted: set[PiiKind] = set()
    for kind in kinds:
        try:
            wanted.add(PiiKind(str(kind).strip().lower()) if not isinstance(kind, PiiKind) else kind)
        except ValueError:
            raise ConfigError(
                f"unknown PII kind {kind!r}; expected some of: {', '.join(k.value for k in ALL_KINDS)}"
            ) from None
    return tuple(k for k in ALL_KINDS if k in wanted)


def _detect(text: str) -> list[PiiMatch]:
    taken: list[tuple[int, int]] = []
    first_pass: list[PiiMatch] = [PiiMatch(PiiKind.EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(text)]
    blocked: list[tuple[int, int]] = []
    for m in _IBAN_SHAPE.finditer(text):
        if is_valid_iban(m.group(0)):
            first_pass.append(PiiMatch(PiiKind.IBAN, m.start(), m.end()))
        else:
            blocked.append((m.start(), m.end()))
    for m in _MASKED_CARD.finditer(text):
        if _masked_card_ok(m.group(0)):
            first_pass.append(PiiMatch(PiiKind.CARD, m.start(), m.end()))
    accepted = _resolve(first_pass, taken)
    # Invalid IBAN-shaped strings stay untouched unless inside an accepted span (e.g. an e-mail).
    taken.extend(span for span in blocked if not any(span[0] < e and s < span[1] for s, e in taken))

    masked = list(text)
    for start, end in taken:
        masked[start:end] = "_" * (end - start)
    masked_text = "".join(masked)
    chain_candidates: list[PiiMatch] = []
    for chain in _CHAIN.finditer(masked_text):
        chain_candidates.extend(_chain_candidates(masked_text, chain))
    accepted.extend(_resolve(chain_candidates, taken))
    return sorted((_balance_parentheses(text, m) for m in accepted), key=lambda m: m.start)


# --------------------------------------------------------------------------- public API


def find_pii(text: str, kinds: Iterable[PiiKind | str] | PiiKind | str | None = None) -> list[PiiMatch]:
    """Find personal data in ``text``.

    Args:
        text: The text to search.
        kinds: Kinds to report (names or :class:`PiiKind`); ``None`` for all.

    Returns:
        Non-overlapping matches sorted by position. Only kind and offsets are stored, never the value.

    Raises:
        ConfigError: if a kind is unknown.
        TypeError: if ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"find_pii() expected a str, found {type(text).__name__}")
    wanted = set(_parse_kinds(kinds))
    return [m for m in _detect(text) if m.kind in wanted]


def redact_text(text: str, kinds: Iterable[PiiKind | str] | PiiKind | str | None = None) -> RedactionResult:
    """Replace personal data in ``text`` by placeholders.

    Args:
        text: The text to redact.
        kinds: Kinds to redact (names or :class:`PiiKind`); ``None`` for all.

    Returns:
        The redacted text and the number of replacements per requested kind.

    Raises:
        ConfigError: if a kind is unknown.
        TypeError: if ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"redact_text() expected a str, found {type(text).__name__}")
    wanted = _parse_kinds(kinds)
    counts = {k.value: 0 for k in wanted}
    pieces: list[str] = []
    pos = 0
    for match in find_pii(text, wanted):
        pieces.append(text[pos : match.start])
        pieces.append(PLACEHOLDERS[match.kind])
        counts[match.kind.value] += 1
        pos = match.end
    pieces.append(text[pos:])
    return RedactionResult(text="".join(pieces), counts=counts)


def redact(text: str) -> str:
    """Redact every kind of personal data in ``text`` and return the redacted text."""
    return redact_text(text).text


def redact_transcript(
    transcript: Transcript, kinds: Iterable[PiiKind | str] | PiiKind | str | None = None
) -> Transcript:
    """Return a copy of ``transcript`` with every turn's text redacted.

    ``metadata["redaction"]`` receives ``{kind: count}`` summed over the turns (added to the counts already
    there, so redacting twice keeps the totals). Other metadata values are not touched.

    Args:
        transcript: The transcript to redact.
        kinds: Kinds to redact; ``None`` for all.

    Returns:
        A new transcript; the input is not modified.

    Raises:
        ConfigError: if a kind is unknown.
    """
    wanted = _parse_kinds(kinds)
    totals = {k.value: 0 for k in wanted}
    turns = []
    for turn in transcript.turns:
        result = redact_text(turn.text, wanted)
        for kind, count in result.counts.items():
            totals[kind] += count
        turns.append(replace(turn, text=result.text) if result.total else turn)
    previous = transcript.metadata.get("redaction")
    if isinstance(previous, Mapping):
        for kind, count in previous.items():
            if isinstance(kind, str) and isinstance(count, int) and not isinstance(count, bool):
                totals[kind] = totals.get(kind, 0) + count
    elif previous is not None:
        logger.warning(
            "call %s: metadata 'redaction' was %s, expected a mapping of kind -> count; replacing it",
            transcript.call_id,
            type(previous).__name__,
        )
    logger.debug("call %s: redacted %d PII item(s)", transcript.call_id, sum(totals.values()))
    metadata = {**transcript.metadata, "redaction": totals}
    return replace(transcript, turns=tuple(turns), metadata=metadata)
