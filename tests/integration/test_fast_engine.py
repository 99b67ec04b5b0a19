"""The bundled model through the int8 ONNX engine: same labels as the float32 reference, cached build, CLI flag."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa_scoring.model import fast
from qa_scoring.model.classifier import TurnClassifier, TurnPrediction, bundled_model_dir
from qa_scoring.skills import SKILL_KEYS

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not (bundled_model_dir() / "qa_model.json").is_file(), reason="bundled model not built"),
    pytest.mark.skipif(not fast.onnx_available(), reason="the 'fast' extra (onnxruntime, onnx) is not installed"),
]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("qa-cache")


@pytest.fixture(scope="module")
def engines(cache):
    """(onnx, torch) classifiers; the ONNX graph is built into a fresh cache of this module."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QA_SCORING_CACHE", str(cache))
        mp.delenv("QA_SCORING_INFERENCE", raising=False)
        onnx_clf = TurnClassifier.from_pretrained(engine="onnx")
    return onnx_clf, TurnClassifier.from_pretrained(engine="torch")


@pytest.fixture(scope="module")
def gold_sample() -> list[tuple[str, str]]:
    """About 200 held-out gold test turns, spread over the split."""
    rows = [json.loads(x) for x in (ROOT / "datasets/gold/test.jsonl").read_text(encoding="utf-8").splitlines() if x]
    return [(r["customer"], r["agent"]) for r in rows[::2]][:200]


def test_onnx_labels_agree_with_the_float32_model(engines, gold_sample):
    onnx_clf, torch_clf = engines
    assert onnx_clf.engine == "onnx" and torch_clf.engine == "torch"
    fast_preds = onnx_clf.predict(gold_sample)
    ref_preds = torch_clf.predict(gold_sample)
    assert all(isinstance(p, TurnPrediction) for p in fast_preds)
    pairs = list(zip(fast_preds, ref_preds, strict=True))
    same = np.array([[a.labels[k] == b.labels[k] for k in SKILL_KEYS] for a, b in pairs])
    assert same.mean() >= 0.97, f"(turn, skill) agreement {same.mean():.3f}"
    diff = np.array([[np.subtract(a.probs[k], b.probs[k]) for k in SKILL_KEYS] for a, b in pairs])
    assert np.abs(diff).mean() < 0.02 and np.percentile(np.abs(diff), 99) < 0.12
    assert max(abs(a.distress - b.distress) for a, b in pairs) < 0.1


def test_a_turn_gets_the_same_result_alone_or_in_a_batch(engines, gold_sample):
    onnx_clf, _ = engines
    batch = onnx_clf.predict(gold_sample[:40])
    for i in (0, 17, 39):
        alone = onnx_clf.predict(gold_sample[i])
        assert alone.labels == batch[i].labels and alone.probs == batch[i].probs


def test_the_built_graph_is_reused_from_the_cache(engines, cache, monkeypatch):
    onnx_clf, _ = engines
    built = onnx_clf.net.model_path
    assert built.parent.parent == cache / "onnx" and built.stat().st_size < 40 * 2**20
    meta = json.loads((built.parent / fast.META_FILE).read_text(encoding="utf-8"))
    assert meta["export_max_abs_diff"] < fast.EXPORT_TOLERANCE and meta["recipe"] == fast.RECIPE

    def no_rebuild(*args, **kwargs):
        raise AssertionError("the graph was built again")

    monkeypatch.setenv("QA_SCORING_CACHE", str(cache))
    monkeypatch.setattr(fast, "build_onnx", no_rebuild)
    again = TurnClassifier.from_pretrained(engine="onnx")
    assert again.net.model_path == built
    pair = ("Kargom gelmedi, çok sinirliyim.", "Çok haklısınız, hemen kontrol ediyorum.")
    assert again.predict(pair).probs == onnx_clf.predict(pair).probs


def test_cli_turns_with_each_inference_engine(tmp_path, cache):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": 1, "customer": "Faturam yanlış geldi!", "agent": "Hemen düzeltiyorum, özür dilerim."}) + "\n",
        encoding="utf-8",
    )
    env = {**os.environ, "QA_SCORING_CACHE": str(cache)}
    out = {}
    for engine in ("onnx", "torch"):
        dst = tmp_path / f"{engine}.jsonl"
        proc = subprocess.run(
            [sys.executable, "-m", "qa_scoring.cli", "turns", str(src), "--out", str(dst), "--inference", engine],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        out[engine] = json.loads(dst.read_text(encoding="utf-8"))
    assert out["onnx"]["id"] == 1 and set(out["onnx"]["labels"]) == set(SKILL_KEYS)
    for k in SKILL_KEYS:
        assert out["onnx"]["probs"][k] == pytest.approx(out["torch"]["probs"][k], abs=0.1)
