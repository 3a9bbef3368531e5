#!/usr/bin/env python3
"""Mutation testing, one module at a time, with mutmut (CONTRIBUTING.md "Mutation testing").

    python3 dev.py mutate                      # every module in [tool.mutmut] only_mutate
    python3 dev.py mutate derive/source.py     # one module (also: iftrue_deploy.status, status.py)
    python3 dev.py mutate derive/ pacing.py    # every module of a package, and another
    python3 dev.py mutate --jobs 4 …           # mutmut's workers (default 1: a shared machine)

Each module is one `mutmut run` over that module's mutants only; mutmut runs, for each mutant, only
the tests that called the mutated function. The run starts from a fresh `mutants/` so that its
figures are this checkout's, and ends with `mutants/mutation-report.md`: per module the mutants,
how many the tests killed, the score and the time it took, then the diff of every survivor.
Run with this project's .venv python (dev.py does); uses the standard library and mutmut.
"""

# Every command it runs is built here from fixed parts (this interpreter, mutmut, module names).
# ruff: noqa: S603

from __future__ import annotations

import argparse
import fnmatch
import json
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
MUTANTS = ROOT / "mutants"
REPORT = MUTANTS / "mutation-report.md"
# mutmut's exit codes per mutant (mutmut/stats.py): a test failed (1, 3), ran out of time (timeouts:
# the mutant made the code loop), or the type checker refused it: all of them noticed the mutant.
KILLED = {1, 3, 24, -24, 36, 152, 255, 37}
SURVIVED = {0}
NO_TESTS = {5, 33}
SKIPPED = {34}


@dataclass
class Score:
    module: str
    killed: int = 0
    survived: list[str] = field(default_factory=list)
    no_tests: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    skipped: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.killed + len(self.survived) + len(self.no_tests) + len(self.other)

    @property
    def percent(self) -> float:
        return 100.0 * self.killed / self.total if self.total else 100.0


def in_scope() -> list[Path]:
    """The modules [tool.mutmut] only_mutate names, as paths under src/, in a stable order."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    patterns = [str(ROOT / pattern) for pattern in config["only_mutate"]]
    files = sorted(SRC.rglob("*.py"))
    return [path for path in files if any(fnmatch.fnmatch(str(path), pattern) for pattern in patterns)]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolve(spec: str, scope: list[Path]) -> list[Path]:
    """`derive/source.py`, `src/iftrue_deploy/derive/source.py`, `iftrue_deploy.derive.source`,
    `status` or `derive/` (every module of the package) → the modules in scope it names."""
    text = spec.strip().replace("\\", "/").removeprefix("./").removeprefix("src/").removeprefix("iftrue_deploy/")
    if "/" not in text and not text.endswith(".py"):
        text = text.removeprefix("iftrue_deploy.").replace(".", "/")
    text = text.rstrip("/")
    package = SRC / "iftrue_deploy"
    if (package / text).is_dir():
        found = [path for path in scope if path.is_relative_to(package / text)]
    else:
        wanted = package / (text if text.endswith(".py") else f"{text}.py")
        found = [path for path in scope if path == wanted]
    if not found:
        names = ", ".join(str(path.relative_to(package)) for path in scope)
        raise SystemExit(f"mutate: {spec!r} is no module in scope ([tool.mutmut] only_mutate): {names}")
    return found


def score_of(path: Path, seconds: float) -> Score:
    score = Score(module=str(path.relative_to(SRC / "iftrue_deploy")), seconds=seconds)
    meta = MUTANTS / path.relative_to(ROOT)
    meta = meta.with_name(meta.name + ".meta")
    if not meta.exists():
        return score
    for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
        if code in KILLED:
            score.killed += 1
        elif code in SURVIVED:
            score.survived.append(name)
        elif code in NO_TESTS:
            score.no_tests.append(name)
        elif code in SKIPPED:
            score.skipped += 1
        else:
            score.other.append(name)
    return score


def mutate(path: Path, jobs: int) -> Score:
    """One `mutmut run` over this module's mutants (its functions are `x_name`, its methods
    `xǁClassǁname`), its output kept in mutants/logs/."""
    module = module_name(path)
    log = MUTANTS / "logs" / f"{module}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"mutate: {module} …", flush=True)
    started = time.monotonic()
    with log.open("w") as out:
        done = subprocess.run(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), f"{module}.x*"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = time.monotonic() - started
    text = log.read_text(errors="replace")
    if done.returncode != 0 and "nothing matches" not in text:
        print(text[-4000:], file=sys.stderr)
        raise SystemExit(f"mutate: mutmut failed on {module} (exit {done.returncode}); its log: {log}")
    return score_of(path, seconds)


def row(score: Score) -> str:
    return (
        f"| {score.module} | {score.total} | {score.killed} | {len(score.survived)} | {len(score.no_tests)}"
        f" | {len(score.other)} | {score.percent:.1f}% | {score.seconds:.0f} s |"
    )


def diffs(names: list[str]) -> str:
    """The diff of each mutant, from mutmut's own `show`, in one process."""
    if not names:
        return ""
    program = (
        "import sys\n"
        "from mutmut.__main__ import find_mutant, get_diff_for_mutant\n"
        "for name in sys.argv[1:]:\n"
        "    print(f'### {name}\\n\\n```diff\\n{get_diff_for_mutant(name, path=find_mutant(name).path)}```\\n')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, *names], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return done.stdout if done.returncode == 0 else "\n".join(f"- {name}" for name in names) + "\n"


def report(scores: list[Score]) -> str:
    header = (
        "| module | mutants | killed | survived | no test | other | score | time |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    )
    table = header + "\n".join(row(score) for score in scores) + "\n"
    lost = [name for score in scores for name in score.survived + score.no_tests + score.other]
    return f"# Mutation testing\n\n{table}\n## What no test noticed\n\n{diffs(lost) or 'Nothing.'}\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python3 dev.py mutate", description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="derive/source.py, iftrue_deploy.status, derive/ …")
    parser.add_argument("--jobs", type=int, default=1, help="mutmut's workers (default 1)")
    parser.add_argument("--fail-under", type=float, default=0.0, help="exit 1 when a module scores less (percent)")
    arguments = parser.parse_args(argv)
    scope = in_scope()
    chosen = [path for spec in arguments.modules for path in resolve(spec, scope)] or scope
    chosen = list(dict.fromkeys(chosen))
    # A fresh start: mutmut keeps verdicts and test timings across runs, which a changed test
    # would make stale.
    shutil.rmtree(MUTANTS, ignore_errors=True)
    scores: list[Score] = []
    for path in chosen:
        score = mutate(path, arguments.jobs)
        scores.append(score)
        print(row(score), flush=True)
        REPORT.write_text(report(scores))  # after each module: a stopped run keeps what it found
    print(f"mutate: {sum(s.killed for s in scores)} of {sum(s.total for s in scores)} mutants killed; {REPORT}")
    weak = [score.module for score in scores if score.percent < arguments.fail_under]
    if weak:
        print(f"mutate: under {arguments.fail_under:g}%: {', '.join(weak)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
