"""Timing metrics of a call with turn times: silences, holds, interruptions, talk share and speaking rate.

Rules:

* **Timed turns.** Only turns with both ``start`` and ``end`` are used. Turns missing either time are skipped
  (counted in :attr:`TimingReport.skipped_turns`); the metrics then describe the timed part of the call. When
  no agent or customer turn is timed, :func:`timing_metrics` returns ``None``.
* **Silence.** Agent and customer turns are laid on a timeline (sorted by start); a silence is a stretch
  where neither speaks, i.e. a gap between the end of all speech so far and the next spoken turn's start.
  System turns (hold music, IVR announcements) do not fill a gap: a hold is counted as silence. The longest
  system turn is reported separately as :attr:`TimingReport.longest_hold_s`.
* **Interruptions.** An agent turn interrupts when it starts more than :data:`INTERRUPTION_TOLERANCE_S`
  seconds before the end of the previous (timed) customer turn in transcript order, and not before that
  customer turn started. The overlap is ``customer end − agent start``.
* **Talk share.** Agent speaking seconds / (agent + customer speaking seconds), summing turn durations
  (overlapping speech counts for both speakers).
* **Speaking rate.** Words / speaking minutes per speaker, over timed turns longer than zero seconds. Words
  are the whitespace-separated tokens that contain a letter or digit.

:func:`timing_flags` compares a report with a rubric's ``review.timing`` thresholds and returns a Turkish
message for each exceeded limit.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from .rubric import Rubric, Timing
from .transcript import Speaker, Transcript, Turn

logger = logging.getLogger(__name__)

__all__ = [
    "FLAG_KEYS",
    "INTERRUPTION_TOLERANCE_S",
    "Interruption",
    "TimingFlag",
    "TimingReport",
    "timing_flags",
    "timing_metrics",
]

INTERRUPTION_TOLERANCE_S = 0.2
"""An agent turn may start this many seconds before the customer's turn ends without counting as an
interruption (turn times from ASR are not exact)."""

FLAG_KEYS = ("silence", "interruptions", "talk_share", "speaking_rate")
"""The keys a :class:`TimingFlag` can have."""

_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Interruption:
    """One agent turn that started while the customer was still speaking.

    Attributes:
        turn_index: Index of the agent turn in ``transcript.turns``.
        overlap_s: Seconds the agent turn overlapped the customer's turn.
    """

    turn_index: int
    overlap_s: float

    def to_dict(self) -> dict[str, Any]:
        """``{"turn_index": i, "overlap_s": s}``."""
        return {"turn_index": self.turn_index, "overlap_s": round(self.overlap_s, 3)}


@dataclass(frozen=True)
class TimingReport:
    """Timing metrics of one call (see the module docstring for the rules).

    Attributes:
        duration_s: From the first timed turn's start to the last timed turn's end.
        interruptions: Number of agent turns that interrupted the customer.
        interruption_details: The interruptions, in call order.
        longest_silence_s: Longest stretch with no agent or customer speech between two spoken turns
            (holds included); 0 when fewer than two spoken turns are timed.
        longest_silence_turn_index: Index of the turn that ended the longest silence (None if no silence).
        longest_hold_s: Longest system turn (hold music, announcement); 0 when there is none.
        agent_talk_share: Agent speaking seconds / all speaking seconds (None when nobody spoke).
        agent_words_per_minute: Agent speaking rate (None when the agent has no timed speech).
        customer_words_per_minute: Customer speaking rate (None when the customer has no timed speech).
        agent_speaking_s: Sum of the agent's timed turn durations.
        customer_speaking_s: Sum of the customer's timed turn durations.
        skipped_turns: Turns left out because a start or end time was missing.
    """

    duration_s: float
    interruptions: int
    interruption_details: list[Interruption] = field(default_factory=list)
    longest_silence_s: float = 0.0
    longest_silence_turn_index: int | None = None
    longest_hold_s: float = 0.0
    agent_talk_share: float | None = None
    agent_words_per_minute: float | None = None
    customer_words_per_minute: float | None = None
    agent_speaking_s: float = 0.0
    customer_speaking_s: float = 0.0
    skipped_turns: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (seconds rounded to milliseconds, rates and shares to 4 decimals)."""

        def r(value: float | None, digits: int) -> float | None:
            return None if value is None else round(value, digits)

        return {
            "duration_s": r(self.duration_s, 3),
            "interruptions": self.interruptions,
            "interruption_details": [i.to_dict() for i in self.interruption_details],
            "longest_silence_s": r(self.longest_silence_s, 3),
            "longest_silence_turn_index": self.longest_silence_turn_index,
            "longest_hold_s": r(self.longest_hold_s, 3),
            "agent_talk_share": r(self.agent_talk_share, 4),
            "agent_words_per_minute": r(self.agent_words_per_minute, 4),
            "customer_words_per_minute": r(self.customer_words_per_minute, 4),
            "agent_speaking_s": r(self.agent_speaking_s, 3),
            "customer_speaking_s": r(self.customer_speaking_s, 3),
            "skipped_turns": self.skipped_turns,
        }


