"""Batch scoring on Ray Data (``qa-score batch --engine ray``), for centres whose volume outgrows one machine.

    from qa_scoring.batch import run_batch
    run_batch(["calls/"], "out/", factory, engine="ray", ray_address="auto", ray_actors=8)

The driver does what the local engine does: it finds the inputs, reads them, rejects bad files and duplicate
call ids, skips what the parts of an earlier run hold, and cuts the same chunks of calls (the steps of
:meth:`qa_scoring.batch._Run.plan`). Only the scoring moves out: each chunk becomes one row of a Ray Dataset (its
transcripts serialised with :meth:`Transcript.to_dict`), and ``map_batches`` sends the rows to a pool of actors,
each holding one :class:`~qa_scoring.scoring.Scorer` built once by the scorer factory. The driver takes the
results back in input order and writes every finished chunk as an atomic part, through the same code as the local
engine: ``scores.csv``, ``evidence.jsonl``, ``errors.csv`` and the HTML are identical to a local run, and
``--resume`` works across engines (a run started with one can be finished with the other).

Chunks are kept as the local engine cuts them because the classifier pads and sorts a chunk's turns together:
another grouping could move a probability in its last digits. Every node of a cluster needs ``qa-scoring[ray]``
installed (and a ``--model`` folder, if one is given, at the same path); transcript text is never logged.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import re
import socket
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .batch import BatchSummary, _Run, _Step
from .errors import ConfigError, QAScoringError

log = logging.getLogger(__name__)

# A small object store, so that a private local Ray fits a 2-core laptop and a CI container with a small
# /dev/shm; only chunks of transcripts and their reports pass through it.
OBJECT_STORE_BYTES = 200 * 1024 * 1024
INSTALL_HINT = "pip install 'qa-scoring[ray]'"


def _import_ray() -> Any:
    """``ray`` with Ray Data, or a ConfigError that says how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            f"the ray engine needs Ray Data, which is not installed ({exc}); install it with {INSTALL_HINT}, "
            "or run the batch with --engine local"
        ) from None
    return ray


class ChunkScorer:
    """The Ray Data UDF: an actor that builds one Scorer and scores a chunk of calls per row.

    Args:
        scorer_factory: Called once, when the actor starts, to build the scorer.

    A row holds ``step`` (its place in the plan) and ``calls`` (a JSON list of ``Transcript.to_dict()``); the
    output row holds ``step``, ``status`` and ``payload``:

    - ``"ok"``: a JSON list of ``[CallReport.to_dict(), CallReport.to_row()]``, one per call;
    - ``"failed"``: why scoring the chunk failed (the exception's message, as the local engine records it);
    - ``"no_scorer"``: the factory failed, as JSON ``{"type", "message"}``; the driver stops the batch with that
      error, as the local engine does (rather than letting Ray restart an actor that can never start).
    """

    def __init__(self, scorer_factory: Callable[[], Any]):
        self.scorer = None
        self.build_error = ""
        try:
            self.scorer = scorer_factory()
        except Exception as exc:
            log.exception("building the scorer failed")
            self.build_error = json.dumps({"type": type(exc).__name__, "message": str(exc)}, ensure_ascii=False)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        from .transcript import Transcript

        statuses: list[str] = []
        payloads: list[str] = []
        for step, calls in zip(batch["step"], batch["calls"], strict=True):
            if self.scorer is None:
                statuses.append("no_scorer")
                payloads.append(self.build_error)
                continue
            transcripts = [Transcript.from_dict(d) for d in json.loads(str(calls))]
            try:
                reports = self.scorer.score_many(transcripts)
            except Exception as exc:  # one broken call must not stop the batch
                log.exception("scoring failed for chunk %s", step)
                statuses.append("failed")
                payloads.append(str(exc))
                continue
            statuses.append("ok")
            payloads.append(json.dumps([[r.to_dict(), r.to_row()] for r in reports], ensure_ascii=False))
        return {
            "step": np.asarray(batch["step"]),
            "status": np.array(statuses, dtype=object),
            "payload": np.array(payloads, dtype=object),
        }


