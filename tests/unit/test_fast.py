"""The ONNX engine's plumbing without the real model: cache key, lock and atomic build, engine choice and fallback,
unpadded encoding, and a tiny random model run through both engines."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from qa_scoring.errors import ModelError
from qa_scoring.model import fast
from qa_scoring.model.encoding import encode_batch
from qa_scoring.model.sidecar import HEADS_NAME, ModelSidecar
from qa_scoring.skills import SKILL_KEYS


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch) -> Path:
    """Every test builds into its own cache, never the user's."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("QA_SCORING_CACHE", str(cache))
    monkeypatch.delenv("QA_SCORING_INFERENCE", raising=False)
    return cache


def _save_tiny_model(folder: Path, tokenizer) -> Path:
    import torch
    from safetensors.torch import save_file
    from transformers import BertConfig, BertModel

    from qa_scoring.model.network import SoftSkillNet

    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        pad_token_id=tokenizer.pad_token_id,
    )
    net = SoftSkillNet(BertModel(cfg, add_pooling_layer=False), n_skills=len(SKILL_KEYS))
    net.encoder.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    save_file({k: v.contiguous() for k, v in net.head_state().items()}, str(folder / HEADS_NAME))
    ModelSidecar(skills=list(SKILL_KEYS), max_length=64, temperatures={"respect": 1.5, "distress": 1.0}).save(folder)
    return folder


def _fake_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    ModelSidecar(skills=list(SKILL_KEYS)).save(folder)
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"weights v1")
    return folder


# ---------------------------------------------------------------------------------------------- cache key
def test_cache_root_follows_the_environment(private_cache, monkeypatch):
    assert fast.cache_root() == private_cache
    monkeypatch.delenv("QA_SCORING_CACHE")
    assert fast.cache_root() == Path.home() / ".cache" / "qa-scoring"


def test_cache_key_changes_with_weights_sidecar_and_versions(tmp_path):
    folder = _fake_folder(tmp_path / "m")
    versions = {"torch": "2.0", "transformers": "4.0", "onnx": "1.0", "onnxruntime": "1.0"}
    key = fast.cache_key(folder, versions)
    assert key == fast.cache_key(folder, versions)  # stable
    assert key != fast.cache_key(folder, {**versions, "onnxruntime": "1.1"})
    (folder / "model.safetensors").write_bytes(b"weights v2")
    changed = fast.cache_key(folder, versions)
    assert changed != key
    sc = ModelSidecar.load(folder)
    sc.max_length = 64
    sc.save(folder)
    resized = fast.cache_key(folder, versions)
    assert resized != changed
    sc.metrics = {"dev": {"mean_macro_f1": 0.5}}  # metrics do not shape the graph: no rebuild
    sc.save(folder)
    assert fast.cache_key(folder, versions) == resized


# ---------------------------------------------------------------------------------------------- build once
def _writer(calls: list[int], delay: float = 0.0):
    def build(tmp: Path) -> dict:
        calls.append(1)
        time.sleep(delay)
        (tmp / fast.MODEL_FILE).write_bytes(b"graph")
        return {"note": "fake"}

    return build


def test_built_once_then_reused(tmp_path, private_cache):
    folder = _fake_folder(tmp_path / "m")
    calls: list[int] = []
    first = fast.ensure_onnx(folder, _writer(calls))
    second = fast.ensure_onnx(folder, _writer(calls))
    assert first == second and first.read_bytes() == b"graph" and calls == [1]
    assert first.parent.parent == private_cache / "onnx"
    meta = (first.parent / fast.META_FILE).read_text(encoding="utf-8")
    assert '"note": "fake"' in meta and fast.RECIPE in meta
    assert not list((private_cache / "onnx").glob(".*-*"))  # no temporary folder left


def test_concurrent_loads_build_once(tmp_path):
    folder = _fake_folder(tmp_path / "m")
    calls: list[int] = []
    paths: list[Path] = []
    threads = [
        threading.Thread(target=lambda: paths.append(fast.ensure_onnx(folder, _writer(calls, delay=0.3))))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1] and len(set(paths)) == 1 and paths[0].is_file()


def test_failed_build_leaves_nothing_behind(tmp_path, private_cache):
    folder = _fake_folder(tmp_path / "m")

    def broken(tmp: Path) -> dict:
        (tmp / fast.MODEL_FILE).write_bytes(b"half")
        raise RuntimeError("exporter crashed")

    with pytest.raises(RuntimeError, match="exporter crashed"):
        fast.ensure_onnx(folder, broken)
    onnx_dir = private_cache / "onnx"
    assert [p.name for p in onnx_dir.iterdir() if not p.name.endswith(".lock")] == []
    calls: list[int] = []
    assert fast.ensure_onnx(folder, _writer(calls)).read_bytes() == b"graph" and calls == [1]


def test_stale_temporary_and_incomplete_folders_are_replaced(tmp_path, private_cache):
    folder = _fake_folder(tmp_path / "m")
    key = fast.cache_key(folder)
    onnx_dir = private_cache / "onnx"
    (onnx_dir / f".{key}-dead").mkdir(parents=True)
    (onnx_dir / key).mkdir()
    (onnx_dir / key / fast.MODEL_FILE).write_bytes(b"no meta: a copy that stopped half way")
    calls: list[int] = []
    path = fast.ensure_onnx(folder, _writer(calls))
    assert calls == [1] and path.read_bytes() == b"graph" and not (onnx_dir / f".{key}-dead").exists()


