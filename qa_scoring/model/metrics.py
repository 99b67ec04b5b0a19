"""Classification metrics per skill (precision, recall, F1 per class, macro-F1, confusion) and calibration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..skills import LABELS


def skill_report(gold: Sequence[int], pred: Sequence[int]) -> dict[str, Any]:
    """Per-class precision/recall/F1/support, macro-F1 and the confusion matrix (rows gold, cols predicted)."""
    from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=list(LABELS), zero_division=0)
    return {
        "per_class": {
            str(lab): {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(s[i]),
            }
            for i, lab in enumerate(LABELS)
        },
        "macro_f1": round(float(f1_score(gold, pred, labels=list(LABELS), average="macro", zero_division=0)), 4),
        "accuracy": round(float(np.mean(np.asarray(gold) == np.asarray(pred))), 4),
        "confusion": confusion_matrix(gold, pred, labels=list(LABELS)).tolist(),
    }


def expected_calibration_error(probs: np.ndarray, gold_index: np.ndarray, bins: int = 10) -> float:
    """ECE of the top-class probability (``probs`` [N, C], ``gold_index`` [N])."""
    conf = probs.max(1)
    correct = probs.argmax(1) == gold_index
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = (conf > lo) & (conf <= hi)
        if sel.any():
            ece += sel.mean() * abs(conf[sel].mean() - correct[sel].mean())
    return float(ece)
