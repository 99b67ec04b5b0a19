#!/usr/bin/env bash
# apt_install.sh PACKAGE WHAT: install one Debian package for a test server or browser (as root or with sudo -n).
# Never fails the caller: without the package the tests that need it are skipped, and this says why.
set -uo pipefail
pkg="$1"
what="$2"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$pkg is missing and there is no apt-get here; install it yourself; $what will be skipped" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "$pkg is missing and installing it needs root (apt-get install $pkg); $what will be skipped" >&2
    exit 0
  fi
fi
echo "installing Debian's $pkg for $what" >&2
$SUDO apt-get update -qq >/dev/null 2>&1 || true
if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1; then
  echo "could not install $pkg; $what will be skipped" >&2
fi
exit 0
