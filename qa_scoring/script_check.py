"""Script adherence: did the agent say the rubric's required phrases, in the right place and order?

Each :class:`~qa_scoring.rubric.ScriptItem` lists acceptable wordings. An item is searched for in the agent
turns its ``position`` allows:

* ``start``: the agent's first ``within_turns`` turns;
* ``end``: the agent's last ``within_turns`` turns;
* ``anywhere``: every agent turn.

Matching uses a **windowed word error rate**. The phrase and the agent turn are normalised with the Turkish
``match_ascii`` preset (Turkish lower case, punctuation removed, Turkish letters folded to ASCII), so
"Hoş geldiniz!", "HOŞ GELDİNİZ" and ASR output such as "hos geldiniz" compare equal. For a phrase of ``n``
words, every window of ``n - 2`` … ``n + 2`` consecutive words of the turn (clipped to at least one word and
to the turn) is compared with the phrase using :func:`jiwer.wer` (phrase = reference, window = hypothesis),
and the lowest WER over all windows, phrases and turns is kept. The item is present when that WER is at most
its ``max_wer``. The closest window is reported even for an absent item, so a reviewer sees how close the
agent came.

Ties are broken by position: the earliest turn, then the earliest window start, then the phrase listed
first in the rubric, then the window length closest to the phrase length.

Order (``before``): item A with ``before: [B]`` is violated when both are present and A's first matching
occurrence comes after B's first matching occurrence (compared by turn, then by word position inside the
turn). Violations are reported as ``"A before B"`` (the rule that was broken).

Speed: normalised words are computed once per turn and phrase; a window is only scored with jiwer when a
cheap lower bound on its WER (from how many of its words occur in the phrase) says it could still matter,
and an item's search stops at the first exact match. A 40-turn call against ~20 phrases takes well under a
second.

The text in :attr:`ScriptItemResult.best_match` is the agent's own wording (punctuation and case as
written). Redaction is the caller's job: pass a redacted transcript if the result is stored or shown.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jiwer

from .normalize import get_preset
from .rubric import Rubric, ScriptItem
from .transcript import Speaker, Transcript

logger = logging.getLogger(__name__)

__all__ = ["NORMALIZATION_PRESET", "WINDOW_SLACK", "ScriptItemResult", "ScriptReport", "check_script"]

NORMALIZATION_PRESET = "match_ascii"
"""Normalisation applied to phrases and agent text before matching."""

WINDOW_SLACK = 2
"""Windows are ``len(phrase) ± WINDOW_SLACK`` words long."""

# The texts given to jiwer are already normalised and single-spaced: only split them into words.
_SPLIT_WORDS = jiwer.Compose([jiwer.ReduceToListOfListOfWords()])


@dataclass(frozen=True)
class ScriptItemResult:
    """How one script item was found (or not) in a call.

    Attributes:
        key: The script item key, e.g. ``greeting``.
        name: Its Turkish display name.
        required: Whether the rubric requires it.
        present: Whether some phrase matched with WER ≤ ``max_wer``.
        best_phrase: The rubric phrase that came closest (the first phrase when no agent turn was searched).
        best_match: The agent's words of the closest window, as written in the transcript ("" if none).
        turn_index: Index in ``transcript.turns`` of the turn holding the closest window (None if none).
        wer: Word error rate of the closest window against ``best_phrase`` (None if no turn was searched).
        max_wer: The item's threshold.
        position: Where the item was searched: ``start``, ``end`` or ``anywhere``.
    """

    key: str
    name: str
    required: bool
    present: bool
    best_phrase: str
    best_match: str
    turn_index: int | None
    wer: float | None
    max_wer: float
    position: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping of the fields (``wer`` rounded to 4 decimals)."""
        return {
            "key": self.key,
            "name": self.name,
            "required": self.required,
            "present": self.present,
            "best_phrase": self.best_phrase,
            "best_match": self.best_match,
            "turn_index": self.turn_index,
            "wer": None if self.wer is None else round(self.wer, 4),
            "max_wer": self.max_wer,
            "position": self.position,
        }


