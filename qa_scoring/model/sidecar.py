"""The JSON sidecar that makes a model folder self-describing, and its checks on load."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..normalize import PRESETS
from ..skills import LABELS, SKILL_KEYS

SIDECAR_NAME = "qa_model.json"
HEADS_NAME = "heads.safetensors"
FORMAT_VERSION = 1


@dataclass
class ModelSidecar:
    """What a model predicts and how its inputs were prepared.

    Attributes:
        skills: Skill keys in head order.
        label_order: The class order of every skill head (always ``[-1, 0, 1]``).
        normalization: Text-normalisation preset applied to both sides before tokenising.
        max_length: Token limit of one (context, reply) pair.
        base_model: The encoder the model was fine-tuned from.
        training_data_sha256: Hash of the training and dev files, for reproducibility.
        temperatures: Per-head temperature from calibration on dev (``distress`` included).
        metrics: Evaluation figures written by training.
    """

    skills: list[str]
    label_order: list[int] = field(default_factory=lambda: list(LABELS))
    normalization: str = "clean"
    max_length: int = 128
    base_model: str = ""
    training_data_sha256: str = ""
    temperatures: dict[str, float] = field(default_factory=dict)
    distress_head: bool = True
    pooling: str = "mean over reply tokens ; mean over context tokens"
    text_prefix: str = "query: "
    metrics: dict[str, Any] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION
    task: str = "turn-soft-skills"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def save(self, folder: str | Path) -> Path:
        path = Path(folder) / SIDECAR_NAME
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, folder: str | Path) -> ModelSidecar:
        folder = Path(folder)
        path = folder / SIDECAR_NAME
        if not folder.is_dir():
            raise ModelError(f"model folder {folder} does not exist; pass the folder written by 'qa-score train'")
        if not path.is_file():
            raise ModelError(
                f"{folder} has no {SIDECAR_NAME}; it is not a qa-scoring model folder "
                "(train one with 'qa-score train' or leave --model out to use the bundled model)"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ModelError(f"{path}: not valid JSON ({exc}); restore the file from the model release") from None
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ModelError(f"{path}: unknown fields {unknown}; the model was written by a newer qa-scoring")
        try:
            sidecar = cls(**data)
        except TypeError as exc:
            raise ModelError(f"{path}: {exc}") from None
        sidecar.validate(path)
        return sidecar

    def validate(self, where: str | Path) -> None:
        """Check the sidecar is one this code can run; raise :class:`ModelError` naming the field and fix."""
        if self.format_version != FORMAT_VERSION:
            raise ModelError(
                f"{where}: format_version {self.format_version}, this qa-scoring reads {FORMAT_VERSION}; "
                "upgrade qa-scoring or retrain the model"
            )
        unknown = [s for s in self.skills if s not in SKILL_KEYS]
        if unknown or not self.skills:
            raise ModelError(f"{where}: 'skills' {self.skills} must be a non-empty subset of {list(SKILL_KEYS)}")
        if list(self.label_order) != list(LABELS):
            raise ModelError(f"{where}: 'label_order' must be {list(LABELS)}, found {self.label_order}")
        if self.normalization not in PRESETS:
            raise ModelError(
                f"{where}: normalisation preset {self.normalization!r} unknown; expected one of {sorted(PRESETS)}"
            )
        if not isinstance(self.max_length, int) or not 16 <= self.max_length <= 512:
            raise ModelError(f"{where}: 'max_length' must be an integer in 16..512, found {self.max_length!r}")
        for key, t in self.temperatures.items():
            if not isinstance(t, (int, float)) or not 0.05 <= t <= 20:
                raise ModelError(f"{where}: temperature of {key!r} must be in 0.05..20, found {t!r}")

    def check_rubric(self, rubric_skills: Iterable[str], rubric_name: str = "rubric") -> None:
        """Fail clearly when a rubric scores a skill this model does not predict."""
        missing = [s for s in rubric_skills if s not in self.skills]
        if missing:
            raise ModelError(
                f"{rubric_name} scores {missing}, but the model only predicts {self.skills}; "
                "remove those skills from the rubric or use a model trained for them"
            )


def files_sha256(paths: Iterable[str | Path]) -> str:
    """One hash over several files (names and contents), order-independent."""
    h = hashlib.sha256()
    for p in sorted(Path(x) for x in paths):
        h.update(p.name.encode())
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()
