"""Re-ranking tried on top of the shipped retrieval (docs/lab/2026-retrieval-notebook.md, "Re-ranking"), on a store that
`newsroom eval --corpus` built: sentence-level rankings of passages, choosing a retrieved article's passage by its
best sentence, and a fusion learned by logistic regression (two folds by question, so its figures are held out).

    uv run python bench/retrieval_rerank.py eval-runs/dev/store-<hash> ../shared/data/multihop-rag/queries-dev.json

    uv run python bench/retrieval_rerank.py ... --where    # only where the shipped ranking loses

Embedding every sentence of the store takes a few minutes on two cores; the rest seconds per row.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import bm25s
import numpy as np

from bench.retrieval_steps import SHOWN, Lab
from bench.retrieval_variants import Variant
from bench.support_fit import fit
from rag.archive.filters import outlet_key
from rag.eval.metrics import retrieval_metrics, squash
from rag.eval.run import case_filters
from rag.models import Passage
from rag.retrieval.clauses import split_parts
from rag.retrieval.hybrid import cap_per_article, fuse
from rag.retrieval.wording import mentioned_days, mentioned_outlets

RRF_K = 60
SHIPPED = Variant("row 8 (shipped)", part_pool=2)
Rankings = dict[str, list[list[int]]]


class SentenceLab(Lab):
    """The retrieval lab, with every passage's sentences in a BM25 index and embedded."""

    def __init__(self, store: Path, queries: Path) -> None:
        super().__init__(store, queries)
        texts, owner = [], []
        for n, passage in enumerate(self.passages):
            for sentence in passage.sentence_texts():
                texts.append(sentence)
                owner.append(n)
        self.owner = np.array(owner)
        self.sentence_bm25 = bm25s.BM25()
        tokens = bm25s.tokenize(texts, stopwords="en", stemmer=self.stemmer, show_progress=False)
        self.sentence_bm25.index(tokens, show_progress=False)
        unique = list(dict.fromkeys(texts))
        vectors = np.asarray(self.archive.embeddings.embed_documents(unique), dtype=np.float32)
        where = {s: i for i, s in enumerate(unique)}
        vectors = vectors[[where[s] for s in texts]]
        self.sentence_vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        squashed = [squash(t) for t in self.texts]
        self.relevant = [  # the passages that hold a gold fact, for each case
            {n for n, t in enumerate(squashed) if any(f in t for f in facts)}
            for facts in ([squash(f) for f in c.evidence if f.strip()] for c in self.cases)
        ]

    def best_sentence(self, sentence_scores: np.ndarray) -> np.ndarray:
        """Each passage's score: the best of its sentences'."""
        out = np.full(len(self.ids), -np.inf)
        np.maximum.at(out, self.owner, sentence_scores)
        return out

    def sentence_lexical(self, i: int) -> np.ndarray:
        tokens = bm25s.tokenize(
            [self.cases[i].question], stopwords="en", stemmer=self.stemmer, show_progress=False, return_ids=False
        )
        scores = self.sentence_bm25.get_scores(tokens[0]) if tokens and tokens[0] else np.zeros(len(self.owner))
        return self.best_sentence(np.asarray(scores))

    def sentence_dense(self, i: int) -> np.ndarray:
        return self.best_sentence(self.sentence_vectors @ self.queries[i])

    def shipped(self, i: int, n: int) -> list[int]:
        """The shipped fused ranking, `n` long, before the per-article cap."""
        import bench.retrieval_steps as steps

        cap = steps.cap_per_article

        def uncapped(passages: Sequence[Passage], k: int, per_article: int = 4) -> list[Passage]:
            return list(passages[:n])

        steps.cap_per_article = uncapped
        try:
            return self.search(SHIPPED, i, k=10)
        finally:
            steps.cap_per_article = cap

    def scored(self, ranked: Callable[[int], list[int]]) -> dict[str, float]:
        sums: dict[str, list[float]] = defaultdict(list)
        for i, case in enumerate(self.cases):
            metrics = retrieval_metrics([self.passages[n] for n in ranked(i)], case.evidence)
            for name in SHOWN:
                sums[name].append(metrics[name])
        return {name: float(np.mean(v)) for name, v in sums.items()}

    def with_sentence_rankings(self, lexical: float, dense: float, rerank: float) -> Callable[[int], list[int]]:
        """The shipped fusion plus rankings of passages by their best sentence (BM25 and dense, over the filtered
        store), or the shipped top 40 re-ranked by their best sentence's dense similarity."""

        def ranked(i: int) -> list[int]:
            mask = case_filters(self.cases[i]).mask(self.columns)
            base = self.shipped(i, 40)
            rankings = [(1.0, [self.passages[n] for n in base])]
            if lexical:
                rankings.append((lexical, [self.passages[n] for n in self._top(self.sentence_lexical(i), mask, 40)]))
            if dense:
                rankings.append((dense, [self.passages[n] for n in self._top(self.sentence_dense(i), mask, 40)]))
            if rerank:
                best = self.sentence_dense(i)
                rankings.append((rerank, [self.passages[n] for n in sorted(base, key=lambda n: -best[n])]))
            fused = fuse(rankings, k=200, rrf_k=RRF_K)
            return [self.position[p.chunk_id] for p in cap_per_article(fused, 10, 4)]

        return ranked

    def within_articles(self, scorer: Callable[[int], np.ndarray]) -> Callable[[int], list[int]]:
        """The shipped top 10's articles kept in their slots; each slot filled with the article's retrieved passage
        that scores best."""

        def ranked(i: int) -> list[int]:
            base = self.search(SHIPPED, i, k=10)
            scores = scorer(i)
            out: list[int] = []
            for n in base:
                pool = [m for m in base if self.article[m] == self.article[n] and m not in out]
                out.append(max(pool, key=lambda m: scores[m]))
            return out

        return ranked


