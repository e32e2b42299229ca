"""Retrieval filters built by code (never by the model): outlets, date range, embargo."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from rag.metadata import timestamp

MISSING_DATE = -1


def _ts(value: datetime) -> int:
    """Unix seconds; a datetime without a zone is UTC (as everywhere else in Newsroom), not local time."""
    return timestamp(value if value.tzinfo else value.replace(tzinfo=UTC))


def outlet_key(outlet: str) -> str:
    """Case- and space-insensitive key of an outlet name."""
    return " ".join(outlet.lower().split())


@dataclass(frozen=True)
class ArchiveFilter:
    """Which passages a query may see: an allow-list on outlet, publication date and embargo."""

    outlets: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def clauses(self) -> list[dict[str, Any]]:
        """Chroma `where` clauses; embargoed passages are always excluded (fail closed)."""
        clauses: list[dict[str, Any]] = [{"embargo_ts": {"$lte": timestamp(self.now)}}]
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

    def matches(self, metadata: dict[str, Any]) -> bool:
        """The same rule applied in Python (for the lexical index)."""
        if int(metadata.get("embargo_ts", 2**62)) > timestamp(self.now):
            return False
        if self.outlets and metadata.get("outlet_key") not in {outlet_key(o) for o in self.outlets}:
            return False
        published = int(metadata.get("published_ts", MISSING_DATE))
        if (self.since or self.until) and published == MISSING_DATE:
            return False
        if self.since and published < _ts(self.since):
            return False
        return not (self.until and published > _ts(self.until))

    def mask(self, embargo: np.ndarray, published: np.ndarray, outlets: np.ndarray) -> np.ndarray:
        """`matches` over whole columns at once (embargo and publication timestamps, outlet keys)."""
        allowed = embargo <= timestamp(self.now)
        if self.outlets:
            allowed &= np.isin(outlets, [outlet_key(o) for o in self.outlets])
        if self.since or self.until:
            allowed &= published != MISSING_DATE
        if self.since:
            allowed &= published >= _ts(self.since)
        if self.until:
            allowed &= published <= _ts(self.until)
        return np.asarray(allowed, dtype=bool)
