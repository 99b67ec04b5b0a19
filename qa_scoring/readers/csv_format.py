"""CSV/TSV transcripts (``.csv``, ``.tsv``): one turn per row, header row required.

The delimiter is sniffed among ``,``, ``;`` and tab (Turkish Excel writes ``;``; an Excel ``sep=;`` first
line is honoured). Column names are matched against :data:`~qa_scoring.readers.common.FIELD_ALIASES` case- and
Turkish-insensitively, or set explicitly with ``csv_columns`` (CLI ``--csv-columns speaker=Kim,text=Söz``).
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import ConfigError
from ..transcript import Transcript
from .common import (
    ALIAS_INDEX,
    CALL_FIELDS,
    FIELD_ALIASES,
    ReadContext,
    build_transcript,
    call_id_from,
    make_turn,
    normalize_key,
    parse_call_fields,
    parse_time,
    resolve_speaker,
)

logger = logging.getLogger(__name__)

DELIMITERS = (",", ";", "\t")
REQUIRED = ("speaker", "text")
_SEP_LINE_RE = re.compile(r"^sep=(.)\s*$", re.IGNORECASE)


def parse_column_spec(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """Parse the ``csv_columns`` option: a mapping or ``"speaker=Kim,text=Söz"``.

    Raises:
        ConfigError: for a malformed entry or an unknown field name.
    """
    if spec is None:
        return {}
    if isinstance(spec, str):
        pairs: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            if "=" not in part:
                raise ConfigError(
                    f"--csv-columns entry {part!r} expected field=column, e.g. speaker=Kim,text=Söz"
                )
            key, _, value = part.partition("=")
            pairs[key.strip()] = value.strip()
        spec = pairs
    if not isinstance(spec, Mapping):
        raise ConfigError(
            f"csv_columns expected a mapping such as {{'speaker': 'Kim'}}, found {type(spec).__name__}"
        )
    out: dict[str, str] = {}
    for key, column in spec.items():
        field = str(key).strip().lower()
        if field not in FIELD_ALIASES:
            raise ConfigError(
                f"csv_columns names unknown field {key!r}; expected some of {', '.join(FIELD_ALIASES)}"
            )
        if not str(column).strip():
            raise ConfigError(f"csv_columns gives an empty column name for {field!r}")
        out[field] = str(column)
    return out


def sniff_delimiter(text: str, prefer_tab: bool = False) -> str:
    """Choose among ``,`` ``;`` and tab the delimiter giving the first rows the most consistent columns."""
    sample_lines = [line for line in text.split("\n")[:50] if line.strip()][:20]
    sample = "\n".join(sample_lines)
    best, best_score = ("\t" if prefer_tab else ","), (-1, -1, -1)
    for delim in DELIMITERS:
        rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delim) if r]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(1 for r in rows if len(r) == width)
        score = (consistent, width, int(prefer_tab and delim == "\t"))
        if score > best_score:
            best, best_score = delim, score
    return best


def _map_columns(header: list[str], ctx: ReadContext, explicit: dict[str, str]) -> dict[str, int]:
    normalized = [normalize_key(h) for h in header]
    columns: dict[str, int] = {}
    for index, key in enumerate(normalized):
        field = ALIAS_INDEX.get(key)
        if field and field not in columns:
            columns[field] = index
    for field, name in explicit.items():
        key = normalize_key(name)
        if key not in normalized:
            raise ctx.error(
                f"csv_columns maps {field!r} to column {name!r}, but the header has only "
                f"{', '.join(repr(h) for h in header)}; fix the column name",
                "row 1",
            )
        columns[field] = normalized.index(key)
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        accepted = "; ".join(f"{f}: {', '.join(FIELD_ALIASES[f])}" for f in missing)
        raise ctx.error(
            f"missing required column(s) {', '.join(missing)}; "
            f"the header has {', '.join(repr(h) for h in header)}; "
            f"accepted names are {accepted}; rename the columns or map them with "
            "csv_columns={'speaker': ..., 'text': ...} (CLI --csv-columns speaker=...,text=...)",
            "row 1",
        )
    return columns


def _cell_getter(row: list[str], columns: dict[str, int]) -> Callable[[str], str]:
    def cell(field: str) -> str:
        index = columns.get(field)
        return row[index].strip() if index is not None and index < len(row) else ""

    return cell


def read_csv(text: str, ctx: ReadContext) -> list[Transcript]:
    """Read calls from CSV/TSV text: one call per ``call_id``, or the whole file without that column.

    Raises:
        TranscriptFormatError: for missing columns (listing the columns found and the accepted aliases), or
            naming the row of an unknown speaker, bad time or empty call id.
        ConfigError: for a malformed ``csv_columns`` option.
    """
    explicit = parse_column_spec(ctx.csv_columns)
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    sep = _SEP_LINE_RE.match(lines[first].strip()) if lines else None
    line_offset = 0
    if sep:
        delimiter = sep.group(1)
        line_offset = first + 1
        text = "\n".join(lines[first + 1 :])
    else:
        delimiter = sniff_delimiter(text, prefer_tab=ctx.path.lower().endswith(".tsv"))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    calls: dict[str, dict[str, Any]] = {}
    skipped = 0
    for row in reader:
        row_no = reader.line_num + line_offset
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            columns = _map_columns(header, ctx, explicit)
            continue
        where = f"row {row_no}"
        cell = _cell_getter(row, columns)
        text_value = cell("text")
        label = cell("speaker")
        if not text_value:
            skipped += 1
            continue
        if "call_id" in columns:
            call_id = call_id_from(cell("call_id"), ctx, where)
        else:
            call_id = ctx.stem
        call = calls.setdefault(call_id, {"turns": [], "labels": Counter(), "fields": {}, "row": row_no})
        speaker = resolve_speaker(label, ctx, where)
        call["labels"][label] += 1
        start = parse_time(cell("start"), ctx, where, "start")
        end = parse_time(cell("end"), ctx, where, "end")
        call["turns"].append(make_turn(ctx, speaker, text_value, start, end, where))
        pending = {f: cell(f) for f in CALL_FIELDS if f in columns and f not in call["fields"]}
        call["fields"].update(parse_call_fields(pending, ctx, where))
    if header is None:
        raise ctx.error("expected a header row such as 'speaker;text', found no rows")
    if skipped:
        logger.info("%s: skipped %d row(s) without text", ctx.path, skipped)
    if not calls:
        raise ctx.error("the file has a header row but no rows with text; add one row per turn")
    logger.debug("%s: delimiter %r, columns %s", ctx.path, delimiter, sorted(columns))
    return [
        build_transcript(ctx, call_id, c["turns"], c["labels"], c["fields"], location=f"row {c['row']}")
        for call_id, c in calls.items()
    ]
