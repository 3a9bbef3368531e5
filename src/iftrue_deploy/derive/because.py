"""Why each field is what it is (README "Where each field comes from").

Every field rule returns a :class:`Derived`: its value and the reason it was chosen, in the words of
the README's table. :meth:`ExplainedRecord.of` builds the record from those and nothing else, so a
field cannot reach the record without its reason, and a field of the record that no rule gave is
an error, not a silent default. The reasons are shown in the dry-run print, the step summary, the
``explain`` output and a backfill's progress lines.

A reason may quote text from the event or GitHub (a label, a subject): that is data, printed only
through the inert printers (:mod:`iftrue_deploy.workflow`, :mod:`iftrue_deploy.markup`), and
:func:`quoted` keeps it to one short line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import PrivateAttr

from ..payload import is_sha
from ..record import DeploymentRecord

T = TypeVar("T")

INPUT = "input"
QUOTE_LIMIT = 60
_BLANKS = re.compile(r"\s+")


@dataclass(frozen=True)
class Derived(Generic[T]):
    """A field's value and why it is that value."""

    value: T
    reason: str


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Text from the event or GitHub inside a reason: one line, at most ``limit`` characters, in
    backticks (its own backticks become quotes, so that the quote cannot end early)."""
    line = _BLANKS.sub(" ", text).strip().replace("`", "'")
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    return f"`{line}`"


def short(ref: str) -> str:
    """A SHA's first 7 characters; any other ref (a tag, a branch) whole."""
    return ref[:7] if is_sha(ref.lower()) else ref


class ExplainedRecord(DeploymentRecord):
    """The record, with the reason for each of its fields (the payload is the record's alone)."""

    _reasons: dict[str, str] = PrivateAttr(default_factory=dict)

    @classmethod
    def of(cls, fields: Mapping[str, Derived[Any]]) -> ExplainedRecord:
        unexplained = set(DeploymentRecord.model_fields) - set(fields)
        if unexplained:
            raise TypeError(f"no rule gave {', '.join(sorted(unexplained))}: every field needs a Derived")
        record = cls(**{name: derived.value for name, derived in fields.items()})
        record._reasons = {name: fields[name].reason for name in DeploymentRecord.model_fields}
        return record

    @property
    def reasons(self) -> Mapping[str, str]:
        """Each field of the record and where its value came from, in the record's order."""
        return dict(self._reasons)
