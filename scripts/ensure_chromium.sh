#!/usr/bin/env bash
# Make sure a headless-capable Chromium is on PATH for the real-browser tests (Debian's own package; Playwright
# drives it and never downloads a browser). Does nothing when one is already installed.
set -euo pipefail
for b in "${QA_CHROMIUM:-}" chromium chromium-browser google-chrome; do
  if [ -n "$b" ] && command -v "$b" >/dev/null 2>&1; then
    exit 0
  fi
done
bash "$(dirname "$0")/apt_install.sh" chromium "the browser tests"
