"""Each past deployment exactly once, in the order it happened, with memory that does not grow
with the history (README "Backfill": exactly once). One walk for every source.

GitHub lists newest first, a page at a time, by page number: a page number is no identity, and an
item that lands while the backfill lists shifts every later page. So the walk:

- knows every item by its GitHub id: an id listed again is skipped;
- leaves out what happened after the backfill started (the live workflow reports it), and
  counts it;
- ends the listing at the first page that brings no new id (a server repeating its page), with a
  warning, and at the first page entirely before the ``since`` bound;
- holds one page at a time: each item it keeps goes to a spool file, and only its id, its place
  in the file and when it happened stay in memory (a few dozen bytes an item);
- then reads the items back in the order they happened (``when``, then the id), which need not
  be GitHub's listing order (a release published long after it was created, a run re-run).

The cost is one request per page; nothing is asked again. The spool is a temporary file,
removed when the walk is done or abandoned.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import IO, Any, Generic, TypeVar

T = TypeVar("T")
EARLIEST = datetime.min.replace(tzinfo=UTC)
Key = tuple[datetime, int]


@dataclass(frozen=True)
class Source(Generic[T]):
    """How the walk reads one kind of item."""

    what: str  # "releases", for messages
    kind: type[T]  # a frozen dataclass of plain fields and datetimes (written to the spool)
    id: Callable[[T], int]
    when: Callable[[T], datetime | None]  # when it happened: the order of the report
    reportable: Callable[[T], bool]  # else left out (a draft, a cancelled run, …)
    # When the live workflow would have reported it: after the backfill started, it is left to it.
    live_at: Callable[[T], datetime | None]

    def key(self, item: T) -> Key:
        return (self.when(item) or EARLIEST, self.id(item))


@dataclass
class Bound(Generic[T]):
    """Where the backfill starts: items at or before it are history already reported (or older
    than the date). ``before`` is known at once for a date or an id; for an item named by its tag
    or run id (``marker``), once the walk meets it."""

    before: Callable[[T], bool] | None = None
    marker: Callable[[T], bool] | None = None
    found: T | None = None

    def see(self, item: T, key: Callable[[T], Key]) -> None:
        if self.before is None and self.marker is not None and self.marker(item):
            self.found, mark = item, key(item)
            self.before = lambda other: key(other) <= mark

    def is_before(self, item: T) -> bool:
        return self.before is not None and self.before(item)


@dataclass
class Walked:
    """What the listing found, beside the items themselves."""

    listed: int = 0  # distinct ids
    repeated: int = 0  # ids listed again (pages that shifted)
    later: int = 0  # happened after the backfill started: left to the live workflow
    left_out: int = 0  # not deployments of this source (drafts, cancelled runs, …)
    warnings: list[str] = field(default_factory=list)


class Spool(Generic[T]):
    """Items written to a temporary file, read back by their place in it."""

    def __init__(self, kind: type[T]) -> None:
        self.kind = kind
        # json.dumps writes ASCII only (its escapes), which any encoding reads back as written.
        self.file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # pragma: no mutate (ASCII)

    def write(self, item: T) -> int:
        self.file.seek(0, 2)
        place = self.file.tell()
        self.file.write(json.dumps(asdict(item), default=_encode) + "\n")  # type: ignore[call-overload]
        return place

    def read(self, place: int) -> T:
        self.file.seek(place)
        return self.kind(**json.loads(self.file.readline(), object_hook=_decode))

    def close(self) -> None:
        self.file.close()


def _encode(value: object) -> object:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    raise TypeError(f"{type(value).__name__} cannot be spooled")


def _decode(value: dict[str, Any]) -> object:
    if set(value) == {"$datetime"}:
        return datetime.fromisoformat(value["$datetime"])
    return value


class Walk(Generic[T]):
    """Pass 1 (:meth:`read_pages`) reads the pages; pass 2 (:meth:`items` of :meth:`after`) gives the
    items after the bound, oldest first; :meth:`older` the newest ones at or before it (the base of
    the first)."""

    def __init__(self, source: Source[T], bound: Bound[T], started: datetime) -> None:
        # GitHub's times are whole seconds: one in the second the backfill started may be after it,
        # and is left to the live workflow (when unsure, it is not the backfill's).
        self.source, self.bound, self.started = source, bound, started.replace(microsecond=0)
        self.result = Walked()
        self.spool: Spool[T] = Spool(source.kind)
        self.index: list[tuple[Key, int]] = []  # (when it happened, the id) and its place in the spool

    def read_pages(self, pages: Iterable[list[T]]) -> Walked:
        source, seen = self.source, set[int]()
        for number, page in enumerate(pages, start=1):
            new = [item for item in page if source.id(item) not in seen]
            self.result.repeated += len(page) - len(new)
            if page and not new:
                self.result.warnings.append(
                    f"GitHub answered page {number} of the {source.what} with none that was not already listed; "
                    "the listing ends there (every one listed before is reported)."
                )
                break
            for item in new:
                seen.add(source.id(item))
                self.keep(item)
            self.result.listed = len(seen)
            if self.bound.before is not None and all(self.bound.is_before(item) for item in page):
                break  # GitHub lists newest first: the pages after this one are older still
        return self.result

    def keep(self, item: T) -> None:
        source = self.source
        if not source.reportable(item):
            self.result.left_out += 1
            return
        live = source.live_at(item)
        if live is not None and live >= self.started:
            self.result.later += 1
            return
        self.bound.see(item, source.key)
        self.index.append((source.key(item), self.spool.write(item)))

    def after(self) -> list[tuple[Key, int]]:
        """The index of the items after the bound, in the order they happened."""
        return sorted(entry for entry in self.index if not self.bound.is_before(self.spool.read(entry[1])))

    def older(self, wanted: Callable[[T], bool], count: int = 1) -> list[T]:
        """The newest ``count`` items at or before the bound that are ``wanted``, newest first."""
        found: list[T] = []
        for _key, place in sorted(self.index, reverse=True):
            item = self.spool.read(place)
            if self.bound.is_before(item) and wanted(item):
                found.append(item)
                if len(found) >= count:
                    break
        return found

    def items(self, entries: list[tuple[Key, int]]) -> Iterator[T]:
        try:
            for _key, place in entries:
                yield self.spool.read(place)
        finally:
            self.spool.close()
