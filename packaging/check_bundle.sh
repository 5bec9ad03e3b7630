#!/usr/bin/env bash
# Build the bundle, then start it headless with --self-check: it opens the window, trains one
# epoch on the bundled sample and must exit 0. Prints the build time and bundle size.
# Usage: packaging/check_bundle.sh [OUT_DIR]   (default: a temporary folder, removed afterwards)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [[ $# -ge 1 ]]; then
    out="$(mkdir -p "$1" && cd "$1" && pwd)"
else
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
fi

start=$SECONDS
"$here/build.sh" "$out/dist" "$out/build"
build_seconds=$((SECONDS - start))

# A fresh home for settings and data, and no MNIST folder: the bundle must manage offline with
# the sample inside it, whatever the machine it was built on has installed.
mkdir -p "$out/home"
start=$SECONDS
set +e
env -u NNVIZ_DATA_DIR QT_QPA_PLATFORM=offscreen HOME="$out/home" \
    XDG_CONFIG_HOME="$out/home/.config" XDG_DATA_HOME="$out/home/.local/share" \
    XDG_CACHE_HOME="$out/home/.cache" \
    timeout 600 "$out/dist/nnviz/nnviz" --self-check
status=$?
set -e
run_seconds=$((SECONDS - start))

echo "bundle: $(du -sh "$out/dist/nnviz" | cut -f1), built in ${build_seconds} s;" \
     "self-check exit code $status after ${run_seconds} s"
if [[ $status -ne 0 ]]; then
    echo "FAILED: the bundle's --self-check did not exit 0" >&2
    exit 1
fi
echo "OK"
