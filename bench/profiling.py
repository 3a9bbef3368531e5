"""Section 5 (``--profile``): where the action's time goes in the two timing cases of section 2:
``-X importtime``, cProfile, and a what-if with the garbage collector off. (Not named
``profile.py``: that is the stdlib module cProfile imports.)"""

from __future__ import annotations

import io
import pstats
import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests import scenarios
from tests.conftest import ENTRYPOINT

from bench.harness import ROOT, RUN_TIMEOUT, action_env, first_command, ms, out, reset_files, run_child, standins, table
from bench.timing import prepare_case

GC_OFF_WRAPPER = (
    "import gc, runpy, sys; gc.disable(); sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
)
IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")
PROFILE_POINTS = [
    ("main.py", "main", "main() (after `from iftrue_deploy.main import main`)"),
    ("settings.py", "from_environ", "Settings.from_environ"),
    ("run.py", "run_once", "run_once (lazy imports included)"),
    ("derive.py", "derive_record", "derive_record"),
    ("gateway.py", "__init__", "PyGithubFacts.__init__ (Github client)"),
    ("client.py", "send", "IftrueClient.send (the POST)"),
    ("report.py", "summary_markdown", "summary_markdown"),
    ("~", "<method 'recv_into' of '_socket.socket' objects>", "socket recv (waiting for a stand-in)"),
    ("~", "<method 'connect' of '_socket.socket' objects>", "socket connect"),
]
INTERESTING_MODULES = [
    *(f"iftrue_deploy.{name}" for name in ("main", "settings", "run", "client", "derive", "record", "report")),
    *("iftrue_deploy.gateway", "iftrue_deploy.backfill", "requests", "pydantic", "pydantic_core"),
    *("github", "github.Auth", "jwt", "nacl", "urllib3"),
]
Cases = dict[str, tuple[dict[str, str], dict[str, str]]]  # case -> (full environment, GITHUB_* environment)


def parse_importtime(text: str) -> tuple[dict[str, int], dict[str, int]]:
    """(self µs by top-level package, cumulative µs by module) from -X importtime output."""
    by_package: dict[str, int] = {}
    cumulative: dict[str, int] = {}
    for line in text.splitlines():
        m = IMPORT_LINE.match(line)
        if not m:
            continue
        own, cum, name = int(m.group(1)), int(m.group(2)), m.group(4)
        top = name.split(".")[0]
        by_package[top] = by_package.get(top, 0) + own
        cumulative[name] = cum
    return by_package, cumulative


def _med(values: list[int] | None) -> float:
    return statistics.median(values) / 1000 if values else 0.0


