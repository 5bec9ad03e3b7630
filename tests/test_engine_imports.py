"""The engine stays free of Qt: no module under nnviz/engine imports PySide6, pyqtgraph or nnviz.qt."""

import ast
import json
import pathlib
import subprocess
import sys

import nnviz.engine

FORBIDDEN = ("PySide6", "pyqtgraph", "nnviz.qt")
ENGINE_DIR = pathlib.Path(nnviz.engine.__file__).parent
MODULES = sorted(p for p in ENGINE_DIR.rglob("*.py"))


def _is_forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def _imported_names(path: pathlib.Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__"):
            names += [arg.value for arg in node.args[:1] if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    return names


def test_the_engine_has_modules_to_check():
    assert {"network.py", "trainer.py", "model_io.py"} <= {p.name for p in MODULES}


def test_no_engine_source_imports_qt():
    offenders = {
        str(p.relative_to(ENGINE_DIR)): bad
        for p in MODULES
        if (bad := [n for n in _imported_names(p) if _is_forbidden(n)])
    }
    assert offenders == {}


def test_the_source_check_would_catch_a_qt_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom PySide6 import QtCore\nimport pyqtgraph as pg\nfrom nnviz.qt import app\n")
    assert [n for n in _imported_names(sample) if _is_forbidden(n)] == ["PySide6", "PySide6.QtCore", "pyqtgraph", "nnviz.qt", "nnviz.qt.app"]


def test_importing_every_engine_module_loads_no_qt():
    names = ["nnviz.engine"] + [
        "nnviz.engine." + ".".join(p.relative_to(ENGINE_DIR).with_suffix("").parts)
        for p in MODULES
        if p.name != "__init__.py"
    ]
    code = (
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if any(m == f or m.startswith(f + '.') for f in {FORBIDDEN!r}))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
