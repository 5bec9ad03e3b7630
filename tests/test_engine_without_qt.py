"""The engine's tests run on a machine where Qt's GUI libraries (libGL.so.1, ...) cannot be loaded."""

import os
import pathlib
import subprocess
import sys
import textwrap

ENGINE_TESTS = ["tests/test_network.py", "tests/test_idx.py", "tests/test_model_io.py", "tests/test_atomic.py",
                "tests/test_preprocess.py", "tests/test_hostile_models.py::test_the_real_thing_still_loads"]


def test_engine_tests_pass_without_qt_gui_libraries(tmp_path):
    # Make Qt's GUI modules fail to import exactly as they do without libGL.so.1.
    (tmp_path / "sitecustomize.py").write_text(textwrap.dedent('''
        import sys

        class NoQtGui:
            def find_spec(self, name, path=None, target=None):
                if name in ("PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtTest", "PySide6.QtOpenGL"):
                    raise ImportError("libGL.so.1: cannot open shared object file: No such file or directory")
                return None

        sys.meta_path.insert(0, NoQtGui())
    '''))
    repo = pathlib.Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *ENGINE_TESTS],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert " passed" in done.stdout and "error" not in done.stdout.splitlines()[-1]
