"""The package keeps its shape: small modules, no import cycles, dependencies pointing down.

engine <- session <- views <- windows: nothing imports what sits above it. Read from the source alone.
"""

import ast
import pathlib

import nnviz

PACKAGE_DIR = pathlib.Path(nnviz.__file__).parent
MAX_LINES = 500


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE_DIR.rglob("*.py")}


def _resolve(name: str, modules: dict[str, pathlib.Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(modules: dict[str, pathlib.Path]) -> dict[str, set[str]]:
    """module -> the package modules it imports (module level and inside functions alike)."""
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        base = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                prefix = base
                for _ in range(max(node.level - 1, 0)):
                    prefix = prefix.rpartition(".")[0]
                mod = (f"{prefix}.{node.module}" if node.module else prefix) if node.level else (node.module or "")
                names = [mod] + [f"{mod}.{a.name}" for a in node.names]
            else:
                continue
            for name in names:
                target = _resolve(name, modules) if name.split(".")[0] == "nnviz" else None
                # a package importing its own children, or a child its parent package, is no cycle
                if target and target != module and not target.startswith(module + ".") and not module.startswith(target + "."):
                    graph[module].add(target)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return cycles


def test_no_module_is_over_500_lines():
    sizes = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in MODULES.items()}
    assert {m: n for m, n in sizes.items() if n > MAX_LINES} == {}


def test_no_import_cycles():
    assert find_cycles(import_graph(MODULES)) == []


def test_the_cycle_finder_finds_a_cycle(tmp_path):
    a, b, c = tmp_path / "a.py", tmp_path / "b.py", tmp_path / "c.py"
    a.write_text("from nnviz.b import x\n")
    b.write_text("def f():\n    import nnviz.a\n")
    c.write_text("import nnviz.a\n")
    graph = import_graph({"nnviz.a": a, "nnviz.b": b, "nnviz.c": c})
    assert find_cycles(graph) == [["nnviz.a", "nnviz.b"]]


def test_dependencies_point_down():
    graph = import_graph(MODULES)

    def imports_of(prefix: str) -> set[str]:
        return {t for m, ts in graph.items() if m == prefix or m.startswith(prefix + ".") for t in ts}

    assert not {t for t in imports_of("nnviz.engine") if t.startswith(("nnviz.qt", "nnviz.cli"))}
    session_imports = imports_of("nnviz.qt.session") | imports_of("nnviz.qt._worker")
    assert not {t for t in session_imports if t.startswith("nnviz.qt.views") or "window" in t}, "sessions never touch widgets"
    view_imports = imports_of("nnviz.qt.views")
    assert not {t for t in view_imports if "window" in t or t.startswith(("nnviz.qt.session", "nnviz.qt.app"))}, \
        "views draw what they are given"
