"""Assemble the gold turns: merge the written parts, validate, split by dialogue into train/dev/test.

Dialogues whose agent or customer lines are near-duplicates of each other (same text after Turkish
normalisation and ASCII folding, or character 5-gram Jaccard >= 0.8) are put in the same split, so no
near-duplicate crosses splits. The split is seeded and stratified by domain.

Usage: python datasets/tools/build_gold.py [--seed 20261122]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from qa_scoring.normalize import normalize  # noqa: E402

GOLD = ROOT / "datasets" / "gold"
SPLIT_SHARES = {"train": 0.55, "dev": 0.17, "test": 0.28}


def norm(text: str) -> str:
    return normalize(text, preset="match_ascii")


def shingles(text: str, n: int = 5) -> set[str]:
    t = f" {text} "
    return {t[i : i + n] for i in range(max(1, len(t) - n + 1))}


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def near_duplicate_groups(rows: list[dict]) -> UnionFind:
    uf = UnionFind()
    texts: list[tuple[str, str, set[str]]] = []
    exact: dict[str, str] = {}
    for r in rows:
        uf.find(r["dialogue_id"])
        for field in ("agent", "customer"):
            t = norm(r[field])
            if len(t) < 12:  # "tamam", "evet" — too short to mean anything
                continue
            if t in exact:
                uf.union(exact[t], r["dialogue_id"])
            else:
                exact[t] = r["dialogue_id"]
            texts.append((r["dialogue_id"], t, shingles(t)))
    # near duplicates: bucket by a few shingles to avoid the full quadratic scan
    buckets: dict[str, list[int]] = defaultdict(list)
    for i, (_, _, sh) in enumerate(texts):
        for s in sorted(sh)[:4]:
            buckets[s].append(i)
    seen: set[tuple[int, int]] = set()
    for idxs in buckets.values():
        if len(idxs) > 200:
            continue
        for a_i, a in enumerate(idxs):
            for b in idxs[a_i + 1 :]:
                if (a, b) in seen:
                    continue
                seen.add((a, b))
                da, _, sa = texts[a]
                db, _, sb = texts[b]
                if da != db and len(sa & sb) / len(sa | sb) >= 0.8:
                    uf.union(da, db)
    return uf


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20261122)
    args = ap.parse_args()
    parts = sorted((GOLD / "parts").glob("part*.jsonl"))
    sys.path.insert(0, str(HERE))
    from check_gold_part import check

    if check([str(p) for p in parts]) != 0:
        print("fix the problems above before building the splits", file=sys.stderr)
        return 1
    rows = [json.loads(line) for p in parts for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    uf = near_duplicate_groups(rows)
    groups: dict[str, list[str]] = defaultdict(list)
    domain_of: dict[str, str] = {}
    for r in rows:
        domain_of[r["dialogue_id"]] = r["domain"]
    for d in sorted(domain_of):
        groups[uf.find(d)].append(d)
    by_domain: dict[str, list[list[str]]] = defaultdict(list)
    for root, members in sorted(groups.items()):
        by_domain[domain_of[root]].append(members)
    rng = random.Random(args.seed)
    split_of: dict[str, str] = {}
    counts = {s: 0 for s in SPLIT_SHARES}
    turns_per_dialogue = defaultdict(int)
    for r in rows:
        turns_per_dialogue[r["dialogue_id"]] += 1
    for domain in sorted(by_domain):
        glist = by_domain[domain]
        rng.shuffle(glist)
        total = sum(turns_per_dialogue[d] for g in glist for d in g)
        got = {s: 0 for s in SPLIT_SHARES}
        for g in glist:
            size = sum(turns_per_dialogue[d] for d in g)
            # give the group to the split that is furthest below its share in this domain
            split = min(SPLIT_SHARES, key=lambda s: (got[s] + size) / (SPLIT_SHARES[s] * total))
            got[split] += size
            for d in g:
                split_of[d] = split
        for s in got:
            counts[s] += got[s]
    out = {s: [] for s in SPLIT_SHARES}
    for r in rows:
        out[split_of[r["dialogue_id"]]].append(r)
    for s, recs in out.items():
        recs.sort(key=lambda r: (r["dialogue_id"], r["turn"]))
        path = GOLD / f"{s}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
        print(f"{s}: {len(recs)} turns, {len({r['dialogue_id'] for r in recs})} dialogues -> {path.relative_to(ROOT)}")
    merged = sum(1 for m in groups.values() if len(m) > 1)
    print(f"{merged} groups of near-duplicate dialogues kept together")
    return 0


if __name__ == "__main__":
    sys.exit(main())
