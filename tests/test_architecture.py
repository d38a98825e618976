"""The structure docs/architecture.md promises: no import cycle between modules, small modules, typed public
functions. (The layers themselves are checked by `lint-imports`, which `make test` runs first.)"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("vigie", "spiders", "refine", "warehouse", "feeds", "newsletters", "service", "flows")
MAX_LINES = 300


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _cycles() -> list[tuple[str, ...]]:
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    found = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            # A direct import a -> b plus any chain b -> ... -> a is a cycle through a.
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                found.append((module, *back))
    return found


def test_no_import_cycle_between_modules() -> None:
    assert _cycles() == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_is_small(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_public_functions_are_typed() -> None:
    untyped = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
                args = [a for a in node.args.args + node.args.kwonlyargs if a.arg not in ("self", "cls")]
                if node.returns is None or any(a.annotation is None for a in args):
                    untyped.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert untyped == []
