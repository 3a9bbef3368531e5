"""Event payloads that try to run workflow commands or add markup to the step summary.

Titles, commit messages, branch names, labels and release bodies carry every injection form the
runner would act on; stdout is read with the runner's own rules (tests/runner_commands.py) and no
command may come from the payload. The record itself still carries the text exactly.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import IFTRUE_TOKEN, ActionRun, event_payload, github_env, run_action
from tests.runner_commands import MARKER, injected, runner_commands
from tests.standins.iftrue import IftrueStandIn
from tests.summary_checks import summary_problems

# Each form, appended to ordinary text, would make the runner run a command if printed as is.
FORMS = {
    "newline": "\n::error::PWNED newline",
    "carriage return": "\r::warning::PWNED cr",
    "CRLF": "\r\n::notice::PWNED crlf",
    "U+2028 line separator": "\u2028::error::PWNED u2028",
    "U+2029 paragraph separator": "\u2029::error::PWNED u2029",
    "U+0085 next line": "\u0085::error::PWNED u0085",
    "vertical tab": "\x0b::error::PWNED vt",
    "form feed": "\x0c::error::PWNED ff",
    "file separator": "\x1c::error::PWNED fs",
    "group separator": "\x1d::error::PWNED gs",
    "record separator": "\x1e::error::PWNED rs",
    "legacy command mid-line": " ##[error]PWNED legacy",
    "legacy set-output": " ##[set-output name=PWNED;]x",
    "blanks before the command": "\u2028 \t\u3000\u00a0::set-output name=PWNED::x",
    "stop-commands": "\u2028::stop-commands::PWNED",
    "a title property": "\u2028::error title=PWNED::x",
    "add-mask": "\u2028::add-mask::PWNED",
}
# Markdown and HTML that would add links, images or tags, and characters that break a table.
MARKUP = (
    " ![img](https://evil.example/p.png) [click](https://evil.example/x) <img src=x onerror=alert(1)>"
    " <a href='https://evil.example'>a</a> https://evil.example/bare www.evil.example mail@evil.example"
    " a|b \\| `code` **bold** [ref]: https://evil.example/ref"
)
EVERYTHING = "Deploy" + "".join(FORMS.values()) + MARKUP


def hostile_event(trigger: str, text: str) -> tuple[str, dict[str, Any], str, str | None]:
    """(event name, payload, GITHUB_REF, GITHUB_SHA) with `text` in every free-text field."""
    if trigger == "pull_request":
        payload = copy.deepcopy(event_payload("pull_request-closed-merged"))
        pr = payload["pull_request"]
        pr["title"] = text
        pr["body"] = text
        pr["head"]["ref"] = "feature/" + text
        pr["labels"] = [{"name": text}, {"name": "bug"}]
        return "pull_request", payload, "refs/heads/master", "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
    if trigger == "push":
        payload = copy.deepcopy(event_payload("push-branch-created"))
        payload["head_commit"]["message"] = text + "\n\nbody " + text
        for commit in payload["commits"]:
            commit["message"] = text
        payload["ref"] = "refs/heads/" + text
        return "push", payload, "refs/heads/" + text, None
    payload = copy.deepcopy(event_payload("release-published"))
    payload["release"]["name"] = text
    payload["release"]["body"] = text + "\n" + text
    return "release", payload, "refs/tags/0.0.1", None


def report(tmp_path: Path, iftrue: IftrueStandIn, trigger: str, text: str) -> ActionRun:
    event_name, payload, ref, sha = hostile_event(trigger, text)
    env = github_env(tmp_path, event_name, payload, ref=ref, sha=sha)
    run = run_action(env, {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url, "github-token": ""})
    assert "Traceback" not in run.stdout + run.stderr
    return run


@pytest.mark.parametrize("form", FORMS, ids=list(FORMS))
def test_no_injection_form_runs_a_command(tmp_path: Path, iftrue: IftrueStandIn, form: str) -> None:
    run = report(tmp_path, iftrue, "pull_request", "Deploy" + FORMS[form])
    assert run.returncode == 0, run.stdout
    assert injected(run.stdout) == []
    assert iftrue.records[0]["title"] == "Deploy" + FORMS[form]  # sent as data, unchanged
    assert MARKER in run.stdout  # it is shown, as text


@pytest.mark.parametrize("trigger", ["pull_request", "push", "release"])
def test_every_field_carrying_every_form_runs_no_command_and_adds_no_markup(
    tmp_path: Path, iftrue: IftrueStandIn, trigger: str
) -> None:
    run = report(tmp_path, iftrue, trigger, EVERYTHING)
    assert run.returncode == 0, run.stdout
    assert injected(run.stdout) == []
    assert summary_problems(run.summary) == []
    assert len(iftrue.records) == 1 and any(EVERYTHING in str(value) for value in iftrue.records[0].values())
    # The action's own commands still work after the untrusted block.
    assert any(c.name == "endgroup" for c in runner_commands(run.stdout))
    assert "Reported to iftrue as deployment" in run.stdout


def test_a_dry_run_prints_the_record_inertly(tmp_path: Path) -> None:
    event_name, payload, ref, sha = hostile_event("release", EVERYTHING)
    env = github_env(tmp_path, event_name, payload, ref=ref, sha=sha)
    run = run_action(env, {"dry-run": "true", "github-token": ""})
    assert run.returncode == 0, run.stdout
    assert injected(run.stdout) == []
    assert summary_problems(run.summary) == []


def test_the_checks_catch_what_they_look_for() -> None:
    # A test that cannot fail is a defect: the raw forms are commands, the raw markup is markup.
    for form in FORMS.values():
        as_the_naive_code_printed_it = "Deploy" + re.sub("[\u2028\u2029\u0085\x0b\x0c\x1c-\x1e]", "\n", form)
        assert injected(as_the_naive_code_printed_it), form
    assert len(summary_problems("| Title | " + MARKUP + " |\n")) >= 6
