#!/usr/bin/env python3
"""The package's layout rules (CONTRIBUTING.md "Map of the package"): no module over 300 lines,
and no import cycle among its modules, lazy imports inside functions included.

    python3 .ci/check_layout.py          # prints each problem; exit 1 if any

tests/test_layout.py runs the same check with the test suite.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "iftrue_deploy"
MAX_LINES = 300


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports, wherever in the file the import is."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from . import describe`
    return {m for m in found if m in modules and m != name}


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def problems() -> list[str]:
    files = sorted(PACKAGE.rglob("*.py"))
    found = [
        f"{path.relative_to(PACKAGE.parent.parent)} has {n} lines (at most {MAX_LINES})"
        for path in files
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    ]
    modules = {module_name(path) for path in files}
    graph = {module_name(path): imports(path, modules) for path in files}
    loop = cycle(graph)
    if loop:
        found.append("import cycle: " + " -> ".join(loop))
    return found


def main() -> int:
    found = problems()
    for problem in found:
        print(problem)
    print(f"layout: {len(found)} problem(s)" if found else "layout: every module under 300 lines, no import cycle")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
