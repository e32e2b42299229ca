"""Hybrid search over the archive: dense (Chroma) and BM25 rankings fused by reciprocal rank, outlet-aware."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.models import Passage

RRF_K = 60
MAX_OUTLET_BOOSTS = 4
CANDIDATES = 40


def fuse(rankings: Sequence[Sequence[Passage]], k: int, rrf_k: int = RRF_K) -> list[Passage]:
    """Reciprocal-rank fusion of several rankings into one list of at most `k` passages.

    A passage scores the sum of 1 / (rrf_k + rank) over the rankings it appears in; ties keep the order of
    first appearance. Of a passage's copies, the one that carries a dense similarity is kept.
    """
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


def mentioned_outlets(query: str, outlets: Sequence[str], flt: ArchiveFilter | None = None) -> list[str]:
    """Outlets of the archive named in the query ("according to TechCrunch"), within the filter.

    A name matches as a whole phrase in the query's own capitalisation, with a leading "The" optional
    ("the Guardian" finds "The Guardian"); names shorter than three letters are ignored.
    """
    flt = flt or ArchiveFilter()
    found = []
    for outlet in outlets:
        name = re.sub(r"^the\s+", "", outlet.strip(), flags=re.IGNORECASE)
        if len(name) >= 3 and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", query):
            if flt.allows_outlet(outlet) and outlet not in found:
                found.append(outlet)
    return found[:MAX_OUTLET_BOOSTS]


class HybridRetriever:
    """Ranked passages for a question: dense and BM25 within the filter, fused by reciprocal rank.

    Outlets named in the question get rankings of their own (dense and BM25 within that outlet), so their
    passages gain votes in the fusion without excluding other outlets.

    Args:
        archive: the knowledge base to search.
        candidates: how many passages each ranking contributes (at least 3 x k).
        outlet_boost: whether outlets named in the question get their own rankings.
    """

    def __init__(self, archive: Archive, candidates: int = CANDIDATES, outlet_boost: bool = True) -> None:
        self.archive = archive
        self.candidates = candidates
        self.outlet_boost = outlet_boost

    def search(self, query: str, k: int = 8, flt: ArchiveFilter | None = None) -> list[Passage]:
        """The `k` best passages for `query` that `flt` lets through (embargo always applies)."""
        flt = flt or ArchiveFilter()
        if flt.now is None:  # one moment for the whole search, so every ranking applies the same embargo cutoff
            flt = replace(flt, now=datetime.now(UTC))
        pool = max(self.candidates, k * 3)
        vector = self.archive.embeddings.embed_query(query)
        lexical = self.archive.lexical()
        scores = lexical.scores(query)
        store = self.archive.store
        rankings = [store.dense(vector, pool, flt), lexical.search(query, pool, flt, scores)]
        if self.outlet_boost:
            for outlet in mentioned_outlets(query, self.archive.outlets(), flt):
                narrowed = flt.narrowed(outlet)
                rankings.append(store.dense(vector, k, narrowed))
                rankings.append(lexical.search(query, k, narrowed, scores))
        return fuse(rankings, k)
