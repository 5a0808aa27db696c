#!/usr/bin/env bash
# The test command: install what the tests need (the dictionary source, Chromium
# and chromedriver for the browser tests, PostgreSQL for the shared-store tests) if
# missing, start PostgreSQL, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
# A real PostgreSQL server for the shared-store tests (tests/postgres.rs).
KOTAE_TEST_DATABASE_URL=${KOTAE_TEST_DATABASE_URL:-$(bash scripts/test-postgres.sh)}
export KOTAE_TEST_DATABASE_URL
case "$KOTAE_TEST_DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "scripts/test.sh: not a PostgreSQL URL: $KOTAE_TEST_DATABASE_URL" >&2; exit 1 ;;
esac
cargo test "$@"
