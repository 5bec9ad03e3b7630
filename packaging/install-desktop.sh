#!/usr/bin/env bash
# Add nnviz to the desktop menu (~/.local/share/applications + hicolor icons), or remove it.
# Usage:
#   packaging/install-desktop.sh                 the pip-installed app (runs nnviz-gui)
#   packaging/install-desktop.sh BUNDLE_DIR      a built bundle, e.g. packaging/dist/nnviz
#   packaging/install-desktop.sh --uninstall     remove the menu entry and icons
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"

if [[ "${1:-}" == "--uninstall" ]]; then
    # nnviz.desktop is plain standard-library Python, so this works without nnviz installed.
    PYTHONPATH="$here/..${PYTHONPATH:+:$PYTHONPATH}" exec "$python" -m nnviz.desktop uninstall
elif [[ $# -ge 1 ]]; then
    bundle="$(cd "$1" && pwd)"
    if [[ ! -x "$bundle/nnviz" ]]; then
        echo "No nnviz executable in $bundle; build the bundle first with packaging/build.sh" >&2
        exit 1
    fi
    # The bundle installs itself, with its own copy of the icons and its own path in Exec.
    exec "$bundle/nnviz" install-desktop
else
    if ! "$python" -c "import nnviz" 2>/dev/null; then
        echo "nnviz is not installed for $python; run: $python -m pip install ." >&2
        exit 1
    fi
    exec "$python" -m nnviz.desktop install
fi
