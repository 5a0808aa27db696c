#!/usr/bin/env bash
# Installs Sudachi's synonym dictionary (npm `sudachi-synonyms-dictionary`,
# Apache-2.0: WorksApplications' synonym groups as one JSON file), pinned by
# version and SHA-256, into $KOTAE_SYNONYMS_DIR
# (default /usr/local/share/kotae/sudachi-synonyms-18.0.0). kotae reads it as
# general knowledge of Japanese (src/matcher/general_synonyms.rs). Safe to run
# again. kotae works without it, so a failed download is reported, not fatal.
set -euo pipefail

version=18.0.0
sha256=f59fdcfdffac935a5ae6c73baa112f2d22f3220c958f6327e8fa304e1f5e6dec
url=https://registry.npmjs.org/sudachi-synonyms-dictionary/-/sudachi-synonyms-dictionary-$version.tgz
dir=${KOTAE_SYNONYMS_DIR:-/usr/local/share/kotae/sudachi-synonyms-$version}

# `off` is kotae's switch for running without it, not a directory.
if [ "$dir" = "off" ]; then
  exit 0
fi
if [ -f "$dir/synonyms.json" ] && [ -f "$dir/SHA256" ]; then
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! curl -fsSL --retry 2 -o "$work/package.tgz" "$url"; then
  echo "install-synonyms: could not download sudachi-synonyms-dictionary $version from the npm registry; kotae runs without general synonyms" >&2
  exit 0
fi
echo "$sha256  $work/package.tgz" | sha256sum --check --quiet
tar -xzf "$work/package.tgz" -C "$work" package/sudachi-synonyms-dictionary.json package/LICENSE
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo mkdir -p "$(dirname "$dir")"
staging=$($sudo mktemp -d "$(dirname "$dir")/.synonyms.XXXXXX")
$sudo chmod 755 "$staging"
$sudo cp "$work/package/sudachi-synonyms-dictionary.json" "$staging/synonyms.json"
$sudo cp "$work/package/LICENSE" "$staging/LICENSE"
echo "$sha256" | $sudo tee "$staging/SHA256" >/dev/null
$sudo chmod 644 "$staging"/*
$sudo rm -rf "$dir"
$sudo mv "$staging" "$dir"
echo "install-synonyms: sudachi-synonyms-dictionary $version in $dir" >&2
