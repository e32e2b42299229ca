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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.archive.store import ArchiveStore, ArticleRecord

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


@dataclass
class RegistryView:
    """The registry records this process holds, their signature, and when it last looked. `records` is never
    changed in place (an update builds a new dict), so a reader may iterate it while another thread updates."""

    records: dict[str, ArticleRecord] = field(default_factory=dict)
    _total: int = 0
    _since: float | None = None  # the time of the last look (None: never listed)
    _listed: float = 0.0  # monotonic time of the last full listing
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def signature(self) -> str:
        """The fingerprint of the records held (as `signature_of` computes it from scratch)."""
        return _signature(self._total, len(self.records))

    @property
    def loaded(self) -> bool:
        """True once the registry has been listed."""
        return self._since is not None

    def update(self, store: ArchiveStore) -> bool:
        """Bring the held records in step with the store's registry; True when anything changed."""
        with self._lock:
            before = self.signature
            started = time.time()
            if self._since is None or time.monotonic() - self._listed >= FULL_LISTING_SECONDS:
                self._replace(store.articles())
            else:
                records, total = dict(self.records), self._total
                for record in store.articles_written_since(self._since - MARGIN_SECONDS):
                    total = _put(records, total, record)
                if store.article_count() == len(records):
                    self.records, self._total = records, total
                else:  # one went, or one came unseen: list it whole
                    self._replace(store.articles())
            self._since = started
            return self.signature != before

    def _replace(self, records: dict[str, ArticleRecord]) -> None:
        self.records = records
        self._total = sum(_term(a, r.content_hash) for a, r in records.items()) % _MODULUS
        self._listed = time.monotonic()


def _put(records: dict[str, ArticleRecord], total: int, record: ArticleRecord) -> int:
    """Hold `record` in `records` (replacing an older one of its article); returns the updated signature sum."""
    held = records.get(record.article_id)
    if held is not None:
        total -= _term(held.article_id, held.content_hash)
    records[record.article_id] = record
    return (total + _term(record.article_id, record.content_hash)) % _MODULUS