def rankings(
    lab: Lab, i: int, k: int = 10, pool: int = 40
) -> tuple[dict[str, list[list[int]]], np.ndarray, np.ndarray]:
    """The shipped pipeline's separate rankings for case `i`, and its dense and BM25 scores."""
    case = lab.cases[i]
    flt = case_filters(case)
    mask = flt.mask(lab.columns)
    dense = lab.vectors @ lab.queries[i]
    lexical = lab._scores(lab._bm25(True), case.question)
    found: dict[str, list[list[int]]] = {
        "dense": [lab._top(dense, mask, pool)],
        "bm25": [lab._top(lexical, mask, pool)],
        "outlet": [],
        "part_day": [],
        "parts": [],
    }
    for outlet in mentioned_outlets(case.question, lab.outlets, flt):
        found["outlet"].append(lab._top(lexical, mask & (lab.columns.outlets == outlet_key(outlet)), k))
    parts = split_parts(case.question, lab.outlets)
    for part in parts:
        for day in mentioned_days(part, published=True):
            start = int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())
            within = mask & (lab.columns.published >= start) & (lab.columns.published < start + 86_400)
            for outlet in mentioned_outlets(part, lab.outlets, flt)[:1]:
                within = within & (lab.columns.outlets == outlet_key(outlet))
            found["part_day"].append(lab._top(lexical, within, k))
    if len(parts) > 1:
        found["parts"] = [lab._top(lab._scores(lab._bm25(True), p), mask, k) for p in parts]
    return found, dense, lexical


