"""Inference with a fine-tuned soft-skills model: :class:`TurnClassifier`.

from qa_scoring import TurnClassifier
clf = TurnClassifier.from_pretrained()          # the bundled Turkish model
pred = clf.predict(("Kargom üç gündür gelmedi.", "Çok haklısınız, hemen kontrol ediyorum."))
pred.labels["empathy"], pred.probs["empathy"]   # 1, (0.02, 0.11, 0.87)

Two engines give the same dataclasses: ``"onnx"`` (int8 ONNX Runtime, the default when the ``fast`` extra is
installed; see :mod:`qa_scoring.model.fast`) and ``"torch"`` (the float32 reference).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from ..errors import ModelError
from .sidecar import HEADS_NAME, ModelSidecar

log = logging.getLogger(__name__)

BUNDLED_MODEL_NAME = "qa-turn-tr"
Pair = tuple[str | None, str]


def bundled_model_dir() -> Path:
    """The shipped model: ``$QA_SCORING_MODEL`` if set, else ``models/qa-turn-tr`` in the repository."""
    env = os.environ.get("QA_SCORING_MODEL")
    if env:
        return Path(env).expanduser()
    return Path(__file__).resolve().parents[2] / "models" / BUNDLED_MODEL_NAME


@dataclass(frozen=True)
class TurnPrediction:
    """Labels and calibrated probabilities for one agent turn.

    Attributes:
        labels: skill → -1, 0 or +1.
        probs: skill → (p(-1), p(0), p(+1)).
        distress: Probability that the customer context expresses a negative feeling or hardship.
    """

    labels: Mapping[str, int]
    probs: Mapping[str, tuple[float, float, float]]
    distress: float

    def confidence(self, skill: str) -> float:
        """Probability of the predicted label of ``skill``."""
        return max(self.probs[skill])

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": dict(self.labels),
            "probs": {k: [round(p, 4) for p in v] for k, v in self.probs.items()},
            "distress": round(self.distress, 4),
        }


@dataclass(frozen=True)
class TurnProbabilities:
    """Calibrated probabilities only (see :meth:`TurnClassifier.predict_proba`)."""

    probs: Mapping[str, tuple[float, float, float]]
    distress: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "probs": {k: [round(p, 4) for p in v] for k, v in self.probs.items()},
            "distress": round(self.distress, 4),
        }


class TurnClassifier:
    """Labels agent turns for the five soft skills, given the customer's words just before.

    Use :meth:`from_pretrained`; the constructor takes already-loaded parts (for tests and training).
    """

    def __init__(self, net, tokenizer, sidecar: ModelSidecar, path: Path | None = None, batch_size: int = 32):
        self.net = net.eval()
        self.tokenizer = tokenizer
        self.sidecar = sidecar
        self.path = path
        self.batch_size = batch_size

    @property
    def skills(self) -> list[str]:
        return list(self.sidecar.skills)

    @property
    def engine(self) -> str:
        """``"onnx"`` (the int8 ONNX Runtime graph) or ``"torch"`` (the float32 PyTorch network)."""
        return getattr(self.net, "engine", "torch")

    @classmethod
    def from_pretrained(
        cls, path: str | Path | None = None, *, engine: str = "auto", threads: int | None = None
    ) -> TurnClassifier:
        """Load a model folder (``None`` = the bundled Turkish model).

        Args:
            path: A folder written by ``qa-score train``; ``None`` for the bundled model.
            engine: ``"onnx"``: the int8 ONNX Runtime graph (built from the folder on first use and cached, see
                :mod:`qa_scoring.model.fast`; needs the ``fast`` extra); ``"torch"``: the float32 PyTorch network;
                ``"auto"`` (default): ``$QA_SCORING_INFERENCE`` if set, else ONNX when ``onnxruntime`` and ``onnx``
                are installed, falling back to PyTorch (with a warning) if the graph cannot be built.
            threads: CPU threads (PyTorch intra-op threads, or turns run at once by the ONNX engine).

        Raises:
            ModelError: when the folder is missing, incomplete, or its sidecar does not match this code, or when
                ``engine="onnx"`` cannot be honoured.
            ValueError: for an unknown ``engine``.
        """
        from . import fast

        chosen, explicit = _resolve_engine(engine)
        folder = Path(path) if path is not None else bundled_model_dir()
        if path is None and not folder.is_dir():
            raise ModelError(
                f"the bundled model is missing at {folder}; run from a repository checkout, set QA_SCORING_MODEL, "
                "or pass the folder written by 'qa-score train' (--model PATH)"
            )
        sidecar = ModelSidecar.load(folder)
        for needed in ("config.json", HEADS_NAME):
            if not (folder / needed).is_file():
                raise ModelError(f"{folder} lacks {needed}; the model folder is incomplete, copy it again or retrain")
        tokenizer = _load_tokenizer(folder)
        if chosen == "onnx" and not fast.onnx_available():
            if explicit:
                raise ModelError(
                    "engine 'onnx' needs onnxruntime and onnx; install them with pip install 'qa-scoring[fast]' "
                    "or use engine='torch'"
                )
            log.info("onnxruntime/onnx not installed; using the PyTorch engine (pip install 'qa-scoring[fast]')")
            chosen = "torch"
        if chosen == "onnx":
            try:
                onnx_path = fast.ensure_onnx(
                    folder,
                    lambda tmp: fast.build_onnx(
                        _load_torch_net(folder, sidecar, attn_implementation="eager"), tokenizer, sidecar, tmp
                    ),
                )
                net = fast.OnnxSoftSkillNet(onnx_path, threads=threads)
                log.info("loaded model %s (%d skills, ONNX int8 engine)", folder, len(sidecar.skills))
                return cls(net, tokenizer, sidecar, folder)
            except fast.OnnxBuildError as exc:
                if explicit:
                    raise
                log.warning("the ONNX engine is unavailable (%s); using PyTorch", exc)
            except ModelError:  # the folder itself is wrong (heads, encoder): no engine can help
                raise
            except Exception as exc:  # an exporter or runtime failure must not stop scoring when a fallback exists
                if explicit:
                    raise ModelError(
                        f"{folder}: building the ONNX engine failed ({type(exc).__name__}: {exc}); use engine='torch'"
                    ) from exc
                log.warning("the ONNX engine is unavailable (%s: %s); using PyTorch", type(exc).__name__, exc)
        if threads:
            import torch

            torch.set_num_threads(threads)
        net = _load_torch_net(folder, sidecar)
        log.info("loaded model %s (%d skills, PyTorch engine)", folder, len(sidecar.skills))
        return cls(net, tokenizer, sidecar, folder)

    # ------------------------------------------------------------------------------------------ inference
    def _logits(self, pairs: Sequence[Pair]):
        import torch

        from .encoding import encode_batch

        if self.engine == "onnx":
            s, d = self.net.logits(self.tokenizer, pairs, self.sidecar.normalization, self.sidecar.max_length)
            return torch.from_numpy(s), torch.from_numpy(d)
        n = len(pairs)
        skills_out = torch.zeros(n, len(self.skills), 3)
        distress_out = torch.zeros(n, 2)
        # length-sorted batches with dynamic padding
        order = sorted(range(n), key=lambda i: len(pairs[i][1] or "") + len(pairs[i][0] or ""))
        with torch.inference_mode():
            for start in range(0, n, self.batch_size):
                idx = order[start : start + self.batch_size]
                batch = encode_batch(
                    self.tokenizer, [pairs[i] for i in idx], self.sidecar.normalization, self.sidecar.max_length
                )
                s, d = self.net(**batch)
                skills_out[idx] = s.float()
                distress_out[idx] = d.float()
        return skills_out, distress_out

    def _probabilities(self, pairs: Sequence[Pair]):
        import torch

        clean = [self._check_pair(p, i) for i, p in enumerate(pairs)]
        live = [i for i, (_, a) in enumerate(clean) if a.strip()]
        probs = torch.zeros(len(clean), len(self.skills), 3)
        probs[:, :, 1] = 1.0  # an empty reply shows and violates nothing
        distress = torch.zeros(len(clean))
        if live:
            s, d = self._logits([clean[i] for i in live])
            temps = torch.tensor([self.sidecar.temperatures.get(k, 1.0) for k in self.skills]).view(1, -1, 1)
            probs[live] = torch.softmax(s / temps, dim=-1)
            distress[live] = torch.softmax(d / self.sidecar.temperatures.get("distress", 1.0), dim=-1)[:, 1]
        return probs, distress

    @staticmethod
    def _check_pair(pair: Any, index: int) -> Pair:
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"item {index}: expected a (customer, agent) pair, found {type(pair).__name__}")
        customer, agent = pair
        if customer is not None and not isinstance(customer, str):
            raise ValueError(f"item {index}: customer text must be a string or None")
        if not isinstance(agent, str):
            raise ValueError(f"item {index}: agent text must be a string, found {type(agent).__name__}")
        return customer or "", agent

    def _per_item(self, pairs) -> tuple[bool, list[tuple[dict[str, tuple[float, float, float]], float]]]:
        """(was a single pair given, [(skill → probabilities, distress probability) per pair])."""
        single = _is_single(pairs)
        items = [pairs] if single else list(pairs)
        probs, distress = self._probabilities(items)
        rows = [
            ({k: tuple(float(x) for x in probs[i, j]) for j, k in enumerate(self.skills)}, float(distress[i]))
            for i in range(len(items))
        ]
        return single, rows

    @overload
    def predict(self, pairs: Pair) -> TurnPrediction: ...
    @overload
    def predict(self, pairs: Sequence[Pair]) -> list[TurnPrediction]: ...
    def predict(self, pairs):
        """Labels and probabilities for one pair or a list of pairs (one result per pair, input order)."""
        single, rows = self._per_item(pairs)
        out = [
            TurnPrediction(labels={k: int(max(range(3), key=p[k].__getitem__)) - 1 for k in p}, probs=p, distress=d)
            for p, d in rows
        ]
        return out[0] if single else out

    @overload
    def predict_proba(self, pairs: Pair) -> TurnProbabilities: ...
    @overload
    def predict_proba(self, pairs: Sequence[Pair]) -> list[TurnProbabilities]: ...
    def predict_proba(self, pairs):
        """Calibrated probabilities for one pair or a list of pairs."""
        single, rows = self._per_item(pairs)
        out = [TurnProbabilities(probs=p, distress=d) for p, d in rows]
        return out[0] if single else out

    def __repr__(self) -> str:
        return f"TurnClassifier(path={str(self.path)!r}, skills={self.skills}, engine={self.engine!r})"


ENGINES = ("auto", "torch", "onnx")


def _resolve_engine(engine: str) -> tuple[str, bool]:
    """(engine to try, whether it was asked for explicitly): ``auto`` reads ``$QA_SCORING_INFERENCE``, then
    prefers ONNX."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, found {engine!r}")
    if engine == "auto":
        env = os.environ.get("QA_SCORING_INFERENCE", "").strip().lower()
        if env and env != "auto":
            if env not in ENGINES:
                raise ValueError(f"QA_SCORING_INFERENCE must be one of {', '.join(ENGINES)}, found {env!r}")
            return env, True
        return "onnx", False
    return engine, True


