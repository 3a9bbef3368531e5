"""Workflow commands: escaping, masking, outputs in heredoc form."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from tests.conftest import parse_outputs

from iftrue_deploy.workflow import SUMMARY_CUT_NOTICE, SUMMARY_LIMIT, WorkflowCommands, escape_data, escape_property


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


def annotations(**kwargs: object) -> tuple[WorkflowCommands, io.StringIO]:
    stream = io.StringIO()
    return WorkflowCommands(stream=stream, **kwargs), stream  # type: ignore[arg-type]


def test_each_level_is_its_own_command_and_is_counted() -> None:
    commands, stream = annotations()
    commands.notice("a deployment", title="Note")
    commands.notice("another")
    commands.error("bad input", title="Input")
    assert stream.getvalue().split("\n") == [
        "::notice title=Note::a deployment",
        "::notice::another",
        "::error title=Input::bad input",
        "",
    ]
    assert commands.counts == {"error": 1, "warning": 0, "notice": 2}


def test_an_annotation_keeps_its_text_on_one_line_and_inert() -> None:
    commands, stream = annotations()
    commands.warning("one\u2028two\x85three ##[error]x bell\x07 esc\x1b")
    assert stream.getvalue() == "::warning::one%0Atwo%0Athree ##\u200b[error]x bell\\u0007 esc\\u001b\n"


def test_outside_github_annotations_are_plain_lines() -> None:
    commands, stream = annotations(plain=True)
    commands.mask("s3cr3t")
    commands.error("token s3cr3t refused", title="iftrue")
    commands.warning("no title")
    commands.group("Record", ["line 1", "::line 2"])
    assert stream.getvalue().split("\n") == [
        "error: iftrue: token *** refused",
        "warning: no title",
        "Record",
        "line 1",
        ":\u200b:line 2",
        "",
    ]
    assert commands.counts == {"error": 1, "warning": 1, "notice": 0}


def test_lines_go_to_stdout_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    WorkflowCommands().info("hello \ud800 world")  # a lone surrogate is printed as "?"
    assert capsys.readouterr().out == "hello ? world\n"


def test_no_file_is_made_outside_github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    commands = WorkflowCommands(stream=io.StringIO())
    commands.set_outputs({"status": "succes"})
    commands.add_summary("# Deployment\n")
    assert list(tmp_path.iterdir()) == []


def test_a_value_with_a_carriage_return_is_a_heredoc_and_a_lone_surrogate_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    WorkflowCommands(output_path=str(out)).set_outputs({"title": "one\rtwo", "url": "x\ud800y", "status": "fail"})
    lines = out.read_bytes().decode().split("\n")
    assert lines[0].startswith("title<<ghadelimiter_") and lines[1] == "one\rtwo"
    assert lines[3:] == ["url=x?y", "status=fail", ""]


def test_a_file_that_cannot_be_written_is_a_warning_naming_it(tmp_path: Path) -> None:
    commands, stream = annotations(output_path=str(tmp_path), summary_path=str(tmp_path))  # directories
    commands.set_outputs({"status": "succes"})
    commands.add_summary("# Deployment\n")
    assert stream.getvalue().split("\n") == [
        f"::warning::Could not write GITHUB_OUTPUT ({tmp_path}): Is a directory; the step's outputs are missing.",
        f"::warning::Could not write GITHUB_STEP_SUMMARY ({tmp_path}): Is a directory; the step summary is missing.",
        "",
    ]


def test_a_summary_of_exactly_the_limit_is_written_whole(tmp_path: Path) -> None:
    summary = tmp_path / "summary"  # not there yet: the runner makes it, but nothing says it must
    text = ("x" * 99 + "\n") * (SUMMARY_LIMIT // 100)
    WorkflowCommands(summary_path=str(summary), stream=io.StringIO()).add_summary(text)
    assert summary.read_text() == text


def test_small_additions_add_up_to_the_limit_and_the_cut_keeps_every_whole_line_that_fits(tmp_path: Path) -> None:
    summary = tmp_path / "summary"
    commands = WorkflowCommands(summary_path=str(summary), stream=io.StringIO())
    for part in range(4):
        commands.add_summary(f"{part}{'y' * 8}\n" * 30_000)  # 300 kB each
    data = summary.read_bytes()
    notice = SUMMARY_CUT_NOTICE.encode()
    assert data.endswith(notice)
    kept = data[: -len(notice)]
    assert SUMMARY_LIMIT - len(notice) - 10 < len(kept) <= SUMMARY_LIMIT - len(notice)
    assert kept.endswith(b"yyy\n") and all(len(line) == 9 for line in kept.split(b"\n")[:-1])


def test_a_summary_cut_where_only_the_notice_fits_is_the_notice(tmp_path: Path) -> None:
    summary = tmp_path / "summary"
    summary.write_bytes(b"x" * (SUMMARY_LIMIT - len(SUMMARY_CUT_NOTICE.encode())))
    WorkflowCommands(summary_path=str(summary), stream=io.StringIO()).add_summary("| a row that does not fit |\n" * 9)
    assert summary.read_bytes().endswith(b"x" + SUMMARY_CUT_NOTICE.encode())
    assert len(summary.read_bytes()) == SUMMARY_LIMIT


def test_a_summary_already_full_gets_nothing_more(tmp_path: Path) -> None:
    summary = tmp_path / "summary"
    summary.write_bytes(b"x" * (SUMMARY_LIMIT - 10))
    commands = WorkflowCommands(summary_path=str(summary), stream=io.StringIO())
    commands.add_summary("| a row that does not fit |\n")
    commands.add_summary("x\n")
    assert summary.read_bytes() == b"x" * (SUMMARY_LIMIT - 10)


def test_a_lone_surrogate_in_the_summary_is_replaced(tmp_path: Path) -> None:
    summary = tmp_path / "summary"
    WorkflowCommands(summary_path=str(summary), stream=io.StringIO()).add_summary("| a\ud800b |\n")
    assert summary.read_bytes() == b"| a?b |\n"
