#!/usr/bin/env bash
# Installs, on Debian/Ubuntu, what kotae needs and is missing. Safe to run again:
# it installs only what is not there.
#   bash scripts/install-deps.sh          the IPADIC dictionary source, the semantic
#                                         model and the synonym dictionary (to run kotae)
#   bash scripts/install-deps.sh --test   also Chromium and chromedriver (browser tests)
#                                         and PostgreSQL (shared-store tests)
set -euo pipefail

need=()
[ -f /usr/share/mecab/dic/ipadic/matrix.def ] || need+=(mecab-ipadic)
if [ "${1:-}" = "--test" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
  # A Japanese font, so that the screenshots the browser tests take are legible.
  [ -d /usr/share/fonts/opentype/ipafont-gothic ] || need+=(fonts-ipafont-gothic)
  [ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
  # The shared-store tests run against a real PostgreSQL server.
  command -v pg_ctlcluster >/dev/null || need+=(postgresql)
fi

if [ "${#need[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

bash "$(dirname "$0")/install-semantic.sh"
bash "$(dirname "$0")/install-synonyms.sh"
