#!/usr/bin/env bash
# Rebuild the shipped model models/qa-turn-tr from the committed data and generator (about 75 minutes on 2 CPU
# cores): convert the offline base, generate the training turns, fine-tune in two stages (gold + generated, then
# gold alone), evaluate on the gold test split beside the TF-IDF baseline and write the model card.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -c constraints.txt -e ".[train]"
OUT="${1:-models/qa-turn-tr}"
mkdir -p datasets/generated runs
qa-score base build
qa-score datagen --n 20000 --seed 13 --out datasets/generated/train.jsonl > runs/datagen-summary.json
# stage 1: hand-written gold turns (weight 3) and 20,000 generated turns
qa-score train --train datasets/gold/train.jsonl datasets/generated/train.jsonl --dev datasets/gold/dev.jsonl \
  --out runs/stage1 --seed 13 --epochs 2 --threads 2 --log runs/train-log.jsonl
# stage 2: the gold train split alone, from the stage-1 model (dev and test are hand-written too)
qa-score train --train datasets/gold/train.jsonl --dev datasets/gold/dev.jsonl --init-from runs/stage1 \
  --out "$OUT" --seed 13 --epochs 6 --lr 3e-5 --head-lr 1e-4 --eval-every 29 --patience 4 --threads 2 --log runs/train-log-stage2.jsonl
qa-score evaluate datasets/gold/test.jsonl --model "$OUT" --inference torch \
  --baseline datasets/gold/train.jsonl datasets/generated/train.jsonl --out "$OUT/test_metrics.json" --card
