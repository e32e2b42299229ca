"""The one retrieval filter, built by code (never by the model): outlets, publication date range, embargo.

The same rule has two forms: Chroma `where` clauses for dense search, and a vectorised mask over columns of
passage metadata for the BM25 index. Both fail closed: a passage without an embargo field is embargoed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from rag.dates import day_bounds, timestamp

MISSING_DATE = -1
NEVER = 2**62  # embargo timestamp of a passage whose metadata lacks one: never visible
READER_STATUSES = ("published",)  # an allow-list: a passage whose metadata lacks a status is never visible


def _ts(value: datetime) -> int:
    """Unix seconds; a datetime without a zone is UTC (as everywhere else in Newsroom), not local time."""
    return timestamp(value if value.tzinfo else value.replace(tzinfo=UTC))


def outlet_key(outlet: str) -> str:
    """Case- and space-insensitive key of an outlet name."""
    return " ".join(outlet.lower().split())


@dataclass(frozen=True)
class FilterColumns:
    """The metadata a filter reads, as arrays over many passages (for the BM25 index)."""

    embargo: np.ndarray
    published: np.ndarray
    outlets: np.ndarray
    status: np.ndarray

    @classmethod
    def of(cls, metas: Sequence[Mapping[str, Any]]) -> FilterColumns:
        """Columns of passage metadata; a missing embargo reads as never released, a missing date as undated."""
        return cls(
            embargo=np.array([int(m.get("embargo_ts", NEVER)) for m in metas], dtype=np.int64),
            published=np.array([int(m.get("published_ts", MISSING_DATE)) for m in metas], dtype=np.int64),
            outlets=np.array([str(m.get("outlet_key", "")) for m in metas], dtype=str),  # not object: fast compares
            status=np.array([str(m.get("status", "")) for m in metas], dtype=str),
        )


@dataclass(frozen=True)
class ArchiveFilter:
    """Which passages a query may see: an allow-list on outlet, publication date and article status; embargo
    always applies.

    Args:
        outlets: only these outlets (any spelling of case and spaces); empty means all.
        since: only articles published at or after this instant.
        until: only articles published at or before this instant.
        now: the moment embargoes are checked against; None means the moment of each query.
        statuses: the article statuses allowed; readers get published articles only (drafts and retracted
            stories never), and a passage without a status is not allowed.
    """

    outlets: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    now: datetime | None = None
    statuses: tuple[str, ...] = READER_STATUSES

    @classmethod
    def of(
        cls,
        outlets: Iterable[str] = (),
        since: str | date | datetime | None = None,
        until: str | date | datetime | None = None,
    ) -> ArchiveFilter:
        """A filter from what people type: dates as text or dates, a bare day covering the whole day.

        "until 2023-11-30" includes everything published on the 30th.

        Raises:
            LoadError: a date cannot be read.
        """
        return cls(
            outlets=tuple(o for o in outlets if o.strip()),
            since=day_bounds(since, end=False, name="since"),
            until=day_bounds(until, end=True, name="until"),
        )

    def narrowed(self, outlet: str) -> ArchiveFilter:
        """The same filter, limited to one outlet."""
        return replace(self, outlets=(outlet,))

    def within(self, first: str | date | None, last: str | date | None) -> ArchiveFilter | None:
        """The same filter, limited to articles published from day `first` to day `last` (UTC, both included;
        None leaves that end as the filter has it); None when the filter's own date range leaves nothing."""
        start = day_bounds(first, end=False, name="day")
        end = day_bounds(last, end=True, name="day")
        since = max(start, self.since) if self.since and start else start or self.since
        until = min(end, self.until) if self.until and end else end or self.until
        if since is not None and until is not None and since > until:
            return None
        return replace(self, since=since, until=until)

    def embargo_cutoff(self) -> int:
        """Unix seconds before which an embargo has lifted."""
        return timestamp(self.now or datetime.now(UTC))

    def allows_outlet(self, outlet: str) -> bool:
        """Whether passages of this outlet can pass the outlet part of the filter."""
        return not self.outlets or outlet_key(outlet) in {outlet_key(o) for o in self.outlets}

    def clauses(self) -> list[dict[str, Any]]:
        """Chroma `where` clauses; embargoed passages are always excluded (fail closed)."""
        clauses: list[dict[str, Any]] = [
            {"embargo_ts": {"$lte": self.embargo_cutoff()}},
            {"status": {"$in": list(self.statuses)}},
        ]
        if self.outlets:
            clauses.append({"outlet_key": {"$in": [outlet_key(o) for o in self.outlets]}})
        if self.since or self.until:  # undated articles never match a date filter; pre-1970 dates are negative
            clauses.append({"published_ts": {"$ne": MISSING_DATE}})
        if self.since:
            clauses.append({"published_ts": {"$gte": _ts(self.since)}})
        if self.until:
            clauses.append({"published_ts": {"$lte": _ts(self.until)}})
        return clauses

    def where(self) -> dict[str, Any]:
        """The clauses as one Chroma `where` document."""
        clauses = self.clauses()
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def allows(self, metas: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """`mask` over a few records' metadata (passages or registry records): True where one may be seen."""
        return self.mask(FilterColumns.of(metas)) if metas else np.zeros(0, dtype=bool)

    def mask(self, columns: FilterColumns) -> np.ndarray:
        """The same rule as `clauses`, over whole columns at once: True where a passage may be seen."""
        allowed = (columns.embargo <= self.embargo_cutoff()) & np.isin(columns.status, list(self.statuses))
        if self.outlets:
            allowed &= np.isin(columns.outlets, [outlet_key(o) for o in self.outlets])
        if self.since or self.until:
            allowed &= columns.published != MISSING_DATE
        if self.since:
            allowed &= columns.published >= _ts(self.since)
        if self.until:
            allowed &= columns.published <= _ts(self.until)
        return np.asarray(allowed, dtype=bool)
