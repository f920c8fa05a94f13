"""The four packages depend one way only: tui → exports → storage → forms (see shared DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

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


def imported_top_levels(path: Path) -> set[str]:
    """Top-level module names a source file imports, including imports inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package: str) -> None:
    others = set(ALLOWED) - {package}
    for source in sorted((ROOT / package).rglob("*.py")):
        imported = imported_top_levels(source)
        wrong = (imported & others) - ALLOWED[package]
        assert not wrong, f"{source.relative_to(ROOT)} imports {sorted(wrong)}"
        banned = imported & FORBIDDEN_THIRD_PARTY.get(package, set())
        assert not banned, f"{source.relative_to(ROOT)} imports {sorted(banned)}"


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    source = tmp_path / "bad.py"
    source.write_text("def f():\n    from storage.sqlite.store import SqliteStore\n", encoding="utf-8")
    assert "storage" in imported_top_levels(source)
