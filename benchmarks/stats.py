"""Small, dependency-light helpers of the benchmark: latency summaries, agreement, memory, targets, tables."""

from __future__ import annotations

import math
import resource
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) with linear interpolation between order statistics (numpy's default).

    Raises:
        ValueError: for no values or ``q`` outside 0..100.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be in 0..100, found {q}")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def latency_summary(ms: Sequence[float]) -> dict[str, float]:
    """n, mean, p50, p95, p99 and max of latencies in milliseconds."""
    return {
        "n": len(ms),
        "mean_ms": round(sum(ms) / len(ms), 3),
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "max_ms": round(max(ms), 3),
    }


def rate(count: int, seconds: float) -> float:
    """Items per second (0 when no time passed)."""
    return round(count / seconds, 2) if seconds > 0 else 0.0


def peak_rss_mb() -> float:
    """This process's resident-set high-water mark in MiB (``ru_maxrss`` is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def agreement(a: Sequence[Sequence[int]], b: Sequence[Sequence[int]], skills: Sequence[str]) -> dict[str, Any]:
    """How often two label sets agree: per (turn, skill), per turn (all skills equal), and per skill.

    ``a`` and ``b`` hold one row of labels per turn, in ``skills`` order.

    Raises:
        ValueError: when the shapes differ or there are no turns.
    """
    if len(a) != len(b) or not a:
        raise ValueError(f"agreement needs two equally long, non-empty label lists, found {len(a)} and {len(b)}")
    if any(len(x) != len(skills) or len(y) != len(skills) for x, y in zip(a, b, strict=True)):
        raise ValueError(f"every row must have one label per skill ({len(skills)})")
    n = len(a)
    same = [[x == y for x, y in zip(ra, rb, strict=True)] for ra, rb in zip(a, b, strict=True)]
    return {
        "turns": n,
        "per_turn_skill": round(sum(map(sum, same)) / (n * len(skills)), 4),
        "per_turn_all_skills": round(sum(all(row) for row in same) / n, 4),
        "per_skill": {k: round(sum(row[j] for row in same) / n, 4) for j, k in enumerate(skills)},
    }


@dataclass(frozen=True)
class Target:
    """One performance target and whether a measured value meets it."""

    name: str
    value: float | None
    limit: float
    higher_is_better: bool
    unit: str = ""

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.limit if self.higher_is_better else self.value <= self.limit

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "target": ("≥ " if self.higher_is_better else "≤ ") + f"{self.limit:g}{self.unit}",
            "met": self.met,
        }


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """A plain-text table; ``columns`` are (key, header) pairs; numbers right-aligned, fewer decimals as they grow."""

    def cell(v: Any) -> str:
        if v is None:
            return "–"
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, float):
            return (
                f"{v:.4f}"
                if abs(v) <= 1
                else f"{v:.2f}"
                if abs(v) < 10
                else f"{v:.1f}"
                if abs(v) < 1000
                else f"{v:.0f}"
            )
        return str(v)

    body = [[cell(r.get(k)) for k, _ in columns] for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, (_, h) in enumerate(columns)]
    line = "  ".join(h.ljust(w) for (_, h), w in zip(columns, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    out = [line, rule]
    for b in body:
        out.append("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(b, widths, strict=True))))
    return "\n".join(out)
