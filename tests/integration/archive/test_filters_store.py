"""`ArchiveFilter` against a real Chroma collection: its `where` clauses (dense search) and its mask over metadata
columns (BM25) select the same rows for every filter, and a filter kept for a session sees an embargo lift."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pytest

import rag.archive.filters as filters_module
from rag.archive.chroma import make_client
from rag.archive.filters import ArchiveFilter, FilterColumns
from rag.config import load_settings


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[arg-type,misc]


def ts(*parts: int) -> int:
    return int(_utc(*parts).timestamp())


GAZETTE, COURIER = "the harbour gazette", "valley courier"

# Passage metadata as the store writes it (outlet_key, published_ts, embargo_ts), and rows missing a field.
ROWS: dict[str, dict[str, Any]] = {
    "courier-june": {"outlet_key": COURIER, "published_ts": ts(2023, 6, 20, 12), "embargo_ts": 0},
    "gazette-march": {"outlet_key": GAZETTE, "published_ts": ts(2023, 3, 10, 9), "embargo_ts": 0},
    "courier-undated": {"outlet_key": COURIER, "published_ts": -1, "embargo_ts": 0},
    "gazette-no-date-field": {"outlet_key": GAZETTE, "embargo_ts": 0},
    "gazette-no-embargo-field": {"outlet_key": GAZETTE, "published_ts": ts(2023, 5, 1)},
    "gazette-embargoed": {"outlet_key": GAZETTE, "published_ts": ts(2023, 7, 1), "embargo_ts": ts(2999, 1, 1)},
    "gazette-lifted": {"outlet_key": GAZETTE, "published_ts": ts(2023, 5, 1), "embargo_ts": ts(2020, 1, 1)},
    "courier-1953": {"outlet_key": COURIER, "published_ts": ts(1953, 2, 1), "embargo_ts": 0},
    "courier-1969": {"outlet_key": COURIER, "published_ts": ts(1969, 7, 21), "embargo_ts": 0},
    "courier-nov30-last-second": {"outlet_key": COURIER, "published_ts": ts(2023, 11, 30, 23, 59, 59), "embargo_ts": 0},
    "courier-dec1-midnight": {"outlet_key": COURIER, "published_ts": ts(2023, 12, 1), "embargo_ts": 0},
    "no-outlet-field": {"published_ts": ts(2023, 6, 1), "embargo_ts": 0},
}
for _row in ROWS.values():
    _row["status"] = "published"
ROWS.update(
    {
        "gazette-draft": {"outlet_key": GAZETTE, "published_ts": ts(2023, 5, 2), "embargo_ts": 0, "status": "draft"},
        "gazette-retracted": {
            "outlet_key": GAZETTE,
            "published_ts": ts(2023, 5, 3),
            "embargo_ts": 0,
            "status": "retracted",
        },
        "gazette-no-status-field": {"outlet_key": GAZETTE, "published_ts": ts(2023, 5, 4), "embargo_ts": 0},
    }
)
# What every filter may show at most: a missing embargo field means embargoed; the 2999 embargo has not lifted;
# drafts, retracted articles and passages without a status are never shown to readers.
VISIBLE = set(ROWS) - {
    "gazette-no-embargo-field",
    "gazette-embargoed",
    "gazette-draft",
    "gazette-retracted",
    "gazette-no-status-field",
}
COURIERS = {i for i in VISIBLE if i.startswith("courier-")}

CASES: list[tuple[str, ArchiveFilter, set[str]]] = [
    ("no filter", ArchiveFilter(), VISIBLE),
    ("outlet, any case and spacing", ArchiveFilter.of(["  Valley   COURIER "]), COURIERS),
    ("two outlets", ArchiveFilter.of(["The Harbour Gazette", "valley courier"]), VISIBLE - {"no-outlet-field"}),
    ("an outlet key is the whole name", ArchiveFilter.of(["Harbour Gazette"]), set()),
    ("unknown outlet", ArchiveFilter(outlets=("Nowhere Times",)), set()),
    (
        "since a bare day: from its first second; undated never match",
        ArchiveFilter.of(since="2023-06-01"),
        {"no-outlet-field", "courier-june", "courier-nov30-last-second", "courier-dec1-midnight"},
    ),
    (
        "until a bare day: to its last second",
        ArchiveFilter.of(until="2023-11-30"),
        {
            "gazette-march",
            "gazette-lifted",
            "no-outlet-field",
            "courier-june",
            "courier-1953",
            "courier-1969",
            "courier-nov30-last-second",
        },
    ),
    (
        "date objects, before 1970",
        ArchiveFilter.of(since=date(1950, 1, 1), until=date(1969, 12, 31)),
        {"courier-1953", "courier-1969"},
    ),
    ("until before 1970", ArchiveFilter.of(until="1960-01-01"), {"courier-1953"}),
    (
        "outlet and dates",
        ArchiveFilter.of(["Valley Courier"], "2023-01-01", "2023-12-31"),
        {"courier-june", "courier-nov30-last-second", "courier-dec1-midnight"},
    ),
    (
        "an instant without a zone is UTC, both ends inclusive",
        ArchiveFilter(since=datetime(2023, 6, 20, 12), until=datetime(2023, 6, 20, 12)),
        {"courier-june"},
    ),
    ("embargo checked at a later moment", ArchiveFilter(now=_utc(3000, 1, 1)), VISIBLE | {"gazette-embargoed"}),
    ("embargo checked at an earlier moment", ArchiveFilter(now=_utc(2010, 1, 1)), VISIBLE - {"gazette-lifted"}),
    (
        "drafts allowed as well (an editor's filter)",
        ArchiveFilter(statuses=("published", "draft")),
        VISIBLE | {"gazette-draft"},
    ),
]


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real Chroma collection holding one record per row of `ROWS`."""
    settings = load_settings(environ={}, env_file=None).with_data_dir(tmp_path_factory.mktemp("filter-rows"))
    rows = make_client(settings).get_or_create_collection("filter-rows", embedding_function=None)
    ids = list(ROWS)
    rows.add(ids=ids, embeddings=np.eye(len(ids), 4, dtype=np.float32) + 0.01, metadatas=[ROWS[i] for i in ids])
    return rows


