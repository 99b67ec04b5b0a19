"""Check one file of gold turns against the dataset rules (used while writing data and by the tests).

Usage: python datasets/tools/check_gold_part.py datasets/gold/parts/part1.jsonl [more files]
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter

SKILLS = ["respect", "patience", "empathy", "active_listening", "positive_tone"]
NOISE = {"clean", "ascii", "asr", "chat"}
REQUIRED = {
    "id",
    "dialogue_id",
    "domain",
    "persona",
    "channel",
    "turn",
    "customer",
    "agent",
    "customer_distress",
    "labels",
    "noise",
    "tags",
}
TURKISH = re.compile("[çğıöşüÇĞİÖŞÜ]")
PII = [re.compile(r"\d[\d \-]{9,}\d"), re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), re.compile(r"\bTR\d{2}", re.I)]


def check(paths: list[str]) -> int:
    rows, problems = [], []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    r = json.loads(line)
                except json.JSONDecodeError as exc:
                    problems.append(f"{path}:{n}: broken JSON: {exc}")
                    continue
                missing = REQUIRED - set(r)
                if missing:
                    problems.append(f"{path}:{n}: missing keys {sorted(missing)}")
                    continue
                labels = r["labels"]
                if set(labels) != set(SKILLS) or any(labels[s] not in (-1, 0, 1) for s in SKILLS):
                    problems.append(f"{path}:{n}: labels must be the five skills with values -1/0/1: {labels}")
                if r["customer_distress"] not in (0, 1):
                    problems.append(f"{path}:{n}: customer_distress must be 0 or 1")
                if r["noise"] not in NOISE:
                    problems.append(f"{path}:{n}: noise must be one of {sorted(NOISE)}")
                if not str(r["agent"]).strip():
                    problems.append(f"{path}:{n}: empty agent text")
                if r["noise"] == "ascii" and TURKISH.search(r["agent"]):
                    problems.append(f"{path}:{n}: noise=ascii but agent text has Turkish letters")
                if r["noise"] == "asr" and (r["agent"] != r["agent"].lower() or re.search(r"[.,!?;:]", r["agent"])):
                    problems.append(f"{path}:{n}: noise=asr but agent text has upper case or punctuation")
                for rx in PII:
                    for field in ("customer", "agent"):
                        if rx.search(r[field]):
                            problems.append(f"{path}:{n}: PII-like pattern in {field}: {rx.search(r[field]).group()!r}")
                rows.append(r)
    ids = Counter(r["id"] for r in rows)
    problems += [f"duplicate id {i}" for i, c in ids.items() if c > 1]
    agents = Counter(r["agent"].strip().lower() for r in rows)
    problems += [f"agent text repeated {c}x: {a[:60]!r}" for a, c in agents.items() if c > 1]
    n = len(rows)
    print(f"{n} turns, {len({r['dialogue_id'] for r in rows})} dialogues, {len({r['domain'] for r in rows})} domains")
    if not n:
        return 1
    for s in SKILLS:
        c = Counter(r["labels"][s] for r in rows)
        share = {k: c[k] / n for k in (-1, 0, 1)}
        flag = "" if share[-1] >= 0.15 and share[1] >= 0.15 else "   <-- needs >=15% of -1 and of +1"
        print(f"  {s:17s} -1 {share[-1]:.0%}  0 {share[0]:.0%}  +1 {share[1]:.0%}{flag}")
        if flag:
            problems.append(f"class balance for {s}")
    noisy = sum(r["noise"] != "clean" for r in rows) / n
    print(
        f"  noisy share {noisy:.0%} (needs >= 25%); distress share {sum(r['customer_distress'] for r in rows) / n:.0%}"
    )
    if noisy < 0.25:
        problems.append("noisy share below 25%")
    for p in problems[:50]:
        print("PROBLEM:", p)
    print("OK" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(check(sys.argv[1:]))
