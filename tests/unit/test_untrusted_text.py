"""Arbitrary Unicode through every function that prints or summarises untrusted text: the runner
finds no command in it but the action's own, and the summary gets no link, image or tag."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.runner_commands import runner_commands
from tests.summary_checks import LINK, summary_problems, unescaped

from iftrue_deploy.client import capped, display_url
from iftrue_deploy.markup import cell, link, url_link
from iftrue_deploy.workflow import SUMMARY_LIMIT, WorkflowCommands

# Every character (lone surrogates included, which a JSON string may hold), mixed with the
# fragments that make commands, line breaks and markup.
FRAGMENTS = [
    "::", "##[", "]", "\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e",
    " ", "\t", "\u3000", "\xa0", "\u200b", "error", "stop-commands", "add-mask", "set-output name=x", "%", ",",
    "![", "[", "](", ")", "<", ">", "&", "|", "\\", "`", "*", "_", "~", "$", "http://", "https://", "www.", "@",
    "javascript:", "<img src=x>", "<br>",
]  # fmt: skip
ANY_TEXT = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(st.characters(exclude_categories=()), max_size=8)), max_size=30
).map("".join)
OTHER_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def printed(action: str, text: str) -> str:
    stream = io.StringIO()
    commands = WorkflowCommands(stream=stream)
    if action == "info":
        commands.info(text)
    elif action == "group":
        commands.group(text, [text, text])
    else:
        commands.annotate("warning", text, title=text)
    return stream.getvalue()


def each_line_alone(stdout: str) -> list[str]:
    """Command names found line by line, as if no stop-commands were in force."""
    return [c.name for line in re.split(r"\r\n|[\r\n]", stdout) for c in runner_commands(line)]


@given(text=ANY_TEXT)
@settings(max_examples=400, deadline=None)
def test_info_prints_no_command(text: str) -> None:
    out = printed("info", text)
    assert each_line_alone(out) == []
    assert not OTHER_BREAKS.search(out)
    out.encode("utf-8")  # what reaches stdout is always valid UTF-8


@given(text=ANY_TEXT)
@settings(max_examples=400, deadline=None)
def test_group_is_one_block_whose_lines_are_inert_even_without_stop_commands(text: str) -> None:
    out = printed("group", text)
    assert [c.name for c in runner_commands(out)] == ["group", "stop-commands", "endgroup"]
    names = each_line_alone(out)
    assert names[:2] == ["group", "stop-commands"] and names[-1] == "endgroup" and len(names) == 4
    assert not OTHER_BREAKS.search(out)
    out.encode("utf-8")


@given(text=ANY_TEXT)
@settings(max_examples=400, deadline=None)
def test_an_annotation_is_one_command_on_one_line(text: str) -> None:
    out = printed("annotation", text)
    assert out.count("\n") == 1 and "\r" not in out
    assert [c.name for c in runner_commands(out)] == ["warning"]
    assert not OTHER_BREAKS.search(out)
    title = out.split("::", 2)[1].removeprefix("warning title=")
    assert ":" not in title.replace("%3A", "") and "," not in title


@given(text=ANY_TEXT)
@settings(max_examples=400, deadline=None)
def test_a_cell_adds_no_markup_and_keeps_the_row_whole(text: str) -> None:
    row = f"| Title | {cell(text)} |\n"
    assert summary_problems(row, own_links="") == []
    assert unescaped(row.rstrip("\n"), "|") == 3


@given(label=ANY_TEXT, url=st.one_of(ANY_TEXT, ANY_TEXT.map(lambda t: "https://example.com/" + t)))
@settings(max_examples=400, deadline=None)
def test_a_link_is_one_http_link_or_plain_text(label: str, url: str) -> None:
    row = f"| Link | {link(label, url)} |\n"
    assert unescaped(row.rstrip("\n"), "|") == 3
    assert summary_problems(row, own_links="http") == []
    targets = [url for _bang, _label, url in LINK.findall(row)]
    assert len(targets) <= 1
    for target in targets:
        assert re.fullmatch(r"https?://[^\s<>()|\\`\"'\[\]]+", target), target
        assert "@" not in urlsplit(target).netloc


def test_a_link_drops_user_and_password_and_refuses_other_schemes() -> None:
    assert link("x", "https://me:pw@example.com/a b") == "[x](https://example.com/a%20b)"
    # A password holding "/" hides where the host starts: no link rather than a guess.
    assert link("x", "https://me:p/w@example.com/a") == "x"
    assert "p/w" not in url_link("https://me:p/w@example.com/a")
    assert (
        url_link("https://me:pw@example.com/a")
        == "[https:\u200b//\\*\\*\\*@\u200bexample.com/a](https://example.com/a)"
    )
    assert link("x", "javascript:alert(1)") == "x"
    assert link("x", "data:text/html,<b>") == "x"


# What a reader of the summary sees, character for character: the text as written, nothing more.


def test_a_cell_shows_markdown_as_written() -> None:
    assert cell("**fix** [x](y) `a|b` ~~old~~ $x$ _i_ \\") == (
        "\\*\\*fix\\*\\* \\[x\\](y) \\`a\\|b\\` \\~\\~old\\~\\~ \\$x\\$ \\_i\\_ \\\\"
    )
    assert cell('<img src="x"> & co') == "&lt;img src=&quot;x&quot;&gt; &amp; co"


def test_a_cell_drops_control_characters_and_keeps_line_breaks_as_breaks() -> None:
    assert cell("bell\x07 and\x1b(0 red") == "bell and(0 red"
    assert cell("one\ntwo\r\nthree\u2028four") == "one<br>two<br>three<br>four"


def test_a_cell_breaks_autolinks_with_an_invisible_space() -> None:
    assert cell("see https://a.example, www.b.example or me@c.example") == (
        "see https:\u200b//a.example, www\u200b.b.example or me@\u200bc.example"
    )


def test_a_link_to_plain_http_and_without_an_address() -> None:
    assert link("Run", "http://ci.example/runs/7") == "[Run](http://ci.example/runs/7)"
    assert link("Run *7*", None) == "Run \\*7\\*"
    assert link("Run *7*", "") == "Run \\*7\\*"
    assert link("x", "https://") == "x"  # no host
    assert link("Run *7*", "https://[::1/x") == "Run \\*7\\*"  # not a URL at all


def test_a_link_keeps_only_the_host_after_the_last_at_sign() -> None:
    assert link("x", "https://a@b@example.com/p") == "[x](https://example.com/p)"


def test_a_link_with_a_lone_surrogate_is_still_one_link() -> None:
    assert link("x", "https://example.com/a\ud800b") == "[x](https://example.com/a?b)"


@given(text=ANY_TEXT, limit=st.integers(min_value=20, max_value=200))
def test_capped_text_is_within_the_limit_and_says_so(text: str, limit: int) -> None:
    cut = capped(text, limit)
    assert len(cut.encode("utf-8", "replace")) <= limit
    assert cut == text or cut.endswith("… (truncated)")


def test_urls_are_shown_without_userinfo() -> None:
    assert display_url("https://u:p@iftrue.example:8443/v1") == "https://***@iftrue.example:8443/v1"
    assert display_url("https://u:p/w@iftrue.example:8443/v1") == "https://***@iftrue.example:8443/v1"
    assert display_url("https://iftrue.example/v1") == "https://iftrue.example/v1"


def test_the_summary_stays_under_1_mib_and_says_it_was_cut(tmp_path: Path) -> None:
    summary = tmp_path / "summary"
    summary.write_text("# earlier step\n")
    commands = WorkflowCommands(summary_path=str(summary), stream=io.StringIO())
    commands.add_summary("| row | " + "x" * 1000 + " |\n" * 1)
    commands.add_summary(("| row | " + "y" * 1000 + " |\n") * 3000)
    commands.add_summary("after the cut\n")
    text = summary.read_text()
    assert len(text.encode()) < SUMMARY_LIMIT <= 1024 * 1024
    assert text.rstrip().endswith("(truncated: a step summary is limited to 1 MiB)")
    assert all(line.endswith(" |") for line in text.split("\n")[1:] if line.startswith("| row"))


def test_unwritable_outputs_and_summary_are_warnings(tmp_path: Path) -> None:
    stream = io.StringIO()
    missing = str(tmp_path / "no" / "such" / "file")
    commands = WorkflowCommands(output_path=missing, summary_path=missing, stream=stream)
    commands.set_outputs({"deployment-id": "1"})
    commands.add_summary("x")
    warnings = [line for line in stream.getvalue().split("\n") if line.startswith("::warning::")]
    assert len(warnings) == 2 and "GITHUB_OUTPUT" in warnings[0] and "GITHUB_STEP_SUMMARY" in warnings[1]
