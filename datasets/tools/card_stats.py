"""Print the statistics tables of the data card (datasets/README.md) from the current files."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "datasets" / "gold"
SKILLS = ["respect", "patience", "empathy", "active_listening", "positive_tone"]


def load(split: str) -> list[dict]:
    return [json.loads(x) for x in (GOLD / f"{split}.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]


def main() -> None:
    splits = {s: load(s) for s in ("train", "dev", "test")}
    rows = [r for v in splits.values() for r in v]
    print("| split | turns | dialogues | noisy turns |\n|---|---:|---:|---:|")
    for s, v in splits.items():
        print(f"| {s} | {len(v)} | {len({r['dialogue_id'] for r in v})} | {sum(r['noise'] != 'clean' for r in v)} |")
    print(
        f"| all | {len(rows)} | {len({r['dialogue_id'] for r in rows})} | {sum(r['noise'] != 'clean' for r in rows)} |"
    )
    print("\n| skill | -1 | 0 | +1 | test -1 / 0 / +1 |\n|---|---:|---:|---:|---|")
    for k in SKILLS:
        c = Counter(r["labels"][k] for r in rows)
        t = Counter(r["labels"][k] for r in splits["test"])
        n = len(rows)
        print(
            f"| {k} | {c[-1]} ({c[-1] / n:.0%}) | {c[0]} ({c[0] / n:.0%}) | {c[1]} ({c[1] / n:.0%}) | {t[-1]} / {t[0]} / {t[1]} |"
        )
    d = sum(r["customer_distress"] for r in rows)
    print(f"\nCustomer distress: {d} of {len(rows)} customer lines ({d / len(rows):.0%}).")
    noise = Counter(r["noise"] for r in rows)
    print("\nNoise: " + ", ".join(f"{k} {v} ({v / len(rows):.0%})" for k, v in noise.most_common()))
    dom = Counter(r["domain"] for r in rows)
    print(f"\nDomains ({len(dom)}): " + ", ".join(f"`{k}` {v}" for k, v in sorted(dom.items())))
    per = Counter(r["persona"] for r in rows)
    print(f"\nPersonas ({len(per)}): " + ", ".join(f"{k} {v}" for k, v in per.most_common()))
    tags = Counter(t for r in rows for t in r["tags"])
    print("\nHard-case tags: " + ", ".join(f"`{k}` {v}" for k, v in tags.most_common()))
    ch = Counter(r["channel"] for r in rows)
    print("\nChannels: " + ", ".join(f"{k} {v}" for k, v in ch.items()))
    with (ROOT / "datasets" / "call_ratings.csv").open(encoding="utf-8", newline="") as fh:
        ratings = list(csv.DictReader(fh))
    print("\n| call rating | 1 | 2 | 3 | 4 | 5 | NA |\n|---|---:|---:|---:|---:|---:|---:|")
    for k in SKILLS:
        c = Counter(r[k] for r in ratings)
        print(f"| {k} | " + " | ".join(str(c.get(v, 0)) for v in ("1", "2", "3", "4", "5", "NA")) + " |")
    print(f"\nCritical calls: {sum(r['critical'] == 'yes' for r in ratings)} of {len(ratings)}.")


if __name__ == "__main__":
    main()
