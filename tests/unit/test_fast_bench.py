"""The benchmark's statistics helpers (benchmarks/stats.py): numbers a performance table is built from."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.stats import Target, agreement, latency_summary, peak_rss_mb, percentile, rate, table


@pytest.mark.parametrize("q", [0, 5, 50, 95, 99, 100])
@pytest.mark.parametrize("values", [[3.0], [1.0, 2.0], [5.0, 1.0, 9.0, 2.5, 7.0, 4.0, 30.0]])
def test_percentile_matches_numpy(values, q):
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


@pytest.mark.parametrize("values, q, message", [([], 50, "no values"), ([1.0], 101, "0..100")])
def test_percentile_errors(values, q, message):
    with pytest.raises(ValueError, match=message):
        percentile(values, q)


def test_latency_summary():
    ms = [10.0] * 94 + [50.0] * 5 + [200.0]
    s = latency_summary(ms)
    assert s["n"] == 100 and s["p50_ms"] == 10.0 and s["max_ms"] == 200.0
    assert 10.0 < s["p95_ms"] <= 50.0 and s["mean_ms"] == pytest.approx(13.9)


def test_rate_and_memory():
    assert rate(300, 2.0) == 150.0 and rate(5, 0.0) == 0.0
    assert 10 < peak_rss_mb() < 100_000  # MiB, not KiB or bytes


def test_agreement_per_label_per_turn_and_per_skill():
    skills = ["respect", "empathy"]
    a = [[1, 0], [0, 0], [-1, 1], [1, 1]]
    b = [[1, 0], [0, 1], [-1, 1], [0, 0]]
    out = agreement(a, b, skills)
    assert out["turns"] == 4
    assert out["per_turn_skill"] == 0.625  # 5 of 8 labels
    assert out["per_turn_all_skills"] == 0.5  # turns 1 and 3
    assert out["per_skill"] == {"respect": 0.75, "empathy": 0.5}


@pytest.mark.parametrize(
    "a, b, message",
    [([], [], "non-empty"), ([[1, 0]], [[1, 0], [0, 0]], "equally long"), ([[1]], [[1]], "one label per skill")],
)
def test_agreement_errors(a, b, message):
    with pytest.raises(ValueError, match=message):
        agreement(a, b, ["respect", "empathy"])


@pytest.mark.parametrize(
    "value, limit, higher, met",
    [(160.0, 150.0, True, True), (149.9, 150.0, True, False), (95.0, 100.0, False, True), (None, 1.0, True, None)],
)
def test_targets(value, limit, higher, met):
    t = Target("x", value, limit, higher, " ms")
    assert t.met is met
    assert t.to_dict()["target"] == ("≥ " if higher else "≤ ") + f"{limit:g} ms"


def test_table_aligns_columns_and_formats_numbers():
    text = table(
        [{"engine": "onnx", "tps": 221.34, "f1": 0.75167, "ok": True}, {"engine": "naive", "tps": 37.6, "f1": None}],
        [("engine", "engine"), ("tps", "turns/s"), ("f1", "F1"), ("ok", "met")],
    )
    lines = text.splitlines()
    assert lines[0].split() == ["engine", "turns/s", "F1", "met"]
    assert "221.3" in lines[2] and "0.7517" in lines[2] and "yes" in lines[2]
    assert lines[3].split()[-2:] == ["–", "–"]
    assert len({len(line) for line in lines}) == 1  # every row as wide as the header
