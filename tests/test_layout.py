"""The package's layout rules hold: modules under 300 lines, no import cycle (.ci/check_layout.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "check_layout.py"


@pytest.fixture(scope="module")
def layout() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_layout", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_package_keeps_its_layout(layout: ModuleType) -> None:
    assert layout.problems() == []


def test_the_check_finds_a_cycle_and_a_lazy_import(layout: ModuleType) -> None:
    assert layout.cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert layout.cycle({"a": {"b"}, "b": set()}) is None
    # An import inside a function counts: run.py importing main lazily would close a loop.
    graph = {layout.module_name(p): set() for p in layout.PACKAGE.rglob("*.py")}
    main = layout.PACKAGE / "main.py"
    assert "iftrue_deploy.run" in layout.imports(main, set(graph))
