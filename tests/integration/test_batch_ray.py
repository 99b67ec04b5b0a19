"""``qa-score batch --engine ray`` on a real two-node Ray cluster: the same files as the local engine, and resume.

The cluster is two Ray nodes on this machine (``ray.cluster_utils.Cluster``: a head and one worker node, one CPU
each), so two scoring actors land on two different nodes, as they would on two machines.
"""

from __future__ import annotations

import csv
import filecmp
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("ray.data", reason="the ray extra is not installed (pip install 'qa-scoring[ray]')")

from qa_scoring.batch import PARTS_DIR, run_batch  # noqa: E402
from qa_scoring.model.classifier import bundled_model_dir  # noqa: E402
from tests.fakes import fake_scorer  # noqa: E402
from tests.unit.test_batch import CALL_TXT, make_inputs  # noqa: E402

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "datasets" / "samples"
NODE_STORE = 120 * 1024 * 1024


@pytest.fixture(scope="module")
def cluster():
    """A head node and one worker node, one CPU each; its address, for ``--ray-address``."""
    from ray.cluster_utils import Cluster

    c = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "object_store_memory": NODE_STORE, "include_dashboard": False},
    )
    try:
        c.add_node(num_cpus=1, object_store_memory=NODE_STORE)
        c.wait_for_nodes()
    except BaseException:
        c.shutdown()
        raise
    yield c.address
    c.shutdown()


def output_files(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and PARTS_DIR not in p.parts)


def assert_same_outputs(a: Path, b: Path) -> None:
    files = output_files(a)
    assert files == output_files(b)
    assert {"scores.csv", "evidence.jsonl", "errors.csv"} <= set(files)
    different = [f for f in files if not filecmp.cmp(a / f, b / f, shallow=False)]
    assert not different, f"the ray engine wrote other results than the local one: {different}"


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def part_records(out: Path) -> list[dict]:
    return [
        json.loads(line)
        for p in sorted((out / PARTS_DIR).glob("part-*.jsonl"))
        for line in p.read_text(encoding="utf-8").splitlines()
    ]


@pytest.mark.skipif(not (bundled_model_dir() / "qa_model.json").is_file(), reason="bundled model not built")
def test_cli_ray_engine_on_the_samples_writes_what_the_local_engine_writes(cluster, tmp_path):
    from qa_scoring.scoring import Scorer

    inputs = tmp_path / "in"
    shutil.copytree(SAMPLES, inputs, ignore=shutil.ignore_patterns("*.md"))
    (inputs / "bozuk.json").write_text('{"call_id": "x", "turns": [', encoding="utf-8")
    local = run_batch(
        [inputs], tmp_path / "local", Scorer.from_pretrained, formats=["jsonl"], html=True, progress=False
    )
    res = subprocess.run(
        [sys.executable, "-m", "qa_scoring.cli", "batch", str(inputs), "--out", str(tmp_path / "ray")]
        + ["--format", "csv,jsonl", "--engine", "ray", "--ray-address", cluster, "--ray-actors", "2", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert res.returncode == 1, res.stdout + res.stderr  # one input rejected
    assert local.calls_scored == 13 and len(local.rejected) == 1
    assert "13 görüşme puanlandı" in res.stdout and "bozuk.json" in res.stdout
    assert_same_outputs(tmp_path / "local", tmp_path / "ray")
    assert [r["input"] for r in read_csv(tmp_path / "ray" / "errors.csv")] == [str(inputs / "bozuk.json")]
    # Ray stays quiet: no info lines, and no transcript text ever reaches the console
    assert "INFO" not in res.stderr and "streaming_executor" not in res.stderr
    assert "HızlıKargo" not in res.stdout + res.stderr


def test_many_calls_on_two_nodes_identical_to_local(cluster, tmp_path):
    make_inputs(tmp_path / "in", 300, 12)
    (tmp_path / "in" / "kopya.txt").write_text(CALL_TXT.format(cid="c0007", agent=1, n=5), encoding="utf-8")
    nodes = tmp_path / "nodes"
    nodes.mkdir()

    def note_node_then_fake_scorer():  # defined here so that Ray ships it by value to the actors
        import ray

        (nodes / f"{ray.get_runtime_context().get_node_id()}-{os.getpid()}").touch()
        return fake_scorer()

    opts = dict(formats=["jsonl"], chunk_calls=8, html=True, progress=False)
    local = run_batch([tmp_path / "in"], tmp_path / "local", fake_scorer, **opts)
    t0 = time.monotonic()
    ray_run = run_batch(
        [tmp_path / "in"],
        tmp_path / "ray",
        note_node_then_fake_scorer,
        engine="ray",
        ray_address=cluster,
        ray_actors=2,
        **opts,
    )
    elapsed = time.monotonic() - t0
    assert (ray_run.calls_scored, len(ray_run.rejected)) == (local.calls_scored, len(local.rejected)) == (300, 13)
    assert ray_run.rejected == local.rejected and ray_run.outputs == local.outputs
    assert_same_outputs(tmp_path / "local", tmp_path / "ray")
    assert len({p.name.split("-")[0] for p in nodes.iterdir()}) == 2, "both Ray nodes should have scored"
    assert elapsed < 120


def test_resume_with_ray_after_a_killed_ray_run_scores_each_call_once(cluster, tmp_path):
    make_inputs(tmp_path / "in", 120, 6)
    reference = tmp_path / "reference"
    run_batch([tmp_path / "in"], reference, fake_scorer, chunk_calls=4, progress=False)
    out = tmp_path / "out"
    runner = (
        "import sys\n"
        "from qa_scoring.batch import run_batch\n"
        "from tests.fakes import fake_scorer\n"
        "run_batch([sys.argv[1]], sys.argv[2], lambda: fake_scorer(delay=0.2), chunk_calls=4, progress=False,\n"
        "          engine='ray', ray_address=sys.argv[3], ray_actors=2)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", runner, str(tmp_path / "in"), str(out), cluster], cwd=ROOT, env=env)
    deadline = time.time() + 90
    while time.time() < deadline:  # wait for the 6 rejected files and 8 chunks, then kill the driver unwarned
        if (out / PARTS_DIR).is_dir() and len(list((out / PARTS_DIR).glob("part-*.jsonl"))) >= 6 + 8:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done_before = sum(1 for r in part_records(out) if r["kind"] == "call")
    assert 0 < done_before < 120, "the kill should land mid-run"
    summary = run_batch(
        [tmp_path / "in"],
        out,
        fake_scorer,
        chunk_calls=4,
        progress=False,
        resume=True,
        engine="ray",
        ray_address=cluster,
        ray_actors=2,
    )
    assert summary.calls_skipped_resume == done_before and summary.calls_scored == 120 - done_before
    scored = [r["call_id"] for r in part_records(out) if r["kind"] == "call"]
    assert len(scored) == len(set(scored)) == 120, "a call was lost or scored twice"
    assert_same_outputs(reference, out)
