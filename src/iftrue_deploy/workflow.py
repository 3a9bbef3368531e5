"""Everything the action says to the runner: workflow commands, outputs and the step summary.

Outside GitHub Actions (no ``GITHUB_OUTPUT``), outputs and the summary are simply not written and
annotations are still printed, which other CI systems show as plain lines.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from collections.abc import Iterable
from typing import Literal, TextIO

from .vocabulary import setting

Level = Literal["error", "warning", "notice"]

# The runner splits its output on \n (and \r\n); a lone \r ends a line in most viewers too.
LINE_BREAK = re.compile(r"\r\n|[\r\n]")
# What else some reader takes for a line break (Python's splitlines, a log viewer: \v \f \x1c-\x1e
# U+0085 U+2028 U+2029) and the other control characters, which can move the cursor or fake
# colours: shown as visible escapes such as "\u2028".
INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
OTHER_LINE_BREAKS = re.compile(r"[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
ANY_LINE_BREAK = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# The control characters that are no line break: shown as escapes in an annotation.
CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
ZERO_WIDTH_SPACE = "\u200b"
# GitHub cuts a step summary at 1 MiB; stay below it, with room for the notice.
SUMMARY_LIMIT = 1_000_000
SUMMARY_CUT_NOTICE = "\n\n… (truncated: a step summary is limited to 1 MiB)\n"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def inert_line(line: str) -> str:
    """One line of untrusted text made inert for the runner's two command parsers.

    The v2 parser takes a line whose start, after trimming every Unicode blank, is "::" (so a
    leading space does not help); the legacy parser takes "##[" anywhere. A zero-width space
    breaks both without changing what a reader sees.
    """
    line = INVISIBLE.sub(lambda match: f"\\u{ord(match.group()):04x}", line)
    line = line.replace("##[", f"##{ZERO_WIDTH_SPACE}[")
    body = line.lstrip()
    if body.startswith("::"):
        line = line[: len(line) - len(body)] + ":" + ZERO_WIDTH_SPACE + body[1:]
    return line


def inert_lines(text: str) -> list[str]:
    return [inert_line(line) for line in LINE_BREAK.split(text)]


def annotation_data(text: str) -> str:
    """An annotation's message: one physical line, escaped as the runner unescapes it."""
    text = OTHER_LINE_BREAKS.sub("\n", text).replace("##[", f"##{ZERO_WIDTH_SPACE}[")
    text = CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return escape_data(text)


