"""Reads a step's stdout the way the GitHub runner does, to find the workflow commands in it.

The runner's rules (actions/runner, ActionCommandManager): output is read line by line with
.NET's ``StreamReader.ReadLine``, which ends a line at "\\n", "\\r\\n" and a lone "\\r"; a
line is a v2 command if, after trimming leading blanks, it starts with ``::name props::data``; failing that, the legacy parser takes ``##[name props]data`` anywhere in
the line; after ``::stop-commands::TOKEN`` nothing is a command until a line ``::TOKEN::``.

This parser is stricter than the runner: it counts commands the runner does not know, and trims
everything Python calls a blank (a superset of .NET's ``char.IsWhiteSpace``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Every injection in the tests carries this word at the start of its command's name, properties
# or data; the action's own commands never start that way.
MARKER = "PWNED"


@dataclass(frozen=True)
class Command:
    name: str
    properties: str
    data: str
    line: str


def _v2(line: str) -> Command | None:
    trimmed = line.lstrip()
    if not trimmed.startswith("::"):
        return None
    end = trimmed.find("::", 2)
    if end < 0:
        return None
    info = trimmed[2:end]
    name, _, properties = info.partition(" ")
    return Command(name, properties, trimmed[end + 2 :], line)


def _legacy(line: str) -> Command | None:
    start = line.find("##[")
    if start < 0:
        return None
    end = line.find("]", start + 3)
    if end < 0:
        return None
    name, _, properties = line[start + 3 : end].partition(" ")
    return Command(name, properties, line[end + 1 :], line)


def runner_commands(stdout: str) -> list[Command]:
    """The commands the runner would run, in order (stop-commands honoured)."""
    found: list[Command] = []
    stop_token: str | None = None
    for line in re.split(r"\r\n|[\r\n]", stdout):
        command = _v2(line) or _legacy(line)
        if command is None:
            continue
        if stop_token is not None:
            if command.name == stop_token:
                stop_token = None
            continue
        if command.name == "stop-commands":
            stop_token = command.data
        found.append(command)
    return found


def injected(stdout: str) -> list[Command]:
    """Commands whose name, properties or the start of whose data came from an injection."""
    return [
        command
        for command in runner_commands(stdout)
        if MARKER in command.name
        or MARKER in command.properties
        or command.data.lstrip().startswith(MARKER)
        or (command.name == "stop-commands" and MARKER in command.data)
    ]
