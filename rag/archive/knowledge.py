"""The knowledge base: embeddings + Chroma store + BM25 index, opened lazily from settings.

Searching it is the job of `rag.retrieval`.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.archive.article_record import ArticleRecord
from rag.archive.embeddings import embedding_model_name, make_embeddings
from rag.archive.filters import MISSING_DATE, NEVER, ArchiveFilter, FilterColumns
from rag.archive.lexical import LexicalIndex
from rag.archive.registry import RegistryView
from rag.archive.store import ArchiveStats, ArchiveStore
from rag.config import Settings

LEXICAL_RECHECK_SECONDS = 5.0  # how soon a long-running process sees articles another one wrote


def lexical_path(settings: Settings, store_name: str) -> Path:
    """Where the keyword index of a store lives: beside the archive, one SQLite file per collection."""
    return settings.data_dir / "lexical" / f"{store_name}.sqlite"


class Archive:
    """Everything needed to search the archive, created lazily from settings."""

    def __init__(self, settings: Settings, embeddings: Embeddings | None = None, client: Any | None = None) -> None:
        self.settings = settings
        self._embeddings = embeddings
        self._client = client
        self._store: ArchiveStore | None = None
        self._lexical: LexicalIndex | None = None
        self._registry = RegistryView()
        self._records: tuple[list[ArticleRecord], FilterColumns] | None = None
        # the outlets a reader may see in these columns from this moment until the next embargo lifts
        self._outlets: tuple[FilterColumns, int, int, list[str]] | None = None
        self._lexical_checked = 0.0
        self._sync_next = False  # bring the keyword index in step before the next search (after `refresh`)
        self._checking = False  # a background re-check is running
        self._seen = ""  # the archive signature the cached article list belongs to
        self._lock = threading.Lock()
        self._opening = threading.RLock()  # opening the model and the store (the store reads the model's name)

    @property
    def embeddings(self) -> Embeddings:
        """The embedding model (loaded on first use)."""
        if self._embeddings is None:
            with self._opening:
                if self._embeddings is None:
                    self._embeddings = make_embeddings(self.settings)
        return self._embeddings

    @property
    def store(self) -> ArchiveStore:
        """The Chroma store (opened on first use)."""
        if self._store is None:
            with self._opening:  # two searches at once (the chat's sessions) open one store, not two clients
                if self._store is None:
                    self._store = ArchiveStore(self.settings, embedding_model_name(self.embeddings), self._client)
        return self._store

    def lexical(self) -> LexicalIndex:
        """The keyword index, brought in step with the store when the archive changed (only the articles that
        changed are written).

        On first use and after `refresh` this happens before the index is returned. After that a long-running
        process (the app) re-checks the archive every `LEXICAL_RECHECK_SECONDS` in a background thread, so
        articles ingested by another process become searchable by keyword within seconds while no question
        waits for the check (listing a large archive's registry takes seconds).
        """
        with self._lock:
            if self._lexical is None or self._sync_next:
                if self._lexical is None:
                    self._lexical = LexicalIndex(lexical_path(self.settings, self.store.name))
                    shutil.rmtree(self.settings.data_dir / "bm25", ignore_errors=True)  # older versions' index
                self._bring_in_step(self._lexical)
                self._sync_next = False
                self._lexical_checked = time.monotonic()
            elif time.monotonic() - self._lexical_checked >= LEXICAL_RECHECK_SECONDS and not self._checking:
                self._checking = True
                self._lexical_checked = time.monotonic()
                threading.Thread(target=self._check_in_background, args=(self._lexical,), daemon=True).start()
            return self._lexical

    def _bring_in_step(self, index: LexicalIndex) -> None:
        held = self._registry.update(self.store)  # only the records written since the last look
        signature = held.signature
        if index.signature != signature:
            index.sync(self.store, held.records, signature)
        else:
            index.catch_up()  # another process brought the file in step: so must this one's memory
        if signature != self._seen:
            self._records, self._seen = None, signature  # the article list (outlets, timeline) changed too

    def _check_in_background(self, index: LexicalIndex) -> None:
        try:
            self._bring_in_step(index)
        except Exception:  # noqa: BLE001 - a failed re-check is retried at the next one; searches go on
            pass
        finally:
            self._checking = False

    def refresh(self) -> None:
        """Bring the keyword index in step at the next search, before it runs, so it sees the latest writes."""
        with self._lock:
            self._sync_next = True
            self._records = None

    def reset_lexical(self) -> None:
        """Write the keyword index again from the whole store (`newsroom check --repair`); processes holding it
        load it afresh."""
        with self._lock:
            LexicalIndex(lexical_path(self.settings, self.store.name)).reset()
            self._lexical = None
        self.lexical()

    def rebuild_lexical(self) -> None:
        """Bring the keyword index in step with the store now (after a write)."""
        self.refresh()
        self.lexical()

    def _cached(self) -> tuple[list[ArticleRecord], FilterColumns]:
        """The article list and its filter columns (cached until the archive changes or `refresh`)."""
        with self._lock:
            if self._records is None:  # first use, a change seen by a re-check, or `refresh`
                if not self._registry.loaded or self._sync_next:  # else the re-checks keep the view current
                    self._registry.update(self.store)
                records = list(self._registry.snapshot.records.values())
                self._records = (records, FilterColumns.of([r.metadata for r in records]))
            return self._records

    def records(self, flt: ArchiveFilter | None = None) -> list[ArticleRecord]:
        """The registry records of the articles a reader may see now, within `flt` (the article list is cached
        until the archive changes; the embargo and the filter are applied at each call)."""
        records, columns = self._cached()
        mask = (flt or ArchiveFilter()).mask(columns)
        return [r for r, ok in zip(records, mask, strict=True) if ok]

    def outlets(self) -> list[str]:
        """The outlets of the articles a reader may see now (an outlet whose only articles are embargoed is not
        named); computed over whole columns, and kept until the article list changes or the next embargo lifts,
        since every question asks for them."""
        records, columns = self._cached()
        flt = ArchiveFilter(now=datetime.now(UTC))
        cutoff = flt.embargo_cutoff()
        kept = self._outlets
        if kept is not None and kept[0] is columns and kept[1] <= cutoff < kept[2]:
            return list(kept[3])
        visible = np.flatnonzero(flt.mask(columns))
        keys, first = np.unique(columns.outlets[visible], return_index=True)
        names = {
            str(records[int(visible[i])].metadata.get("outlet") or "") for k, i in zip(keys, first, strict=True) if k
        }
        outlets = sorted(n for n in names if n)
        later = columns.embargo[columns.embargo > cutoff]
        self._outlets = (columns, cutoff, int(later.min()) if later.size else NEVER, outlets)
        return list(outlets)

    def copied_rows(self, chunk_ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """(text, metadata) of passages from the keyword index's copy, each only when its article's version there
        is the one this process holds as registered (a `RowSource` for the dense search): a copy not yet in step
        (an article written or re-cut in the last seconds, whose passage ids can stay the same) is read from the
        store instead."""
        index = self._lexical
        if index is None:
            return {}
        registered = self._registry.snapshot.records
        rows = index.rows(chunk_ids)
        return {
            cid: (text, meta)
            for cid, (text, meta) in rows.items()
            if (record := registered.get(str(meta.get("article_id")))) is not None
            and record.content_hash == meta.get("content_hash")
        }

    def forget_kept(self) -> None:
        """Drop what searches kept for the next ones (for measuring a search from cold)."""
        self._outlets = None
        if self._lexical is not None:
            self._lexical.forget_kept()

    def newest(self, flt: ArchiveFilter | None = None) -> date | None:
        """The publication day (UTC) of the newest article a reader may see within `flt`: the day that "last
        week" and "in November" are read against, so an archive of 2023 answers about its own last week."""
        _, columns = self._cached()
        mask = (flt or ArchiveFilter()).mask(columns) & (columns.published != MISSING_DATE)
        if not mask.any():
            return None
        return datetime.fromtimestamp(int(columns.published[mask].max()), tz=UTC).date()

    def term_weights(self, terms: Iterable[str]) -> dict[str, float]:
        """How rare each keyword-index term is in the archive (BM25's inverse document frequency), so that an
        answer can weigh a question's rare words above its common ones."""
        return self.lexical().idf(terms)

    def stats(self, flt: ArchiveFilter | None = None) -> ArchiveStats:
        """The articles a reader may see now, at a glance (within `flt` when given)."""
        return self.store.stats(flt)
