"""Subtitle transcripts: WebVTT (``.vtt``) and SRT (``.srt``), one call per file.

Cue times become turn ``start``/``end``. A VTT ``NOTE`` block may carry call-level fields as ``key: value``
lines (``call_id``, ``agent_id``, ``team``, ``channel``, ``started_at``, with the same aliases as CSV headers);
other NOTE text is ignored. SRT has no place for call-level fields; the call id is the file name.

The speaker comes from a voice tag (``<v Temsilci>…</v>``, VTT) or a ``Label:`` prefix in the cue text (both
formats); other tags (``<i>``, ``<c.x>``) are removed. A cue line
without a speaker continues the turn of the previous line, or starts a new turn of the previous cue's speaker.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

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
    resolve_speaker,
    speaker_prefix,
)

_TIMING_RE = re.compile(r"^\s*(?P<start>\S+)\s+-->\s+(?P<end>\S+)")
_VOICE_RE = re.compile(r"^\s*<v(?:\.[^\s>]*)?\s+(?P<label>[^>]+)>(?P<rest>.*)$", re.DOTALL)
_TAG_RE = re.compile(r"<[^>]*>")
_VTT_SKIP_BLOCKS = ("NOTE", "STYLE", "REGION")
_NOTE_FIELD_RE = re.compile(r"^\s*(?P<key>[^:=]{1,40}?)\s*[:=]\s*(?P<value>.+?)\s*$")


@dataclass(frozen=True)
class Cue:
    """One subtitle cue: times, the line number of its timing line and its text lines."""

    start: float | None
    end: float | None
    line: int
    text_lines: tuple[str, ...]


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Groups of non-blank lines as (first line number, lines)."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for no, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                first = no
            current.append(line.rstrip())
        elif current:
            blocks.append((first, current))
            current = []
    if current:
        blocks.append((first, current))
    return blocks


def note_fields(text: str) -> dict[str, tuple[str, str]]:
    """Call-level ``key: value`` lines found in the NOTE blocks of a VTT file: {field: (value, location)}."""
    found: dict[str, tuple[str, str]] = {}
    for first, block in _blocks(text.split("\n")):
        if block[0].strip().split(" ")[0] != "NOTE":
            continue
        lines = [block[0].strip()[4:]] + block[1:]
        for offset, line in enumerate(lines):
            m = _NOTE_FIELD_RE.match(line)
            if not m:
                continue
            field = ALIAS_INDEX.get(normalize_key(m.group("key")))
            if field in ("call_id", *CALL_FIELDS) and field not in found:
                found[field] = (m.group("value"), f"line {first + offset}")
    return found


def parse_cues(text: str, ctx: ReadContext, *, vtt: bool) -> list[Cue]:
    """Split a VTT or SRT file into cues.

    Raises:
        TranscriptFormatError: for a missing ``WEBVTT`` header or a cue without a valid timing line.
    """
    lines = text.split("\n")
    blocks = _blocks(lines)
    example = "00:00:01.000 --> 00:00:04.000" if vtt else "00:00:01,000 --> 00:00:04,000"
    if vtt:
        if not blocks or not blocks[0][1][0].lstrip().startswith("WEBVTT"):
            raise ctx.error(
                "expected 'WEBVTT' on the first line of a WebVTT file; add it, or pass format='srt' "
                "for SRT files",
                f"line {blocks[0][0] if blocks else 1}",
            )
        blocks = blocks[1:]
    cues: list[Cue] = []
    for first, block in blocks:
        if vtt and block[0].strip().split(" ")[0] in _VTT_SKIP_BLOCKS:
            continue
        timing_at = next((i for i, line in enumerate(block[:2]) if "-->" in line), None)
        if timing_at is None:
            raise ctx.error(
                f"expected a cue timing line such as '{example}' as the first or second line of the cue",
                f"line {first}",
            )
        where = f"line {first + timing_at}"
        m = _TIMING_RE.match(block[timing_at])
        if not m:
            raise ctx.error(f"expected a cue timing line such as '{example}'", where)
        start = parse_time(m.group("start"), ctx, where, "start")
        end = parse_time(m.group("end"), ctx, where, "end")
        cues.append(Cue(start, end, first + timing_at, tuple(block[timing_at + 1 :])))
    return cues


def _clean(text: str) -> str:
    return html.unescape(_TAG_RE.sub("", text)).strip()


def cues_to_transcript(
    cues: list[Cue], ctx: ReadContext, header: dict[str, tuple[str, str]] | None = None
) -> Transcript:
    """Turn cues into one call (see the module docstring for how speakers are found).

    Raises:
        TranscriptFormatError: if the first cue has no speaker, a label is unknown, or no turn is the agent's.
    """
    labels: Counter[str] = Counter()
    drafts: list[tuple[Speaker, list[str], Cue, int]] = []  # speaker, text parts, cue, line
    previous: Speaker | None = None
    for cue in cues:
        current: tuple[Speaker, list[str], Cue, int] | None = None
        for offset, raw in enumerate(cue.text_lines, start=1):
            line_no = cue.line + offset
            where = f"line {line_no}"
            voice = _VOICE_RE.match(raw)
            found: tuple[Speaker, str, str] | None
            if voice:
                label = _clean(voice.group("label"))
                found = (resolve_speaker(label, ctx, where), label, voice.group("rest"))
            else:
                found = speaker_prefix(_clean(raw), ctx, where, required=previous is None)
            if found is not None:
                speaker, label, rest = found
                labels[label] += 1
                current = (speaker, [_clean(rest)], cue, line_no)
                drafts.append(current)
                previous = speaker
            elif current is not None:
                current[1].append(_clean(raw))
            elif previous is None:
                raise ctx.error(
                    "expected the first cue to name its speaker with a voice tag '<v Temsilci>' or a prefix "
                    "such as 'Temsilci:' / 'Müşteri:'; add the speaker label",
                    where,
                )
            else:
                current = (previous, [_clean(raw)], cue, line_no)
                drafts.append(current)
    turns: list[Turn] = []
    for speaker, parts, cue, line_no in drafts:
        body = " ".join(p for p in parts if p)
        if body or speaker is Speaker.SYSTEM:
            turns.append(make_turn(ctx, speaker, body, cue.start, cue.end, f"line {line_no}"))
    header = header or {}
    call_id = ctx.stem
    if "call_id" in header:
        call_id = call_id_from(header["call_id"][0], ctx, header["call_id"][1])
    fields: dict = {}
    for name, (value, where) in header.items():
        if name != "call_id":
            fields.update(parse_call_fields({name: value}, ctx, where))
    return build_transcript(ctx, call_id, turns, labels, fields)


def read_vtt(text: str, ctx: ReadContext) -> list[Transcript]:
    """Read one call from a WebVTT file."""
    return [cues_to_transcript(parse_cues(text, ctx, vtt=True), ctx, note_fields(text))]


def read_srt(text: str, ctx: ReadContext) -> list[Transcript]:
    """Read one call from an SRT file."""
    return [cues_to_transcript(parse_cues(text, ctx, vtt=False), ctx)]
