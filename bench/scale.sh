#!/usr/bin/env bash
# Scale benchmark: synthetic FAQ bases of 1k, 10k and 100k entries (with three
# alternates each; examples/synth_faq.rs), each indexed from scratch and probed
# in-process (examples/scale_probe.rs): build time and rate, index size, RSS, and
# ask/search latency percentiles. Prints a markdown table.
#   bash bench/scale.sh [N ...]
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
bash scripts/install-deps.sh
cargo build --release --quiet --example synth_faq --example scale_probe
# The probe shares the test dictionary cache; make sure it is compiled.
[ -d target/test-dictionary ] || cargo run --release --quiet -- --dict-dir target/test-dictionary --index "$(mktemp -d)" index >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| entries | build (s) | build (entries/s) | reopen (ms) | index (MiB) | RSS (MiB) | peak RSS (MiB) | ask p50 / p99 (µs) | search p50 / p99 (µs) |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  target/release/examples/synth_faq "$n" "$work/faq-$n" >/dev/null
  target/release/examples/scale_probe "$work/faq-$n" "$work/index-$n" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("| {entries} | {build_s} | {build_entries_per_s:.0f} | {reopen_ms:.0f} | {index_mib} | {rss_mib} | {peak_rss_mib} | {ask_p50_us:.0f} / {ask_p99_us:.0f} | {search_p50_us:.0f} / {search_p99_us:.0f} |".format(**r))'
  rm -rf "$work/faq-$n" "$work/index-$n"
done