@dataclass(frozen=True)
class TimingFlag:
    """A timing limit of the rubric that the call exceeded.

    Attributes:
        key: ``silence``, ``interruptions``, ``talk_share`` or ``speaking_rate``.
        message: Turkish explanation for the reviewer, e.g. "En uzun sessizlik 42 sn (sınır 30 sn)".
        value: The measured value (seconds, count, share 0..1 or words per minute).
        limit: The limit that was crossed (for ``talk_share`` the bound on the side that was crossed).
    """

    key: str
    message: str
    value: float
    limit: float

    def to_dict(self) -> dict[str, Any]:
        """``{"key", "message", "value", "limit"}``."""
        return {"key": self.key, "message": self.message, "value": self.value, "limit": self.limit}


# ------------------------------------------------------------------------------------------- metrics


def _word_count(text: str) -> int:
    return sum(1 for token in text.split() if _WORD.search(token))


def _rate(words: int, seconds: float) -> float | None:
    return words / (seconds / 60.0) if seconds > 0 else None


def timing_metrics(transcript: Transcript) -> TimingReport | None:
    """Compute the timing metrics of a call.

    Args:
        transcript: The call; turns need ``start`` and ``end`` times.

    Returns:
        The metrics over the timed turns, or ``None`` when no agent or customer turn has both times
        (e.g. a chat or a plain-text transcript).
    """
    timed: list[tuple[int, Turn]] = []
    skipped = 0
    for i, turn in enumerate(transcript.turns):
        if turn.start is None or turn.end is None:
            skipped += 1
        else:
            timed.append((i, turn))
    spoken = [(i, t) for i, t in timed if t.speaker is not Speaker.SYSTEM]
    if not spoken:
        logger.debug("No timing metrics for %s: no timed agent/customer turn", transcript.call_id)
        return None
    if skipped:
        logger.debug("Timing of %s: %d turn(s) without start/end time skipped", transcript.call_id, skipped)

    # Interruptions: agent turn vs the latest timed customer turn before it in transcript order.
    interruptions: list[Interruption] = []
    last_customer: Turn | None = None
    for i, turn in timed:
        if turn.speaker is Speaker.CUSTOMER:
            last_customer = turn
        elif turn.speaker is Speaker.AGENT and last_customer is not None:
            assert turn.start is not None and last_customer.start is not None and last_customer.end is not None
            overlap = last_customer.end - turn.start
            if overlap > INTERRUPTION_TOLERANCE_S and turn.start >= last_customer.start:
                interruptions.append(Interruption(turn_index=i, overlap_s=overlap))

    # Silence: gaps in the union of spoken intervals.
    longest_silence = 0.0
    longest_silence_at: int | None = None
    ordered = sorted(spoken, key=lambda it: (it[1].start, it[0]))
    covered_until = ordered[0][1].end
    for i, turn in ordered[1:]:
        assert turn.start is not None and turn.end is not None and covered_until is not None
        gap = turn.start - covered_until
        if gap > longest_silence:
            longest_silence, longest_silence_at = gap, i
        covered_until = max(covered_until, turn.end)

    holds = [t.duration or 0.0 for _, t in timed if t.speaker is Speaker.SYSTEM]
    longest_hold = max(holds, default=0.0)

    speaking = {Speaker.AGENT: 0.0, Speaker.CUSTOMER: 0.0}
    words = {Speaker.AGENT: 0, Speaker.CUSTOMER: 0}
    for _, turn in spoken:
        seconds = turn.duration or 0.0
        if seconds <= 0:
            continue
        speaking[turn.speaker] += seconds
        words[turn.speaker] += _word_count(turn.text)
    total_speaking = speaking[Speaker.AGENT] + speaking[Speaker.CUSTOMER]

    first_start = min(t.start for _, t in timed if t.start is not None)
    last_end = max(t.end for _, t in timed if t.end is not None)
    return TimingReport(
        duration_s=last_end - first_start,
        interruptions=len(interruptions),
        interruption_details=interruptions,
        longest_silence_s=longest_silence,
        longest_silence_turn_index=longest_silence_at,
        longest_hold_s=longest_hold,
        agent_talk_share=speaking[Speaker.AGENT] / total_speaking if total_speaking > 0 else None,
        agent_words_per_minute=_rate(words[Speaker.AGENT], speaking[Speaker.AGENT]),
        customer_words_per_minute=_rate(words[Speaker.CUSTOMER], speaking[Speaker.CUSTOMER]),
        agent_speaking_s=speaking[Speaker.AGENT],
        customer_speaking_s=speaking[Speaker.CUSTOMER],
        skipped_turns=skipped,
    )