# ---------------------------------------------------------------------------------------------- engine choice
@pytest.mark.parametrize(
    "engine, env, expected",
    [
        ("auto", None, ("onnx", False)),
        ("auto", "torch", ("torch", True)),
        ("auto", "auto", ("onnx", False)),
        ("torch", "onnx", ("torch", True)),
        ("onnx", None, ("onnx", True)),
    ],
)
def test_engine_resolution(monkeypatch, engine, env, expected):
    from qa_scoring.model.classifier import _resolve_engine

    if env:
        monkeypatch.setenv("QA_SCORING_INFERENCE", env)
    assert _resolve_engine(engine) == expected


def test_unknown_engine_names_the_choices(monkeypatch):
    from qa_scoring.model.classifier import _resolve_engine

    with pytest.raises(ValueError, match="auto, torch, onnx"):
        _resolve_engine("tensorrt")
    monkeypatch.setenv("QA_SCORING_INFERENCE", "gpu")
    with pytest.raises(ValueError, match="QA_SCORING_INFERENCE"):
        _resolve_engine("auto")


def test_auto_falls_back_to_torch_without_onnxruntime(tmp_path, tiny_tokenizer, monkeypatch):
    from qa_scoring.model.classifier import TurnClassifier

    folder = _save_tiny_model(tmp_path / "m", tiny_tokenizer)
    monkeypatch.setattr(fast, "onnx_available", lambda: False)
    assert TurnClassifier.from_pretrained(folder).engine == "torch"
    with pytest.raises(ModelError, match=r"pip install 'qa-scoring\[fast\]'"):
        TurnClassifier.from_pretrained(folder, engine="onnx")


@pytest.mark.parametrize(
    "error, explicit_message",
    [
        (RuntimeError("exporter not supported"), "building the ONNX engine failed.*engine='torch'"),
        (fast.OnnxBuildError("the ONNX export differs from PyTorch by 0.5"), "differs from PyTorch"),
    ],
)
def test_auto_falls_back_to_torch_when_the_build_fails(
    tmp_path, tiny_tokenizer, monkeypatch, caplog, error, explicit_message
):
    from qa_scoring.model.classifier import TurnClassifier

    folder = _save_tiny_model(tmp_path / "m", tiny_tokenizer)

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(fast, "build_onnx", broken)
    with caplog.at_level(logging.WARNING, logger="qa_scoring.model.classifier"):
        clf = TurnClassifier.from_pretrained(folder)
    assert clf.engine == "torch" and str(error) in caplog.text
    with pytest.raises(ModelError, match=explicit_message):
        TurnClassifier.from_pretrained(folder, engine="onnx")


def test_a_broken_model_folder_is_not_hidden_by_the_fallback(tmp_path, tiny_tokenizer):
    from safetensors.torch import load_file, save_file

    from qa_scoring.model.classifier import TurnClassifier

    folder = _save_tiny_model(tmp_path / "m", tiny_tokenizer)
    heads = load_file(str(folder / HEADS_NAME))
    heads["skill_head.bias"] = heads["skill_head.bias"][:6].contiguous()
    save_file(heads, str(folder / HEADS_NAME))
    with pytest.raises(ModelError, match="head shapes"):
        TurnClassifier.from_pretrained(folder)  # auto: the ONNX build meets it first and must not fall back


# ---------------------------------------------------------------------------------------------- inference
def test_unpadded_inputs_match_the_batch_encoding(tiny_tokenizer):
    pairs = [("Kargo gelmedi, çok kızgınım", "Özür dilerim"), (None, "Tamam"), ("uzun " * 200, "cevap " * 200)]
    batch = encode_batch(tiny_tokenizer, pairs, "clean", 64)
    one_by_one = fast.encode_pairs(tiny_tokenizer, pairs, "clean", 64)
    for i, feed in enumerate(one_by_one):
        n = feed["input_ids"].shape[1]
        assert int(batch["attention_mask"][i].sum()) == n <= 64
        for name in fast.INPUT_NAMES:
            assert feed[name].shape == (1, n) and feed[name].dtype == np.int64
            assert feed[name][0].tolist() == batch[name][i][:n].tolist(), name
    assert fast.encode_pairs(tiny_tokenizer, [], "clean", 64) == []


def test_tiny_model_through_both_engines(tmp_path, tiny_tokenizer):
    from qa_scoring.model.classifier import TurnClassifier, TurnPrediction

    folder = _save_tiny_model(tmp_path / "m", tiny_tokenizer)
    onnx_clf = TurnClassifier.from_pretrained(folder, engine="onnx", threads=2)
    torch_clf = TurnClassifier.from_pretrained(folder, engine="torch")
    assert onnx_clf.engine == "onnx" and "engine='onnx'" in repr(onnx_clf)
    pairs = [("Kargom gelmedi", "Hemen bakıyorum"), (None, "Tamam"), ("x", ""), ("Fatura yüksek", "Kontrol ediyorum.")]
    fast_preds, ref_preds = onnx_clf.predict(pairs), torch_clf.predict(pairs)
    assert all(isinstance(p, TurnPrediction) for p in fast_preds)
    for a, b in zip(fast_preds, ref_preds, strict=True):
        for k in SKILL_KEYS:
            assert a.probs[k] == pytest.approx(b.probs[k], abs=0.05)
    assert fast_preds[2].probs["empathy"] == (0.0, 1.0, 0.0)  # empty reply: same rule as torch
    alone = onnx_clf.predict(pairs[3])
    assert alone.probs == fast_preds[3].probs  # a turn's result does not depend on its batch
    meta = (onnx_clf.net.model_path.parent / fast.META_FILE).read_text(encoding="utf-8")
    assert '"export_max_abs_diff"' in meta
