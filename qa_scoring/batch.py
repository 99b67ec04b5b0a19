"""Batch scoring of many transcript files (``qa-score batch``), safe to kill and resume.

Work is done in chunks of calls. Each finished chunk is written to ``DIR/.parts/part-NNNNN.jsonl`` with a
temporary file and an atomic rename, so a part is either complete or absent. The outputs (``scores.csv``,
``evidence.jsonl``, ``errors.csv`` and the optional formats) are rebuilt from all parts at the end, again through
temporary files and atomic renames: a kill at any moment leaves no half-written file. ``resume=True`` reads the
parts already written, skips every call they hold and every input file they finished, and carries on; nothing
is scored twice and nothing is lost.

Scoring runs in this process (``engine="local"``) or on a pool of Ray actors (``engine="ray"``, see
:mod:`qa_scoring.batch_ray`); both walk the same plan of steps and write the same parts, so their results are
identical and a run started with one engine can be resumed with the other.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, TranscriptFormatError
from .fileio import atomic_write_bytes
from .readers import discover, read_transcripts
from .skills import SKILL_KEYS
from .transcript import Transcript

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


@dataclass
class _Step:
    """One unit of batch work, in input order: records to write first, then a chunk of calls to score.

    Both engines walk the same steps (from :meth:`_Run.plan`), so they read, reject, chunk and write alike.
    """

    path: Path
    records: list[dict]
    chunk: list[Transcript]
    input_key: str | None = None  # set on a file's last step: the file is finished after it
    done_before: bool = False  # the file was finished by an earlier run; nothing to do


class _Run:
    """One batch run over an output folder: what earlier parts hold, the plan of work, and the part writer."""

    def __init__(self, paths: Sequence[str | Path], out_dir: str | Path, formats: Iterable[str], resume: bool):
        self.formats = list(dict.fromkeys(["csv", *formats]))
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown:
            raise ConfigError(f"unknown output format {unknown}; choose from {', '.join(FORMATS)}")
        self.files = discover(paths)
        self.out = Path(out_dir)
        self.parts_dir = self.out / PARTS_DIR
        done_records = _read_parts(self.out) if self.parts_dir.is_dir() else []
        if done_records and not resume:
            raise ConfigError(
                f"{self.out} already holds results of an earlier run; add --resume to finish it, "
                "or choose an empty folder"
            )
        self.done_calls = {(r["input"], r["call_id"]) for r in done_records if r["kind"] == "call"}
        self.done_inputs = {r["input_key"] for r in done_records if r["kind"] == "input_done"}
        self.seen_ids = {r["call_id"] for r in done_records if r["kind"] == "call"}
        self.next_part = len(list(self.parts_dir.glob("part-*.jsonl"))) + 1 if self.parts_dir.is_dir() else 1
        self.summary = BatchSummary(inputs=len(self.files), calls_skipped_resume=len(self.done_calls))
        self.pending: list[dict] = []

    def plan(self, reader_options: dict | None, chunk_calls: int) -> Iterator[_Step]:
        """Read the inputs one by one and yield the steps (lazily: a file is read when its steps are wanted)."""
        for path in self.files:
            key = _input_key(path)
            if key in self.done_inputs:
                yield _Step(path, [], [], done_before=True)
                continue
            try:
                transcripts = read_transcripts(path, **(reader_options or {}))
            except TranscriptFormatError as exc:
                yield _Step(path, [{"kind": "error", "input": str(path), "reason": str(exc)}], [], input_key=key)
                continue
            records: list[dict] = []
            todo: list[Transcript] = []
            for t in transcripts:
                if (str(path), t.call_id) in self.done_calls:
                    continue
                if t.call_id in self.seen_ids:
                    records.append(
                        {
                            "kind": "error",
                            "input": str(path),
                            "reason": f"call id {t.call_id!r} was already scored from another file; "
                            "give each call a unique id",
                        }
                    )
                    continue
                self.seen_ids.add(t.call_id)
                todo.append(t)
            chunks = [todo[i : i + chunk_calls] for i in range(0, len(todo), chunk_calls)] or [[]]
            for n, chunk in enumerate(chunks, 1):
                yield _Step(path, records if n == 1 else [], chunk, input_key=key if n == len(chunks) else None)

    def write_step(self, step: _Step, reports: Sequence[tuple[dict, dict]] | None = None, error: str = "") -> None:
        """Write what a finished step produced as one atomic part, so a kill never loses or repeats it.

        Args:
            step: The step, from :meth:`plan`.
            reports: (``CallReport.to_dict()``, ``CallReport.to_row()``) per call of ``step.chunk``.
            error: Why scoring the chunk failed (instead of ``reports``); each call is then rejected: one broken
                call must not stop the batch.
        """
        if step.done_before:
            return
        self.pending.extend(step.records)
        if step.chunk and reports is not None:
            for t, (report, row) in zip(step.chunk, reports, strict=True):
                self.pending.append(
                    {
                        "kind": "call",
                        "input": str(step.path),
                        "call_id": t.call_id,
                        "report": report,
                        "row": {**row, "source": str(step.path)},
                    }
                )
            self.summary.calls_scored += len(step.chunk)
        elif step.chunk:
            for t in step.chunk:
                self.pending.append(
                    {"kind": "error", "input": str(step.path), "reason": f"{t.call_id}: scoring failed ({error})"}
                )
        if step.input_key is not None:
            self.pending.append({"kind": "input_done", "input_key": step.input_key})
        self.flush()  # a finished chunk is never scored again

    def flush(self) -> None:
        if not self.pending:
            return
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.pending).encode("utf-8")
        atomic_write_bytes(self.parts_dir / f"part-{self.next_part:05d}.jsonl", data)
        self.next_part += 1
        self.pending.clear()

    def finish(self, html: bool) -> BatchSummary:
        """Rebuild the outputs from all parts and return the summary."""
        self.flush()
        records = _read_parts(self.out)
        self.summary.outputs = write_outputs(self.out, self.formats, html=html, records=records)
        rejected = {(r["input"], r["reason"]) for r in records if r["kind"] == "error"}
        self.summary.rejected = [{"input": i, "reason": reason} for i, reason in sorted(rejected)]
        return self.summary


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
    engine: str = "local",
    ray_address: str | None = None,
    ray_actors: int | None = None,
) -> BatchSummary:
    """Score every call in ``paths`` into ``out_dir`` (see the module docstring).

    Args:
        paths: Files, folders or glob patterns.
        out_dir: The output folder (``scores.csv``, ``evidence.jsonl``, ``errors.csv``, ...).
        scorer_factory: Builds the :class:`~qa_scoring.scoring.Scorer`, once per process that scores. With
            ``engine="ray"`` it runs in every Ray actor, so it must be picklable (cloudpickle: a function, a
            lambda or closure over picklable values).
        formats: Extra output formats besides csv: ``jsonl``, ``parquet``, ``xlsx``.
        resume: Finish an interrupted run in ``out_dir`` without scoring any call twice.
        reader_options: Passed to :func:`~qa_scoring.readers.read_transcripts`.
        chunk_calls: Calls scored together (one classifier pass) and written as one part.
        progress: Show a progress bar.
        html: Also write the Turkish HTML scorecards.
        engine: ``"local"`` (this process) or ``"ray"`` (a pool of Ray actors, same results; needs the
            ``ray`` extra, see :func:`qa_scoring.batch_ray.run_batch_ray`).
        ray_address: ``engine="ray"`` only: None starts a private local Ray (or joins ``RAY_ADDRESS`` when set),
            ``"auto"`` joins the cluster of this machine, ``"ray://HOST:10001"`` a remote one.
        ray_actors: ``engine="ray"`` only: how many scoring actors (default: one per CPU of the cluster).

    Raises:
        ConfigError: for a path matching nothing, an unknown format or engine, a non-empty output folder without
            ``resume`` (so earlier results are never overwritten by accident), or a missing Ray.
    """
    if engine == "ray":
        from .batch_ray import run_batch_ray

        return run_batch_ray(
            paths,
            out_dir,
            scorer_factory,
            formats=formats,
            resume=resume,
            reader_options=reader_options,
            chunk_calls=chunk_calls,
            progress=progress,
            html=html,
            address=ray_address,
            actors=ray_actors,
        )
    if engine != "local":
        raise ConfigError(f"unknown batch engine {engine!r}; choose 'local' or 'ray'")
    if ray_address is not None or ray_actors is not None:
        raise ConfigError("ray_address and ray_actors only apply to engine='ray'")
    from tqdm.auto import tqdm

    run = _Run(paths, out_dir, formats, resume)
    summary = run.summary
    scorer = None
    bar = tqdm(total=len(run.files), desc="puanlama", unit="dosya", disable=not progress, dynamic_ncols=True)
    for step in run.plan(reader_options, chunk_calls):
        if step.chunk:
            if scorer is None:
                scorer = scorer_factory()
            try:
                reports = scorer.score_many(step.chunk)
            except Exception as exc:  # one broken call must not stop the batch
                log.exception("scoring failed for %s", step.path)
                run.write_step(step, error=str(exc))
            else:
                run.write_step(step, [(rep.to_dict(), rep.to_row()) for rep in reports])
        else:
            run.write_step(step)
        if step.input_key is not None or step.done_before:
            bar.update(1)
            bar.set_postfix(görüşme=summary.calls_scored + summary.calls_skipped_resume)
    bar.close()
    return run.finish(html)


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
