"""The knowledge base: embeddings + Chroma store + BM25 index, opened from settings."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import replace
from typing import Any

from langchain_core.embeddings import Embeddings

from rag.config import Settings
from rag.embeddings import embedding_model_name, make_embeddings
from rag.filters import ArchiveFilter, outlet_key
from rag.lexical import LexicalIndex
from rag.models import Passage
from rag.store import ArchiveStats, ArchiveStore

RRF_K = 60
MAX_OUTLET_BOOSTS = 4
LEXICAL_RECHECK_SECONDS = 30.0


def fuse(rankings: list[list[Passage]], k: int, rrf_k: int = RRF_K) -> list[Passage]:
    """Reciprocal-rank fusion of several rankings into one list of `k` passages."""
    scores: dict[str, float] = {}
    best: dict[str, Passage] = {}
    for ranking in rankings:
        for rank, passage in enumerate(ranking, 1):
            scores[passage.chunk_id] = scores.get(passage.chunk_id, 0.0) + 1.0 / (rrf_k + rank)
            kept = best.get(passage.chunk_id)
            if kept is None or (kept.dense_similarity is None and passage.dense_similarity is not None):
                best[passage.chunk_id] = passage
    order = sorted(scores, key=lambda cid: -scores[cid])[:k]
    fused = []
    for cid in order:
        passage = best[cid]
        passage.score = scores[cid]
        fused.append(passage)
    return fused


class Archive:
    """Everything needed to search the archive, created lazily from settings."""

    def __init__(self, settings: Settings, embeddings: Embeddings | None = None, client: Any | None = None) -> None:
        self.settings = settings
        self._embeddings = embeddings
        self._client = client
        self._store: ArchiveStore | None = None
        self._lexical: LexicalIndex | None = None
        self._outlets: list[str] | None = None
        self._lexical_checked = 0.0
        self._lock = threading.Lock()

    @property
    def embeddings(self) -> Embeddings:
        """The embedding model (loaded on first use)."""
        if self._embeddings is None:
            self._embeddings = make_embeddings(self.settings)
        return self._embeddings

    @property
    def store(self) -> ArchiveStore:
        """The Chroma store (opened on first use)."""
        if self._store is None:
            self._store = ArchiveStore(self.settings, embedding_model_name(self.embeddings), self._client)
        return self._store

    def lexical(self) -> LexicalIndex:
        """The BM25 index, loaded from disk or rebuilt when it no longer matches the store.

        A long-running process (the app) re-checks the archive's signature every `LEXICAL_RECHECK_SECONDS`,
        so articles ingested by another process become searchable by keyword too.
        """
        with self._lock:
            now = time.monotonic()
            if self._lexical is not None and now - self._lexical_checked < LEXICAL_RECHECK_SECONDS:
                return self._lexical
            signature = self.store.signature()
            if self._lexical is None or self._lexical.signature != signature:
                index = LexicalIndex(self.settings.data_dir / "bm25" / self.store.name)
                if not index.load() or index.signature != signature:
                    index.build(self.store, signature)
                self._lexical = index
                self._outlets = None
            self._lexical_checked = now
            return self._lexical

    def refresh(self) -> None:
        """Forget cached indexes so the next search sees the latest writes."""
        with self._lock:
            self._lexical = None
            self._outlets = None

    def rebuild_lexical(self) -> None:
        """Rebuild the BM25 index now (after a write)."""
        self.refresh()
        self.lexical()

    def outlets(self) -> list[str]:
        """The outlets in the archive (cached until `refresh`)."""
        with self._lock:
            if self._outlets is None:
                self._outlets = self.store.stats().outlets
            return self._outlets

    def mentioned_outlets(self, query: str, flt: ArchiveFilter) -> list[str]:
        """Outlets of the archive named in the query ("according to TechCrunch"), within the filter."""
        allowed = {outlet_key(o) for o in flt.outlets}
        found = []
        for outlet in self.outlets():
            name = re.sub(r"^the\s+", "", outlet.strip(), flags=re.IGNORECASE)
            if len(name) >= 3 and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", query):
                if not allowed or outlet_key(outlet) in allowed:
                    found.append(outlet)
        return found[:MAX_OUTLET_BOOSTS]

    def search(
        self, query: str, k: int = 8, flt: ArchiveFilter | None = None, candidates: int = 40, outlet_boost: bool = True
    ) -> list[Passage]:
        """Hybrid search: dense (Chroma) and BM25 rankings fused by reciprocal rank.

        Outlets named in the question get rankings of their own (dense and BM25 within that outlet), so their
        passages gain votes in the fusion without excluding other outlets.
        """
        flt = flt or ArchiveFilter()
        pool = max(candidates, k * 3)
        vector = self.embeddings.embed_query(query)
        lexical = self.lexical()
        scores = lexical.scores(query)
        rankings = [self.store.dense(vector, pool, flt), lexical.search(query, pool, flt, scores)]
        for outlet in self.mentioned_outlets(query, flt) if outlet_boost else []:
            narrowed = replace(flt, outlets=(outlet,))
            rankings.append(self.store.dense(vector, k, narrowed))
            rankings.append(lexical.search(query, k, narrowed, scores))
        return fuse(rankings, k)

    def stats(self) -> ArchiveStats:
        """The archive at a glance."""
        return self.store.stats()
