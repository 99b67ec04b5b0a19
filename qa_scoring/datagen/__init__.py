"""Seeded generator of labelled Turkish (customer line, agent reply) turns for training at scale.

Turns are composed from the phrase banks in ``datasets/generator/banks`` (format:
``datasets/generator/BANK_FORMAT.md``); the labels follow from the components chosen (rules:
``datasets/generator/LABEL_RULES.md``)::

    from qa_scoring.datagen import generate, summarize, write_jsonl

    records = generate(20_000, seed=13)          # same seed + same banks -> identical output
    write_jsonl(records, "data/generated.jsonl")
    print(summarize(records)["label_shares"])

The banks live in the repository, not in the installed package: :data:`DEFAULT_BANKS_DIR` points to the
checkout, and :func:`load_banks` says so clearly when it is missing.
"""

from __future__ import annotations

from .banks import DEFAULT_BANKS_DIR, BankError, Banks, DomainBank, Situation, load_banks
from .compose import COMPONENT_LABELS, compose_turn, generate, labels_from_components, summarize, write_jsonl
from .noise import NOISE_STYLES, apply_noise

__all__ = [
    "COMPONENT_LABELS",
    "DEFAULT_BANKS_DIR",
    "NOISE_STYLES",
    "BankError",
    "Banks",
    "DomainBank",
    "Situation",
    "apply_noise",
    "compose_turn",
    "generate",
    "labels_from_components",
    "load_banks",
    "summarize",
    "write_jsonl",
]
