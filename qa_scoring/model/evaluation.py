"""Evaluating a classifier on labelled turns (``qa-score evaluate``), with clean/noisy subsets and a baseline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..skills import SKILL_KEYS, SKILL_NAMES_TR
from .metrics import expected_calibration_error, skill_report


@dataclass(frozen=True)
class EvaluationReport:
    """Per-skill metrics on one set of turns.

    Attributes:
        n: Number of turns.
        skills: skill → {per_class, macro_f1, accuracy, confusion, ece}.
        mean_macro_f1: Mean of the five macro-F1 scores.
        subsets: subset name ("clean", "noisy") → {n, mean_macro_f1, macro_f1 per skill}.
        distress: metrics of the customer-distress head, when the data has labels for it.
    """

    n: int
    skills: dict[str, dict[str, Any]]
    mean_macro_f1: float
    subsets: dict[str, dict[str, Any]]
    distress: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "mean_macro_f1": self.mean_macro_f1,
            "skills": self.skills,
            "subsets": self.subsets,
            "distress": self.distress,
        }

    def table(self) -> str:
        """A plain-text table: per skill precision/recall/F1 per class, macro-F1 and the confusion matrix."""
        lines = [f"{self.n} konuşma sırası — ortalama makro-F1: {self.mean_macro_f1:.3f}", ""]
        for k, rep in self.skills.items():
            lines.append(
                f"{SKILL_NAMES_TR.get(k, k)} ({k}): makro-F1 {rep['macro_f1']:.3f}, doğruluk {rep['accuracy']:.3f}"
            )
            lines.append("   sınıf  kesinlik  duyarlılık     F1  destek")
            for c, v in rep["per_class"].items():
                lines.append(
                    f"   {_cls(int(c))}     {v['precision']:8.3f}  {v['recall']:10.3f}  "
                    f"{v['f1']:5.3f}  {v['support']:6d}"
                )
            lines.append("   karışıklık matrisi (satır: gerçek −1/0/+1, sütun: tahmin):")
            for c, row in zip((-1, 0, 1), rep["confusion"], strict=True):
                lines.append(f"     {_cls(c)}  " + "  ".join(f"{x:4d}" for x in row))
            lines.append("")
        for name, sub in self.subsets.items():
            lines.append(f"Alt küme '{name}': {sub['n']} sıra, ortalama makro-F1 {sub['mean_macro_f1']:.3f}")
        if self.distress:
            lines.append(f"Müşteri sıkıntısı: makro-F1 {self.distress['macro_f1']:.3f}")
        return "\n".join(lines)


def _cls(c: int) -> str:
    """A class label as printed in tables: "-1", " 0", "+1"."""
    return f"{c:+d}" if c else " 0"


def _report(gold_rows: Sequence[dict], labels: dict[str, list[int]], probs: dict[str, np.ndarray] | None) -> dict:
    out = {}
    for k in SKILL_KEYS:
        gold = [r["labels"][k] for r in gold_rows]
        rep = skill_report(gold, labels[k])
        if probs is not None:
            rep["ece"] = round(expected_calibration_error(probs[k], np.asarray(gold) + 1), 4)
        out[k] = rep
    return out


def evaluate_predictions(
    rows: Sequence[dict],
    labels: dict[str, list[int]],
    probs: dict[str, np.ndarray] | None = None,
    distress_pred: Sequence[int] | None = None,
) -> EvaluationReport:
    """Build a report from predicted labels (skill → list aligned with ``rows``)."""
    skills = _report(rows, labels, probs)
    mean = round(float(np.mean([v["macro_f1"] for v in skills.values()])), 4)
    subsets = {}
    for name, pick in (
        ("clean", lambda r: r.get("noise", "clean") == "clean"),
        ("noisy", lambda r: r.get("noise", "clean") != "clean"),
    ):
        idx = [i for i, r in enumerate(rows) if pick(r)]
        if not idx:
            continue
        sub_rows = [rows[i] for i in idx]
        sub = _report(sub_rows, {k: [labels[k][i] for i in idx] for k in SKILL_KEYS}, None)
        subsets[name] = {
            "n": len(idx),
            "mean_macro_f1": round(float(np.mean([v["macro_f1"] for v in sub.values()])), 4),
            "macro_f1": {k: v["macro_f1"] for k, v in sub.items()},
        }
    distress = None
    if distress_pred is not None and all("customer_distress" in r for r in rows):
        from sklearn.metrics import f1_score

        gold = [int(r["customer_distress"]) for r in rows]
        distress = {
            "macro_f1": round(float(f1_score(gold, list(distress_pred), average="macro")), 4),
            "accuracy": round(float(np.mean(np.asarray(gold) == np.asarray(distress_pred))), 4),
        }
    return EvaluationReport(len(rows), skills, mean, subsets, distress)


def evaluate_classifier(classifier, rows: Sequence[dict]) -> EvaluationReport:
    """Run ``classifier`` over the rows' (customer, agent) pairs and score it against their labels."""
    preds = classifier.predict([(r.get("customer", ""), r["agent"]) for r in rows])
    labels = {k: [p.labels[k] for p in preds] for k in SKILL_KEYS}
    probs = {k: np.array([p.probs[k] for p in preds]) for k in SKILL_KEYS}
    distress = [int(p.distress >= 0.5) for p in preds]
    return evaluate_predictions(rows, labels, probs, distress)


class TfidfBaseline:
    """Character n-gram TF-IDF + logistic regression per skill: the baseline the model must beat."""

    def __init__(self, seed: int = 13):
        self.seed = seed
        self.models: dict[str, Any] = {}
        self.vectorizer = None

    @staticmethod
    def _texts(rows: Sequence[dict]) -> list[str]:
        from ..normalize import normalize

        return [normalize(r.get("customer", ""), "match") + " ||| " + normalize(r["agent"], "match") for r in rows]

    def fit(self, rows: Sequence[dict]) -> TfidfBaseline:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier

        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=100_000
        )
        x = self.vectorizer.fit_transform(self._texts(rows))
        for k in SKILL_KEYS:
            y = [r["labels"][k] for r in rows]
            clf = OneVsRestClassifier(
                LogisticRegression(solver="liblinear", C=4.0, class_weight="balanced", random_state=self.seed)
            )
            self.models[k] = clf.fit(x, y)
        return self

    def evaluate(self, rows: Sequence[dict]) -> EvaluationReport:
        x = self.vectorizer.transform(self._texts(rows))
        labels = {k: [int(v) for v in self.models[k].predict(x)] for k in SKILL_KEYS}
        return evaluate_predictions(rows, labels)