@dataclass(frozen=True)
class ScriptReport:
    """Script adherence of one call.

    Attributes:
        items: One result per rubric script item, in rubric order.
        missing_required: Keys of required items that were not found.
        order_violations: Broken ``before`` rules, each as ``"A before B"``.
    """

    items: list[ScriptItemResult] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)
    order_violations: list[str] = field(default_factory=list)

    def item(self, key: str) -> ScriptItemResult:
        """The result for the script item ``key``.

        Raises:
            KeyError: If the rubric has no such item.
        """
        for result in self.items:
            if result.key == key:
                return result
        raise KeyError(f"no script item '{key}'; items: {', '.join(r.key for r in self.items) or 'none'}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping: ``{"items": [...], "missing_required": [...], "order_violations": [...]}``."""
        return {
            "items": [r.to_dict() for r in self.items],
            "missing_required": list(self.missing_required),
            "order_violations": list(self.order_violations),
        }


# ------------------------------------------------------------------------------------------- internals


@dataclass(frozen=True)
class _TurnWords:
    """Normalised words of one agent turn, each mapped back to the whitespace token it came from."""

    turn_index: int
    words: tuple[str, ...]
    token_of_word: tuple[int, ...]
    tokens: tuple[str, ...]

    def original(self, start: int, length: int) -> str:
        """The agent's own tokens covering normalised words ``start`` … ``start + length - 1``."""
        first = self.token_of_word[start]
        last = self.token_of_word[start + length - 1]
        return " ".join(self.tokens[first : last + 1])


@dataclass
class _Search:
    """Running state of the search for one script item."""

    max_wer: float
    best_wer: float = math.inf
    best_phrase: int = 0
    best_turn: _TurnWords | None = None
    best_start: int = 0
    best_length: int = 0
    first_present: tuple[int, int] | None = None  # (turn index, word start)


def _split_words(text: str) -> tuple[str, ...]:
    return tuple(get_preset(NORMALIZATION_PRESET)(text).split())


@lru_cache(maxsize=4096)
def _phrase_words(phrase: str) -> tuple[str, ...]:
    """Normalised words of a rubric phrase (cached: rubrics are reused across calls)."""
    return _split_words(phrase)


def _turn_words(turn_index: int, text: str) -> _TurnWords:
    tokens = tuple(text.split())
    words: list[str] = []
    token_of_word: list[int] = []
    for t, token in enumerate(tokens):
        for word in _split_words(token):
            words.append(word)
            token_of_word.append(t)
    return _TurnWords(turn_index, tuple(words), tuple(token_of_word), tokens)


def _lengths(n: int, available: int) -> list[int]:
    """Window lengths to try, closest to the phrase length first: n, n-1, n+1, n-2, n+2.

    Each is clipped to ``1 … available`` (the words left in the turn), so a turn shorter than the phrase is
    still compared as a whole.
    """
    out: list[int] = []
    deltas = [0, *(d for k in range(1, WINDOW_SLACK + 1) for d in (-k, k))]
    for delta in deltas:
        length = min(max(n + delta, 1), available)
        if length not in out:
            out.append(length)
    return out


def _search_turn(state: _Search, turn: _TurnWords, phrases: Sequence[tuple[str, ...]]) -> bool:
    """Score every useful window of ``turn``; return True when an exact match ends the search."""
    words = turn.words
    if not words:
        return False
    phrase_strs = [" ".join(p) for p in phrases]
    # hits[k][i]: how many of words[:i] occur in phrase k (a cheap upper bound on matched words).
    hits: list[list[int]] = []
    for phrase in phrases:
        vocab = set(phrase)
        counts = [0]
        for word in words:
            counts.append(counts[-1] + (word in vocab))
        hits.append(counts)
    for start in range(len(words)):
        available = len(words) - start
        for k, phrase in enumerate(phrases):
            n = len(phrase)
            for length in _lengths(n, available):
                matched = hits[k][start + length] - hits[k][start]
                lower_bound = (max(n, length) - min(matched, n)) / n
                need_first = state.first_present is None and lower_bound <= state.max_wer
                if lower_bound >= state.best_wer and not need_first:
                    continue
                window = " ".join(words[start : start + length])
                wer = float(
                    jiwer.wer(
                        phrase_strs[k],
                        window,
                        reference_transform=_SPLIT_WORDS,
                        hypothesis_transform=_SPLIT_WORDS,
                    )
                )
                if wer <= state.max_wer and state.first_present is None:
                    state.first_present = (turn.turn_index, start)
                if wer < state.best_wer:
                    state.best_wer = wer
                    state.best_phrase = k
                    state.best_turn = turn
                    state.best_start = start
                    state.best_length = length
                    if wer == 0.0:
                        return True
    return False


def _candidate_turns(item: ScriptItem, agent_turns: list[_TurnWords]) -> list[_TurnWords]:
    if item.position == "start":
        return agent_turns[: item.within_turns]
    if item.position == "end":
        return agent_turns[-item.within_turns :] if item.within_turns else []
    return agent_turns


def _check_item(item: ScriptItem, agent_turns: list[_TurnWords]) -> tuple[ScriptItemResult, tuple[int, int] | None]:
    phrases = [_phrase_words(p) for p in item.phrases]
    usable = [(p, w) for p, w in zip(item.phrases, phrases, strict=True) if w]
    state = _Search(max_wer=item.max_wer)
    for turn in _candidate_turns(item, agent_turns):
        if _search_turn(state, turn, [w for _, w in usable]):
            break
    if state.best_turn is None:
        result = ScriptItemResult(
            key=item.key,
            name=item.name,
            required=item.required,
            present=False,
            best_phrase=item.phrases[0],
            best_match="",
            turn_index=None,
            wer=None,
            max_wer=item.max_wer,
            position=item.position,
        )
        return result, None
    result = ScriptItemResult(
        key=item.key,
        name=item.name,
        required=item.required,
        present=state.best_wer <= item.max_wer,
        best_phrase=usable[state.best_phrase][0],
        best_match=state.best_turn.original(state.best_start, state.best_length),
        turn_index=state.best_turn.turn_index,
        wer=state.best_wer,
        max_wer=item.max_wer,
        position=item.position,
    )
    return result, state.first_present


def check_script(transcript: Transcript, rubric: Rubric) -> ScriptReport:
    """Check which of the rubric's script items the agent said, and in which order.

    Args:
        transcript: The call or chat (redact it first if the report is stored or shown: the matched agent
            words are copied into the report).
        rubric: The rubric whose ``script`` items are checked.

    Returns:
        A :class:`ScriptReport` with one result per script item (in rubric order), the keys of missing
        required items and the broken ``before`` rules.
    """
    agent_turns = [
        _turn_words(i, turn.text) for i, turn in enumerate(transcript.turns) if turn.speaker is Speaker.AGENT
    ]
    results: list[ScriptItemResult] = []
    first_seen: dict[str, tuple[int, int]] = {}
    for item in rubric.script:
        result, first = _check_item(item, agent_turns)
        results.append(result)
        if result.present and first is not None:
            first_seen[item.key] = first
    missing = [r.key for r in results if r.required and not r.present]
    violations: list[str] = []
    for item in rubric.script:
        if item.key not in first_seen:
            continue
        for other in item.before:
            if other in first_seen and first_seen[item.key] > first_seen[other]:
                violations.append(f"{item.key} before {other}")
    logger.debug(
        "Script check of %s: %d/%d items present, %d required missing, %d order violations",
        transcript.call_id,
        sum(r.present for r in results),
        len(results),
        len(missing),
        len(violations),
    )
    return ScriptReport(items=results, missing_required=missing, order_violations=violations)
