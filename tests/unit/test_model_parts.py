"""Model plumbing without the real model: sidecar checks, input masks, metrics, calibration, save/load."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from qa_scoring.errors import ConfigError, ModelError
from qa_scoring.model.encoding import encode_batch, prepare_texts
from qa_scoring.model.metrics import expected_calibration_error, skill_report
from qa_scoring.model.sidecar import HEADS_NAME, SIDECAR_NAME, ModelSidecar
from qa_scoring.model.train import fit_temperature, read_turns
from qa_scoring.skills import SKILL_KEYS


def test_masks_mark_reply_and_context_tokens(tiny_tokenizer):
    batch = encode_batch(tiny_tokenizer, [("Kargo gelmedi", "Özür dilerim"), ("", "Tamam")], "clean", 64)
    ids, reply, context = batch["input_ids"], batch["reply_mask"], batch["context_mask"]
    assert ids.shape == reply.shape == context.shape
    assert int((reply * context).sum()) == 0  # no token in both
    for row in range(2):
        toks = tiny_tokenizer.convert_ids_to_tokens(ids[row])
        reply_text = "".join(t for t, m in zip(toks, reply[row], strict=True) if m).replace("▁", " ").strip()
        assert reply_text == ["Özür dilerim", "Tamam"][row]
        ctx = "".join(t for t, m in zip(toks, context[row], strict=True) if m).replace("▁", " ").strip()
        assert ctx.startswith("query:")
    assert int(batch["attention_mask"][1].sum()) < int(batch["attention_mask"][0].sum())  # dynamic padding


def test_long_context_keeps_the_words_nearest_the_reply():
    context, _ = prepare_texts(" ".join(f"k{i}" for i in range(200)), "Tamam", "clean")
    assert context.endswith("k199") and "k100" not in context.split()


def test_skill_report_numbers():
    rep = skill_report([-1, -1, 0, 1, 1, 1], [-1, 0, 0, 1, 1, -1])
    assert rep["per_class"]["-1"]["precision"] == 0.5 and rep["per_class"]["1"]["recall"] == pytest.approx(0.6667)
    assert rep["confusion"] == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert 0 < rep["macro_f1"] < 1


def test_ece_and_temperature_fix_overconfidence():
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 600)
    logits = rng.normal(0, 1, (600, 3))
    logits[np.arange(600), gold] += 1.0
    logits *= 6.0  # overconfident
    t = fit_temperature(torch.tensor(logits, dtype=torch.float32), gold)
    assert t > 2.0
    before = expected_calibration_error(torch.softmax(torch.tensor(logits), -1).numpy(), gold)
    after = expected_calibration_error(torch.softmax(torch.tensor(logits) / t, -1).numpy(), gold)
    assert after < before


@pytest.mark.parametrize(
    "line, message",
    [
        ("{broken", "line 1: broken JSON"),
        ('{"agent": "a", "labels": {"respect": 2}}', "line 1: 'labels' must give -1/0/1"),
        ('{"agent": "", "labels": {}}', "line 1: 'labels'"),
    ],
)
def test_read_turns_errors_name_the_line(tmp_path, line, message):
    path = tmp_path / "x.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        read_turns(path)


# ------------------------------------------------------------------------------------------ save / load
def _save_tiny_model(folder, tokenizer, n_skills=5, **sidecar_overrides):
    from safetensors.torch import save_file
    from transformers import BertConfig, BertModel

    from qa_scoring.model.network import SoftSkillNet

    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        pad_token_id=tokenizer.pad_token_id,
    )
    net = SoftSkillNet(BertModel(cfg, add_pooling_layer=False), n_skills=n_skills)
    net.encoder.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    save_file({k: v.contiguous() for k, v in net.head_state().items()}, str(folder / HEADS_NAME))
    sc = ModelSidecar(skills=list(SKILL_KEYS), max_length=64, temperatures={"respect": 1.5, "distress": 1.0})
    for k, v in sidecar_overrides.items():
        setattr(sc, k, v)
    sc.save(folder)
    return net


def test_round_trip_predicts_dataclasses(tmp_path, tiny_tokenizer):
    from qa_scoring.model.classifier import TurnClassifier, TurnPrediction, TurnProbabilities

    _save_tiny_model(tmp_path, tiny_tokenizer)
    clf = TurnClassifier.from_pretrained(tmp_path)
    one = clf.predict(("Kargom gelmedi", "Hemen bakıyorum"))
    assert isinstance(one, TurnPrediction)
    many = clf.predict([("Kargom gelmedi", "Hemen bakıyorum"), (None, "Tamam"), ("x", "")])
    assert len(many) == 3 and many[0].labels == one.labels  # same input, same output, whatever the batch
    for k in SKILL_KEYS:
        assert many[0].probs[k] == pytest.approx(one.probs[k], abs=1e-5)
    assert set(one.labels) == set(SKILL_KEYS) and all(v in (-1, 0, 1) for v in one.labels.values())
    assert all(abs(sum(p) - 1) < 1e-5 for p in one.probs.values())
    assert many[2].labels == dict.fromkeys(SKILL_KEYS, 0) and many[2].probs["empathy"] == (0.0, 1.0, 0.0)
    proba = clf.predict_proba([("a", "b")])
    assert isinstance(proba[0], TurnProbabilities) and 0 <= proba[0].distress <= 1
    assert json.dumps(one.to_dict())
    very_long = clf.predict(("uzun " * 3000, "cevap " * 3000))
    assert set(very_long.labels) == set(SKILL_KEYS)


@pytest.mark.parametrize(
    "override, message",
    [
        ({"skills": ["respect", "kibarlık"]}, "'skills'"),
        ({"label_order": [1, 0, -1]}, "'label_order' must be"),
        ({"normalization": "lowercase"}, "normalisation preset 'lowercase' unknown"),
        ({"max_length": 4096}, "'max_length' must be"),
        ({"temperatures": {"respect": 0.0}}, "temperature of 'respect'"),
        ({"format_version": 99}, "format_version 99"),
    ],
)
def test_sidecar_mismatch_fails_clearly(tmp_path, tiny_tokenizer, override, message):
    from qa_scoring.model.classifier import TurnClassifier

    _save_tiny_model(tmp_path, tiny_tokenizer, **override)
    with pytest.raises(ModelError, match=message):
        TurnClassifier.from_pretrained(tmp_path)


def test_heads_that_do_not_match_the_sidecar_are_refused(tmp_path, tiny_tokenizer):
    from qa_scoring.model.classifier import TurnClassifier

    _save_tiny_model(tmp_path, tiny_tokenizer, n_skills=4)
    with pytest.raises(ModelError, match="head shapes"):
        TurnClassifier.from_pretrained(tmp_path)


def test_missing_folder_and_sidecar(tmp_path):
    from qa_scoring.model.classifier import TurnClassifier

    with pytest.raises(ModelError, match="does not exist"):
        TurnClassifier.from_pretrained(tmp_path / "yok")
    (tmp_path / "m").mkdir()
    with pytest.raises(ModelError, match=f"no {SIDECAR_NAME}"):
        TurnClassifier.from_pretrained(tmp_path / "m")
    (tmp_path / "m" / SIDECAR_NAME).write_text("{", encoding="utf-8")
    with pytest.raises(ModelError, match="not valid JSON"):
        TurnClassifier.from_pretrained(tmp_path / "m")


def test_rubric_check_against_model_skills():
    sc = ModelSidecar(skills=["respect", "patience"])
    sc.check_rubric(["respect"])
    with pytest.raises(ModelError, match=r"scores \['empathy'\]"):
        sc.check_rubric(["respect", "empathy"], "rubrics/x.yaml")
