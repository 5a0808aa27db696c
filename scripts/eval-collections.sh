#!/usr/bin/env bash
# Prints the answer-quality table over the development collections
# (tests/collections/<name>/): each collection imported bare (faq/) and with an
# editor's alternates (faq-alt/), on its dev and held-aside question sets.
# Usage: bash scripts/eval-collections.sh [path/to/kotae] [extra eval args...]
set -euo pipefail
cd "$(dirname "$0")/.."
kotae=${1:-target/release/kotae}
shift || true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dict=${KOTAE_DICT_DIR:-target/eval-dictionary}

echo "| collection | faq | set | n | top1 | recall@3 | answered_correct | wrong_answer_rate | oos_rejection |"
echo "|---|---|---|---|---|---|---|---|---|"
for dir in tests/collections/*/; do
  name=$(basename "$dir")
  for variant in faq faq-alt; do
    [ -d "$dir/$variant" ] || continue
    for set in dev holdout; do
      file="$dir/$set.jsonl"
      [ -f "$file" ] || continue
      "$kotae" --faq "$dir/$variant" --index "$work/$name-$variant" --dict-dir "$dict" \
          eval "$file" --json "$@" | tail -n 1 | python3 -c '
import json, sys
r = json.load(sys.stdin)
keys = ("top1", "recall_at_3", "answered_correct", "wrong_answer_rate", "oos_rejection")
print("| %s | %s | %s | %d | %s |" % (sys.argv[1], sys.argv[2], sys.argv[3], r["n"], " | ".join("%.3f" % r[k] for k in keys)))
' "$name" "$variant" "$set"
    done
  done
done
