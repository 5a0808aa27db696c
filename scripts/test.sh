#!/usr/bin/env bash
# The test command: install what the tests need (the dictionary source, Chromium
# and chromedriver for the browser tests) if missing, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
cargo test "$@"
