"""Trim the encoder's 250k multilingual vocabulary to what Turkish needs.

Kept: the special tokens, every piece the tokenizer produces on the given corpus, every single character of the
Turkish and English alphabets, digits and punctuation (with and without the "▁" word marker) so nothing becomes
``<unk>``, and then the highest-scoring pieces written only in the Turkish alphabet until ``max_pieces``.
Removing pieces can only remove segmentations, so any text whose best segmentation uses kept pieces is
tokenised exactly as before, and the model's outputs on it are unchanged.
"""

from __future__ import annotations

import json
import logging
import string
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

TURKISH_LETTERS = "abcçdefgğhıijklmnoöprsştuüvyzqwxâîû"
_ALPHABET = set(TURKISH_LETTERS + TURKISH_LETTERS.upper() + "İ" + string.ascii_letters)
SINGLE_CHARS = sorted(_ALPHABET | set(string.digits) | set(string.punctuation) | set("“”‘’«»…–—₺€°%"))
META = "▁"


def _turkish_piece(piece: str) -> bool:
    body = piece[1:] if piece.startswith(META) else piece
    return bool(body) and all(ch in _ALPHABET or ch in string.digits for ch in body)


def select_pieces(tokenizer, corpus: Iterable[str], max_pieces: int = 20000) -> list[int]:
    """Ids of the pieces to keep, in the original order (special ids first)."""
    backend = json.loads(tokenizer.backend_tokenizer.to_str())
    vocab: list[list] = backend["model"]["vocab"]
    keep: set[int] = set(tokenizer.all_special_ids)
    piece_id = {p: i for i, (p, _) in enumerate(vocab)}
    texts = [t for t in corpus if t]
    for start in range(0, len(texts), 512):
        for ids in tokenizer(texts[start : start + 512], add_special_tokens=False)["input_ids"]:
            keep.update(ids)
    from_corpus = len(keep)
    for ch in SINGLE_CHARS:
        for piece in (ch, META + ch):
            if piece in piece_id:
                keep.add(piece_id[piece])
    keep.add(piece_id[META]) if META in piece_id else None
    by_score = sorted(
        (i for i, (p, _) in enumerate(vocab) if i not in keep and _turkish_piece(p)),
        key=lambda i: -vocab[i][1],
    )
    room = max(0, max_pieces - len(keep))
    keep.update(by_score[:room])
    log.info("vocabulary: %d pieces from the corpus, %d kept in all (of %d)", from_corpus, len(keep), len(vocab))
    return sorted(keep)


def trim_tokenizer_and_embeddings(tokenizer, encoder, keep_ids: list[int], out_dir: str | Path | None = None):
    """A new tokenizer with only ``keep_ids`` (renumbered in order) and the encoder's embeddings cut to match.

    Returns ``(tokenizer, encoder)``; the encoder is modified in place.
    """
    import torch
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    backend = json.loads(tokenizer.backend_tokenizer.to_str())
    vocab = backend["model"]["vocab"]
    new_vocab = [vocab[i] for i in keep_ids]
    old_to_new = {old: new for new, old in enumerate(keep_ids)}
    backend["model"]["vocab"] = new_vocab
    backend["model"]["unk_id"] = old_to_new[backend["model"]["unk_id"]]
    for tok in backend.get("added_tokens", []):
        tok["id"] = old_to_new[tok["id"]]
    post = backend.get("post_processor") or {}
    for spec in (post.get("special_tokens") or {}).values():
        spec["ids"] = [old_to_new[i] for i in spec["ids"]]
    new_backend = Tokenizer.from_str(json.dumps(backend))
    special = {
        k: getattr(tokenizer, k)
        for k in ("bos_token", "eos_token", "sep_token", "cls_token", "unk_token", "pad_token", "mask_token")
    }
    new_tok = PreTrainedTokenizerFast(
        tokenizer_object=new_backend, model_max_length=tokenizer.model_max_length, **special
    )
    emb = encoder.get_input_embeddings()
    index = torch.tensor(keep_ids, dtype=torch.long)
    new_emb = torch.nn.Embedding(len(keep_ids), emb.weight.shape[1], padding_idx=new_tok.pad_token_id)
    with torch.no_grad():
        new_emb.weight.copy_(emb.weight[index])
    encoder.set_input_embeddings(new_emb)
    encoder.config.vocab_size = len(keep_ids)
    for name in ("pad_token_id", "bos_token_id", "eos_token_id"):
        tok_name = name.replace("_id", "")
        setattr(encoder.config, name, getattr(new_tok, f"{tok_name}_id"))
    if out_dir is not None:
        new_tok.save_pretrained(out_dir)
    return new_tok, encoder
