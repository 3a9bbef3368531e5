"""The one walk every backfill source goes through (iftrue_deploy.listing): each id once, pages
streamed and ended at the bound or at a page with nothing new, the order it happened."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from iftrue_deploy.listing import EARLIEST, Bound, Source, Spool, Walk

T0 = datetime(2024, 1, 1, tzinfo=UTC)
STARTED = datetime(2030, 1, 1, 12, 0, 0, 500000, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    id: int
    at: datetime | None
    ok: bool = True
    note: str = ""


SOURCE = Source(
    "items", Item, id=lambda i: i.id, when=lambda i: i.at, reportable=lambda i: i.ok, live_at=lambda i: i.at
)


def item(n: int, hours: float | None = None, ok: bool = True) -> Item:
    return Item(n, None if hours is None else T0 + timedelta(hours=n if hours is None else hours), ok)


def since(hours: float) -> Bound[Item]:
    cutoff = T0 + timedelta(hours=hours)
    return Bound(before=lambda i: (i.at or EARLIEST) < cutoff)


class Pages:
    """Pages handed out one at a time, counting how many were asked for."""

    def __init__(self, *pages: list[Item]) -> None:
        self.pages, self.asked = list(pages), 0

    def __iter__(self) -> Iterator[list[Item]]:
        for page in self.pages:
            self.asked += 1
            yield page


def walk(pages: Pages, bound: Bound[Item] | None = None, older: int = 0) -> tuple[Walk[Item], list[int]]:
    """The walk and the ids it gives, oldest first; with ``older``, that many base ids first."""
    w = Walk(SOURCE, bound or since(0), STARTED)
    w.read_pages(pages)
    base = [-i.id for i in w.older(lambda i: True, older)] if older else []  # read before the spool closes
    return w, base + [i.id for i in w.items(w.after())]


def test_an_id_listed_again_is_reported_once() -> None:
    w, ids = walk(Pages([item(5, 5), item(4, 4)], [item(4, 4), item(3, 3)], [item(2, 2)]))
    assert ids == [2, 3, 4, 5]
    assert w.result.repeated == 1 and w.result.listed == 4


def test_a_page_with_nothing_new_ends_the_listing_with_a_warning() -> None:
    same = [item(5, 5), item(4, 4)]
    pages = Pages(same, same, same, same)
    w, ids = walk(pages)
    assert ids == [4, 5]
    assert pages.asked == 2
    assert w.result.warnings == [
        "GitHub answered page 2 of the items with none that was not already listed; "
        "the listing ends there (every one listed before is reported)."
    ]


@pytest.mark.parametrize(
    "pages",
    [
        Pages([item(5, 5)], [item(5, 5)]),  # ended by a page with nothing new
        Pages([item(9, 9)], [item(1, 1)], [item(0, 0)]),  # ended by a page all before the bound
        Pages([item(9, 9)]),  # ended by the last page
    ],
)
def test_reading_the_pages_gives_what_it_found_however_the_listing_ends(pages: Pages) -> None:
    w = Walk(SOURCE, since(5), STARTED)
    assert w.read_pages(pages) is w.result
    assert w.result.listed >= 1


def test_the_older_items_are_one_unless_more_are_asked_for() -> None:
    w = Walk(SOURCE, since(5), STARTED)
    w.read_pages(Pages([item(9, 9), item(3, 3), item(2, 2), item(1, 1)]))
    assert w.older(lambda i: True) == [item(3, 3)]
    assert w.older(lambda i: i.id != 3, 2) == [item(2, 2), item(1, 1)]


def test_an_empty_page_ends_quietly() -> None:
    w, ids = walk(Pages([item(1, 1)], []))
    assert ids == [1] and w.result.warnings == []


def test_the_first_page_entirely_before_the_bound_ends_the_listing() -> None:
    pages = Pages([item(9, 9), item(8, 8)], [item(7, 7), item(2, 2)], [item(1, 1), item(0, 0)], [item(-1, -1)])
    _w, ids = walk(pages, since(5), older=2)
    assert ids == [-2, -1, 7, 8, 9]  # the base (the newest before the bound), then the items
    assert pages.asked == 3  # the third page is all before hour 5: the fourth is never asked for


def test_the_order_is_when_it_happened_not_the_listing_order() -> None:
    _w, ids = walk(Pages([item(1, 30), item(3, 10)], [item(2, 20), item(4, 10)]))
    assert ids == [3, 4, 2, 1]  # by time, then by id


def test_what_happened_after_the_start_is_left_to_the_live_workflow() -> None:
    later = Item(7, STARTED.replace(microsecond=0))  # in the very second the backfill started
    w, ids = walk(Pages([Item(8, STARTED + timedelta(hours=1)), later, item(1, 1)]))
    assert ids == [1]
    assert w.result.later == 2


def test_what_is_no_deployment_is_left_out_and_counted() -> None:
    w, ids = walk(Pages([item(2, 2, ok=False), item(1, 1)]))
    assert ids == [1] and w.result.left_out == 1


def test_a_marker_bound_starts_after_the_marked_item() -> None:
    marker: Bound[Item] = Bound(marker=lambda i: i.id == 3)
    pages = Pages([item(5, 5), item(4, 4)], [item(3, 3), item(2, 2)], [item(1, 1), item(0, 0)])
    _w, ids = walk(pages, marker, older=1)
    assert ids == [-3, 4, 5]  # the marker is the base
    assert marker.found == item(3, 3)
    assert pages.asked == 2  # page 2 (the marker and an older one) is all at or before it


def test_an_unmet_marker_leaves_the_bound_unknown() -> None:
    marker: Bound[Item] = Bound(marker=lambda i: i.id == 99)
    walk(Pages([item(2, 2), item(1, 1)]), marker)
    assert marker.before is None


def test_the_spool_gives_back_what_it_was_given() -> None:
    spool: Spool[Item] = Spool(Item)
    first = spool.write(Item(1, T0, True, "a\nb \u00e9 \ud800"))  # a lone surrogate is valid JSON text
    second = spool.write(Item(2, None, False))
    assert spool.read(second) == Item(2, None, False)
    assert spool.read(first) == Item(1, T0, True, "a\nb \u00e9 \ud800")
    spool.close()


def test_a_value_that_cannot_be_spooled_is_an_error() -> None:
    spool: Spool[object] = Spool(object)
    with pytest.raises(TypeError, match=r"^object cannot be spooled$"):
        spool.write(Item(1, T0, note=object()))  # type: ignore[arg-type]


def test_the_backfill_explain_output_is_bounded_and_valid_json() -> None:
    import json

    from iftrue_deploy.report import BackfillExplain

    explained = BackfillExplain(limit=300)
    for n in range(10):
        explained.add(f"v1.{n}", {"commits_count": f'compare from `v1.{n - 1}` \u00e9 "quoted"'})
    data = json.loads(explained.text())
    assert list(data) == [f"v1.{n}" for n in range(len(data))] and 0 < len(data) < 10
    assert len(explained.text().encode()) <= 300
    assert explained.left_out == 10 - len(data)
    assert json.loads(BackfillExplain().text()) == {}
