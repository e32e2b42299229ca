"""The article registry as one process sees it, kept current without listing it again.

Listing the registry of a large archive takes seconds (about 5 s at 50,000 articles), and a long-running process
(the app) must notice other processes' writes within seconds. So each registry record carries the time it was
written (`written_at`), and a process that has listed the registry once afterwards asks only for the records
written since its last look, less a margin for writes in flight and clocks that differ between hosts. The
archive's signature is an order-free sum of one hash per article, so it is updated one article at a time.

Two backstops cover what a change feed cannot see: when the registry's count differs from what this process
holds (an article unregistered by `newsroom check --repair`, or a record written outside the window), and every
`FULL_LISTING_SECONDS` in any case, the registry is listed whole again.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from rag.archive.article_record import ArticleRecord


class RegistryFeed(Protocol):
    """What the registry's change feed reads from the store (`ArchiveStore`)."""

    def articles(self) -> dict[str, ArticleRecord]: ...

    def articles_written_since(self, moment: float) -> Iterable[ArticleRecord]: ...

    def article_count(self) -> int: ...


MARGIN_SECONDS = 120.0  # how far before its last look a process asks again (writes in flight, clock skew)
FULL_LISTING_SECONDS = 600.0  # how often the whole registry is listed again whatever the change feed says
_MODULUS = 2**128


def _term(article_id: str, version: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{article_id}:{version}".encode()).digest()[:16], "big")


def signature_of(versions: Mapping[str, str]) -> str:
    """The fingerprint of an archive from its articles' registered versions (article id -> content hash): the
    same set gives the same signature in any order, and it can be updated one article at a time."""
    return _signature(sum(_term(a, v) for a, v in versions.items()) % _MODULUS, len(versions))


def _signature(total: int, count: int) -> str:
    return hashlib.sha256(f"{count}:{total:032x}".encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Snapshot:
    """The registry records as one look found them, and their signature (never changed once made)."""

    records: Mapping[str, ArticleRecord]
    total: int  # the sum of the per-article terms, modulo 2**128
    cursor: float | None  # the latest write time among the records (the writers' clocks); None: none known

    @property
    def signature(self) -> str:
        """The fingerprint of the records (as `signature_of` computes it from scratch)."""
        return _signature(self.total, len(self.records))


EMPTY = Snapshot({}, 0, None)


class RegistryView:
    """The registry records this process holds, kept current by the change feed. Readers take `snapshot` (one
    immutable object, so records and signature always belong together) while another thread updates it."""

    def __init__(self) -> None:
        self.snapshot = EMPTY
        self._loaded = False
        self._listed = 0.0  # monotonic time of the last full listing
        self._looked = 0.0  # this process's clock when it last looked
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """True once the registry has been listed."""
        return self._loaded

    def update(self, store: RegistryFeed) -> Snapshot:
        """Bring the held records in step with the store's registry and return them.

        The feed asks for the records written since the earlier of this process's last look (its own clock) and
        the latest write time seen (the writers' clocks), less `MARGIN_SECONDS`: so a writer whose clock runs
        behind or ahead is still followed, and the margin covers writes committed after a later one. A count
        that still disagrees after a second look means a record went (unregistered by a repair) or came unseen,
        and the registry is listed whole.
        """
        with self._lock:
            looked, self._looked = self._looked, time.time()
            if not self._loaded or time.monotonic() - self._listed >= FULL_LISTING_SECONDS:
                return self._replace(store.articles())
            for _ in range(2):  # a write landing between the feed and the count is seen by the second look
                snapshot = self.snapshot
                since = min(looked, snapshot.cursor if snapshot.cursor is not None else looked) - MARGIN_SECONDS
                records, total = dict(snapshot.records), snapshot.total
                for record in store.articles_written_since(since):
                    total = _put(records, total, record)
                if store.article_count() == len(records):
                    self.snapshot = Snapshot(records, total, _cursor(records.values(), snapshot.cursor))
                    return self.snapshot
            return self._replace(store.articles())

    def _replace(self, records: dict[str, ArticleRecord]) -> Snapshot:
        total = sum(_term(a, r.content_hash) for a, r in records.items()) % _MODULUS
        self.snapshot = Snapshot(records, total, _cursor(records.values(), None))
        self._loaded, self._listed = True, time.monotonic()
        return self.snapshot


def _cursor(records: Iterable[ArticleRecord], known: float | None) -> float | None:
    """The latest write time among records (and `known`); None when none carries one (older stores)."""
    times = [float(t) for r in records if isinstance(t := r.metadata.get("written_at"), int | float)]
    return max([*times, *([known] if known is not None else [])], default=None)


def _put(records: dict[str, ArticleRecord], total: int, record: ArticleRecord) -> int:
    """Hold `record` in `records` (replacing an older one of its article); returns the updated signature sum."""
    held = records.get(record.article_id)
    if held is not None:
        total -= _term(held.article_id, held.content_hash)
    records[record.article_id] = record
    return (total + _term(record.article_id, record.content_hash)) % _MODULUS
