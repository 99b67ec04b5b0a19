#!/usr/bin/env bash
# Make sure a headless-capable Chromium is on PATH for the real-browser tests (Debian's own package; Playwright
# drives it and never downloads a browser). Does nothing when one is already installed.
set -euo pipefail
for b in "${QA_CHROMIUM:-}" chromium chromium-browser google-chrome; do
  if [ -n "$b" ] && command -v "$b" >/dev/null 2>&1; then
    exit 0
  fi
done
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
      echo "ensure_chromium: chromium is missing and installing it needs root (apt-get install chromium)" >&2
      exit 0
    fi
  fi
  echo "ensure_chromium: installing Debian's chromium for the browser tests" >&2
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; then
    echo "ensure_chromium: could not install chromium; the browser tests will be skipped" >&2
  fi
else
  echo "ensure_chromium: no apt-get here; install chromium yourself or set QA_CHROMIUM; browser tests will skip" >&2
fi
exit 0