def learned(lab: SentenceLab) -> dict[str, float]:
    """Logistic regression over each candidate's reciprocal ranks in the shipped rankings, its dense similarity and
    BM25 score (relative to the best), its place in its article and its article's best fused score: fitted on
    half of the questions, scored on the other half, and the reverse."""
    rows = []
    chunk = np.array([int(m.get("chunk_index", 0)) for m in lab.metas])
    for i in range(len(lab.cases)):
        found, dense, lexical = rankings(lab, i)
        candidates = list(dict.fromkeys(n for rs in found.values() for r in rs for n in r))
        weights = {"dense": 0.2, "bm25": 1.0, "outlet": 1.0, "part_day": 1.0, "parts": 0.5}

        def rr(name: str, n: int, found: Rankings = found) -> float:
            return sum(RRF_K / (RRF_K + r.index(n) + 1) for r in found[name] if n in r)

        fused = {n: sum(w * rr(name, n) for name, w in weights.items()) for n in candidates}
        best: dict[str, float] = defaultdict(float)
        for n in candidates:
            best[lab.article[n]] = max(best[lab.article[n]], fused[n])
        top = max(float(lexical[candidates].max()), 1e-9)
        x = np.array(
            [
                [1.0, *(rr(name, n) for name in weights), float(dense[n]), float(lexical[n]) / top]
                + [float(chunk[n] == 0), min(int(chunk[n]), 10) / 10, best[lab.article[n]], fused[n]]
                for n in candidates
            ]
        )
        y = np.array([float(n in lab.relevant[i]) for n in candidates])
        rows.append((candidates, x, y))
    order = np.random.default_rng(0).permutation(len(rows))
    folds = [order[::2], order[1::2]]
    ranked_by: dict[int, list[int]] = {}
    for test, train in ((folds[0], folds[1]), (folds[1], folds[0])):
        w = fit(np.vstack([rows[i][1] for i in train]), np.concatenate([rows[i][2] for i in train]), l2=1.0)
        for i in test:
            candidates, x, _ = rows[i]
            ranked = [candidates[j] for j in np.argsort(-(x @ w), kind="stable")]
            ranked_by[int(i)] = [
                lab.position[p.chunk_id] for p in cap_per_article([lab.passages[n] for n in ranked], 10, 4)
            ]
    return lab.scored(lambda i: ranked_by[i])


def where_lost(store: Path, queries: Path) -> None:
    """Where the shipped ranking loses: what its first passage is, and where the gold facts it misses are."""
    lab = Lab(store, queries)
    squashed = [squash(t) for t in lab.texts]
    counts: dict[str, int] = defaultdict(int)
    for i, case in enumerate(lab.cases):
        facts = [squash(f) for f in case.evidence if f.strip()]
        holders = [{n for n, t in enumerate(squashed) if f in t} for f in facts]
        relevant = set().union(*holders)
        top = lab.search(SHIPPED, i)
        articles = {lab.article[n] for n in top}
        first = top[0]
        if first in relevant:
            counts["first passage relevant"] += 1
        elif lab.article[first] in {lab.article[n] for n in relevant}:
            counts["first passage from a gold article, another passage"] += 1
        else:
            counts["first passage from another article"] += 1
        for held in holders:
            if not held:
                counts["gold facts in no passage whole"] += 1
            elif held & set(top):
                counts["gold facts in the top 10"] += 1
            elif {lab.article[n] for n in held} & articles:
                counts["gold facts missed, their article in the top 10"] += 1
            else:
                counts["gold facts missed with their article"] += 1
    for name, n in counts.items():
        print(f"{name}: {n}")


def main() -> None:
    if "--where" in sys.argv:
        where_lost(Path(sys.argv[1]), Path(sys.argv[2]))
        return
    lab = SentenceLab(Path(sys.argv[1]), Path(sys.argv[2]))
    print("| variant | " + " | ".join(SHOWN) + " |")
    rows: list[tuple[str, Callable[[int], list[int]]]] = [
        ("row 8 (shipped)", lambda i: lab.search(SHIPPED, i)),
        ("+ passages ranked by their best sentence, BM25 (0.25)", lab.with_sentence_rankings(0.25, 0, 0)),
        ("+ the same at 0.5", lab.with_sentence_rankings(0.5, 0, 0)),
        ("+ passages ranked by their best sentence, dense (0.25)", lab.with_sentence_rankings(0, 0.25, 0)),
        ("+ the top 40 re-ranked by the best sentence, dense (0.25)", lab.with_sentence_rankings(0, 0, 0.25)),
        ("+ the same at 0.5", lab.with_sentence_rankings(0, 0, 0.5)),
        ("each article's slots: its passages by best sentence, BM25", lab.within_articles(lab.sentence_lexical)),
        ("each article's slots: its passages by best sentence, dense", lab.within_articles(lab.sentence_dense)),
    ]
    for name, ranked in rows:
        m = lab.scored(ranked)
        print(f"| {name} | " + " | ".join(f"{m[n]:.3f}" for n in SHOWN) + " |", flush=True)
    m = learned(lab)
    print("| learned fusion (logistic regression, held out) | " + " | ".join(f"{m[n]:.3f}" for n in SHOWN) + " |")


if __name__ == "__main__":
    main()
