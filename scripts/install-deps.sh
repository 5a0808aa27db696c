#!/usr/bin/env bash
# Installs, on Debian/Ubuntu, what kotae and its tests need and are missing:
# the IPADIC dictionary source (mecab-ipadic). Safe to run again: it installs
# only what is not there.
set -euo pipefail

need=()
[ -f /usr/share/mecab/dic/ipadic/matrix.def ] || need+=(mecab-ipadic)

if [ "${#need[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
