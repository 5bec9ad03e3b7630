#!/usr/bin/env bash
# Build the one-folder nnviz bundle into packaging/dist/nnviz with PyInstaller (installed if missing).
# Usage: packaging/build.sh [DIST_DIR [WORK_DIR]]   (run with the Python environment nnviz runs in)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dist="${1:-$here/dist}"
work="${2:-$here/build}"
python="${PYTHON:-python3}"

if ! "$python" -c "import PyInstaller" 2>/dev/null; then
    echo "PyInstaller is not installed in this environment; installing it (a build tool only)..."
    "$python" -m pip install pyinstaller
fi
# The bundle contains whatever this environment imports, so nnviz's own dependencies must be here.
"$python" -c "import numpy, PySide6, pyqtgraph" || {
    echo "Install nnviz's dependencies first: $python -m pip install -e ." >&2
    exit 1
}

"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$dist" --workpath "$work" "$here/nnviz.spec"

echo "Built: $dist/nnviz/nnviz   ($(du -sh "$dist/nnviz" | cut -f1))"
echo "Try it: $dist/nnviz/nnviz --self-check    Add it to the menu: $here/install-desktop.sh $dist/nnviz"
