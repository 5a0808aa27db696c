#!/usr/bin/env bash
# Prints the README's answer-quality tables (markdown): the shipped defaults on
# each evaluation set, then each mechanism switched off in turn, then "naive"
# (every mechanism off). Usage: bash scripts/eval-table.sh [path/to/kotae]
set -euo pipefail
cd "$(dirname "$0")/.."
kotae=${1:-target/release/kotae}
sets=(tests/eval/tune.jsonl tests/eval/holdout.jsonl)
[ -f ../shared/eval/sample.jsonl ] && sets+=(../shared/eval/sample.jsonl)

row() { # label, file, extra args...
  local label=$1 file=$2; shift 2
  "$kotae" eval "$file" --json "$@" | tail -n 1 | python3 -c '
import json, sys
r = json.load(sys.stdin)
label, name = sys.argv[1], sys.argv[2]
keys = ("top1", "recall_at_3", "mrr", "answered_correct", "wrong_answer_rate", "oos_rejection")
print("| %s | %s | %d | %s |" % (label, name, r["n"], " | ".join("%.3f" % r[k] for k in keys)))
' "$label" "$(basename "$file")"
}

echo "| configuration | set | n | top1 | recall@3 | mrr | answered_correct | wrong_answer_rate | oos_rejection |"
echo "|---|---|---|---|---|---|---|---|---|"
for file in "${sets[@]}"; do row "final (defaults)" "$file"; done
naive=(--without alternates --without synonyms --without compounds --without respelling --without loanwords --without reading
       --without kana-gram --without char-gram --without kanji-numeral --without okurigana --without hiragana
       --without long-vowel --without small-kana --without semantic --without general-synonyms --without shared-compounds)
for file in "${sets[@]}"; do row "naive (all below off)" "$file" "${naive[@]}"; done
for mechanism in alternates synonyms general-synonyms compounds shared-compounds respelling loanwords semantic answer-sentences answer reading kana-gram char-gram okurigana hiragana long-vowel small-kana kanji-numeral; do
  for file in tests/eval/tune.jsonl tests/eval/holdout.jsonl; do
    row "without $mechanism" "$file" --without "$mechanism"
  done
done
# Each decision rule switched off in turn (ids from the README's rules table, which a
# test keeps equal to DEFAULT_RULES).
rules=$(awk '/^\| rule \| decides \|/ {on=1; next} on && !/^\|/ {exit} on && /^\| `/ {split($0, f, "`"); print f[2]}' README.md)
for rule in $rules; do
  for file in tests/eval/tune.jsonl tests/eval/holdout.jsonl; do
    row "without rule:$rule" "$file" --without "rule:$rule"
  done
done
