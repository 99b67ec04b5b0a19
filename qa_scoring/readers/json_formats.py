"""Our JSON format (``.json``: one call object or a list of them) and JSONL (``.jsonl``: a turn per line)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

from ..errors import TranscriptFormatError
from ..transcript import Transcript, Turn
from .common import (
    CALL_FIELDS,
    ReadContext,
    build_transcript,
    call_id_from,
    finalize,
    make_turn,
    parse_call_fields,
    parse_time,
    resolve_speaker,
)

JSONL_REQUIRED = ("call_id", "speaker", "text")


def load_json(text: str, ctx: ReadContext) -> Any:
    """Parse JSON text, turning a syntax error into a message with line, column and a hint.

    Raises:
        TranscriptFormatError: if the text is not valid JSON.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        hint = "check for a missing comma, quote or bracket near there (python -m json.tool FILE shows it)"
        if exc.msg.startswith("Extra data"):
            hint = (
                "the file holds more than one JSON value; if it has one JSON object per line, name "
                "it .jsonl or "
                "pass format='jsonl', otherwise wrap the calls in a list [ ... ]"
            )
        raise ctx.error(f"not valid JSON: {exc.msg}; {hint}", f"line {exc.lineno}, column {exc.colno}") from None


def _json_path(index: int | None, inner: str | None) -> str:
    base = "$" if index is None else f"$[{index}]"
    if inner:
        return f"JSON path {base}.{inner}"
    return f"JSON path {base}"


def read_our_json(data: Any, ctx: ReadContext) -> list[Transcript]:
    """Read calls in our JSON format from parsed JSON (an object or a list of objects).

    Raises:
        TranscriptFormatError: naming the JSON path of an invalid field, a duplicate call id, or a call
            without an agent turn.
    """
    if isinstance(data, Mapping):
        items: list[tuple[int | None, Any]] = [(None, data)]
    elif isinstance(data, list):
        if not data:
            raise ctx.error(
                "the file holds an empty list; expected one or more call objects with 'call_id' and 'turns'"
            )
        items = list(enumerate(data))
    else:
        raise ctx.error(
            f"expected a call object with 'call_id' and 'turns' (or a list of them), found {type(data).__name__}"
        )
    out: list[Transcript] = []
    seen: dict[str, int | None] = {}
    for index, item in items:
        try:
            transcript = Transcript.from_dict(item)
        except TranscriptFormatError as exc:
            raise ctx.error(exc.reason, _json_path(index, exc.location)) from None
        if transcript.call_id in seen:
            raise ctx.error(
                f"call_id {transcript.call_id!r} appears twice (items {seen[transcript.call_id]} and "
                f"{index}); "
                "give each call a unique id",
                _json_path(index, "call_id"),
            )
        seen[transcript.call_id] = index
        labels = Counter(str(t.get("speaker")) for t in item["turns"])
        out.append(finalize(transcript, ctx, labels, _json_path(index, None)))
    return out


def read_json(text: str, ctx: ReadContext) -> list[Transcript]:
    """Read our JSON format from text."""
    return read_our_json(load_json(text, ctx), ctx)


def read_jsonl(text: str, ctx: ReadContext) -> list[Transcript]:
    """Read JSONL: one turn per line, grouped into calls by ``call_id`` in order of first appearance.

    A line holding ``turns`` is a whole call in our JSON format (the "one call per line" export); both kinds
    may share a file, but a call id comes from one kind only.

    Raises:
        TranscriptFormatError: naming the line of invalid JSON, a missing key, an unknown speaker or a bad
            time.
    """
    calls: dict[str, dict[str, Any]] = {}
    for line_no, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        where = f"line {line_no}"
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ctx.error(
                f"not valid JSON at column {exc.colno}: {exc.msg}; each line must be one JSON object such as "
                '{"call_id": "c1", "speaker": "agent", "text": "..."}',
                where,
            ) from None
        if not isinstance(record, Mapping):
            raise ctx.error(f"expected a JSON object per line, found {type(record).__name__}", where)
        if "turns" in record:  # a whole call on one line
            try:
                transcript = Transcript.from_dict(record)
            except TranscriptFormatError as exc:
                raise ctx.error(exc.reason, f"{where}, {exc.location}" if exc.location else where) from None
            if transcript.call_id in calls:
                raise ctx.error(
                    f"call_id {transcript.call_id!r} already appeared on line {calls[transcript.call_id]['line']}; "
                    "give each call a unique id and keep a call's turns in one kind of line",
                    where,
                )
            labels = Counter(str(t.get("speaker")) for t in record["turns"])
            calls[transcript.call_id] = {"whole": finalize(transcript, ctx, labels, where), "line": line_no}
            continue
        missing = [k for k in JSONL_REQUIRED if k not in record]
        if missing:
            raise ctx.error(
                f"missing key(s) {', '.join(repr(k) for k in missing)}; every line needs {', '.join(JSONL_REQUIRED)}",
                where,
            )
        call_id = call_id_from(record["call_id"], ctx, where)
        if not isinstance(record["text"], str):
            raise ctx.error(f"'text' expected a string, found {type(record['text']).__name__}", where)
        call = calls.setdefault(call_id, {"turns": [], "labels": Counter(), "fields": {}, "line": line_no})
        if "whole" in call:
            raise ctx.error(
                f"call_id {call_id!r} was given as a whole call on line {call['line']}; "
                "give each call a unique id and keep a call's turns in one kind of line",
                where,
            )
        speaker = resolve_speaker(record["speaker"], ctx, where)
        call["labels"][str(record["speaker"])] += 1
        start = parse_time(record.get("start"), ctx, where, "start")
        end = parse_time(record.get("end"), ctx, where, "end")
        turn: Turn = make_turn(ctx, speaker, record["text"], start, end, where)
        call["turns"].append(turn)
        for name, value in parse_call_fields(
            {k: record.get(k) for k in CALL_FIELDS if k not in call["fields"]}, ctx, where
        ).items():
            call["fields"][name] = value
    return [
        c["whole"]
        if "whole" in c
        else build_transcript(ctx, call_id, c["turns"], c["labels"], c["fields"], location=f"line {c['line']}")
        for call_id, c in calls.items()
    ]
