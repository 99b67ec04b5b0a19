"""Inference benchmark: throughput, latency, memory and accuracy of every engine, in one command.

    python benchmarks/run.py                 # full run (about 10 minutes on 2 CPU cores)
    python benchmarks/run.py --quick         # small workload, a smoke test (about 2 minutes)

Workloads, built fresh in every run (nothing generated is written to the repository):

* turns: every gold turn (``datasets/gold/{train,dev,test}.jsonl``, 1,624) plus ``--generated`` turns made by the
  seeded generator (``qa_scoring.datagen``), scored with ``TurnClassifier.predict`` in one call;
* calls: the 53 calls of ``datasets/calls`` and ``datasets/samples`` read with ``qa_scoring.readers``, repeated
  with new call ids up to ``--calls`` calls, scored with ``Scorer.score_many`` (default rubric) in chunks of 16
  calls as ``qa-score batch`` does: redaction, classification and the rubric included;
* single-turn latency: ``predict`` on one (customer, agent) pair at a time, as the drill app calls it, over
  ``--latency`` gold test turns after a warm-up.

Engines, each in its own process (so ``ru_maxrss`` is that engine's peak memory):

* ``onnx``: the int8 ONNX Runtime engine (``TurnClassifier.from_pretrained(engine="onnx")``); the graph is built
  into the cache beforehand in a separate process, and that one-time build is reported apart;
* ``torch``: the float32 PyTorch engine (length-sorted batches of 32, dynamic padding, ``inference_mode``): the
  reference the fast engine's labels are compared with;
* ``naive``: the same model built from the same folder, one turn at a time through a plain forward pass under
  ``torch.no_grad`` (no batching, no sorting, default threads): the baseline of the speed-up ratios.

Results: a table on stdout and ``out/bench/bench-<time>.json`` (plus ``out/bench/latest.json``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.stats import Target, agreement, latency_summary, peak_rss_mb, rate, table  # noqa: E402

ENGINES = ("onnx", "torch", "naive")
GOLD_SPLITS = ("train", "dev", "test")
CALL_SOURCES = ("datasets/calls", "datasets/samples")
CHUNK_CALLS = 16  # as qa-score batch
GENERATED_SEED = 2024
TARGETS = {"turns_per_s": 150.0, "p95_ms": 100.0, "peak_mb": 1536.0, "ratio": 3.0, "drill_p95_ms": 1000.0}
GATE = {"max_f1_drop": 0.01, "min_agreement": 0.97}


# ---------------------------------------------------------------------------------------------- workloads
def build_turns(n_generated: int, splits: tuple[str, ...] = GOLD_SPLITS) -> list[dict[str, Any]]:
    """Gold turns of ``splits`` then ``n_generated`` generated turns: {id, source, customer, agent, labels...}."""
    from qa_scoring.datagen import generate

    rows: list[dict[str, Any]] = []
    for split in splits:
        path = ROOT / "datasets" / "gold" / f"{split}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append({**json.loads(line), "source": f"gold/{split}"})
    for rec in generate(n_generated, seed=GENERATED_SEED) if n_generated else []:
        rows.append({**rec, "source": "generated"})
    return rows


def build_calls(n_calls: int) -> tuple[list[Any], int]:
    """``n_calls`` transcripts: the sample and rated calls, repeated with new call ids; and how many were read."""
    from qa_scoring.readers import discover, read_transcripts

    logging.getLogger("qa_scoring.readers").setLevel(logging.ERROR)  # agent-speaker guesses are expected here
    base = [t for path in discover([str(ROOT / s) for s in CALL_SOURCES]) for t in read_transcripts(path)]
    calls = []
    for i in range(n_calls):
        t = base[i % len(base)]
        calls.append(dataclasses.replace(t, call_id=f"{t.call_id}#{i // len(base):03d}"))
    return calls, len(base)


def latency_indices(turns: list[dict[str, Any]], n: int) -> list[int]:
    """``n`` gold test turns spread evenly over the split."""
    test = [i for i, r in enumerate(turns) if r["source"] == "gold/test"] or list(range(len(turns)))
    step = max(1, len(test) // n)
    return test[::step][:n]


# ---------------------------------------------------------------------------------------------- engines
class NaiveClassifier:
    """The baseline: the saved model run one turn at a time through a plain forward pass under ``torch.no_grad``.

    Same folder, tokenizer, input encoding, temperatures and label rule as ``TurnClassifier``; none of its speed
    work (no batching, no length sorting, no ``inference_mode``, no thread settings, no ONNX).
    """

    def __init__(self, folder: Path):
        import torch
        from safetensors.torch import load_file
        from transformers import AutoModel, AutoTokenizer

        from qa_scoring.model.network import SoftSkillNet
        from qa_scoring.model.sidecar import HEADS_NAME, ModelSidecar

        self.path = folder
        self.sidecar = ModelSidecar.load(folder)
        self.skills = list(self.sidecar.skills)
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        encoder = AutoModel.from_pretrained(folder, dtype=torch.float32, add_pooling_layer=False)
        self.net = SoftSkillNet(encoder, n_skills=len(self.skills)).eval()
        heads = load_file(str(folder / HEADS_NAME))
        for name in ("skill_head", "distress_head"):
            part = {k.split(".", 1)[1]: v.float() for k, v in heads.items() if k.startswith(name + ".")}
            getattr(self.net, name).load_state_dict(part)
        self.temps = torch.tensor([self.sidecar.temperatures.get(k, 1.0) for k in self.skills]).view(-1, 1)

    def predict(self, pairs):
        import torch

        from qa_scoring.model.classifier import TurnPrediction
        from qa_scoring.model.encoding import encode_batch

        single = isinstance(pairs, tuple)
        out = []
        for customer, agent in [pairs] if single else pairs:
            if not agent.strip():
                probs = {k: (0.0, 1.0, 0.0) for k in self.skills}
                out.append(TurnPrediction(dict.fromkeys(self.skills, 0), probs, 0.0))
                continue
            batch = encode_batch(
                self.tokenizer, [(customer or "", agent)], self.sidecar.normalization, self.sidecar.max_length
            )
            with torch.no_grad():
                s, d = self.net(**batch)
            p = torch.softmax(s[0] / self.temps, dim=-1)
            dist = float(torch.softmax(d[0] / self.sidecar.temperatures.get("distress", 1.0), dim=-1)[1])
            probs = {k: tuple(float(x) for x in p[j]) for j, k in enumerate(self.skills)}
            labels = {k: int(p[j].argmax()) - 1 for j, k in enumerate(self.skills)}
            out.append(TurnPrediction(labels, probs, dist))
        return out[0] if single else out


class CountingClassifier:
    """Passes ``predict`` through and counts the agent turns the scorer sent."""

    def __init__(self, inner):
        self.inner = inner
        self.skills = inner.skills
        self.path = getattr(inner, "path", None)
        self.turns = 0

    def predict(self, pairs):
        self.turns += len(pairs)
        return self.inner.predict(pairs)


def load_engine(engine: str, model: Path, threads: int | None):
    from qa_scoring.model.classifier import TurnClassifier

    if engine == "naive":
        return NaiveClassifier(model)
    return TurnClassifier.from_pretrained(model, engine=engine, threads=threads)


def current_rss_mb() -> float | None:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# ---------------------------------------------------------------------------------------------- worker
def worker(args: argparse.Namespace) -> dict[str, Any]:
    """Runs in a child process: load one engine, measure it, write its labels to ``args.labels_out``."""
    import numpy as np

    from qa_scoring.scoring import Scorer

    model = Path(args.model)
    if args.worker == "prepare":
        t0 = time.perf_counter()
        clf = load_engine("onnx", model, args.threads)
        return {"engine": clf.engine, "seconds": round(time.perf_counter() - t0, 2)}
    engine = args.worker
    turns = build_turns(args.generated, tuple(args.splits))
    calls, _ = build_calls(args.calls)
    pairs = [(r.get("customer") or "", r["agent"]) for r in turns]
    lat_pairs = [pairs[i] for i in latency_indices(turns, args.latency)]
    result: dict[str, Any] = {"engine": engine, "loadavg_start": loadavg()}

    t0 = time.perf_counter()
    clf = load_engine(engine, model, args.threads)
    result["load_s"] = round(time.perf_counter() - t0, 2)
    result["rss_after_load_mb"] = current_rss_mb()
    result["engine_detail"] = _engine_detail(clf, engine)
    clf.predict(pairs[:16])  # warm-up: first-call allocations, thread start
    for p in lat_pairs[:5]:
        clf.predict(p)

    ms = []
    for p in lat_pairs:
        t = time.perf_counter()
        clf.predict(p)
        ms.append((time.perf_counter() - t) * 1000)
    result["single_turn"] = latency_summary(ms)
    result["drill_reply"] = drill_latency(clf, [a for _, a in lat_pairs])

    load_before = loadavg()
    t = time.perf_counter()
    preds = clf.predict(pairs)
    seconds = time.perf_counter() - t
    result["turns"] = {
        "n": len(pairs),
        "seconds": round(seconds, 2),
        "turns_per_s": rate(len(pairs), seconds),
        "loadavg_before": load_before,
        "loadavg_after": loadavg(),
    }
    skills = list(clf.skills)
    labels = np.array([[p.labels[k] for k in skills] for p in preds], dtype=np.int8)
    np.save(args.labels_out, labels)

    counting = CountingClassifier(clf)
    scorer = Scorer(counting)
    load_before = loadavg()
    t = time.perf_counter()
    n_reports = 0
    for i in range(0, len(calls), CHUNK_CALLS):
        n_reports += len(scorer.score_many(calls[i : i + CHUNK_CALLS]))
    seconds = time.perf_counter() - t
    result["calls"] = {
        "n": n_reports,
        "agent_turns": counting.turns,
        "seconds": round(seconds, 2),
        "calls_per_s": rate(n_reports, seconds),
        "agent_turns_per_s": rate(counting.turns, seconds),
        "loadavg_before": load_before,
        "loadavg_after": loadavg(),
    }
    result["peak_rss_mb"] = peak_rss_mb()
    result["skills"] = skills
    return result


def drill_latency(clf, replies: list[str]) -> dict[str, Any]:
    """The app's drill path end to end: ``DrillSession.reply`` (redaction, the classifier on one pair, mood,
    stage, next customer line, tip) over the shipped scenarios in turn, a new drill whenever one ends."""
    from qa_scoring.drills import DrillSession, load_scenarios

    scenarios = list(load_scenarios().values())
    ms: list[float] = []
    session, started = None, 0
    for text in replies:
        if session is None or session.finished:
            session = DrillSession(scenarios[started % len(scenarios)], clf, seed=started)
            started += 1
        t = time.perf_counter()
        session.reply(text)
        ms.append((time.perf_counter() - t) * 1000)
    return {**latency_summary(ms), "drills": started}


def _engine_detail(clf, engine: str) -> dict[str, Any]:
    import torch

    if engine == "onnx":
        return {"threads": clf.net.threads, "graph": str(clf.net.model_path), "batch": "one turn per run"}
    if engine == "torch":
        return {"torch_threads": torch.get_num_threads(), "batch_size": clf.batch_size}
    return {"torch_threads": torch.get_num_threads(), "batch": "one turn, no_grad"}


# ---------------------------------------------------------------------------------------------- parent
def run_child(argv: list[str], timeout: float) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark worker {argv[:2]} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def gold_test_f1(turns: list[dict[str, Any]], labels, skills: list[str]) -> float:
    from qa_scoring.model.evaluation import evaluate_predictions

    idx = [i for i, r in enumerate(turns) if r["source"] == "gold/test"]
    if not idx:
        return float("nan")
    rows = [turns[i] for i in idx]
    return evaluate_predictions(rows, {k: [int(labels[i][j]) for i in idx] for j, k in enumerate(skills)}).mean_macro_f1


def machine() -> dict[str, Any]:
    from importlib import metadata

    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for pkg in ("qa-scoring", "torch", "transformers", "onnxruntime", "onnx", "tokenizers"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    p.add_argument("--generated", type=int, default=1000, help="generated turns added to the gold turns")
    p.add_argument("--calls", type=int, default=500, help="calls scored through Scorer.score_many")
    p.add_argument("--latency", type=int, default=200, help="single-turn predictions timed")
    p.add_argument("--threads", type=int, default=None, help="threads per engine (default: each engine's own)")
    p.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of onnx,torch,naive")
    p.add_argument("--quick", action="store_true", help="small workload: gold test + 200 generated, 100 calls")
    p.add_argument("--out", default=str(ROOT / "out" / "bench"), help="folder for the JSON result")
    p.add_argument("--worker", choices=[*ENGINES, "prepare"], help=argparse.SUPPRESS)
    p.add_argument("--splits", nargs="+", default=list(GOLD_SPLITS), help=argparse.SUPPRESS)
    p.add_argument("--labels-out", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.generated, args.calls, args.latency, args.splits = 200, 100, 50, ["test"]
    if args.model is None:
        from qa_scoring.model.classifier import bundled_model_dir

        args.model = str(bundled_model_dir())
    if args.worker:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        print(json.dumps(worker(args)))
        return 0

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = [e for e in engines if e not in ENGINES]
    if unknown:
        p.error(f"unknown engines {unknown}; choose from {', '.join(ENGINES)}")
    started = time.perf_counter()
    print(f"benchmark: engines {', '.join(engines)}; load average {loadavg()}", flush=True)
    turns = build_turns(args.generated, tuple(args.splits))
    calls, base_calls = build_calls(args.calls)
    workload = {
        "turns": len(turns),
        "gold_turns": sum(r["source"] != "generated" for r in turns),
        "gold_test_turns": sum(r["source"] == "gold/test" for r in turns),
        "generated_turns": sum(r["source"] == "generated" for r in turns),
        "generated_seed": GENERATED_SEED,
        "calls": len(calls),
        "distinct_calls": base_calls,
        "calls_note": f"the {base_calls} calls of {' and '.join(CALL_SOURCES)} repeated with new call ids",
        "chunk_calls": CHUNK_CALLS,
        "latency_turns": len(latency_indices(turns, args.latency)),
    }
    common = ["--model", args.model, "--generated", str(args.generated), "--calls", str(args.calls)]
    common += ["--latency", str(args.latency), "--splits", *args.splits]
    if args.threads:
        common += ["--threads", str(args.threads)]
    build = None
    if "onnx" in engines:
        print("preparing the ONNX graph (built once per model, then cached) …", flush=True)
        build = run_child(["--worker", "prepare", *common], timeout=1800)
        if build["engine"] != "onnx":
            raise SystemExit("the ONNX engine could not be loaded; install the 'fast' extra")
    results: dict[str, dict[str, Any]] = {}
    labels: dict[str, Any] = {}
    import numpy as np

    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        for engine in engines:
            print(f"measuring {engine} …", flush=True)
            out = Path(tmp) / f"{engine}.npy"
            results[engine] = run_child(["--worker", engine, *common, "--labels-out", str(out)], timeout=7200)
            labels[engine] = np.load(out)
            r = results[engine]
            print(
                f"  {engine}: {r['turns']['turns_per_s']:.1f} turns/s, {r['calls']['calls_per_s']:.2f} calls/s, "
                f"p95 {r['single_turn']['p95_ms']:.1f} ms, peak {r['peak_rss_mb']:.0f} MB",
                flush=True,
            )
    skills = next(iter(results.values()))["skills"]
    summary = summarize(turns, results, labels, skills)
    report = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine(),
        "loadavg_end": loadavg(),
        "workload": workload,
        "onnx_build": build,
        "engines": results,
        **summary,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = out_dir / f"bench-{stamp}.json"
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    (out_dir / "latest.json").write_text(text, encoding="utf-8")
    print()
    print(render(report))
    print(f"\nwritten: {path}")
    return 0


def summarize(turns, results, labels, skills) -> dict[str, Any]:
    """Agreement with the float32 reference, gold-test macro-F1, ratios to the naive baseline, targets, gate."""
    ref = "torch" if "torch" in labels else None
    test_idx = [i for i, r in enumerate(turns) if r["source"] == "gold/test"]
    agree: dict[str, Any] = {}
    f1 = {e: round(gold_test_f1(turns, lab, skills), 4) for e, lab in labels.items()}
    for e, lab in labels.items():
        if ref is None or e == ref:
            continue
        agree[e] = {
            "all_turns": agreement(lab.tolist(), labels[ref].tolist(), skills),
            "gold_test": (
                agreement(lab[test_idx].tolist(), labels[ref][test_idx].tolist(), skills) if test_idx else None
            ),
        }
    naive = results.get("naive")
    for r in results.values():
        r["vs_naive_turns"] = round(r["turns"]["turns_per_s"] / naive["turns"]["turns_per_s"], 2) if naive else None
        r["vs_naive_calls"] = round(r["calls"]["calls_per_s"] / naive["calls"]["calls_per_s"], 2) if naive else None
    fast = results.get("onnx")
    targets, gate = [], None
    if fast:
        targets = [
            Target("agent turns/s in batch scoring", fast["calls"]["agent_turns_per_s"], TARGETS["turns_per_s"], True),
            Target("single-turn p95", fast["single_turn"]["p95_ms"], TARGETS["p95_ms"], False, " ms"),
            Target("peak memory while batch scoring", fast["peak_rss_mb"], TARGETS["peak_mb"], False, " MB"),
            Target("speed-up over naive (calls/s)", fast["vs_naive_calls"], TARGETS["ratio"], True, "×"),
            Target("drill reply p95 (app)", fast["drill_reply"]["p95_ms"], TARGETS["drill_p95_ms"], False, " ms"),
        ]
        if ref and "onnx" in agree:
            drop = round(f1[ref] - f1["onnx"], 4)
            a = agree["onnx"]["gold_test"]["per_turn_skill"] if test_idx else None
            gate = {
                "rule": "keep the fast engine only if gold-test mean macro-F1 drops by at most 0.01 and its labels "
                "agree with the float32 reference on at least 97% of (turn, skill) labels of the gold test turns",
                "f1_drop": drop,
                "agreement_per_turn_skill_gold_test": a,
                "passed": drop <= GATE["max_f1_drop"] and a is not None and a >= GATE["min_agreement"],
            }
    return {
        "agreement_vs_fp32": agree,
        "gold_test_macro_f1": f1,
        "targets": [t.to_dict() for t in targets],
        "gate": gate,
    }


def render(report: dict[str, Any]) -> str:
    rows = []
    for e, r in report["engines"].items():
        a = report["agreement_vs_fp32"].get(e)
        rows.append(
            {
                "engine": e,
                "turns_s": r["turns"]["turns_per_s"],
                "agent_turns_s": r["calls"]["agent_turns_per_s"],
                "calls_s": r["calls"]["calls_per_s"],
                "p50": r["single_turn"]["p50_ms"],
                "p95": r["single_turn"]["p95_ms"],
                "peak": r["peak_rss_mb"],
                "x_turns": None if r["vs_naive_turns"] is None else f"{r['vs_naive_turns']:.2f}×",
                "x_calls": None if r["vs_naive_calls"] is None else f"{r['vs_naive_calls']:.2f}×",
                "f1": report["gold_test_macro_f1"].get(e),
                "agree": a["all_turns"]["per_turn_skill"] if a else (1.0 if e == "torch" else None),
                "agree5": a["all_turns"]["per_turn_all_skills"] if a else (1.0 if e == "torch" else None),
            }
        )
    cols = [
        ("engine", "engine"),
        ("turns_s", "turns/s"),
        ("agent_turns_s", "batch agent turns/s"),
        ("calls_s", "calls/s"),
        ("p50", "p50 ms"),
        ("p95", "p95 ms"),
        ("peak", "peak MB"),
        ("x_turns", "× naive (turns)"),
        ("x_calls", "× naive (calls)"),
        ("f1", "gold-test F1"),
        ("agree", "agree (turn,skill)"),
        ("agree5", "agree (turn, all 5)"),
    ]
    w = report["workload"]
    lines = [
        f"workload: {w['turns']} turns ({w['gold_turns']} gold, {w['generated_turns']} generated), "
        f"{w['calls']} calls ({w['calls_note']}), {w['latency_turns']} single-turn predictions",
        f"machine: {report['machine']['cpu']}, {report['machine']['affinity']} CPUs; load average at the end "
        f"{report['loadavg_end']}",
    ]
    if report.get("onnx_build"):
        lines.append(f"ONNX graph ready in {report['onnx_build']['seconds']} s (cached after the first build)")
    lines += ["", table(rows, cols), ""]
    for e, r in report["engines"].items():
        d = r.get("drill_reply")
        if d:
            lines.append(
                f"{e}: drill reply (DrillSession.reply) p50 {d['p50_ms']:.1f} ms, p95 {d['p95_ms']:.1f} ms "
                f"over {d['n']} replies in {d['drills']} drills"
            )
    lines.append("")
    for t in report["targets"]:
        mark = {True: "met", False: "NOT met", None: "n/a"}[t["met"]]
        lines.append(f"target {t['name']}: {t['value']} (target {t['target']}) — {mark}")
    if report["gate"]:
        g = report["gate"]
        lines.append(
            f"accuracy gate: macro-F1 drop {g['f1_drop']:+.4f}, agreement {g['agreement_per_turn_skill_gold_test']} "
            f"on gold test (turn, skill) — {'passed' if g['passed'] else 'FAILED'}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