def importtime_tables(cases: Cases, runs: int) -> None:
    packages: dict[str, dict[str, list[int]]] = {"a": {}, "b": {}}
    modules: dict[str, dict[str, list[int]]] = {"a": {}, "b": {}}
    totals: dict[str, list[int]] = {"a": [], "b": []}
    for _ in range(max(3, runs // 3)):
        for case, (full, env) in cases.items():
            reset_files(env)
            child = run_child([sys.executable, "-X", "importtime", str(ENTRYPOINT)], full, None, RUN_TIMEOUT)
            by_package, cumulative = parse_importtime(child.stderr)
            totals[case].append(sum(by_package.values()))
            for name, value in by_package.items():
                packages[case].setdefault(name, []).append(value)
            for name, value in cumulative.items():
                modules[case].setdefault(name, []).append(value)
    ranked = sorted(packages["b"], key=lambda name: -_med(packages["b"][name]))[:16]
    rows = [[name, f"{_med(packages['a'].get(name)):.1f}", f"{_med(packages['b'].get(name)):.1f}"] for name in ranked]
    rows.append(["**all imports**", f"**{_med(totals['a']):.1f}**", f"**{_med(totals['b']):.1f}**"])
    out(
        "`python -X importtime entrypoint.py`, self time summed per top-level package (median ms; importtime "
        "itself inflates these by roughly 10–30 %):"
    )
    out()
    out(table(["package", "(a) no lookups ms", "(b) push ms"], rows))
    out()
    rows = []
    for name in INTERESTING_MODULES:
        a, b = modules["a"].get(name), modules["b"].get(name)
        if a or b:
            rows.append([name, f"{_med(a):.1f}" if a else "not imported", f"{_med(b):.1f}" if b else "not imported"])
    out("Cumulative import time of selected modules where they are first imported (median ms):")
    out()
    out(table(["module", "(a) no lookups", "(b) push"], rows))
    out()


def cprofile_tables(cases: Cases, tmp: Path) -> None:
    rows = []
    tops: dict[str, list[tuple[str, float, float]]] = {}
    for case, (full, env) in cases.items():
        reset_files(env)
        prof = tmp / f"{case}.prof"
        argv = [sys.executable, "-m", "cProfile", "-o", str(prof), str(ENTRYPOINT)]
        child = run_child(argv, full, str(ROOT), RUN_TIMEOUT)
        if child.returncode != 0 or not prof.exists():
            out(f"cProfile run ({case}) failed: exit {child.returncode}, {first_command(child.stdout + child.stderr)}")
            continue
        stats = pstats.Stats(str(prof), stream=io.StringIO())
        raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
        total = stats.total_tt  # type: ignore[attr-defined]
        found: dict[str, float] = {"total (profiled)": total}
        found["imports (_find_and_load, cumulative)"] = _outermost_imports(raw)
        for file_part, func, label in PROFILE_POINTS:
            value = sum(v[3] for k, v in raw.items() if k[0].endswith(file_part) and k[2] == func)
            if value:
                found[label] = value
        for label, value in found.items():
            tops.setdefault(label, []).append((case, value, total))
        own = sorted(raw.items(), key=lambda kv: -kv[1][2])[:8]
        rows.append([f"({case})", "; ".join(f"{_fname(k)} {v[2] * 1000:.0f} ms" for k, v in own)])
    table_rows = []
    for label, values in tops.items():
        by_case = {case: value for case, value, _ in values}
        table_rows.append([label, f"{by_case.get('a', 0) * 1000:.0f}", f"{by_case.get('b', 0) * 1000:.0f}"])
    out("cProfile (`python -m cProfile entrypoint.py`, one run each; cumulative ms; profiling overhead included):")
    out()
    out(table(["phase", "(a) no lookups", "(b) push"], table_rows))
    out()
    out("Top own time (tottime) per case:")
    out()
    out(table(["case", "functions"], rows))
    out()


def gc_what_if(cases: Cases, runs: int) -> None:
    """The same process with the cyclic garbage collector off from the start. A short-lived process
    gains nothing from collecting; its passes land in whichever import is running."""
    gc_argv = [sys.executable, "-c", GC_OFF_WRAPPER, str(ENTRYPOINT)]
    plain_argv = [sys.executable, str(ENTRYPOINT)]
    gc_rows = []
    for case, (full, env) in cases.items():
        plain, gc_off = [], []
        for _ in range(runs):
            reset_files(env)
            plain.append(run_child(plain_argv, full, None, RUN_TIMEOUT).seconds)
            reset_files(env)
            gc_off.append(run_child(gc_argv, full, None, RUN_TIMEOUT).seconds)
        a, b = statistics.median(plain), statistics.median(gc_off)
        gc_rows.append([f"({case})", ms(a), ms(b), f"{(b - a) * 1000:+.0f}"])
    out(
        f"What-if without editing src/: `gc.disable()` before entrypoint.py runs (runpy wrapper), {runs} alternating runs:"
    )
    out()
    out(table(["case", "as is ms", "gc disabled ms", "difference ms"], gc_rows))
    out()


def section_profile(runs: int) -> None:
    out("## 5. Where the action's time goes (`--profile`)")
    out()
    with standins() as (github, iftrue), tempfile.TemporaryDirectory(prefix="iftrue-bench-") as tmpdir:
        tmp = Path(tmpdir)
        repo = scenarios.build_repo(github)
        prefix = tmp / "pycache"
        cases: Cases = {}
        for case in ("a", "b"):
            case_tmp = tmp / case
            case_tmp.mkdir()
            env, inputs = prepare_case(case, github, iftrue, repo, case_tmp)
            full = {**action_env(env, inputs), "PYTHONPYCACHEPREFIX": str(prefix)}
            # One run that may write byte-code fills the private cache, as in section 2.
            warm = {k: v for k, v in full.items() if k != "PYTHONDONTWRITEBYTECODE"}
            run_child([sys.executable, str(ENTRYPOINT)], warm, None, RUN_TIMEOUT)
            run_child([sys.executable, "-c", GC_OFF_WRAPPER, str(ENTRYPOINT)], warm, None, RUN_TIMEOUT)
            cases[case] = (full, env)
        importtime_tables(cases, runs)
        cprofile_tables(cases, tmp)
        gc_what_if(cases, runs)


def _fname(key: tuple[str, int, str]) -> str:
    path, _line, name = key
    return f"{Path(path).name}:{name}" if path != "~" else name


def _outermost_imports(raw: dict[Any, Any]) -> float:
    """Time spent importing: _find_and_load's cumulative time, counted only where its caller is no import.

    cProfile's cumulative time of a recursive function already counts only the outermost calls, so
    _find_and_load's own entry is what every import took, nested imports once.
    """
    for key, value in raw.items():
        if key[2] == "_find_and_load" and "importlib._bootstrap" in key[0]:
            return float(value[3])
    return 0.0
