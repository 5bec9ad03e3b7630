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

# Without a display the bundle must say so in one line and exit 1 (Qt alone would abort).
set +e
no_display="$(env -u NNVIZ_DATA_DIR -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM HOME="$out/home" \
    XDG_CONFIG_HOME="$out/home/.config" timeout 120 "$out/dist/nnviz/nnviz" 2>&1)"
no_display_status=$?
set -e
echo "without a display: exit code $no_display_status: $no_display"
if [[ $no_display_status -ne 1 || "$no_display" != *"no display found"* ]]; then
    echo "FAILED: without a display the bundle must exit 1 saying so" >&2
    exit 1
fi

echo "bundle: $(du -sh "$out/dist/nnviz" | cut -f1), built in ${build_seconds} s;" \
     "self-check exit code $status after ${run_seconds} s"
if [[ $status -ne 0 ]]; then
    echo "FAILED: the bundle's --self-check did not exit 0" >&2
    exit 1
fi
echo "OK"
