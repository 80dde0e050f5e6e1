"""Habits of the layout that hold by themselves (issue 9; docs/architecture.md): no
import cycle, imports flowing down the layers, no private name imported from another
package, no module-level state that functions change (implementations are handed down
from bootstrap.py, never swapped in a global), and `python -m` runs the command module
once."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import dxlab

ROOT = Path(dxlab.__file__).resolve().parent

# Module-level state that functions change, each with why it may: a named in-memory store
# (`memory://NAME`) outlives its close() in this process, as a database file would.
ALLOWED_MODULE_STATE = {"dxlab/store/memory.py:_NAMED"}

_MUTATORS = frozenset(
    {"append", "extend", "insert", "remove", "add", "discard", "update", "setdefault"}
    | {"pop", "popitem", "clear"}
)


def _modules(root: Path) -> list[tuple[str, Path, ast.Module]]:
    out = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out.append((name, path, ast.parse(path.read_text(), str(path))))
    return out


def _package(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def private_imports_across_packages(root: Path = ROOT) -> list[str]:
    """`from dxlab.a.b import _name` (or `mod._name` of a module imported so) where the
    importer is not in package dxlab.a."""
    found = []
    for module, path, tree in _modules(root):
        here = _package(module, path)
        modules_named: dict[str, str] = {}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ImportFrom) and node.module):
                continue
            if not node.module.startswith(root.name):
                continue
            for alias in node.names:
                where = f"{path.relative_to(root.parent)}:{node.lineno}"
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    source = node.module.rpartition(".")[0] if "." in node.module else node.module
                    if source != here:
                        found.append(f"{where}: {node.module}.{alias.name}")
                else:
                    modules_named[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in modules_named
                and modules_named[node.value.id].rpartition(".")[0] != here
            ):
                found.append(
                    f"{path.relative_to(root.parent)}:{node.lineno}:"
                    f" {modules_named[node.value.id]}.{node.attr}"
                )
    return found


def module_state_changed_by_functions(root: Path = ROOT) -> list[str]:
    """Module-level dicts, lists and sets (or objects made by a call) that a function of
    the module changes (item assignment or deletion, or a mutating method), and module
    names a function rebinds (`global`)."""
    found = []
    for _module, path, tree in _modules(root):
        rel = str(path.relative_to(root.parent))
        names, every_name = set(), set()
        for node in tree.body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign) and node.value is not None
                else []
            )
            every_name |= {t.id for t in targets if isinstance(t, ast.Name)}
            value = getattr(node, "value", None)
            if isinstance(
                value, ast.Dict | ast.List | ast.Set | ast.Call | ast.DictComp | ast.ListComp
            ):
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
        functions = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        changed, rebound = set(), set()
        for function in functions:
            for node in ast.walk(function):
                if isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
                    targets = node.targets if not isinstance(node, ast.AugAssign) else [node.target]
                    for target in targets:
                        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                            changed.add(target.value.id)
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _MUTATORS
                    and isinstance(node.func.value, ast.Name)
                ):
                    changed.add(node.func.value.id)
                if isinstance(node, ast.Global):  # a function that swaps the module's name
                    rebound |= set(node.names)
        found += [f"{rel}:{name}" for name in sorted((names & changed) | (every_name & rebound))]
    return found


# docs/architecture.md's layers, top to bottom: a module imports only its own layer's or
# lower ones (a function-level import counts too).
LAYERS = (
    "testing",
    "cli",
    "server",
    "bootstrap",
    "web",
    "lab",
    "service",
    "toolkit",
    "routing",
    "domain",
    "store",
)


def _imports(root: Path) -> dict[str, set[str]]:
    """Each dxlab module and the dxlab modules it imports, anywhere in its body."""
    modules = {name: tree for name, _path, tree in _modules(root)}
    graph: dict[str, set[str]] = {}
    for name, tree in modules.items():
        targets = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def import_cycles(root: Path = ROOT) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    graph = _imports(root)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def imports_up_the_layers(root: Path = ROOT) -> list[str]:
    def layer(module: str) -> int | None:
        parts = module.split(".")
        return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None

    found = []
    for module, targets in sorted(_imports(root).items()):
        for target in sorted(targets):
            here, there = layer(module), layer(target)
            if here is not None and there is not None and there < here:
                found.append(f"{module} -> {target}")
    return found


def test_no_import_cycles() -> None:
    assert import_cycles() == []


def test_imports_flow_down_the_layers() -> None:
    assert imports_up_the_layers() == []


def test_the_import_checks_find_a_cycle_and_an_import_up(tmp_path: Path) -> None:
    package = tmp_path / "dxlab"
    for sub in ("domain", "service"):
        (package / sub).mkdir(parents=True)
        (package / sub / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "domain" / "a.py").write_text("def f():\n    from dxlab.service import b\n")
    (package / "service" / "b.py").write_text("from dxlab.domain import a\n")
    assert import_cycles(package) == [["dxlab.domain.a", "dxlab.service.b"]]
    assert imports_up_the_layers(package) == ["dxlab.domain.a -> dxlab.service.b"]


def test_no_private_name_is_imported_from_another_package() -> None:
    assert private_imports_across_packages() == []


def test_no_module_level_state_is_changed_by_functions() -> None:
    assert set(module_state_changed_by_functions()) == ALLOWED_MODULE_STATE


def test_the_scans_find_what_they_look_for(tmp_path: Path) -> None:
    """The checks above can fail: a package that breaks both habits is found."""
    package = tmp_path / "dxlab"
    (package / "a").mkdir(parents=True)
    (package / "b").mkdir()
    for init in (package, package / "a", package / "b"):
        (init / "__init__.py").write_text("")
    (package / "a" / "one.py").write_text(
        "REGISTRY: dict[str, int] = {}\n_PLANE = None\n\n"
        "def register(name):\n    REGISTRY[name] = 1\n\n"
        "def use(plane):\n    global _PLANE\n    _PLANE = plane\n\n"
        "def _helper():\n    return 1\n"
    )
    (package / "a" / "two.py").write_text("from dxlab.a.one import _helper\n")  # same package
    (package / "b" / "three.py").write_text(
        "from dxlab.a.one import _helper\nfrom dxlab.a import one\n\none._helper()\n"
    )
    assert private_imports_across_packages(package) == [
        "dxlab/b/three.py:1: dxlab.a.one._helper",
        "dxlab/b/three.py:4: dxlab.a.one._helper",
    ]
    assert module_state_changed_by_functions(package) == [
        "dxlab/a/one.py:REGISTRY",
        "dxlab/a/one.py:_PLANE",
    ]


def test_python_m_runs_the_command_module_once() -> None:
    """`python -m dxlab.cli.main` (how the tests, the demo and the benchmarks start
    servers) executes the module once: no runpy warning, no second copy of the commands."""
    for module in ("dxlab.cli.main", "dxlab.cli"):
        done = subprocess.run(
            [sys.executable, "-W", "error::RuntimeWarning", "-m", module, "--help"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0 and "RuntimeWarning" not in done.stderr, done.stderr


def test_the_lab_runs_without_the_service_layer() -> None:
    """Issue 9: the lab imports nothing from service/ (it implements the DataPlane
    protocol, whose shapes it names for the type checker only)."""
    script = (
        "import importlib, pkgutil, sys, dxlab.lab\n"
        "for m in pkgutil.iter_modules(dxlab.lab.__path__):\n"
        "    importlib.import_module('dxlab.lab.' + m.name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('dxlab.service')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
