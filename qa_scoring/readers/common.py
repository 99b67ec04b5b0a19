"""Helpers shared by all readers: context, time parsing, speaker labels, call fields, building transcripts.

Nothing here logs transcript text: messages name files, line/row numbers, labels and counts only.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..errors import ConfigError, TranscriptFormatError
from ..speakers import ACCEPTED_LABELS_HINT, SPEAKER_ALIASES, parse_speaker
from ..transcript import Channel, Speaker, Transcript, Turn
from ..turkish import fold_key

logger = logging.getLogger(__name__)

#: Call-level and turn-level fields with the column/header names accepted for them (see the format docs).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "call_id": ("call_id", "çağrı_id", "çağrı no", "çağrı_no", "görüşme_id", "görüşme no", "conversation_id"),
    "speaker": ("speaker", "konuşmacı", "taraf", "role", "rol"),
    "text": ("text", "metin", "konuşma", "mesaj", "message", "utterance"),
    "start": ("start", "başlangıç", "baslangic_sn", "start_time"),
    "end": ("end", "bitiş", "bitis_sn", "end_time"),
    "agent_id": ("agent_id", "temsilci_id", "temsilci no", "temsilci_kodu"),
    "team": ("team", "ekip", "takım"),
    "channel": ("channel", "kanal"),
    "started_at": ("started_at", "tarih", "çağrı_tarihi", "date"),
}

CALL_FIELDS = ("agent_id", "team", "channel", "started_at")

_CHANNEL_ALIASES = {
    "call": Channel.CALL,
    "cagri": Channel.CALL,
    "arama": Channel.CALL,
    "telefon": Channel.CALL,
    "phone": Channel.CALL,
    "voice": Channel.CALL,
    "ses": Channel.CALL,
    "chat": Channel.CHAT,
    "sohbet": Channel.CHAT,
    "yazisma": Channel.CHAT,
    "mesaj": Channel.CHAT,
    "canli destek": Channel.CHAT,
}

_DATE_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
)


def normalize_key(name: str) -> str:
    """Comparison key for column names and header keys ("Çağrı No" and "cagri_no" give "cagri_no")."""
    return re.sub(r"[\s_\-.]+", "_", fold_key(name)).strip("_")


#: Normalised alias -> field name.
ALIAS_INDEX: dict[str, str] = {normalize_key(a): f for f, aliases in FIELD_ALIASES.items() for a in aliases}


@dataclass(frozen=True)
class ReadContext:
    """What a reader needs to know about its input besides the text.

    Attributes:
        path: File path or source name, used in error messages and ``metadata["source"]``.
        stem: Default call id for single-call formats (the file stem).
        fmt: The format being read (one of ``FORMATS``).
        encoding: The detected or given encoding (``None`` for text given as ``str``).
        removed_control_chars: Stray control characters removed while decoding.
        agent_speaker: ASR speaker id of the agent, or an extra agent label for other formats.
        csv_columns: Explicit field -> column mapping for CSV.
    """

    path: str
    stem: str
    fmt: str
    encoding: str | None = None
    removed_control_chars: int = 0
    agent_speaker: str | Mapping[str, Any] | None = None
    csv_columns: Mapping[str, str] | None = None
    extra_labels: Mapping[str, Speaker] = field(default_factory=dict)

    def error(self, message: str, location: str | None = None) -> TranscriptFormatError:
        """A :class:`TranscriptFormatError` for this input."""
        return TranscriptFormatError(message, path=self.path, location=location)

    def source_metadata(self) -> dict[str, Any]:
        """The ``metadata["source"]`` entry for transcripts read from this input."""
        return {
            "path": self.path,
            "format": self.fmt,
            "encoding": self.encoding,
            "removed_control_chars": self.removed_control_chars,
        }


# ----------------------------------------------------------------------------------------------- times
_CLOCK_RE = re.compile(r"^(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,6}))?$")
_SECONDS_RE = re.compile(r"^\d+(?:[.,]\d+)?$")


def parse_time(value: Any, ctx: ReadContext, location: str | None, name: str = "start") -> float | None:
    """Parse a time given as seconds (``83.5``, ``"83,5"``) or a clock (``HH:MM:SS(.mmm)``, ``MM:SS``).

    Args:
        value: A number, a string or ``None``/empty (no time).
        ctx: The read context (for error messages).
        location: Where the value is, e.g. ``"line 4"``.
        name: The field name for error messages.

    Returns:
        Seconds from the start of the call, or ``None`` when no time is given.

    Raises:
        TranscriptFormatError: if the value is not a time.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ctx.error(f"'{name}' expected seconds or HH:MM:SS, found {value!r}", location)
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")) or value < 0:
            raise ctx.error(f"'{name}' expected a non-negative number of seconds, found {value!r}", location)
        return float(value)
    if not isinstance(value, str):
        raise ctx.error(f"'{name}' expected seconds or HH:MM:SS, found {type(value).__name__}", location)
    text = value.strip()
    if not text:
        return None
    if _SECONDS_RE.match(text):
        return float(text.replace(",", "."))
    m = _CLOCK_RE.match(text)
    if m:
        hours, minutes, seconds, frac = m.groups()
        if int(minutes) < 60 and int(seconds) < 60:
            total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
            return total + (float("0." + frac) if frac else 0.0)
    raise ctx.error(
        f"'{name}' expected seconds (83.5 or 83,5) or a clock time (HH:MM:SS, HH:MM:SS.mmm or MM:SS), "
        f"found {text!r}",
        location,
    )


