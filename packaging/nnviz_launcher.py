"""Entry script of the PyInstaller bundle: the same as the `nnviz` command.

With no arguments it opens the app; `--self-check` and the subcommands work as on the command line.
"""

import sys

from nnviz.cli import main

if __name__ == "__main__":
    sys.exit(main())
