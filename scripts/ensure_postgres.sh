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
bash "$(dirname "$0")/apt_install.sh" postgresql "the store's PostgreSQL tests"
if ! have_server; then
  echo "ensure_postgres: no initdb/pg_ctl found (set QA_PG_BIN); the PostgreSQL store tests will be skipped" >&2
fi
exit 0
