"""Everything the action says to the runner: workflow commands, outputs and the step summary.

Outside GitHub Actions (no ``GITHUB_OUTPUT``), outputs and the summary are simply not written and
annotations are still printed, which other CI systems show as plain lines.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterable
from typing import Literal, TextIO

Level = Literal["error", "warning", "notice"]


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


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
        self.counts: dict[Level, int] = {"error": 0, "warning": 0, "notice": 0}

    def mask(self, secret: str | None) -> None:
        if not secret:
            return
        self._secrets.append(secret)
        if self._plain:
            return
        for line in secret.splitlines() or [secret]:
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
            self._write(f"{level}: " + (f"{title}: " if title else "") + self.scrub(message))
            return
        props = f" title={escape_property(title)}" if title else ""
        self._write(f"::{level}{props}::{escape_data(self.scrub(message))}")

    def error(self, message: str, title: str | None = None) -> None:
        self.annotate("error", message, title)

    def warning(self, message: str, title: str | None = None) -> None:
        self.annotate("warning", message, title)

    def notice(self, message: str, title: str | None = None) -> None:
        self.annotate("notice", message, title)

    def info(self, message: str) -> None:
        # A line that starts with "::" would be read as a workflow command; break it up.
        for line in self.scrub(message).splitlines() or [""]:
            self._write(" " + line if line.startswith("::") else line)

    def group(self, title: str, lines: Iterable[str]) -> None:
        if self._plain:
            self._write(title)
            for line in lines:
                self._write(self.scrub(line))
            return
        self._write(f"::group::{escape_data(title)}")
        for line in lines:
            self.info(line)
        self._write("::endgroup::")

    def set_outputs(self, outputs: dict[str, str]) -> None:
        if not self._output_path:
            return
        chunks = []
        for name, value in outputs.items():
            value = self.scrub(value)
            if "\n" in value or "\r" in value:
                delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
                while delimiter in value:  # pragma: no cover - 128 random bits
                    delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
                chunks.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
            else:
                chunks.append(f"{name}={value}\n")
        with open(self._output_path, "a", encoding="utf-8") as handle:
            handle.write("".join(chunks))

    def add_summary(self, markdown: str) -> None:
        if not self._summary_path:
            return
        with open(self._summary_path, "a", encoding="utf-8") as handle:
            handle.write(self.scrub(markdown))

    def _write(self, line: str) -> None:
        self._stream.write(line + "\n")
        self._stream.flush()