# ------------------------------------------------------------------------------------------- speakers
_KNOWN_LABEL_KEYS = sorted(k for k in SPEAKER_ALIASES if len(k) > 2)


def resolve_speaker(label: Any, ctx: ReadContext, location: str | None) -> Speaker:
    """Map a speaker label to a :class:`Speaker` or raise an error naming the label and the accepted ones."""
    text = "" if label is None else str(label)
    speaker = parse_speaker(text, dict(ctx.extra_labels) or None)
    if speaker is None:
        shown = text.strip() or "(empty)"
        raise ctx.error(
            f"speaker {shown!r} expected one of {ACCEPTED_LABELS_HINT}; rename the label"
            + (" or pass agent_speaker= (CLI --agent-speaker) to name the agent" if text.strip() else ""),
            location,
        )
    return speaker


def looks_like_speaker_label(label: str, ctx: ReadContext) -> bool:
    """True when ``label`` is a known speaker label or close to one (a likely typo such as "Temsilçi")."""
    key = fold_key(label)
    if key in SPEAKER_ALIASES or any(fold_key(name) == key for name in ctx.extra_labels):
        return True
    return bool(difflib.get_close_matches(key, _KNOWN_LABEL_KEYS, n=1, cutoff=0.75))


# A "Label:" or "Label -" prefix: one to four words of letters, then a colon or a spaced dash.
_PREFIX_RE = re.compile(
    r"^\s*(?P<label>[^\W\d_]+(?:[ .'’][^\W\d_]+){0,3})(?:\s*:|\s+[-–—](?=\s|$))\s*(?P<rest>.*)$",
    re.DOTALL,
)


# Words that start ordinary text lines rather than name a speaker ("Not: fatura ekte").
_TEXT_WORDS = frozenset(
    fold_key(w)
    for w in (
        "Not",
        "Ek",
        "Adres",
        "Örnek",
        "Açıklama",
        "Konu",
        "Tarih",
        "Saat",
        "Tutar",
        "Link",
        "Http",
        "Https",
        "Www",
        "Ps",
        "Bilgi",
        "Uyarı",
        "Dikkat",
        "Özet",
        "Sonuç",
    )
)


def _looks_like_a_role(label: str) -> bool:
    return " " not in label and label[:1].isupper() and fold_key(label) not in _TEXT_WORDS


def split_speaker_prefix(line: str) -> tuple[str, str] | None:
    """Split ``"Temsilci: Merhaba"`` / ``"Müşteri - Merhaba"`` into (label, rest); ``None`` without prefix."""
    m = _PREFIX_RE.match(line)
    if not m:
        return None
    return m.group("label").strip(), m.group("rest")


def speaker_prefix(
    line: str, ctx: ReadContext, location: str | None, *, required: bool
) -> tuple[Speaker, str, str] | None:
    """Recognise a ``Label:`` / ``Label -`` prefix that starts a new turn.

    A prefix whose label is unknown starts a turn (and so raises an error naming the label) when a speaker is
    ``required`` (first turn, or after a timestamp), when the label looks like a misspelt speaker label, or
    when it is a single capitalised word ("Müdür:", "Elif:") — silently gluing such a line to the previous
    speaker would put someone else's words in the agent's mouth. Otherwise (several words, lower case, or a
    word that usually starts ordinary text such as "Not:") the line is text and ``None`` is returned.

    Returns:
        (speaker, label as written, rest of the line), or ``None`` when the line does not start a turn.

    Raises:
        TranscriptFormatError: for an unknown label as described above.
    """
    prefix = split_speaker_prefix(line)
    if prefix is None:
        return None
    label, rest = prefix
    if not (required or looks_like_speaker_label(label, ctx) or _looks_like_a_role(label)):
        return None
    return resolve_speaker(label, ctx, location), label, rest


# ----------------------------------------------------------------------------------------- call fields
def parse_channel(value: Any, ctx: ReadContext, location: str | None) -> Channel:
    """Map ``call``/``chat`` (and Turkish words such as ``çağrı``, ``sohbet``) to a :class:`Channel`."""
    key = fold_key(str(value))
    if key in _CHANNEL_ALIASES:
        return _CHANNEL_ALIASES[key]
    raise ctx.error(f"'channel' expected 'call' or 'chat' (çağrı/sohbet), found {str(value)!r}", location)


def parse_started_at(value: Any, ctx: ReadContext, location: str | None) -> datetime:
    """Parse an ISO 8601 time, or a Turkish ``GG.AA.YYYY SS:DD(:ss)`` date."""
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ctx.error(
        f"'started_at' expected an ISO 8601 time such as 2024-05-01T09:30:00+03:00 or 01.05.2024 09:30, "
        f"found {text!r}",
        location,
    )


