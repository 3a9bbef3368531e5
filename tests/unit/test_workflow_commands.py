"""Workflow commands: escaping, masking, outputs in heredoc form."""

from __future__ import annotations

import io
from pathlib import Path

from tests.conftest import parse_outputs

from iftrue_deploy.workflow import WorkflowCommands, escape_data, escape_property


def test_escaping_of_data_and_properties() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_annotation_is_one_line_and_scrubbed() -> None:
    stream = io.StringIO()
    commands = WorkflowCommands(stream=stream)
    commands.mask("s3cr3t")
    commands.warning("token s3cr3t leaked\nsecond line", title="a:b")
    lines = stream.getvalue().splitlines()
    assert lines == ["::add-mask::s3cr3t", "::warning title=a%3Ab::token *** leaked%0Asecond line"]


def test_info_line_cannot_inject_a_workflow_command() -> None:
    # A leading blank does not help (the runner trims it); a zero-width space inside "::" does.
    stream = io.StringIO()
    WorkflowCommands(stream=stream).info("title\n ::set-env name=X::1\u2028##[error]x")
    assert stream.getvalue().split("\n") == ["title", " :\u200b:set-env name=X::1\\u2028##\u200b[error]x", ""]


def test_the_record_block_switches_commands_off_with_a_fresh_token() -> None:
    stream = io.StringIO()
    commands = WorkflowCommands(stream=stream)
    commands.group("Deployment record", ['  "title": "x"'])
    commands.group("Again", [])
    lines = stream.getvalue().split("\n")
    assert lines[0] == "::group::Deployment record" and lines[1].startswith("::stop-commands::")
    token = lines[1].removeprefix("::stop-commands::")
    assert len(token) == 32 and lines[2:5] == ['  "title": "x"', f"::{token}::", "::endgroup::"]
    assert lines[6] != lines[1]


def test_outputs_use_a_random_heredoc_delimiter_for_multiline_values(tmp_path: Path) -> None:
    out = tmp_path / "out"
    commands = WorkflowCommands(output_path=str(out))
    commands.set_outputs({"one": "plain", "many": "line 1\nEOF\nline 3"})
    commands.set_outputs({"other": "x=y"})
    text = out.read_text()
    assert "many<<ghadelimiter_" in text
    assert parse_outputs(text) == {"one": "plain", "many": "line 1\nEOF\nline 3", "other": "x=y"}


def test_nothing_is_written_without_the_runner_files() -> None:
    commands = WorkflowCommands(stream=io.StringIO())
    commands.set_outputs({"a": "b"})
    commands.add_summary("# x")


def test_the_leak_scanner_finds_a_token_anywhere_but_on_its_mask_line() -> None:
    from tests.conftest import ActionRun, leaked

    clean = ActionRun(0, "::add-mask::tok3n-secret\nfine\n", "", {}, "", "")
    assert leaked(clean, ["tok3n-secret"]) == []
    for run in (
        ActionRun(0, "::error::bad tok3n-secret\n", "", {}, "", ""),
        ActionRun(0, "", "Traceback: tok3n-secret", {}, "", ""),
        ActionRun(0, "", "", {}, "payload=tok3n-secret\n", ""),
        ActionRun(0, "", "", {}, "", "| tok3n-secret |"),
    ):
        assert leaked(run, ["tok3n-secret"]) != []
