#!/usr/bin/env bash
# Start-up and memory of `kotae serve` on the shipped FAQ: time from launch until
# /readyz answers 200, on a fresh machine (no compiled dictionary, no index) and
# with both already there (median of 5); then the resident memory after 10 s of
# load (wrk, 16 connections).
#   bash bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet --bin kotae
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

ready_ms() { # index dir → milliseconds until /readyz answers
  local start end pid
  start=$(date +%s%N)
  KOTAE_LOG=warn target/release/kotae --index "$1" serve --addr 127.0.0.1:18097 --data "$work/data" >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:18097/readyz; do sleep 0.005; done
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 )) "$pid"
}

read -r fresh pid < <(ready_ms "$work/index")
kill "$pid"; wait "$pid" 2>/dev/null || true
times=()
for _ in 1 2 3 4 5; do
  read -r t pid < <(ready_ms "$work/index")
  times+=("$t")
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)

read -r _ pid < <(ready_ms "$work/index")
python3 - "$work/mix.lua" <<'PY'
import json, sys
qs = [json.loads(l)["question"] for l in open("tests/eval/tune.jsonl") if l.strip()]
with open(sys.argv[1], "w") as f:
    f.write("local bodies = {\n" + "".join("  [==[" + json.dumps({"question": q}, ensure_ascii=False) + "]==],\n" for q in qs) + "}\n")
    f.write('local i = 0\nwrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
    f.write("request = function()\n  i = i % #bodies + 1\n  return wrk.format(nil, '/api/ask', nil, bodies[i])\nend\n")
PY
wrk -t1 -c16 -d10s -s "$work/mix.lua" http://127.0.0.1:18097 >/dev/null
rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status)
hwm=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$pid/status)
kill "$pid"; wait "$pid" 2>/dev/null || true

echo "| measurement | value |"
echo "|---|---|"
echo "| first start on a fresh machine (dictionary compile + index build) to ready | ${fresh} ms |"
echo "| start with existing dictionary and index to ready (median of 5: ${times[*]}) | ${median} ms |"
echo "| RSS of kotae serve after 10 s of load (peak) | ${rss} MiB (${hwm} MiB) |"
