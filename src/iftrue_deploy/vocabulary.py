"""How a message names a setting: in the words of where the program runs.

The action speaks of its inputs (``commit-id``, ``Input 'commit-id'``, ``fail-on-error: false``)
and of the runner's variables (``GITHUB_SHA``). The command-line program speaks of its flags and
variables (``--commit-id / IFTRUE_COMMIT_ID``, ``--fail-on-error false``), and of the flag that
sets a runner variable (``--sha / GITHUB_SHA``), and never suggests a variable it does not read
(``GITHUB_ACTOR_ID``). A message is written once, with :func:`setting`, :func:`assign`,
:func:`runner` and :func:`label`, and reads right in both: the command-line program runs the whole
action inside ``speaking(COMMAND_LINE)``.

The words come from :data:`TERMS`, which :mod:`.inputs` fills from its one table of settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum


class Where(Enum):
    ACTION = "the action"
    COMMAND_LINE = "the command line"


ACTION = Where.ACTION
COMMAND_LINE = Where.COMMAND_LINE


@dataclass(frozen=True)
class Term:
    """One setting's names: ``name`` is its key (an input's id, or a runner variable such as
    ``GITHUB_SHA``), ``flag`` and ``variable`` the command line's (no flag: it does not read it)."""

    name: str
    flag: str | None
    variable: str | None
    action_variable: str | None = None  # the action reads this variable, not an input

    def in_action(self) -> str:
        return self.action_variable or self.name

    def on_command_line(self) -> str | None:
        if self.flag is None:
            return None
        return f"--{self.flag}" + (f" / {self.variable}" if self.variable else "")


TERMS: dict[str, Term] = {}
_where: ContextVar[Where] = ContextVar("where", default=ACTION)


def define(terms: Iterable[Term]) -> None:
    for term in terms:
        TERMS[term.name] = term


def where() -> Where:
    return _where.get()


@contextmanager
def speaking(place: Where) -> Iterator[None]:
    """Every message made inside the block (and every InputError shown in it) uses ``place``'s words."""
    token = _where.set(place)
    try:
        yield
    finally:
        _where.reset(token)


def runner(name: str) -> str | None:
    """A setting or runner variable as the program reads it here; None where nothing sets it (the
    command line reads no ``GITHUB_ACTOR_ID``)."""
    term = TERMS.get(name)
    if where() is COMMAND_LINE:
        return None if term is None else term.on_command_line()
    return name if term is None else term.in_action()


def came_from(name: str) -> str:
    """A setting as the source of a value, in a reason: ``GITHUB_SHA`` / ``--sha`` (a variable the
    command line has no flag for keeps its name: it can only have come from there)."""
    term = TERMS.get(name)
    if term is None:
        return name
    if where() is COMMAND_LINE and term.flag is not None:
        return f"--{term.flag}"
    return term.in_action()


def setting(name: str) -> str:
    """A setting named in a sentence: ``commit-id`` / ``--commit-id / IFTRUE_COMMIT_ID``."""
    return runner(name) or name


def label(name: str) -> str:
    """The subject of an error about a setting: ``Input 'commit-id'`` / ``--commit-id / IFTRUE_COMMIT_ID``
    (a tuning the action reads as a variable: ``Variable IFTRUE_READ_TIMEOUT``)."""
    term = TERMS.get(name)
    if where() is COMMAND_LINE and term is not None and term.flag is not None:
        return setting(name)
    if term is not None and term.action_variable:
        return f"Variable {term.action_variable}"
    return f"Input '{name}'"


def named(name: str) -> str:
    """A setting named mid-sentence as an error names it: ``input 'github-token'`` in the action,
    ``--github-token / GITHUB_TOKEN`` on the command line."""
    found = label(name)
    return found[:1].lower() + found[1:]


def assign(name: str, value: str) -> str:
    """What to write to give a setting a value: ``fail-on-error: false`` / ``--fail-on-error false``."""
    term = TERMS.get(name)
    if where() is COMMAND_LINE and term is not None and term.flag is not None:
        return f"--{term.flag} {value}"
    if term is not None and term.action_variable:
        return f"{term.action_variable}={value}"
    return f"{name}: {value}"


def either(*words: str | None) -> str:
    """``a, b or c`` of the words that exist here (a runner variable the command line lacks is None)."""
    present = [word for word in words if word]
    if len(present) <= 1:
        return "".join(present)
    return ", ".join(present[:-1]) + " or " + present[-1]