class WorkflowCommands:
    """Owns stdout's workflow commands and the files behind GITHUB_OUTPUT and GITHUB_STEP_SUMMARY."""

    def __init__(
        self,
        output_path: str = "",
        summary_path: str = "",
        stream: TextIO | None = None,
        plain: bool = False,
    ) -> None:
        # plain: outside GitHub Actions, annotations are "error: …" lines and nothing is masked
        # by the runner (secrets are still scrubbed from everything printed).
        self._plain = plain
        self._output_path = output_path
        self._summary_path = summary_path
        self._stream = stream if stream is not None else sys.stdout
        self._secrets: list[str] = []
        self._summary_used: int | None = None
        self._summary_cut = False  # pragma: no mutate (None would do as well: only its truth is read)
        self.counts: dict[Level, int] = {"error": 0, "warning": 0, "notice": 0}

    def mask(self, secret: str | None) -> None:
        if not secret:
            return
        self._secrets.append(secret)
        if self._plain:
            return
        # Each piece between line breaks of ANY kind is masked alone: one add-mask line holding
        # U+2028 (or \v, \x85, …) could be split by the runner and print its second half.
        for line in ANY_LINE_BREAK.split(secret):
            if line.strip():
                self._write(f"::add-mask::{escape_data(line)}")

    def scrub(self, text: str) -> str:
        """Removes any registered secret from text that is about to leave the process."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def annotate(self, level: Level, message: str, title: str | None = None) -> None:
        self.counts[level] += 1
        if self._plain:
            self._print_inert(f"{level}: " + (f"{title}: " if title else "") + message)
            return
        props = f" title={escape_property(annotation_data(title))}" if title else ""
        self._write(f"::{level}{props}::{annotation_data(self.scrub(message))}")

    def error(self, message: str, title: str | None = None) -> None:
        self.annotate("error", message, title)

    def warning(self, message: str, title: str | None = None) -> None:
        self.annotate("warning", message, title)

    def notice(self, message: str, title: str | None = None) -> None:
        self.annotate("notice", message, title)

    def info(self, message: str) -> None:
        """Plain log lines; safe for any text (see inert_line)."""
        self._print_inert(message)

    def group(self, title: str, lines: Iterable[str]) -> None:
        """A collapsed group of lines of untrusted text, printed with workflow commands switched off
        (``::stop-commands::``) and each line made inert as well."""
        if self._plain:
            self._print_inert(title)
            for line in lines:
                self._print_inert(line)
            return
        self._write(f"::group::{annotation_data(title)}")
        token = secrets.token_hex(16)
        self._write(f"::stop-commands::{token}")
        try:
            for line in lines:
                self._print_inert(line)
        finally:
            # Also when interrupted mid-way: the error that follows must still be read as one.
            self._write(f"::{token}::")
            self._write("::endgroup::")

    def set_outputs(self, outputs: dict[str, str]) -> None:
        if not self._output_path:
            return
        chunks = []
        for name, value in outputs.items():
            value = self.scrub(value)
            if "\n" in value or "\r" in value:
                # pragma: no mutate start (any length of random hex is as unguessable a delimiter)
                delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
                while delimiter in value:  # pragma: no cover - 128 random bits
                    delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
                # pragma: no mutate end
                chunks.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
            else:
                chunks.append(f"{name}={value}\n")
        try:
            with open(
                self._output_path,
                "a",
                encoding="utf-8",  # pragma: no mutate (UTF-8 is the locale's encoding wherever tests run)
                errors="replace",
            ) as handle:
                handle.write("".join(chunks))
        except OSError as error:
            self._could_not_write("GITHUB_OUTPUT", self._output_path, error, "the step's outputs are missing")

    def add_summary(self, markdown: str) -> None:
        """Appends to the step summary, cut (visibly, at a line) to stay under GitHub's 1 MiB."""
        if not self._summary_path:
            return
        if self._summary_used is None:
            try:
                self._summary_used = os.path.getsize(self._summary_path)
            except OSError:
                self._summary_used = 0
        raw = self.scrub(markdown).encode(errors="replace")  # UTF-8, always
        room = SUMMARY_LIMIT - self._summary_used
        if self._summary_cut:
            return
        if len(raw) > room:
            self._summary_cut = True
            notice = SUMMARY_CUT_NOTICE.encode()
            if room >= len(notice):
                keep = raw[: room - len(notice)]
                raw = keep[: keep.rfind(b"\n") + 1] + notice  # whole lines only: no half escape or cell
            else:
                raw = b""
        try:
            with open(self._summary_path, "ab") as handle:
                handle.write(raw)
        except OSError as error:
            self._could_not_write("GITHUB_STEP_SUMMARY", self._summary_path, error, "the step summary is missing")
            return
        self._summary_used += len(raw)

    def _could_not_write(self, variable: str, path: str, error: OSError, consequence: str) -> None:
        # A warning, never a failed step: after iftrue recorded the deployment, a failed step
        # invites a re-run, and a re-run records it twice.
        self.warning(f"Could not write {setting(variable)} ({path}): {error.strerror or error}; {consequence}.")

    def _print_inert(self, text: str) -> None:
        for line in inert_lines(self.scrub(text)):
            self._write(line)

    def _write(self, line: str) -> None:
        # A lone surrogate (valid in a JSON string) cannot be encoded: "?" rather than a crash.
        self._stream.write(line.encode(errors="replace").decode() + "\n")
        self._stream.flush()
