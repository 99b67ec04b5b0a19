#!/usr/bin/env bash
# Install the toolkit and run the main job on the bundled sample calls.
# Safe to re-run: the install step is a no-op when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
# The constraints file pins torch to the local CPU build; never install without it.
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -c constraints.txt -e ".[fast]"
qa-score validate datasets/samples rubrics
qa-score redact datasets/samples out/redacted
echo "Maskelenmiş dökümler: out/redacted/"
qa-score evaluate datasets/gold/test.jsonl --out out/test_metrics.json
rm -rf out/batch  # a fresh run each time (an interrupted batch would be finished with --resume)
qa-score batch datasets/samples --out out/batch --format csv,jsonl --quiet
echo "Puan kartları: out/batch/report.html ve out/batch/calls/*.html; puanlar: out/batch/scores.csv"
