#!/usr/bin/env bash
# Make sure PostgreSQL's server binaries (initdb, pg_ctl) are installed for the store's PostgreSQL tests (Debian's own
# package; the tests start a throwaway cluster on a unix socket and never touch a system cluster). Does nothing when
# they are already there; never fails the caller (without them those tests are skipped).
set -euo pipefail
have_server() {
  if [ -n "${QA_PG_BIN:-}" ] && [ -x "$QA_PG_BIN/initdb" ] && [ -x "$QA_PG_BIN/pg_ctl" ]; then return 0; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then return 0; fi
  for d in /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then return 0; fi
  done
  return 1
}
if have_server; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
      echo "ensure_postgres: PostgreSQL is missing and installing it needs root (apt-get install postgresql)" >&2
      exit 0
    fi
  fi
  echo "ensure_postgres: installing Debian's postgresql for the store's PostgreSQL tests" >&2
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1 \
    || ! have_server; then
    echo "ensure_postgres: could not install postgresql; the PostgreSQL store tests will be skipped" >&2
  fi
else
  echo "ensure_postgres: no apt-get here; install PostgreSQL yourself or set QA_PG_BIN; PostgreSQL tests will skip" >&2
fi
exit 0