def _load_tokenizer(folder: Path):
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(folder)
    except (OSError, ValueError) as exc:
        raise ModelError(f"{folder}: cannot load the tokenizer ({exc}); copy the folder again") from None


def _load_torch_net(folder: Path, sidecar: ModelSidecar, attn_implementation: str | None = None):
    """The float32 SoftSkillNet of a model folder (encoder + heads), in eval mode."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModel

    from .network import SoftSkillNet

    extra = {"attn_implementation": attn_implementation} if attn_implementation else {}
    try:
        encoder = AutoModel.from_pretrained(folder, dtype=torch.float32, add_pooling_layer=False, **extra)
    except (OSError, ValueError) as exc:
        raise ModelError(f"{folder}: cannot load the encoder or tokenizer ({exc}); copy the folder again") from None
    net = SoftSkillNet(encoder, n_skills=len(sidecar.skills))
    heads = load_file(str(folder / HEADS_NAME))
    expected = {k: tuple(v.shape) for k, v in net.head_state().items()}
    found = {k: tuple(v.shape) for k, v in heads.items()}
    if expected != found:
        raise ModelError(
            f"{folder / HEADS_NAME}: head shapes {found} do not match the sidecar's {len(sidecar.skills)} skills "
            f"({expected}); the sidecar and weights come from different models"
        )
    net.skill_head.load_state_dict({k.split(".", 1)[1]: v.float() for k, v in heads.items() if k.startswith("skill_")})
    net.distress_head.load_state_dict(
        {k.split(".", 1)[1]: v.float() for k, v in heads.items() if k.startswith("distress_")}
    )
    return net.eval()


def _is_single(pairs: Any) -> bool:
    return (
        isinstance(pairs, tuple)
        and len(pairs) == 2
        and (pairs[0] is None or isinstance(pairs[0], str))
        and isinstance(pairs[1], str)
    )
