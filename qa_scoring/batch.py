"""Batch scoring of many transcript files (``qa-score batch``), safe to kill and resume.

Work is done in chunks of calls. Each finished chunk is written to ``DIR/.parts/part-NNNNN.jsonl`` with a
temporary file and an atomic rename, so a part is either complete or absent. The outputs (``scores.csv``,
``evidence.jsonl``, ``errors.csv`` and the optional formats) are rebuilt from all parts at the end, again through
temporary files and atomic renames: a kill at any moment leaves no half-written file. ``resume=True`` reads the
parts already written, skips every call they hold and every input file they finished, and carries on; nothing
is scored twice and nothing is lost.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, TranscriptFormatError
from .fileio import atomic_write_bytes
from .readers import discover, read_transcripts
from .skills import SKILL_KEYS

log = logging.getLogger(__name__)

PARTS_DIR = ".parts"
FORMATS = ("csv", "jsonl", "parquet", "xlsx")
SCORE_COLUMNS = [
    "call_id",
    "agent_id",
    "team",
    "date",
    "channel",
    "eligible",
    *SKILL_KEYS,
    "overall",
    "passed",
    "confidence",
    "flags",
    "source",
]


@dataclass
class BatchSummary:
    """What a batch run did."""

    inputs: int = 0
    calls_scored: int = 0
    calls_skipped_resume: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0


def _read_parts(out_dir: Path) -> list[dict]:
    records = []
    parts = sorted((out_dir / PARTS_DIR).glob("part-*.jsonl"))
    for p in parts:
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                records.append(json.loads(line))
    return records


def _input_key(path: Path) -> str:
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"


def run_batch(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    scorer_factory: Callable[[], Any],
    *,
    formats: Iterable[str] = ("csv",),
    resume: bool = False,
    reader_options: dict | None = None,
    chunk_calls: int = 16,
    progress: bool = True,
    html: bool = False,
) -> BatchSummary:
    """Score every call in ``paths`` into ``out_dir`` (see the module docstring).

    Raises:
        ConfigError: for a path matching nothing, an unknown format, or a non-empty output folder without
            ``resume`` (so earlier results are never overwritten by accident).
    """
    from tqdm.auto import tqdm

    formats = list(dict.fromkeys(["csv", *formats]))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ConfigError(f"unknown output format {unknown}; choose from {', '.join(FORMATS)}")
    files = discover(paths)
    out = Path(out_dir)
    parts_dir = out / PARTS_DIR
    done_records = _read_parts(out) if parts_dir.is_dir() else []
    if done_records and not resume:
        raise ConfigError(
            f"{out} already holds results of an earlier run; add --resume to finish it, or choose an empty folder"
        )
    done_calls = {(r["input"], r["call_id"]) for r in done_records if r["kind"] == "call"}
    done_inputs = {r["input_key"] for r in done_records if r["kind"] == "input_done"}
    seen_ids = {r["call_id"] for r in done_records if r["kind"] == "call"}
    next_part = len(list(parts_dir.glob("part-*.jsonl"))) + 1 if parts_dir.is_dir() else 1
    summary = BatchSummary(inputs=len(files), calls_skipped_resume=len(done_calls))
    scorer = None
    pending: list[dict] = []

    def flush() -> None:
        nonlocal next_part
        if not pending:
            return
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pending).encode("utf-8")
        atomic_write_bytes(parts_dir / f"part-{next_part:05d}.jsonl", data)
        next_part += 1
        pending.clear()

    bar = tqdm(total=len(files), desc="puanlama", unit="dosya", disable=not progress, dynamic_ncols=True)
    for path in files:
        key = _input_key(path)
        if key in done_inputs:
            bar.update(1)
            continue
        try:
            transcripts = read_transcripts(path, **(reader_options or {}))
        except TranscriptFormatError as exc:
            pending.append({"kind": "error", "input": str(path), "reason": str(exc)})
            pending.append({"kind": "input_done", "input_key": key})
            flush()
            bar.update(1)
            continue
        todo = []
        for t in transcripts:
            if (str(path), t.call_id) in done_calls:
                continue
            if t.call_id in seen_ids:
                pending.append(
                    {
                        "kind": "error",
                        "input": str(path),
                        "reason": f"call id {t.call_id!r} was already scored from another file; "
                        "give each call a unique id",
                    }
                )
                continue
            seen_ids.add(t.call_id)
            todo.append(t)
        chunks = [todo[i : i + chunk_calls] for i in range(0, len(todo), chunk_calls)]
        for n_chunk, chunk in enumerate(chunks, 1):
            if scorer is None:
                scorer = scorer_factory()
            try:
                reports = scorer.score_many(chunk)
            except Exception as exc:  # one broken call must not stop the batch
                log.exception("scoring failed for %s", path)
                for t in chunk:
                    pending.append(
                        {"kind": "error", "input": str(path), "reason": f"{t.call_id}: scoring failed ({exc})"}
                    )
                continue
            for t, rep in zip(chunk, reports, strict=True):
                pending.append(
                    {
                        "kind": "call",
                        "input": str(path),
                        "call_id": t.call_id,
                        "report": rep.to_dict(),
                        "row": {**rep.to_row(), "source": str(path)},
                    }
                )
            summary.calls_scored += len(chunk)
            if n_chunk < len(chunks):
                flush()  # a finished chunk is never scored again
        pending.append({"kind": "input_done", "input_key": key})
        flush()  # the file's last chunk and its "done" mark land in one part
        bar.update(1)
        bar.set_postfix(görüşme=summary.calls_scored + summary.calls_skipped_resume)
    bar.close()
    flush()
    records = _read_parts(out)
    summary.outputs = write_outputs(out, formats, html=html, records=records)
    rejected = {(r["input"], r["reason"]) for r in records if r["kind"] == "error"}
    summary.rejected = [{"input": i, "reason": reason} for i, reason in sorted(rejected)]
    return summary


def write_outputs(
    out: Path, formats: Sequence[str], html: bool = False, records: list[dict] | None = None
) -> list[str]:
    """Rebuild the result files from all parts (atomically); ``records`` saves reading the parts again."""
    records = _read_parts(out) if records is None else records
    calls = [r for r in records if r["kind"] == "call"]
    errors = list({(r["input"], r["reason"]): r for r in records if r["kind"] == "error"}.values())
    written = []
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=SCORE_COLUMNS, extrasaction="ignore")
    w.writeheader()
    for r in calls:
        w.writerow(r["row"])
    atomic_write_bytes(out / "scores.csv", buf.getvalue().encode("utf-8"))
    written.append("scores.csv")
    ev = "".join(json.dumps(r["report"], ensure_ascii=False) + "\n" for r in calls)
    atomic_write_bytes(out / "evidence.jsonl", ev.encode("utf-8"))
    written.append("evidence.jsonl")
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["input", "reason"])
    for r in errors:
        w.writerow([r["input"], r["reason"]])
    atomic_write_bytes(out / "errors.csv", buf.getvalue().encode("utf-8"))
    written.append("errors.csv")
    rows = [r["row"] for r in calls]
    if "jsonl" in formats:
        atomic_write_bytes(
            out / "scores.jsonl", "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in rows).encode("utf-8")
        )
        written.append("scores.jsonl")
    if "parquet" in formats or "xlsx" in formats:
        import pandas as pd

        frame = pd.DataFrame(rows, columns=SCORE_COLUMNS)
        for fmt, name in (("parquet", "scores.parquet"), ("xlsx", "scores.xlsx")):
            if fmt not in formats:
                continue
            bio = io.BytesIO()
            try:
                if fmt == "parquet":
                    frame.to_parquet(bio, index=False)
                else:
                    frame.to_excel(bio, index=False, sheet_name="Puanlar")
            except ImportError as exc:
                raise ConfigError(
                    f"writing {fmt} needs an extra package ({exc}); install it with "
                    f"pip install {'pyarrow' if fmt == 'parquet' else 'openpyxl'}"
                ) from None
            atomic_write_bytes(out / name, bio.getvalue())
            written.append(name)
    if html:
        from .html_report import write_html_reports

        written += write_html_reports(out, [r["report"] for r in calls])
    return written
