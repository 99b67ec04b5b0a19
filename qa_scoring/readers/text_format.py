"""Plain-text transcripts with speaker prefixes (``.txt``), one call per file.

::

    # call_id: enerji-0007
    [00:00:01] Temsilci: Günaydın, EnerjiNet müşteri hizmetleri, ben Murat.
    (00:00:05) Müşteri - Günaydın, faturam bu ay iki katı gelmiş.
    Temsilci: Hemen bakıyorum efendim.
    bu satır önceki konuşmaya eklenir
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any

from ..speakers import ACCEPTED_LABELS_HINT
from ..transcript import Speaker, Transcript, Turn
from .common import (
    ALIAS_INDEX,
    CALL_FIELDS,
    ReadContext,
    build_transcript,
    call_id_from,
    make_turn,
    normalize_key,
    parse_call_fields,
    parse_time,
    speaker_prefix,
)

logger = logging.getLogger(__name__)

_HEADER_RE = re.compile(r"^#\s*(?P<key>[^:]{1,40}?)\s*:\s*(?P<value>.*?)\s*$")
_TIMESTAMP_RE = re.compile(
    r"^\s*(?:\[(?P<a>\d{1,3}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\]|\((?P<b>\d{1,3}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\))"
    r"\s*(?P<rest>.*)$",
    re.DOTALL,
)
_PREFIX_EXAMPLE = "'Temsilci: ...' or 'Müşteri: ...'"


class _Draft:
    """A turn being collected (continuation lines are appended)."""

    __slots__ = ("speaker", "parts", "start", "line")

    def __init__(self, speaker: Speaker, text: str, start: float | None, line: int) -> None:
        self.speaker = speaker
        self.parts = [text.strip()] if text.strip() else []
        self.start = start
        self.line = line


def read_text(text: str, ctx: ReadContext) -> list[Transcript]:
    """Read one call from the plain-text format.

    Raises:
        TranscriptFormatError: naming the line for a missing or unknown speaker prefix, a bad header or time,
            and for a call without an agent turn.
    """
    header: dict[str, Any] = {}
    extra: dict[str, str] = {}
    drafts: list[_Draft] = []
    labels: Counter[str] = Counter()
    for line_no, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        where = f"line {line_no}"
        if line.startswith("#"):
            m = _HEADER_RE.match(line)
            if not drafts:
                if m:
                    key = normalize_key(m.group("key"))
                    field = ALIAS_INDEX.get(key)
                    if field in ("call_id", *CALL_FIELDS):
                        header[field] = (m.group("value"), where)
                    else:
                        extra[m.group("key").strip()] = m.group("value")
                continue  # a comment line before the first turn
            if m and ALIAS_INDEX.get(normalize_key(m.group("key"))) in ("call_id", *CALL_FIELDS):
                raise ctx.error(
                    "header line '# "
                    + m.group("key").strip()
                    + ": …' after the first turn; move header lines "
                    "to the top of the file (one call per .txt file)",
                    where,
                )
        ts = _TIMESTAMP_RE.match(line)
        start = None
        body = line
        if ts:
            start = parse_time(ts.group("a") or ts.group("b"), ctx, where)
            body = ts.group("rest")
        found = speaker_prefix(body, ctx, where, required=bool(ts) or not drafts)
        if found is not None:
            speaker, label, rest = found
            labels[label] += 1
            drafts.append(_Draft(speaker, rest, start, line_no))
            continue
        if ts:
            raise ctx.error(
                f"a timestamp must be followed by a speaker prefix such as {_PREFIX_EXAMPLE}; add the "
                "speaker label",
                where,
            )
        if not drafts:
            raise ctx.error(
                f"expected the first turn to start with a speaker prefix such as {_PREFIX_EXAMPLE} "
                f"(accepted labels: {ACCEPTED_LABELS_HINT}), found a line without one; add the speaker label",
                where,
            )
        drafts[-1].parts.append(line)

    call_id = ctx.stem
    location = None
    if "call_id" in header:
        value, location = header["call_id"]
        call_id = call_id_from(value, ctx, location)
    fields: dict[str, Any] = {}
    for name in CALL_FIELDS:
        if name in header:
            value, where = header[name]
            fields.update(parse_call_fields({name: value}, ctx, where))
    turns: list[Turn] = []
    skipped = 0
    for d in drafts:
        body = " ".join(d.parts)
        if not body and d.speaker is not Speaker.SYSTEM:
            skipped += 1
            continue
        turns.append(make_turn(ctx, d.speaker, body, d.start, None, f"line {d.line}"))
    if skipped:
        logger.info("%s: skipped %d empty turn(s)", ctx.path, skipped)
    return [build_transcript(ctx, call_id, turns, labels, fields, {"header": extra} if extra else None)]
