"""Shared unit-test fixtures: a private model cache and a tiny Turkish character tokenizer."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_model_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("QA_SCORING_CACHE", str(tmp_path_factory.getbasetemp() / "qa-scoring-cache"))


@pytest.fixture(scope="session")
def tiny_tokenizer():
    """A character-level Unigram tokenizer over the Turkish alphabet, shaped like the real one (pair template)."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    chars = sorted(set("abcçdefgğhıijklmnoöprsştuüvyzqwx0123456789.,?!:'ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ"))
    vocab = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -2.0)]
    vocab += [(c, -3.0) for c in chars] + [("▁" + c, -3.5) for c in chars]
    tok = Tokenizer(models.Unigram(vocab, unk_id=3))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
    )