def parse_call_fields(raw: Mapping[str, Any], ctx: ReadContext, location: str | None) -> dict[str, Any]:
    """Validate call-level fields (agent_id, team, channel, started_at); empty values are dropped."""
    out: dict[str, Any] = {}
    for name in CALL_FIELDS:
        value = raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if name == "channel":
            out[name] = parse_channel(value, ctx, location)
        elif name == "started_at":
            out[name] = parse_started_at(value, ctx, location)
        else:
            out[name] = str(value).strip()
    return out


def call_id_from(value: Any, ctx: ReadContext, location: str | None) -> str:
    """A call id from a string or an integer; raises for empty or other values."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ctx.error(f"'call_id' expected a non-empty string or number, found {value!r}", location)


# -------------------------------------------------------------------------------------------- building
def make_turn(
    ctx: ReadContext,
    speaker: Speaker,
    text: str,
    start: float | None,
    end: float | None,
    location: str | None,
) -> Turn:
    """Build a :class:`Turn`, re-raising its validation errors with the file and location."""
    try:
        return Turn(speaker, text.strip(), start, end)
    except TranscriptFormatError as exc:
        raise ctx.error(exc.reason, location) from None


def _describe_labels(labels: Counter[str]) -> str:
    if not labels:
        return "none"
    return ", ".join(f"{label!r} ({n} turn{'s' if n != 1 else ''})" for label, n in labels.most_common(8))


def finalize(
    transcript: Transcript, ctx: ReadContext, labels: Counter[str], location: str | None = None
) -> Transcript:
    """Check that the call has an agent turn and attach ``metadata["source"]``.

    Args:
        transcript: The parsed call.
        ctx: The read context.
        labels: The speaker labels as written in the input, with their counts (for the error message).
        location: Where the call is in the input, if useful in an error.

    Raises:
        TranscriptFormatError: if the call has no turns or no agent turn.
    """
    if not transcript.turns:
        raise ctx.error(
            f"call {transcript.call_id!r} has no turns; add speaker turns such as 'Temsilci: ...' / "
            '{"speaker": "agent", "text": "..."}',
            location,
        )
    if not transcript.agent_turns:
        if ctx.fmt == "asr":
            fix = "pass agent_speaker= (CLI --agent-speaker) with the diarised id of the agent"
        else:
            fix = (
                "label the agent's turns as Temsilci/agent/T (accepted: " + ACCEPTED_LABELS_HINT + "), "
                "or pass agent_speaker= (CLI --agent-speaker) with the label used for the agent"
            )
        raise ctx.error(
            f"call {transcript.call_id!r} has no agent turn; speaker labels found: "
            f"{_describe_labels(labels)}; " + fix,
            location,
        )
    metadata = dict(transcript.metadata)
    metadata["source"] = ctx.source_metadata()
    return Transcript(
        call_id=transcript.call_id,
        turns=transcript.turns,
        agent_id=transcript.agent_id,
        team=transcript.team,
        channel=transcript.channel,
        started_at=transcript.started_at,
        metadata=metadata,
    )


def build_transcript(
    ctx: ReadContext,
    call_id: str,
    turns: list[Turn],
    labels: Counter[str],
    fields: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    location: str | None = None,
) -> Transcript:
    """Build, check and finalise one call (see :func:`finalize`)."""
    fields = dict(fields or {})
    try:
        transcript = Transcript(
            call_id=call_id,
            turns=tuple(turns),
            agent_id=fields.get("agent_id"),
            team=fields.get("team"),
            channel=fields.get("channel") or Channel.CALL,
            started_at=fields.get("started_at"),
            metadata=dict(metadata or {}),
        )
    except TranscriptFormatError as exc:
        raise ctx.error(exc.reason, location) from None
    return finalize(transcript, ctx, labels, location)


def normalize_extra_labels(agent_speaker: Any) -> dict[str, Speaker]:
    """Extra label mapping from the ``agent_speaker`` option for non-ASR formats.

    A string names one more label for the agent (e.g. the agent's first name); a mapping maps labels to
    agent/customer/system.

    Raises:
        ConfigError: if a mapping value is not a speaker role.
    """
    if agent_speaker is None:
        return {}
    if isinstance(agent_speaker, str):
        return {agent_speaker: Speaker.AGENT} if agent_speaker.strip() else {}
    if isinstance(agent_speaker, Mapping):
        out: dict[str, Speaker] = {}
        for label, role in agent_speaker.items():
            speaker = role if isinstance(role, Speaker) else parse_speaker(str(role))
            if speaker is None:
                raise ConfigError(
                    f"agent_speaker maps {label!r} to {role!r}; expected agent, customer or system"
                )
            out[str(label)] = speaker
        return out
    raise ConfigError(
        f"agent_speaker expected a speaker label such as 'SPEAKER_01', found {type(agent_speaker).__name__}"
    )