# --------------------------------------------------------------------------------------------- flags


def _num(value: float, digits: int = 1) -> str:
    """Turkish number: no decimals when whole, otherwise a decimal comma ("42", "42,5")."""
    rounded = round(value, digits)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.{digits}f}".replace(".", ",")


def _pct(share: float) -> str:
    """Turkish percentage, sign first: "%82"."""
    return f"%{_num(share * 100, 0)}"


def timing_flags(report: TimingReport | None, timing_rules: Timing | Rubric) -> list[TimingFlag]:
    """Compare timing metrics with a rubric's limits.

    A limit set to ``None`` in the rubric is not checked, nor is a metric the report could not compute. A flag
    is raised only when the value is strictly beyond the limit (a value equal to the limit passes).

    Args:
        report: The output of :func:`timing_metrics` (``None`` gives no flags).
        timing_rules: The rubric's ``review.timing`` section, or the rubric itself.

    Returns:
        The flags in the order silence, interruptions, talk share, speaking rate.
    """
    if report is None:
        return []
    rules = timing_rules.review.timing if isinstance(timing_rules, Rubric) else timing_rules
    flags: list[TimingFlag] = []
    if rules.max_silence_s is not None and report.longest_silence_s > rules.max_silence_s:
        flags.append(
            TimingFlag(
                key="silence",
                message=f"En uzun sessizlik {_num(report.longest_silence_s)} sn (sınır {_num(rules.max_silence_s)} sn)",
                value=report.longest_silence_s,
                limit=float(rules.max_silence_s),
            )
        )
    if rules.max_interruptions is not None and report.interruptions > rules.max_interruptions:
        flags.append(
            TimingFlag(
                key="interruptions",
                message=(
                    f"Temsilci müşterinin sözünü {report.interruptions} kez kesti (sınır {rules.max_interruptions} kez)"
                ),
                value=float(report.interruptions),
                limit=float(rules.max_interruptions),
            )
        )
    share = report.agent_talk_share
    if rules.agent_talk_share is not None and share is not None:
        low, high = rules.agent_talk_share
        if share < low or share > high:
            direction = "düşük" if share < low else "yüksek"
            flags.append(
                TimingFlag(
                    key="talk_share",
                    message=(
                        f"Temsilcinin konuşma payı {_pct(share)}, çok {direction} (sınır {_pct(low)}–{_pct(high)})"
                    ),
                    value=share,
                    limit=float(low if share < low else high),
                )
            )
    rate = report.agent_words_per_minute
    if rules.max_words_per_minute is not None and rate is not None and rate > rules.max_words_per_minute:
        flags.append(
            TimingFlag(
                key="speaking_rate",
                message=(
                    f"Temsilcinin konuşma hızı dakikada {_num(rate, 0)} kelime "
                    f"(sınır {_num(rules.max_words_per_minute)} kelime)"
                ),
                value=rate,
                limit=float(rules.max_words_per_minute),
            )
        )
    return flags
