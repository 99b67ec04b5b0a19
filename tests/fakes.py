"""Test doubles shared by unit tests and the subprocesses they start."""

from __future__ import annotations

import time
from dataclasses import dataclass

from qa_scoring.skills import SKILL_KEYS


@dataclass
class FakePrediction:
    labels: dict
    probs: dict
    distress: float


class FakeClassifier:
    """Labels agent turns from markers in their text ('[respect+1]', '[empathy-1]'); distress from '!!'."""

    skills = list(SKILL_KEYS)
    path = None

    def __init__(self, delay: float = 0.0):
        self.calls = 0
        self.delay = delay

    def predict(self, pairs):
        self.calls += 1
        if self.delay:
            time.sleep(self.delay)
        out = []
        for customer, agent in pairs:
            labels = dict.fromkeys(SKILL_KEYS, 0)
            for k in SKILL_KEYS:
                if f"[{k}+1]" in agent:
                    labels[k] = 1
                if f"[{k}-1]" in agent:
                    labels[k] = -1
            probs = {k: tuple(0.9 if c == labels[k] else 0.05 for c in (-1, 0, 1)) for k in SKILL_KEYS}
            out.append(FakePrediction(labels, probs, 0.95 if "!!" in (customer or "") else 0.05))
        return out


def fake_scorer(delay: float = 0.0):
    from qa_scoring.rubric import Rubric
    from qa_scoring.scoring import Scorer

    return Scorer(FakeClassifier(delay), Rubric.default())
