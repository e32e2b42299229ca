"""`ArchiveFilter`: built from what people type, and one rule in two forms that agree: Chroma `where` clauses
(dense search) and a mask over metadata columns (BM25). Both fail closed. Filtered searches of a real archive:
test_store.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rag.archive.filters import NEVER, ArchiveFilter, FilterColumns, outlet_key
from rag.errors import LoadError


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[arg-type,misc]


def ts(*parts: int) -> int:
    return int(_utc(*parts).timestamp())


GAZETTE, COURIER = "the harbour gazette", "valley courier"


def test_missing_metadata_reads_as_embargoed_and_undated() -> None:
    columns = FilterColumns.of([{}, {"outlet_key": COURIER, "published_ts": 5, "embargo_ts": 7, "status": "published"}])
    assert columns.embargo.tolist() == [NEVER, 7]
    assert columns.published.tolist() == [-1, 5]
    assert columns.outlets.tolist() == ["", COURIER]
    assert columns.status.tolist() == ["", "published"]
    assert ArchiveFilter(now=_utc(9999, 12, 31)).mask(columns).tolist() == [False, True]


# --- ArchiveFilter.of: what people type ---------------------------------------------------------------------------


def test_of_reads_bare_days_as_whole_days() -> None:
    flt = ArchiveFilter.of(since="2023-11-01", until="2023-11-30")
    assert (flt.since, flt.until) == (_utc(2023, 11, 1), _utc(2023, 11, 30, 23, 59, 59))
    assert ArchiveFilter.of(since=date(2023, 11, 1), until=date(2023, 11, 30)) == flt
    moment = ArchiveFilter.of(until="2023-11-30T12:30:00Z")
    assert moment.until == _utc(2023, 11, 30, 12, 30)
    assert ArchiveFilter.of() == ArchiveFilter()


def test_of_drops_blank_outlets_and_keeps_the_spelling() -> None:
    flt = ArchiveFilter.of(["", "  ", "Valley Courier", "the harbour GAZETTE"])
    assert flt.outlets == ("Valley Courier", "the harbour GAZETTE")
    assert flt.allows_outlet("VALLEY  courier") and flt.allows_outlet("The Harbour Gazette")
    assert not flt.allows_outlet("Harbour Gazette")
    assert flt.narrowed("Reuters").outlets == ("Reuters",) and flt.narrowed("Reuters").since == flt.since
    assert ArchiveFilter().allows_outlet("anything")
    assert outlet_key("  The  Harbour\tGazette ") == GAZETTE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"since": "yesterday-ish"}, r"^since 'yesterday-ish' is not a date$"),
        ({"until": "31/02/2023"}, r"^until '31/02/2023' is not a date$"),
    ],
)
def test_of_refuses_what_is_not_a_date(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(LoadError, match=message):
        ArchiveFilter.of(**kwargs)


def test_where_always_holds_the_embargo_and_the_status_allow_list() -> None:
    assert ArchiveFilter(now=_utc(2024, 1, 1)).where() == {
        "$and": [{"embargo_ts": {"$lte": ts(2024, 1, 1)}}, {"status": {"$in": ["published"]}}]
    }
    where = ArchiveFilter.of(["Valley Courier"], until="2023-11-30").where()
    assert list(where) == ["$and"] and {"outlet_key": {"$in": [COURIER]}} in where["$and"]
    assert {"published_ts": {"$ne": -1}} in where["$and"]
    assert {"published_ts": {"$lte": ts(2023, 11, 30, 23, 59, 59)}} in where["$and"]
