"""How A4's modules may depend on each other, checked on the source so that it stays true.

- The four packages are layers that import one way only: `forms` (what an
  assessment is) ← `storage` (where records live) ← `exports` (how they
  leave) ← `tui` (the app and the `a4` command).  A lower layer never imports
  a higher one, and the lower layers never import the UI toolkit.
- No import cycle between any two modules, counting every import: at the
  top of a file, inside a function, and under `if TYPE_CHECKING:`.  A cycle
  means neither module can be read, tested or moved without the other.
- Screens (`tui/screens/`) never import the `a4` subcommands (`tui/commands/`):
  what both need belongs in a lower layer or in a module both may import.
- Only `storage/` itself imports a storage engine (`storage.sqlite.*`,
  `storage.postgres.*`, `storage.sql.*`); everything else goes through the
  `Store` protocol and `storage.connect`, so an engine can change alone.
  Tests and benchmarks, which exercise the engines themselves, are exempt.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("forms", "storage", "exports", "tui")

ALLOWED: dict[str, set[str]] = {
    "forms": set(),
    "storage": {"forms"},
    "exports": {"forms", "storage"},
    "tui": {"forms", "storage", "exports"},
}

FORBIDDEN_THIRD_PARTY: dict[str, set[str]] = {
    "forms": {"textual", "sqlite3", "psycopg"},
    "storage": {"textual"},
    "exports": {"textual"},
}

ENGINES = ("storage.sqlite", "storage.postgres", "storage.sql")


# ---------------------------------------------------------------- reading the source


def module_name(path: Path, root: Path) -> str:
    """`tui/screens/caseload.py` → `tui.screens.caseload`; a package's `__init__.py` is the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path: Path, module: str) -> set[str]:
    """Every dotted name a file imports, wherever the import is (functions, `TYPE_CHECKING` blocks).

    For `from a.b import c`, both `a.b` and `a.b.c` are given: `c` may be a
    module or a name in `a.b`, and the caller keeps the ones that are modules.
    Relative imports are resolved against `module`.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def imported_top_levels(path: Path, root: Path = ROOT) -> set[str]:
    """Top-level package names a source file under `root` imports, including imports inside functions."""
    return {name.split(".")[0] for name in imported_names(path, module_name(path, root))}


def import_graph(root: Path, packages: Iterable[str]) -> dict[str, set[str]]:
    """Module → the modules of `packages` it imports (each import's most specific module)."""
    files = {module_name(path, root): path for package in packages for path in (root / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets = {name for name in imported_names(path, module) if name in files}
        # `from a.b import c` names `a.b` and `a.b.c`: keep `a.b.c` when it is a module, else `a.b`.
        graph[module] = {t for t in targets if not any(o.startswith(t + ".") for o in targets)} - {module}
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import each other, directly or round a loop (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative, so a deep chain of imports cannot hit the recursion limit.
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(found)


# ---------------------------------------------------------------- the rules


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package: str) -> None:
    others = set(ALLOWED) - {package}
    for source in sorted((ROOT / package).rglob("*.py")):
        imported = imported_top_levels(source)
        wrong = (imported & others) - ALLOWED[package]
        assert not wrong, f"{source.relative_to(ROOT)} imports {sorted(wrong)}"
        banned = imported & FORBIDDEN_THIRD_PARTY.get(package, set())
        assert not banned, f"{source.relative_to(ROOT)} imports {sorted(banned)}"


def test_no_import_cycles() -> None:
    found = cycles(import_graph(ROOT, PACKAGES))
    assert not found, "modules that import each other: " + "; ".join(" ↔ ".join(c) for c in found)


def test_screens_never_import_the_subcommands() -> None:
    graph = import_graph(ROOT, PACKAGES)
    wrong = {
        module: sorted(t for t in targets if t.startswith("tui.commands"))
        for module, targets in graph.items()
        if module.startswith("tui.screens")
    }
    assert not {m: t for m, t in wrong.items() if t}


def test_only_storage_imports_a_storage_engine() -> None:
    graph = import_graph(ROOT, PACKAGES)
    wrong = {
        module: sorted(t for t in targets if t.startswith(ENGINES))
        for module, targets in graph.items()
        if not module.startswith("storage")
    }
    assert not {m: t for m, t in wrong.items() if t}


# ---------------------------------------------------------------- the checks can fail


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    source = tmp_path / "bad.py"
    source.write_text("def f():\n    from storage.sqlite.store import SqliteStore\n", encoding="utf-8")
    assert "storage" in imported_top_levels(source, tmp_path)


def test_the_check_sees_a_planted_cycle(tmp_path: Path) -> None:
    """A three-module loop made of a type-only import, a function-level import and a relative one."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.sub.b import B\n"
    )
    (package / "sub" / "b.py").write_text("def f():\n    from pkg import c\n")
    (package / "c.py").write_text("from .a import thing\n")
    (package / "d.py").write_text("import pkg.a\n")  # imports into the loop but is not part of it
    graph = import_graph(tmp_path, ["pkg"])
    assert cycles(graph) == [["pkg.a", "pkg.c", "pkg.sub.b"]]
    (package / "c.py").write_text("x = 1\n")
    assert cycles(import_graph(tmp_path, ["pkg"])) == []
