#!/usr/bin/env bash
# HTTP benchmark: kotae's POST /api/ask against a trivial axum endpoint that parses
# the same JSON and returns a fixed answer of the same size (examples/reference_server.rs).
# Same load for both: wrk on loopback, a rotating mix of our tuning questions
# (all of them), 16 and 64 connections, the server pinned to CPU 0 and wrk to CPU 1.
# kotae runs with its defaults except the per-address limits (rate, concurrency),
# which one load generator playing many members would hit.
# Prints a markdown table and kotae's throughput as a share of the reference's.
#   bash bench/http.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get update -qq; $sudo apt-get install -y -qq wrk >/dev/null; }
bash scripts/install-deps.sh
cargo build --release --quiet --bin kotae --example reference_server

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
python3 - "$work/mix.lua" <<'PY'
import json, sys
qs = [json.loads(l)["question"] for l in open("tests/eval/tune.jsonl") if l.strip()]
bodies = [json.dumps({"question": q}, ensure_ascii=False) for q in qs]
with open(sys.argv[1], "w") as f:
    f.write("local bodies = {\n")
    for b in bodies:
        f.write("  [==[" + b + "]==],\n")
    f.write("}\nlocal i = 0\n")
    f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
    f.write("request = function()\n  i = i % #bodies + 1\n  return wrk.format(nil, '/api/ask', nil, bodies[i])\nend\n")
PY

run() { # name url connections
  taskset -c 1 wrk -t1 -c"$3" -d"${seconds}s" --latency -s "$work/mix.lua" "$2" > "$work/out.txt"
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/out.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/out.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/out.txt")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' "$work/out.txt" | tr '\n' ' ')
  echo "$1|$3|$rps|$p50|$p99|${errors:-none}"
}

wait_for() { for _ in $(seq 100); do curl -sf -o /dev/null -X POST -H 'content-type: application/json' -d '{"question":"a"}' "$1/api/ask" && return; sleep 0.1; done; echo "no server at $1" >&2; exit 1; }

results=()
taskset -c 0 target/release/examples/reference_server 127.0.0.1:18091 >/dev/null &
ref=$!
wait_for http://127.0.0.1:18091
for c in 16 64; do results+=("$(run reference http://127.0.0.1:18091 $c)"); done
kill $ref; wait $ref 2>/dev/null || true

KOTAE_LOG=warn taskset -c 0 target/release/kotae serve --addr 127.0.0.1:18092 --data "$work/data" \
  --rate-limit-per-second 0 --max-concurrency 4096 --per-client-concurrency 4096 >/dev/null &
kotae=$!
wait_for http://127.0.0.1:18092
for c in 16 64; do results+=("$(run kotae http://127.0.0.1:18092 $c)"); done
kill $kotae; wait $kotae 2>/dev/null || true

echo "| server | connections | req/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|---|"
for r in "${results[@]}"; do echo "| ${r//|/ | } |"; done
python3 - "${results[@]}" <<'PY'
import sys
rows = [r.split("|") for r in sys.argv[1:]]
rps = {(r[0], r[1]): float(r[2]) for r in rows}
for c in ("16", "64"):
    print(f"kotae / reference at {c} connections: {rps[('kotae', c)] / rps[('reference', c)]:.0%}")
PY
