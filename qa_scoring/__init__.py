"""Soft-skills quality scoring and role-play training for Turkish customer service.

Quick start::

    from qa_scoring import Transcript, redact_transcript, Rubric
    call = Transcript.from_file("datasets/samples/kargo_gecikme.json")
    safe = redact_transcript(call)
    rubric = Rubric.default()

Exports are resolved lazily so that ``import qa_scoring`` stays fast and light (no torch) until a heavy part is
used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # transcripts
    "Transcript": "qa_scoring.transcript",
    "Turn": "qa_scoring.transcript",
    "Speaker": "qa_scoring.transcript",
    "Channel": "qa_scoring.transcript",
    "read_transcripts": "qa_scoring.readers",
    "parse_transcripts": "qa_scoring.readers",
    "load_many": "qa_scoring.readers",
    # text
    "turkish_lower": "qa_scoring.turkish",
    "turkish_upper": "qa_scoring.turkish",
    "ascii_fold": "qa_scoring.turkish",
    "normalize": "qa_scoring.normalize",
    "get_preset": "qa_scoring.normalize",
    "redact": "qa_scoring.redact",
    "redact_text": "qa_scoring.redact",
    "redact_transcript": "qa_scoring.redact",
    # rubrics
    "Rubric": "qa_scoring.rubric",
    "Skill": "qa_scoring.rubric",
    "SKILL_KEYS": "qa_scoring.skills",
    # model
    "TurnClassifier": "qa_scoring.model.classifier",
    "TurnPrediction": "qa_scoring.model.classifier",
    "TurnProbabilities": "qa_scoring.model.classifier",
    # call scoring
    "Scorer": "qa_scoring.scoring",
    "CallReport": "qa_scoring.scoring",
    # errors
    "QAScoringError": "qa_scoring.errors",
    "TranscriptFormatError": "qa_scoring.errors",
    "RubricError": "qa_scoring.errors",
    "ModelError": "qa_scoring.errors",
    "ConfigError": "qa_scoring.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qa_scoring' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover
    from .errors import ConfigError, ModelError, QAScoringError, RubricError, TranscriptFormatError
    from .model.classifier import TurnClassifier, TurnPrediction, TurnProbabilities
    from .normalize import get_preset, normalize
    from .readers import load_many, parse_transcripts, read_transcripts
    from .redact import redact, redact_text, redact_transcript
    from .rubric import Rubric, Skill
    from .scoring import CallReport, Scorer
    from .skills import SKILL_KEYS
    from .transcript import Channel, Speaker, Transcript, Turn
    from .turkish import ascii_fold, turkish_lower, turkish_upper
