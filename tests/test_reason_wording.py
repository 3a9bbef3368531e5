"""The README's "Where each field comes from" table is the source of the reasons' wording: every
reason a field rule can give (a ``Derived(value, reason)``, a compare base's description, what an
event adapter says of its values) is written in the table's last column, its fixed words at least
(the parts an f-string fills in, a number or a SHA, vary)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "iftrue_deploy"
SOURCES = sorted([*(PACKAGE / "derive").glob("*.py"), *(PACKAGE / "trigger").glob("*.py")])
# Too short to say anything on their own ("#", ", ", " (").
SHORTEST = 4


def explain_column() -> str:
    """The last column of the README's table, and the paragraph under it that says what *why*
    may be, their Markdown code marks kept."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Where each field comes from", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert len(rows) == 15, "the table has one row a field of the record"
    why = section.split("\n*why*", 1)[1].split("\n\n", 1)[0]
    return "\n".join(row.rsplit(" | ", 1)[1] for row in rows) + " ".join(why.split())


def wordings(node: ast.expr) -> list[str]:
    """The fixed words of a reason expression: a string, or an f-string's constant parts."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [part.value for part in node.values if isinstance(part, ast.Constant) and isinstance(part.value, str)]
    if isinstance(node, ast.IfExp):
        return wordings(node.body) + wordings(node.orelse)
    if isinstance(node, ast.BinOp):
        return wordings(node.left) + wordings(node.right)
    return []


def reasons_in(path: Path) -> list[tuple[str, str]]:
    """(where, words) for each reason written in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        expressions: list[ast.expr] = []
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ("Derived", "CompareBase") and len(node.args) >= 2:
                expressions.append(node.args[1])
            expressions += [k.value for k in node.keywords if k.arg and k.arg.endswith("_from")]
        elif isinstance(node, ast.FunctionDef) and node.name.endswith(("_origin", "origin")):
            expressions += [n.value for n in ast.walk(node) if isinstance(n, ast.Return) and n.value is not None]
        for expression in expressions:
            words = [w.strip() for w in wordings(expression)]
            found += [(f"{path.name}:{expression.lineno}", w) for w in words if len(w) >= SHORTEST]
    return found


REASONS = [reason for path in SOURCES for reason in reasons_in(path)]


def test_the_reasons_are_found() -> None:
    assert len(REASONS) > 60
    files = {where.split(":")[0] for where, _ in REASONS}
    assert {"deployed.py", "describe.py", "flags.py", "identity.py", "outcome.py", "source.py", "events.py"} <= files


@pytest.mark.parametrize(("where", "words"), REASONS, ids=[f"{w}:{r[:30]}" for w, r in REASONS])
def test_each_reason_is_worded_in_the_readme(where: str, words: str) -> None:
    assert words in explain_column(), f"{where}: {words!r} is not in the README's `explain says` column"


def test_the_check_catches_a_reason_the_readme_does_not_word(tmp_path: Path) -> None:
    rule = tmp_path / "rule.py"
    rule.write_text('Derived(1, f"counted by {who} in a new way")\nreplace(t, commit_from="`x.y` of the event")\n')
    found = [words for _, words in reasons_in(rule)]
    assert found == ["counted by", "in a new way", "`x.y` of the event"]
    assert not any(words in explain_column() for words in found)


def test_the_readmes_explained_record_is_what_the_demo_prints(tmp_path: Path) -> None:
    """README "Where each field comes from" shows `python3 dev.py demo`'s record: it is that print."""
    event = ROOT / "examples" / "events" / "pull_request-merged.json"
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src")}
    command = [
        sys.executable,
        "-m",
        "iftrue_deploy",
        "--dry-run",
        "--event",
        str(event),
        "--event-name",
        "pull_request",
    ]
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True)
    printed = done.stdout.split("Deployment record (dry run: not sent)\n", 1)[1].split("\nPayload\n", 1)[0]
    readme = (ROOT / "README.md").read_text()
    shown = readme.split("```\nDeployment record (dry run: not sent)\n", 1)[1].split("\n```", 1)[0]
    assert shown == printed
