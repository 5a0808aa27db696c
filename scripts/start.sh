#!/usr/bin/env bash
# Quick start: install what is missing, then serve the shipped FAQ on
# http://127.0.0.1:8080 (pass other `kotae serve` flags after the script name).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
exec cargo run --release -- serve "$@"
