"""The transcript model: a call or chat as a list of speaker turns.

Our own JSON format (documented in ``docs/transcript-format.md`` and ``qa_scoring/schemas/transcript.schema.json``)
is the :meth:`Transcript.to_dict` output. Readers for other formats live in :mod:`qa_scoring.readers`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from .errors import TranscriptFormatError


class Speaker(StrEnum):
    """Who said a turn (``str(Speaker.AGENT) == "agent"``)."""

    AGENT = "agent"
    CUSTOMER = "customer"
    SYSTEM = "system"


class Channel(StrEnum):
    """How the conversation took place."""

    CALL = "call"
    CHAT = "chat"


@dataclass(frozen=True)
class Turn:
    """One speaker turn.

    Attributes:
        speaker: Who spoke.
        text: What was said (may be empty only for system turns).
        start: Start time in seconds from the beginning of the call, if known.
        end: End time in seconds, if known.
    """

    speaker: Speaker
    text: str
    start: float | None = None
    end: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.speaker, Speaker):
            try:
                object.__setattr__(self, "speaker", Speaker(str(self.speaker)))
            except ValueError:
                raise TranscriptFormatError(f"speaker {self.speaker!r} is not one of agent/customer/system") from None
        if not isinstance(self.text, str):
            raise TranscriptFormatError(f"turn text must be a string, found {type(self.text).__name__}")
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise TranscriptFormatError(f"turn '{name}' must be a number of seconds, found {value!r}")
            if value < 0:
                raise TranscriptFormatError(f"turn '{name}' must not be negative, found {value}")
            object.__setattr__(self, name, float(value))
        if self.start is not None and self.end is not None and self.end < self.start:
            raise TranscriptFormatError(
                f"turn ends ({self.end}s) before it starts ({self.start}s); swap or fix the times"
            )

    @property
    def duration(self) -> float | None:
        """Length in seconds when both times are known."""
        if self.start is None or self.end is None:
            return None
        return self.end - self.start

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"speaker": self.speaker.value, "text": self.text}
        if self.start is not None:
            out["start"] = self.start
        if self.end is not None:
            out["end"] = self.end
        return out


@dataclass(frozen=True)
class Transcript:
    """A whole call or chat.

    Attributes:
        call_id: Unique id of the call or chat.
        turns: The turns in order.
        agent_id: The agent who handled it, if known.
        team: The agent's team, if known.
        channel: ``call`` or ``chat``.
        started_at: When the conversation started, if known.
        metadata: Free key/value data (queue, product, source file, reader notes…).
    """

    call_id: str
    turns: tuple[Turn, ...]
    agent_id: str | None = None
    team: str | None = None
    channel: Channel = Channel.CALL
    started_at: datetime | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.call_id, str) or not self.call_id.strip():
            raise TranscriptFormatError("'call_id' must be a non-empty string; give each call a unique id")
        object.__setattr__(self, "turns", tuple(self.turns))
        if not isinstance(self.channel, Channel):
            try:
                object.__setattr__(self, "channel", Channel(str(self.channel).lower()))
            except ValueError:
                raise TranscriptFormatError(f"'channel' must be 'call' or 'chat', found {self.channel!r}") from None
        object.__setattr__(self, "metadata", dict(self.metadata or {}))

    # ------------------------------------------------------------------ views
    @property
    def agent_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.speaker is Speaker.AGENT]

    @property
    def customer_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.speaker is Speaker.CUSTOMER]

    @property
    def has_times(self) -> bool:
        """True when every non-system turn has a start time."""
        spoken = [t for t in self.turns if t.speaker is not Speaker.SYSTEM]
        return bool(spoken) and all(t.start is not None for t in spoken)

    def __len__(self) -> int:
        return len(self.turns)

    def __iter__(self) -> Iterator[Turn]:
        return iter(self.turns)

    def pairs(self) -> list[tuple[str, str, int]]:
        """(customer context, agent reply, turn index) for every agent turn.

        The context is the customer text since the previous agent turn (joined with a space), as the label
        guide defines the unit of labelling; empty when the agent speaks first.
        """
        out: list[tuple[str, str, int]] = []
        pending: list[str] = []
        for i, turn in enumerate(self.turns):
            if turn.speaker is Speaker.CUSTOMER:
                if turn.text.strip():
                    pending.append(turn.text.strip())
            elif turn.speaker is Speaker.AGENT:
                out.append((" ".join(pending), turn.text, i))
                pending = []
        return out

    def with_turns(self, turns: list[Turn] | tuple[Turn, ...]) -> Transcript:
        """A copy with other turns (used e.g. by redaction)."""
        return replace(self, turns=tuple(turns))

    # ------------------------------------------------------------ (de)serialise
    def to_dict(self) -> dict[str, Any]:
        """Our JSON format, ready for ``json.dump``."""
        out: dict[str, Any] = {"call_id": self.call_id}
        if self.agent_id is not None:
            out["agent_id"] = self.agent_id
        if self.team is not None:
            out["team"] = self.team
        out["channel"] = self.channel.value
        if self.started_at is not None:
            out["started_at"] = self.started_at.isoformat()
        out["turns"] = [t.to_dict() for t in self.turns]
        if self.metadata:
            out["metadata"] = dict(self.metadata)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: str | Path | None = None) -> Transcript:
        """Build a transcript from our JSON format, with errors that name the field."""

        def fail(msg: str, where: str | None = None) -> TranscriptFormatError:
            return TranscriptFormatError(msg, path=path, location=where)

        if not isinstance(data, Mapping):
            raise fail(f"expected a JSON object with 'call_id' and 'turns', found {type(data).__name__}")
        known = {"call_id", "agent_id", "team", "channel", "started_at", "turns", "metadata", "language"}
        if "call_id" not in data:
            raise fail('missing \'call_id\'; add a unique id such as "call_id": "2024-05-01-0012"')
        call_id = data["call_id"]
        if isinstance(call_id, int) and not isinstance(call_id, bool):
            call_id = str(call_id)
        if not isinstance(call_id, str) or not call_id.strip():
            raise fail(f"'call_id' must be a non-empty string, found {call_id!r}")
        turns_raw = data.get("turns")
        if not isinstance(turns_raw, list):
            raise fail('missing \'turns\' list; add "turns": [{"speaker": "agent", "text": "..."}, ...]')
        from .speakers import ACCEPTED_LABELS_HINT, parse_speaker

        turns: list[Turn] = []
        for i, raw in enumerate(turns_raw):
            where = f"turns[{i}]"
            if not isinstance(raw, Mapping):
                raise fail(f"expected an object with 'speaker' and 'text', found {type(raw).__name__}", where)
            if "speaker" not in raw or "text" not in raw:
                missing = [k for k in ("speaker", "text") if k not in raw]
                raise fail(f"missing {', '.join(repr(m) for m in missing)}", where)
            speaker = parse_speaker(str(raw["speaker"]))
            if speaker is None:
                raise fail(f"speaker {raw['speaker']!r} expected one of {ACCEPTED_LABELS_HINT}", where)
            try:
                turns.append(Turn(speaker, raw["text"], raw.get("start"), raw.get("end")))
            except TranscriptFormatError as exc:
                raise fail(exc.reason, where) from None
        started_at = data.get("started_at")
        if started_at is not None:
            try:
                started_at = datetime.fromisoformat(str(started_at).replace("Z", "+00:00"))
            except ValueError:
                raise fail(
                    f"'started_at' {started_at!r} is not an ISO 8601 time; write e.g. \"2024-05-01T09:30:00+03:00\""
                ) from None
        metadata = data.get("metadata") or {}
        if not isinstance(metadata, Mapping):
            raise fail(f"'metadata' must be an object, found {type(metadata).__name__}")
        extra = {k: v for k, v in data.items() if k not in known}
        if extra or "language" in data:
            metadata = {**metadata, **extra}
            if "language" in data:
                metadata["language"] = data["language"]
        try:
            return cls(
                call_id=call_id.strip(),
                turns=tuple(turns),
                agent_id=None if data.get("agent_id") is None else str(data["agent_id"]),
                team=None if data.get("team") is None else str(data["team"]),
                channel=data.get("channel") or Channel.CALL,
                started_at=started_at,
                metadata=metadata,
            )
        except TranscriptFormatError as exc:
            raise fail(exc.reason) from None

    @classmethod
    def from_file(cls, path: str | Path, **options: Any) -> Transcript:
        """Read exactly one transcript from a file of any supported format.

        Raises:
            TranscriptFormatError: if the file cannot be read or holds several calls (use
                :func:`qa_scoring.readers.read_transcripts` for those).
        """
        from .readers import read_transcripts

        found = read_transcripts(path, **options)
        if len(found) != 1:
            raise TranscriptFormatError(
                f"expected one call, found {len(found)}; use qa_scoring.read_transcripts() for multi-call files",
                path=path,
            )
        return found[0]

    def __repr__(self) -> str:
        return (
            f"Transcript(call_id={self.call_id!r}, agent_id={self.agent_id!r}, channel={self.channel.value!r}, "
            f"turns={len(self.turns)})"
        )
