#!/usr/bin/env bash
# Install the toolkit with its test dependencies and run the whole test suite.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/unit -x).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -c constraints.txt -e ".[dev]"
# the real-browser tests drive Debian's chromium (installed here when missing; never a downloaded browser)
bash scripts/ensure_chromium.sh
# the store's PostgreSQL tests start a throwaway server from Debian's postgresql (installed here when missing)
bash scripts/ensure_postgres.sh
set +e
python3 -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: treating as a failure" >&2
  exit 1
fi
exit "$rc"
