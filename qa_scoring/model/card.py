"""The generated model card (``README.md`` in a model folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..skills import SKILL_KEYS
from .evaluation import SKILL_NAMES_TR, EvaluationReport
from .sidecar import ModelSidecar


def _row(name: str, rep: EvaluationReport | None) -> str:
    if rep is None:
        return ""
    cells = " | ".join(f"{rep.skills[k]['macro_f1']:.3f}" for k in SKILL_KEYS)
    return f"| {name} | {rep.n} | {cells} | **{rep.mean_macro_f1:.3f}** |"


def write_model_card(
    folder: str | Path,
    test: EvaluationReport,
    baseline: EvaluationReport | None = None,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write ``README.md`` for the model in ``folder`` from its sidecar and the test-split evaluation."""
    folder = Path(folder)
    sc = ModelSidecar.load(folder)
    header = "| | turns | " + " | ".join(SKILL_NAMES_TR[k] for k in SKILL_KEYS) + " | mean |"
    sep = "|---|---:|" + "---:|" * (len(SKILL_KEYS) + 1)
    rows = [_row("model, gold test", test)]
    for name in ("clean", "noisy"):
        sub = test.subsets.get(name)
        if sub:
            cells = " | ".join(f"{sub['macro_f1'][k]:.3f}" for k in SKILL_KEYS)
            rows.append(f"| model, {name} subset | {sub['n']} | {cells} | **{sub['mean_macro_f1']:.3f}** |")
    if baseline is not None:
        rows.append(_row("baseline (char TF-IDF + LR), gold test", baseline))
        for name in ("clean", "noisy"):
            sub = baseline.subsets.get(name)
            if sub:
                cells = " | ".join(f"{sub['macro_f1'][k]:.3f}" for k in SKILL_KEYS)
                rows.append(f"| baseline, {name} subset | {sub['n']} | {cells} | {sub['mean_macro_f1']:.3f} |")
    dev = sc.metrics.get("dev", {})
    ece = "\n".join(
        f"| {SKILL_NAMES_TR[k]} | {dev.get('ece_before', {}).get(k, float('nan')):.3f} | "
        f"{dev.get('ece_after', {}).get(k, float('nan')):.3f} | {test.skills[k].get('ece', float('nan')):.3f} | "
        f"{sc.temperatures.get(k, 1.0):.2f} |"
        for k in SKILL_KEYS
    )
    conf = []
    for k in SKILL_KEYS:
        m = test.skills[k]["confusion"]
        conf.append(
            f"- {SKILL_NAMES_TR[k]}: "
            + "; ".join(
                f"gold {c:+d} → {row}" if c else f"gold 0 → {row}" for c, row in zip((-1, 0, 1), m, strict=True)
            )
        )
    tr = sc.training
    prev = tr.get("previous_stage")
    minutes = (sc.metrics.get("train_seconds_total") or sc.metrics.get("train_seconds", 0)) / 60
    if prev:
        data_line = (
            f"- Training in two stages: (1) {prev.get('n_train', '?')} turns — the hand-written gold train split "
            f"(weight {prev.get('gold_weight', '?')}) plus generated turns — for up to {prev.get('epochs', '?')} "
            f"epochs (best dev step {prev.get('best_step', '?')}, dev mean macro-F1 "
            f"{prev.get('dev_mean_macro_f1') or 0:.3f}); "
            f"(2) the gold train split alone ({tr.get('n_train', '?')} turns) from the stage-1 model, up to "
            f"{tr.get('epochs', '?')} epochs, best dev step {sc.metrics.get('best_step', '?')}. Dev "
            f"{tr.get('n_dev', '?')} turns; data hash `{sc.training_data_sha256[:16]}…`."
        )
    else:
        data_line = (
            f"- Training data: {tr.get('n_train', '?')} turns (hand-written gold train split, weight "
            f"{tr.get('gold_weight', '?')}, plus generated turns), dev {tr.get('n_dev', '?')} turns; data hash "
            f"`{sc.training_data_sha256[:16]}…`; best dev step {sc.metrics.get('best_step', '?')}."
        )
    checks = [
        f"- Mean macro-F1 on the gold test split ≥ 0.85: {test.mean_macro_f1:.3f} — "
        f"{'met' if test.mean_macro_f1 >= 0.85 else 'not met'}."
    ]
    if baseline is not None:
        gap = test.mean_macro_f1 - baseline.mean_macro_f1
        checks.append(f"- At least 0.10 above the baseline: +{gap:.3f} — {'met' if gap >= 0.10 else 'not met'}.")
    if "clean" in test.subsets and "noisy" in test.subsets:
        diff = test.subsets["clean"]["mean_macro_f1"] - test.subsets["noisy"]["mean_macro_f1"]
        checks.append(
            f"- Noisy subset within 0.05 of the clean one: {test.subsets['noisy']['mean_macro_f1']:.3f} vs "
            f"{test.subsets['clean']['mean_macro_f1']:.3f} — {'met' if diff <= 0.05 else 'not met'}."
        )
    targets = "\n".join(checks)
    text = f"""# qa-turn-tr — Turkish agent soft-skills turn classifier

Labels one contact-centre agent reply, read with the customer's words just before it, for five skills — saygı
(respect), sabır (patience), empati (empathy), aktif dinleme (active listening), olumlu tutum (positive tone) —
each as -1 (violated), 0 (not shown) or +1 (shown), following the project's label guide; a sixth head gives the
probability that the customer expresses distress (an empathy opportunity). Probabilities are temperature-scaled
on the dev split.

- Base: {sc.base_model}, vocabulary trimmed to {tr.get("vocab_size", "?")} pieces, encoder stored in fp16.
- Input: `query: <customer context>` and the agent reply as a pair, normalisation preset `{sc.normalization}`,
  at most {sc.max_length} tokens; mean pooling over the reply's tokens and over the context's.
{data_line}
- Trained on {tr.get("cpu_count", "?")} CPU cores in {minutes:.0f} minutes in all, seed {tr.get("seed", "?")};
  reproduce with `bash scripts/build_model.sh`.

## Results on the gold test split (macro-F1; never used for any choice)

{header}
{sep}
{chr(10).join(r for r in rows if r)}

Confusion matrices on the test split (rows: gold -1/0/+1; columns: predicted -1/0/+1):

{chr(10).join(conf)}

## Project targets

{targets}

## Calibration (expected calibration error of the top class)

| skill | dev ECE before | dev ECE after | test ECE | temperature |
|---|---:|---:|---:|---:|
{ece}

## Limits

The training data was written for the project (no real customers); gold turns are single-annotator with a
second blind pass over a sample (see `datasets/README.md` for agreement). The model sees one reply and the
customer text just before it, not the whole call. Use the scores as evidence for a reviewer, not as a verdict.
"""
    if extra:
        text += "\n## Notes\n\n" + "\n".join(f"- {k}: {v}" for k, v in extra.items()) + "\n"
    path = folder / "README.md"
    path.write_text(text, encoding="utf-8")
    return path
