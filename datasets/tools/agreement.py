"""Inter-annotator agreement on the gold turns.

  python datasets/tools/agreement.py sample [--n 260]   write the blind sample (id, customer, agent only)
  python datasets/tools/agreement.py report             compare the second pass with the gold labels

The sample is stratified over the gold files and seeded. The second labelling pass is made without seeing the
first labels and is stored in datasets/gold/agreement/second_pass.jsonl; the report gives Cohen's kappa (and
linearly weighted kappa, raw agreement) per skill and for customer distress, and lists the disagreements.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "datasets" / "gold"
AGREE = GOLD / "agreement"
SKILLS = ["respect", "patience", "empathy", "active_listening", "positive_tone"]


def gold_rows() -> dict[str, dict]:
    rows = {}
    for split in ("train", "dev", "test"):
        for line in (GOLD / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                rows[r["id"]] = r
    return rows


def cmd_sample(n: int, seed: int) -> int:
    rows = list(gold_rows().values())
    rng = random.Random(seed)
    rng.shuffle(rows)
    chosen = sorted(rows[:n], key=lambda r: r["id"])
    AGREE.mkdir(parents=True, exist_ok=True)
    out = AGREE / "blind_sample.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for r in chosen:
            fh.write(json.dumps({"id": r["id"], "customer": r["customer"], "agent": r["agent"]}, ensure_ascii=False))
            fh.write("\n")
    print(f"wrote {len(chosen)} turns to {out.relative_to(ROOT)}")
    return 0


def cmd_report() -> int:
    gold = gold_rows()
    second = [json.loads(x) for x in (AGREE / "second_pass.jsonl").read_text(encoding="utf-8").splitlines() if x]
    missing = [s["id"] for s in second if s["id"] not in gold]
    if missing:
        print(f"ids not in gold: {missing[:5]}", file=sys.stderr)
        return 1
    report: dict = {"n": len(second), "skills": {}}
    disagreements = []
    for key in [*SKILLS, "customer_distress"]:
        if key == "customer_distress":
            a = [gold[s["id"]]["customer_distress"] for s in second]
            b = [s["customer_distress"] for s in second]
        else:
            a = [gold[s["id"]]["labels"][key] for s in second]
            b = [s["labels"][key] for s in second]
        kappa = cohen_kappa_score(a, b)
        weighted = cohen_kappa_score(a, b, weights="linear") if key != "customer_distress" else kappa
        agree = sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
        report["skills"][key] = {
            "kappa": round(kappa, 3),
            "weighted_kappa": round(weighted, 3),
            "agreement": round(agree, 3),
        }
        for s, x, y in zip(second, a, b, strict=True):
            if x != y:
                disagreements.append({"id": s["id"], "field": key, "first": x, "second": y})
    (AGREE / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (AGREE / "disagreements.jsonl").write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in disagreements), encoding="utf-8"
    )
    print(f"{report['n']} turns labelled twice")
    for key, v in report["skills"].items():
        print(f"  {key:17s} kappa {v['kappa']:.2f}  weighted {v['weighted_kappa']:.2f}  agreement {v['agreement']:.0%}")
    print(f"{len(disagreements)} disagreements -> datasets/gold/agreement/disagreements.jsonl")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description="Inter-annotator agreement on the gold turns")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--n", type=int, default=260)
    s.add_argument("--seed", type=int, default=7)
    sub.add_parser("report")
    args = ap.parse_args()
    return cmd_sample(args.n, args.seed) if args.cmd == "sample" else cmd_report()


if __name__ == "__main__":
    sys.exit(main())
