"""The bundled classifier on Turkish lines it never saw in training, and the `qa-score turns` CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from qa_scoring.model.classifier import TurnClassifier, bundled_model_dir
from qa_scoring.normalize import normalize
from qa_scoring.skills import SKILL_KEYS
from qa_scoring.turkish import ascii_fold

from .behaviour_cases import CASES

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not (bundled_model_dir() / "qa_model.json").is_file(), reason="bundled model not built"),
]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def clf() -> TurnClassifier:
    return TurnClassifier.from_pretrained()


def test_cases_are_not_in_training_data():
    seen = set()
    for path in [ROOT / "datasets" / "gold" / "train.jsonl", ROOT / "datasets" / "gold" / "dev.jsonl"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            seen.add(normalize(json.loads(line)["agent"], "match_ascii"))
    for _, _, _, agent in CASES:
        assert normalize(agent, "match_ascii") not in seen


@pytest.mark.parametrize("fold", [False, True], ids=["turkish", "ascii"])
def test_clear_cases_get_the_right_sign(clf, fold):
    pairs = [(ascii_fold(c) if fold else c, ascii_fold(a) if fold else a) for _, _, c, a in CASES]
    preds = clf.predict(pairs)
    hits: dict[str, list[bool]] = defaultdict(list)
    misses = []
    for (skill, want, _, agent), pred in zip(CASES, preds, strict=True):
        ok = pred.labels[skill] == want
        hits[skill].append(ok)
        if not ok:
            misses.append(f"{skill} want {want:+d} got {pred.labels[skill]:+d}: {agent[:60]}")
    overall = sum(sum(v) for v in hits.values()) / len(CASES)
    assert overall >= (0.8 if not fold else 0.75), "\n".join(misses)
    for skill in SKILL_KEYS:  # every skill at least 4 of its 6 cases
        assert sum(hits[skill]) >= 4, f"{skill}: " + "\n".join(misses)


def test_positive_cases_rank_above_negative_ones(clf):
    """Within a skill, p(+1) - p(-1) is higher on every +1 case than on most -1 cases."""
    preds = clf.predict([(c, a) for _, _, c, a in CASES])
    for skill in SKILL_KEYS:
        pos = [
            p.probs[skill][2] - p.probs[skill][0]
            for (s, w, _, _), p in zip(CASES, preds, strict=True)
            if s == skill and w == 1
        ]
        neg = [
            p.probs[skill][2] - p.probs[skill][0]
            for (s, w, _, _), p in zip(CASES, preds, strict=True)
            if s == skill and w == -1
        ]
        pairs_ok = sum(a > b for a in pos for b in neg)
        assert pairs_ok >= 0.8 * len(pos) * len(neg), skill


def test_customer_distress_head(clf):
    calm, sad = clf.predict_proba(
        [
            ("Merhaba, adres değişikliği yapmak istiyorum.", "Tabii, yardımcı olayım."),
            ("Babamı kaybettim, çok zor günler geçiriyorum, hattını kapatmam gerek.", "Tabii, yardımcı olayım."),
        ]
    )
    assert sad.distress > 0.5 > calm.distress


def test_probabilities_are_calibrated_distributions(clf):
    pred = clf.predict(("Kargom gelmedi.", "Hemen kontrol ediyorum."))
    for skill in SKILL_KEYS:
        assert abs(sum(pred.probs[skill]) - 1) < 1e-4
    assert set(clf.sidecar.temperatures) >= set(SKILL_KEYS)


def test_empty_and_very_long_inputs(clf):
    empty, long_ = clf.predict(
        [("", ""), ("çok uzun bir müşteri cümlesi " * 400, "Anlıyorum, hemen bakıyorum. " * 300)]
    )
    assert empty.labels == dict.fromkeys(SKILL_KEYS, 0)
    assert set(long_.labels) == set(SKILL_KEYS)


def test_turns_cli_scores_good_lines_and_reports_bad_ones(tmp_path):
    src = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": 1, "customer": "Kartım bloke oldu.", "agent": "Hemen çözelim, kimliğinizi doğrulayalım."}),
        "{bozuk",
        json.dumps({"id": "b", "agent": "Yok. Yapacak bir şey yok."}),
        json.dumps({"id": 3, "customer": 5, "agent": "x"}),
        json.dumps({"id": 4, "customer": "", "agent": "İyi günler, nasıl yardımcı olabilirim?"}),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = subprocess.run(
        [sys.executable, "-m", "qa_scoring.cli", "turns", str(src), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert res.returncode == 1  # some lines were rejected
    assert "satır 2" in res.stderr and "satır 4" in res.stderr
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, "b", 4]
    for r in rows:
        assert set(r["labels"]) == set(SKILL_KEYS) and all(len(v) == 3 for v in r["probs"].values())
    assert rows[1]["labels"]["positive_tone"] == -1
