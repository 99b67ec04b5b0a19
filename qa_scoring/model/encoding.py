"""Turning (customer, agent) pairs into model inputs, identically in training and inference."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ..normalize import normalize

QUERY_PREFIX = "query: "  # E5 was trained with this prefix
MAX_CONTEXT_WORDS = 60  # the customer text nearest the reply matters most


def prepare_texts(customer: str | None, agent: str, preset: str) -> tuple[str, str]:
    """Normalise both sides with the model's preset; keep the last words of a long customer context."""
    context = normalize(customer or "", preset=preset)
    words = context.split()
    if len(words) > MAX_CONTEXT_WORDS:
        context = " ".join(words[-MAX_CONTEXT_WORDS:])
    return QUERY_PREFIX + context, normalize(agent or "", preset=preset)


def encode_batch(
    tokenizer, pairs: Sequence[tuple[str | None, str]], preset: str, max_length: int
) -> dict[str, torch.Tensor]:
    """Tokenise pairs with dynamic padding; masks mark the reply's and the context's tokens."""
    firsts, seconds = zip(*(prepare_texts(c, a, preset) for c, a in pairs), strict=True)
    enc = tokenizer(
        list(firsts),
        list(seconds),
        truncation="longest_first",
        max_length=max_length,
        padding=True,
        return_tensors="pt",
    )
    seq_ids = [enc.sequence_ids(i) for i in range(len(firsts))]
    reply = torch.tensor([[1 if s == 1 else 0 for s in row] for row in seq_ids], dtype=torch.long)
    context = torch.tensor([[1 if s == 0 else 0 for s in row] for row in seq_ids], dtype=torch.long)
    return {
        "input_ids": enc["input_ids"],
        "attention_mask": enc["attention_mask"],
        "reply_mask": reply,
        "context_mask": context,
    }