def seen_by_where(collection: Any, flt: ArchiveFilter) -> set[str]:
    return set(collection.get(where=flt.where(), include=[])["ids"])


def seen_by_mask(flt: ArchiveFilter) -> set[str]:
    ids = list(ROWS)
    mask = flt.mask(FilterColumns.of([ROWS[i] for i in ids]))
    return {i for i, allowed in zip(ids, mask, strict=True) if allowed}


@pytest.mark.parametrize(("name", "flt", "expected"), CASES, ids=[c[0] for c in CASES])
def test_where_clauses_and_mask_agree(collection: Any, name: str, flt: ArchiveFilter, expected: set[str]) -> None:
    assert seen_by_where(collection, flt) == expected
    assert seen_by_mask(flt) == expected


# --- ArchiveFilter.of: what people type ---------------------------------------------------------------------------


class Clock(datetime):
    """`datetime` whose `now` is set by the test."""

    current = _utc(2998, 12, 31, 23, 59, 59)

    @classmethod
    def now(cls, tz: Any = None) -> Clock:  # type: ignore[override]
        return cls.current  # type: ignore[return-value]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Clock]]:
    monkeypatch.setattr(filters_module, "datetime", Clock)
    yield Clock


def test_without_now_the_embargo_is_checked_at_each_query(collection: Any, clock: type[Clock]) -> None:
    """A long-lived filter (the app keeps one per session) sees an embargo lift while it is in use."""
    long_lived = ArchiveFilter.of(["The Harbour Gazette"])
    pinned = ArchiveFilter(outlets=("The Harbour Gazette",), now=_utc(2998, 12, 31, 23, 59, 59))
    assert long_lived.now is None
    clock.current = _utc(2998, 12, 31, 23, 59, 59)  # one second before the embargo lifts
    assert "gazette-embargoed" not in seen_by_where(collection, long_lived) | seen_by_mask(long_lived)
    clock.current = _utc(2999, 1, 1)  # the embargo's own second: lifted
    assert "gazette-embargoed" in seen_by_where(collection, long_lived)
    assert "gazette-embargoed" in seen_by_mask(long_lived)
    assert "gazette-embargoed" not in seen_by_where(collection, pinned) | seen_by_mask(pinned)
