"""Hybrid search over the archive: keyword (BM25) and dense rankings fused by weighted reciprocal rank, with
rankings of their own for the outlets and the parts a question names, and a cap on passages per article."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial

from langchain_core.embeddings import Embeddings

from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.archive.store import ArchiveStore, RowSource
from rag.models import Passage
from rag.retrieval.clauses import clauses_and_parts, part_of, shared_period
from rag.retrieval.periods import Period
from rag.retrieval.question import Question, all_periods
from rag.retrieval.wording import keywords, mentioned_outlets

RRF_K = 60
CANDIDATES = 40
DENSE_WEIGHT = 0.2  # measured on MultiHop-RAG dev (docs/lab/): keywords rank news best, meaning helps a little
PART_WEIGHT = 0.5  # each part of a several-part question gets a keyword ranking of its own
PART_CANDIDATES = 2  # of which only its best passages count: deeper ones, summed over parts, crowd out the best
PERIOD_WEIGHT = 1.0  # so does a period the question names ("after October 4", "last week", "in early November")
PER_ARTICLE = 4  # at most this many passages of one article in the results, so other articles get a place

Ranking = tuple[float, Sequence[Passage]]
# threads for the dense rankings of concurrent searches (the chat's sessions, `newsroom eval`): each search hands its
# dense ranking to one and builds its keyword rankings meanwhile
_BACKGROUND = ThreadPoolExecutor(max_workers=4, thread_name_prefix="newsroom-dense")


def _dense(
    store: ArchiveStore, embeddings: Embeddings, rows: RowSource, query: str | Question, n: int, flt: ArchiveFilter
) -> list[Passage]:
    """The dense ranking of a question: its `n` nearest passages within the filter (their rows from the keyword
    index where it holds them), by its embedding when it was read with one."""
    if isinstance(query, Question) and query.vector:
        return store.dense(list(query.vector), n, flt, rows)
    return store.dense(embeddings.embed_query(query.text if isinstance(query, Question) else query), n, flt, rows)


def fuse(rankings: Sequence[Sequence[Passage] | Ranking], k: int, rrf_k: int = RRF_K) -> list[Passage]:
    """Weighted reciprocal-rank fusion of several rankings into one list of at most `k` passages.

    A ranking is a list of passages (weight 1) or a (weight, passages) pair. A passage scores the sum of
    weight / (rrf_k + rank) over the rankings it appears in; ties keep the order of first appearance. Of a
    passage's copies, the one that carries a dense similarity is kept.
    """
    scores: dict[str, float] = {}
    best: dict[str, Passage] = {}
    for item in rankings:
        weight, ranking = item if isinstance(item, tuple) else (1.0, item)
        for rank, passage in enumerate(ranking, 1):
            scores[passage.chunk_id] = scores.get(passage.chunk_id, 0.0) + weight / (rrf_k + rank)
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


def cap_per_article(passages: Sequence[Passage], k: int, per_article: int = PER_ARTICLE) -> list[Passage]:
    """The first `k` passages, taking at most `per_article` from any one article while other articles have
    passages to offer; when they run out, the rest are filled in order (fused order is kept throughout)."""
    taken: dict[str, int] = {}
    first: list[Passage] = []
    later: list[Passage] = []
    for passage in passages:
        if taken.get(passage.article_id, 0) < per_article:
            taken[passage.article_id] = taken.get(passage.article_id, 0) + 1
            first.append(passage)
        else:
            later.append(passage)
    chosen = {id(x) for x in (first + later)[:k]} if len(first) < k else {id(x) for x in first[:k]}
    return [x for x in passages if id(x) in chosen]


class HybridRetriever:
    """Ranked passages for a question: BM25 and dense within the filter, fused by weighted reciprocal rank.

    Outlets named in the question get keyword rankings of their own (within that outlet), and so does each part
    of a question with several parts ("what did TechCrunch report on X, and The Verge on Y"), so every part and
    outlet gains votes in the fusion without excluding the others. At most `per_article` passages of one article
    make the results.

    Args:
        archive: the knowledge base to search.
        candidates: how many passages each whole-question ranking contributes (at least 3 x k).
        outlet_boost: whether outlets named in the question get their own rankings.
        dense_weight: the dense ranking's weight against BM25's 1.0.
        per_article: most passages of one article in the results.
    """

    def __init__(
        self,
        archive: Archive,
        candidates: int = CANDIDATES,
        outlet_boost: bool = True,
        dense_weight: float = DENSE_WEIGHT,
        per_article: int = PER_ARTICLE,
    ) -> None:
        self.archive = archive
        self.candidates = candidates
        self.outlet_boost = outlet_boost
        self.dense_weight = dense_weight
        self.per_article = per_article

    def search(self, query: str | Question, k: int = 8, flt: ArchiveFilter | None = None) -> list[Passage]:
        """The `k` best passages for `query` that `flt` lets through (embargo always applies). A question read for
        the turn (`read_question`) is not read or embedded again."""
        flt = flt or ArchiveFilter()
        if flt.now is None:  # one moment for the whole search, so every ranking applies the same embargo cutoff
            flt = replace(flt, now=datetime.now(UTC))
        pool = max(self.candidates, k * 3)
        # the dense ranking (the model, then Chroma; both leave Python's lock) runs on a pool thread while this one
        # builds the keyword rankings; store and model are opened here, before the thread starts
        rows = self.archive.copied_rows  # the keyword index's copies, once it is open (the first search reads Chroma)
        dense_ranking = partial(_dense, self.archive.store, self.archive.embeddings, rows, query, pool, flt)
        dense = _BACKGROUND.submit(dense_ranking)
        try:
            rankings = self._keyword_rankings(query, k, pool, flt)
        finally:
            waiting = dense.cancel()  # not started yet (every pool thread busy): run it here instead
        rankings.insert(0, (self.dense_weight, dense_ranking() if waiting else dense.result()))
        ranked = cap_per_article(fuse(rankings, pool), k, self.per_article)
        # the keyword index may be up to LEXICAL_RECHECK_SECONDS old: a retraction or deletion since then must
        # not show, so the final passages are checked against the store's metadata as it is now
        allowed = self.archive.store.allowed_ids([p.chunk_id for p in ranked], flt)
        return [p for p in ranked if p.chunk_id in allowed]

    def _keyword_rankings(self, question: str | Question, k: int, pool: int, flt: ArchiveFilter) -> list[Ranking]:
        """The keyword rankings of a question: the whole question, each outlet it names, each publication day and
        period it names, and each of its parts."""
        lexical = self.archive.lexical()
        outlets = self.archive.outlets()
        query = question.text if isinstance(question, Question) else question
        asked = keywords(query, outlets)  # without "article", "reported", "according to"
        scores = lexical.scores(asked)
        rankings: list[Ranking] = [(1.0, lexical.search(asked, pool, flt, scores))]
        named_outlets = mentioned_outlets(query, outlets, flt)
        if isinstance(question, Question) and question.clauses:  # read once for the turn (`read_question`)
            clauses, parts = list(question.clauses), [p.text for p in question.parts]
            periods = list(question.periods)
        else:
            clauses, parts = clauses_and_parts(query, outlets)
            periods = all_periods(query, self.archive.newest)
        by_part = [(part, keywords(part, outlets)) for part in parts] if len(parts) > 1 else []
        if self.outlet_boost:
            for outlet in named_outlets:
                rankings.append((1.0, lexical.search(asked, k, flt.narrowed(outlet), scores)))
        for period in periods:  # the answerer reads them the same way
            within = flt.within(period.start, period.end)
            if within is not None:
                owner = (
                    self._outlet_of(period, clauses, parts, named_outlets, outlets, flt) if self.outlet_boost else None
                )
                within = within.narrowed(owner) if owner else within
                rankings.append((PERIOD_WEIGHT, lexical.search(asked, k, within, scores)))
        if by_part:
            rankings.extend(self._part_rankings(by_part, outlets, flt))
        return rankings

    def _part_rankings(
        self, by_part: Sequence[tuple[str, str]], outlets: Sequence[str], flt: ArchiveFilter
    ) -> list[Ranking]:
        """A keyword ranking for each part of the question, of its best passages only: within each outlet the part
        names ("what TechCrunch reported on X, and The Verge on Y": X within TechCrunch, Y within The Verge; a part
        naming two outlets gets a ranking in each), else within the whole filter."""
        lexical = self.archive.lexical()
        rankings: list[Ranking] = []
        for part, asked in by_part:  # each part as asked, and as its keyword search reads it
            named = mentioned_outlets(part, outlets, flt) if self.outlet_boost else []
            scores = lexical.scores(asked)
            for narrowed in [flt.narrowed(outlet) for outlet in named] or [flt]:
                rankings.append((PART_WEIGHT, lexical.search(asked, PART_CANDIDATES, narrowed, scores)))
        return rankings

    @staticmethod
    def _outlet_of(
        period: Period,
        clauses: Sequence[str],
        parts: Sequence[str],
        in_query: Sequence[str],
        outlets: Sequence[str],
        flt: ArchiveFilter,
    ) -> str | None:
        """The outlet a period belongs to: the one named in the clause where the period starts ("reported by
        Sporting News after October 4"), else the question's only outlet (`in_query`: those it names), else none.
        A period that other clauses borrowed ("What did the Guardian and Fortune report about the strike in
        November?") belongs to each of their outlets, so to no one outlet."""
        if shared_period(period, clauses, parts):
            return None
        owner = part_of(period, clauses)
        named = mentioned_outlets(clauses[owner], outlets, flt) if owner is not None else []
        if named:
            return named[0]
        return in_query[0] if len(in_query) == 1 else None