def _build_error(payload: str) -> QAScoringError:
    """The error a ``"no_scorer"`` row reports, as the same class when it is one of ours."""
    from . import errors

    data = json.loads(payload)
    cls = getattr(errors, data["type"], None)
    if isinstance(cls, type) and issubclass(cls, QAScoringError):
        return cls(data["message"])
    return QAScoringError(f"the scorer could not be built in a Ray actor ({data['type']}: {data['message']})")


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast on a HOST:PORT (or ray://HOST:PORT) nobody listens on; Ray itself retries for minutes."""
    m = re.fullmatch(r"(?:ray://)?\[?([^\]/]+?)\]?:(\d+)/?", address.strip())
    if not m:
        return  # "auto", "local" and other forms are Ray's to check
    host, port = m.group(1), int(m.group(2))
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise ConfigError(
            f"no Ray cluster answers at {address!r} ({exc}); start one with 'ray start --head' or fix "
            "--ray-address (leave it out for a local Ray, 'auto' joins the cluster of this machine)"
        ) from None


@contextmanager
def ray_session(address: str | None = None, *, verbose: bool = False) -> Iterator[Any]:
    """Connect to Ray for the duration of the block, quietly; yields the ``ray`` module.

    Args:
        address: None starts a private local Ray (dashboard off, a 200 MB object store), unless ``RAY_ADDRESS``
            is set; ``"auto"`` joins the cluster this machine belongs to; ``"ray://HOST:10001"`` a remote one.
            When this process is already connected (``ray.is_initialized()``), that connection is used as it is.
        verbose: Keep Ray's own info logs and the workers' output on the console.

    Raises:
        ConfigError: Ray is not installed, or the cluster at ``address`` cannot be reached.
    """
    ray = _import_ray()
    if ray.is_initialized():
        yield ray
        return
    join = address or os.environ.get("RAY_ADDRESS")
    kwargs: dict[str, Any] = {
        "log_to_driver": verbose,
        "configure_logging": True,
        "logging_level": logging.INFO if verbose else logging.ERROR,
    }
    if join:
        _check_reachable(join)
        kwargs["address"] = join
    else:
        kwargs.update(include_dashboard=False, object_store_memory=OBJECT_STORE_BYTES)
    try:
        ray.init(**kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {join!r}" if join else "a local Ray"
        raise ConfigError(
            f"could not start or join {where} ({exc}); check --ray-address: leave it out for a local Ray, "
            "'auto' joins the cluster of this machine (started with 'ray start'), 'ray://HOST:10001' a remote one"
        ) from None
    try:
        yield ray
    finally:
        ray.shutdown()


@contextmanager
def _quiet_ray_data(ray: Any, verbose: bool) -> Iterator[Any]:
    """Ray Data's context for one run: results in order, no Ray progress bars, no info lines on the console."""
    ctx = ray.data.DataContext.get_current()
    saved = (ctx.execution_options.preserve_order, ctx.enable_progress_bars)
    handlers = [] if verbose else [(h, h.level) for h in logging.getLogger("ray.data").handlers if _is_console(h)]
    ctx.execution_options.preserve_order = True  # the driver writes parts in input order as results arrive
    ctx.enable_progress_bars = False  # the driver has its own bar
    for h, _ in handlers:
        h.setLevel(logging.ERROR)
    try:
        yield ctx
    finally:
        ctx.execution_options.preserve_order, ctx.enable_progress_bars = saved
        for h, level in handlers:
            h.setLevel(level)


def _is_console(handler: logging.Handler) -> bool:
    return isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler)


def _unwrap(exc: BaseException) -> BaseException | None:
    """The QAScoringError behind a Ray error (e.g. a ModelError in an actor's constructor), if there is one."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, QAScoringError):
            return e
        todo += [getattr(e, "cause", None), e.__cause__, e.__context__]
    return None


def run_batch_ray(
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
    address: str | None = None,
    actors: int | None = None,
) -> BatchSummary:
    """Score every call in ``paths`` into ``out_dir`` on Ray Data; the same results as the local engine.

    Args:
        paths, out_dir, formats, resume, reader_options, chunk_calls, progress, html: As for
            :func:`qa_scoring.batch.run_batch`.
        scorer_factory: Builds the Scorer once in each actor; it must be picklable by cloudpickle (a function,
            a lambda or a closure over picklable values; ``Scorer.from_pretrained`` with a loaded Rubric is).
        address: See :func:`ray_session`.
        actors: Scoring actors (default: one per CPU of the cluster, at most one per chunk). With more actors
            than CPUs each actor asks for a share of a CPU.

    Raises:
        ConfigError: Ray is missing or unreachable, ``actors`` is not positive, or as for ``run_batch``.
        QAScoringError: the scorer could not be built in an actor (e.g. a ModelError), or the Ray run failed;
            the chunks finished before that are kept, and ``resume=True`` carries on from them.
    """
    from tqdm.auto import tqdm

    ray = _import_ray()
    if actors is not None and actors < 1:
        raise ConfigError(f"the number of Ray actors must be at least 1, found {actors}")
    verbose = log.isEnabledFor(logging.INFO)
    run = _Run(paths, out_dir, formats, resume)
    steps = list(run.plan(reader_options, chunk_calls))
    work = [i for i, s in enumerate(steps) if s.chunk]
    log.info(
        "ray batch: %d files, %d calls to score in %d chunks",
        len(run.files),
        sum(len(steps[i].chunk) for i in work),
        len(work),
    )
    bar = tqdm(total=len(run.files), desc="puanlama", unit="dosya", disable=not progress, dynamic_ncols=True)
    done = 0  # steps written so far, in order

    def write_ready(results: dict[int, tuple[str, str]]) -> None:
        nonlocal done
        while done < len(steps):
            step = steps[done]
            if step.chunk:
                if done not in results:
                    return
                status, payload = results.pop(done)
                if status == "no_scorer":
                    raise _build_error(payload)
                if status == "ok":
                    run.write_step(step, [(rep, row) for rep, row in json.loads(payload)])
                else:
                    log.error("scoring failed for %s (chunk %d)", step.path, done)
                    run.write_step(step, error=payload)
            else:
                run.write_step(step)
            if step.input_key is not None or step.done_before:
                bar.update(1)
                bar.set_postfix(görüşme=run.summary.calls_scored + run.summary.calls_skipped_resume)
            done += 1

    results: dict[int, tuple[str, str]] = {}
    try:
        if work:
            with ray_session(address, verbose=verbose), _quiet_ray_data(ray, verbose):
                rows = _score_on_ray(ray, steps, work, scorer_factory, actors)
                try:
                    for row in rows:
                        results[int(row["step"])] = (str(row["status"]), str(row["payload"]))
                        write_ready(results)
                finally:
                    rows.close()  # stop Ray Data's executor before Ray shuts down
        write_ready(results)
    except QAScoringError:
        raise
    except Exception as exc:
        cause = _unwrap(exc)
        if cause is not None:
            raise cause from None
        hint = ""
        if isinstance(exc, getattr(ray.exceptions, "RayActorError", ())):
            hint = (
                "; a scoring actor could not start or died: every Ray node needs qa-scoring[ray] installed, and the "
                "modules the scorer factory uses importable there"
            )
        raise QAScoringError(
            f"the Ray run stopped ({type(exc).__name__}: {exc}){hint}; the {run.summary.calls_scored} calls scored "
            "so far are kept, run the same command with --resume to finish"
        ) from None
    finally:
        bar.close()
    return run.finish(html)


def _score_on_ray(
    ray: Any, steps: list[_Step], work: list[int], scorer_factory: Callable[[], Any], actors: int | None
) -> Iterator[dict[str, Any]]:
    """Score the chunks of ``steps[i] for i in work`` on a pool of actors; yields result rows (in order)."""
    cpus = float(ray.cluster_resources().get("CPU", 1.0))
    n_actors = actors or max(1, int(cpus))
    n_actors = min(n_actors, len(work))
    cpus_per_actor = min(1.0, cpus / n_actors) if cpus > 0 else 1.0
    log.info("ray batch: %d actors, %.2f CPU each", n_actors, cpus_per_actor)
    rows = [
        {"step": i, "calls": json.dumps([t.to_dict() for t in steps[i].chunk], ensure_ascii=False, default=str)}
        for i in work
    ]
    # one block per chunk, so that every actor gets work (Ray < 2.10 calls this "parallelism")
    blocks = (
        "override_num_blocks"
        if "override_num_blocks" in inspect.signature(ray.data.from_items).parameters
        else "parallelism"
    )
    ds = ray.data.from_items(rows, **{blocks: len(rows)})
    ds = ds.map_batches(
        ChunkScorer,
        fn_constructor_kwargs={"scorer_factory": scorer_factory},
        batch_size=1,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=n_actors),
        num_cpus=cpus_per_actor,
    )
    yield from ds.iter_rows()
