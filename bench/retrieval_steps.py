"""The retrieval steps of docs/retrieval.md, measured on a store that `newsroom eval --corpus` built.

Every variant re-ranks the same store in memory (exact cosine over the stored vectors, BM25 built here), so the
table of steps takes seconds per row; the shipped pipeline is `rag/retrieval/hybrid.py`, measured end to end by
`newsroom eval`. Usage:

    uv run python bench/retrieval_steps.py eval-runs/dev/store-<hash> ../shared/data/multihop-rag/queries-dev.json
    uv run python bench/retrieval_steps.py ... --tried     # the variants that did not help
    uv run python bench/retrieval_steps.py ... --ceiling   # where the gold facts rank; a perfect re-ranker's gain
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import bm25s
import numpy as np

from rag.archive.filters import ArchiveFilter, FilterColumns, outlet_key
from rag.archive.knowledge import Archive
from rag.archive.lexical import lexical_text
from rag.archive.store import passage_from
from rag.config import load_settings
from rag.eval.cases import load_cases
from rag.eval.metrics import retrieval_metrics, squash
from rag.eval.run import case_filters
from rag.retrieval.clauses import split_parts
from rag.retrieval.hybrid import cap_per_article, fuse
from rag.retrieval.names import named_entities
from rag.retrieval.wording import keywords, mentioned_days, mentioned_outlets

FRAMING = frozenset(
    """article articles report reports reported according suggest suggests suggested published piece story coverage
    covered mention mentions mentioned indicate indicates indicated""".split()
)
SHOWN = ("hits@4", "hits@10", "mrr@10", "map@10", "facts@10", "all_facts@10")


@dataclass(frozen=True)
class Variant:
    """One retrieval pipeline: index, weights and caps."""

    name: str
    dates: bool = True  # BM25 text carries the date forms
    dense: float = 0.2  # dense weight against BM25's 1.0
    outlet_dense: bool = False  # dense rankings within named outlets too
    parts: float = 0.5  # weight of per-part BM25 rankings (0: none)
    per_article: int = 4
    outlets: bool = True
    rrf_k: int = 60
    pool: int = 40
    days: float = 0.0  # weight of a BM25 ranking within each publication day the question names (0: none)
    part_days: float = 1.0  # weight of a BM25 ranking within each (outlet, day) pair a part names (0: none)
    articles_first: bool = False  # rank articles by their two best passages, then passages round-robin
    part_dense: float = 0.0  # weight of a dense ranking for each part of a several-part question (0: none)
    feedback: float = 0.0  # weight of a BM25 ranking for the question and the top passages' distinctive words
    feedback_terms: int = 10  # how many words the feedback adds
    feedback_docs: int = 3  # from how many of the first fused passages
    narrow_pool: int = 10  # candidates of the rankings within an outlet, a day or a part
    part_pool: int = 0  # candidates of a part's ranking when not narrow_pool (0: narrow_pool)
    dense_pool: int = 0  # candidates of the whole question's dense ranking when not pool (0: pool)
    part_outlet: float = 0.0  # weight of a BM25 ranking for each part within each outlet it names (0: none)
    part_outlet_pool: int = 10  # candidates of that ranking
    part_outlet_only: bool = False  # a part that names an outlet gets only that ranking, not the plain one too
    part_slots: bool = False  # each part's best passage is sure of a place in the results
    outlet_slots: bool = False  # so is each named outlet's best passage
    framing: bool = False  # the words that frame a question about reports ("article", "reported") leave its keywords
    framing_words: frozenset[str] = frozenset()  # which words (the shipped `keywords` when empty)
    headline: float = 0.0  # weight of a ranking of articles by their headline, each by its best passage (0: none)
    article_vote: float = 0.0  # weight of a ranking of articles by their two best passages' keyword scores (0: none)
    dense_keywords: bool = False  # the dense model reads the question without its framing words too
    bm25_score: float = 0.0  # weight of the passage's BM25 score (over the best one's) added to its fused score
    top_spread: int = 0  # at most this many passages of one article among the first four (0: no limit)
    cap_by_parts: bool = False  # at most 3 passages per article for a question of 3 parts, 2 for 4 or more
    outlet_by_part: bool = False  # an outlet that one part alone names is searched with that part, not the question
    k1: float = 1.5  # BM25's term-frequency saturation
    b: float = 0.75  # BM25's length normalisation
    names: float = 0.0  # weight of BM25 over the names the question holds, added to its BM25 (0: none)
    bigrams: float = 0.0  # weight of BM25 over two-word phrases (adjacent keywords) added to the words' BM25 (0: none)
    bigrams_whole: bool = False  # the phrases of the headline, outlet and date forms too, not the passage text alone
    bigram_gap: int = 1  # pairs of keywords up to this far apart (1: adjacent only)
    bridge: float = 0.0  # weight of rankings for the question and a name its first passages share (0: none)
    bridge_docs: int = 5  # from how many of the first results
    bridge_pool: int = 2  # candidates of each such ranking
    bridge_names: int = 1  # how many shared names
    neighbours: float = 0.0  # weight of a ranking of the passages next to the first results' (0: none)
    neighbour_side: int = 1  # 1: the next passage; -1: the one before; 0: both


class Lab:
    """The store's passages, vectors and two BM25 indexes, and the cases to score."""

    def __init__(self, store: Path, queries: Path) -> None:
        self.archive = Archive(replace(load_settings(env_file=None), data_dir=store, chroma_host=None))
        lexical = self.archive.lexical()
        rows = list(self.archive.store.iter_passages())  # every stored passage (an evaluation store has no orphans)
        self.ids = [str(cid) for cid, _, _ in rows]
        self.texts = [str(text) for _, text, _ in rows]
        self.metas = [dict(meta) for _, _, meta in rows]
        self.columns = FilterColumns.of(self.metas)
        self.article = np.array([m["article_id"] for m in self.metas])
        self.passages = [passage_from(i, t, m) for i, t, m in zip(self.ids, self.texts, self.metas, strict=True)]
        self.position = {cid: n for n, cid in enumerate(self.ids)}
        got = self.archive.store.passages.get(ids=self.ids, include=["embeddings"])
        where = {cid: n for n, cid in enumerate(got["ids"])}
        vectors = np.asarray(got["embeddings"], dtype=np.float32)[[where[i] for i in self.ids]]
        self.vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        self.cases = [c for c in load_cases(queries) if c.expect == "answer" and c.evidence]
        self.queries = np.asarray([self.archive.embeddings.embed_query(c.question) for c in self.cases])
        self.outlets = self.archive.outlets()
        self.stemmer = lexical.stemmer
        self.bm25: dict[tuple[bool, float, float], bm25s.BM25] = {}
        self._bigram_bm25: dict[tuple[bool, int], bm25s.BM25] = {}
        self._part_vectors: dict[str, np.ndarray] = {}
        self._headlines: bm25s.BM25 | None = None
        self._keyword_queries: np.ndarray | None = None
        self._article_order: list[str] = []
        self._passages_of: dict[str, list[int]] = {}
        self._df: dict[str, int] | None = None  # in how many passages each word stands (for the feedback)

    def keyword_queries(self) -> np.ndarray:
        if self._keyword_queries is None:
            from rag.retrieval.wording import keywords

            texts = [keywords(c.question) for c in self.cases]
            self._keyword_queries = np.asarray([self.archive.embeddings.embed_query(t) for t in texts])
        return self._keyword_queries

    def part_vector(self, part: str) -> np.ndarray:
        if part not in self._part_vectors:
            vector = np.asarray(self.archive.embeddings.embed_query(part), dtype=np.float32)
            self._part_vectors[part] = vector / np.linalg.norm(vector)
        return self._part_vectors[part]

    def feedback_query(self, question: str, top: Sequence[int], terms: int) -> str:
        """The question and the words that its first passages share most, weighed by how rare they are."""
        tokenized = bm25s.tokenize(
            [self.texts[n] for n in top], stopwords="en", stemmer=None, show_progress=False, return_ids=False
        )
        counts: dict[str, float] = defaultdict(float)
        for doc in tokenized:
            for word in set(doc):
                if len(word) > 2 and not word.isdigit():
                    counts[word] += 1.0
        asked = set(question.lower().split())
        ranked = sorted(
            (w for w in counts if w not in asked and counts[w] >= 2),
            key=lambda w: -counts[w] * self.idf(w),
        )
        return question + " " + " ".join(ranked[:terms])

    def idf(self, word: str) -> float:
        if self._df is None:
            self._df = defaultdict(int)
            for doc in bm25s.tokenize(self.texts, stopwords="en", stemmer=None, show_progress=False, return_ids=False):
                for w in set(doc):
                    self._df[w] += 1
        return float(np.log(len(self.texts) / (1 + self._df.get(word, 0))))

    def _bm25(self, dates: bool, k1: float = 1.5, b: float = 0.75) -> bm25s.BM25:
        if (dates, k1, b) in self.bm25:
            return self.bm25[dates, k1, b]
        corpus = [
            lexical_text(m.get("title", ""), m.get("outlet", ""), t, m.get("published_at", "") if dates else "")
            for t, m in zip(self.texts, self.metas, strict=True)
        ]
        index = bm25s.BM25(k1=k1, b=b)
        index.index(
            bm25s.tokenize(corpus, stopwords="en", stemmer=self.stemmer, show_progress=False), show_progress=False
        )
        self.bm25[dates, k1, b] = index
        return index

    def asked(self, v: Variant, query: str) -> str:
        """The question as the variant's keyword search reads it."""
        if not v.framing:
            return query
        if v.framing_words:
            return " ".join(w for w in query.split() if w.lower().strip(",.?!;:'’\"“”") not in v.framing_words)
        return keywords(query, self.outlets)

    def _scores(
        self, index: bm25s.BM25, query: str, bigrams: float = 0.0, whole: bool = False, gap: int = 1
    ) -> np.ndarray:
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=self.stemmer, show_progress=False, return_ids=False)
        scores = np.asarray(index.get_scores(tokens[0]) if tokens and tokens[0] else np.zeros(len(self.ids)))
        pairs = _pairs(tokens[0], gap) if bigrams and tokens else []
        known = [w for w in pairs if w in self._bigrams(whole, gap).vocab_dict]
        if known:
            scores = scores + bigrams * np.asarray(self._bigrams(whole, gap).get_scores(known))
        return scores

    def _bigrams(self, whole: bool, gap: int = 1) -> bm25s.BM25:
        """BM25 over each passage's two-word phrases: adjacent keywords (stopwords out, stemmed), passage text only."""
        if (whole, gap) not in self._bigram_bm25:
            texts = self.texts
            if whole:
                texts = [
                    lexical_text(m.get("title", ""), m.get("outlet", ""), t, m.get("published_at", ""))
                    for t, m in zip(self.texts, self.metas, strict=True)
                ]
            words = bm25s.tokenize(texts, stopwords="en", stemmer=self.stemmer, show_progress=False, return_ids=False)
            self._bigram_bm25[whole, gap] = bm25s.BM25()
            self._bigram_bm25[whole, gap].index([_pairs(w, gap) or ["_"] for w in words], show_progress=False)
        return self._bigram_bm25[whole, gap]

    @staticmethod
    def _top(scores: np.ndarray, mask: np.ndarray, n: int) -> list[int]:
        masked = np.where(mask, scores, -np.inf)
        top = np.argpartition(-masked, min(n, len(masked) - 1))[:n]
        return [int(i) for i in top[np.argsort(-masked[top])] if np.isfinite(masked[i])]

    def search(self, v: Variant, i: int, k: int = 10) -> list[int]:
        pool = v.pool
        case = self.cases[i]
        flt = case_filters(case)
        mask = flt.mask(self.columns)
        dense = self.vectors @ (self.keyword_queries()[i] if v.dense_keywords else self.queries[i])
        index = self._bm25(v.dates, v.k1, v.b)
        lexical = self._scores(index, self.asked(v, case.question), v.bigrams, v.bigrams_whole, v.bigram_gap)
        if v.names:
            held = named_entities(case.question, self.outlets, numbered=True)
            if held:
                lexical = lexical + v.names * self._scores(index, " ".join(held))
        rankings: list[tuple[float, list[int]]] = [
            (v.dense, self._top(dense, mask, v.dense_pool or pool)),
            (1.0, self._top(lexical, mask, pool)),
        ]
        all_parts = split_parts(case.question, self.outlets)
        for outlet in mentioned_outlets(case.question, self.outlets, flt) if v.outlets else []:
            narrowed = mask & (self.columns.outlets == outlet_key(outlet))
            owners = [p for p in all_parts if outlet in mentioned_outlets(p, self.outlets, flt)]
            if v.outlet_by_part and len(all_parts) > 1 and len(owners) == 1:
                part_scores = self._scores(index, self.asked(v, owners[0]))
                rankings.append((1.0, self._top(part_scores, narrowed, v.narrow_pool)))
            else:
                rankings.append((1.0, self._top(lexical, narrowed, v.narrow_pool)))
            if v.outlet_dense:
                rankings.append((v.dense, self._top(dense, narrowed, k)))
        for day in mentioned_days(case.question, published=True) if v.days else []:
            start = int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())
            within = mask & (self.columns.published >= start) & (self.columns.published < start + 86_400)
            rankings.append((v.days, self._top(lexical, within, k)))
        for part in split_parts(case.question, self.outlets) if v.part_days else []:
            for day in mentioned_days(part, published=True):
                start = int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())
                within = mask & (self.columns.published >= start) & (self.columns.published < start + 86_400)
                for outlet in mentioned_outlets(part, self.outlets, flt)[:1]:
                    within = within & (self.columns.outlets == outlet_key(outlet))
                rankings.append((v.part_days, self._top(lexical, within, v.narrow_pool)))
        parts = split_parts(case.question, self.outlets)
        sure: list[int] = []  # passages sure of a place (slots)
        if v.outlet_slots:
            sure += [r[1][0] for r in rankings[2:] if r[1]]
        if v.parts and len(parts) > 1:
            depth = v.part_pool or v.narrow_pool
            for p in parts:
                scores = self._scores(index, self.asked(v, p), v.bigrams, v.bigrams_whole, v.bigram_gap)
                named = mentioned_outlets(p, self.outlets, flt) if v.part_outlet else []
                for outlet in named:
                    narrowed = mask & (self.columns.outlets == outlet_key(outlet))
                    rankings.append((v.part_outlet, self._top(scores, narrowed, v.part_outlet_pool)))
                    if v.part_slots and rankings[-1][1]:
                        sure.append(rankings[-1][1][0])
                if not (named and v.part_outlet_only):
                    rankings.append((v.parts, self._top(scores, mask, depth)))
                    if v.part_slots and rankings[-1][1]:
                        sure.append(rankings[-1][1][0])
        if v.part_dense and len(parts) > 1:
            rankings += [(v.part_dense, self._top(self.vectors @ self.part_vector(p), mask, k)) for p in parts]
        if v.feedback:
            first = fuse([(w, [self.passages[n] for n in r]) for w, r in rankings], k=v.feedback_docs, rrf_k=v.rrf_k)
            query = self.feedback_query(case.question, [self.position[p.chunk_id] for p in first], v.feedback_terms)
            rankings.append((v.feedback, self._top(self._scores(index, query), mask, pool)))
        if v.bridge:
            rankings += self._bridges(v, case.question, rankings, mask, flt)
        if v.neighbours:
            rankings.append((v.neighbours, self._neighbours(v, rankings)))
        if v.headline:
            rankings.append((v.headline, self._by_headline(self.asked(v, case.question), lexical, mask)))
        if v.article_vote:
            rankings.append((v.article_vote, self._by_article(lexical, mask)))
        fused = fuse([(w, [self.passages[n] for n in r]) for w, r in rankings], k=len(self.ids), rrf_k=v.rrf_k)
        if v.bm25_score:
            best = float(np.max(np.where(mask, lexical, 0.0))) or 1.0
            for passage in fused:
                passage.score += v.bm25_score * float(lexical[self.position[passage.chunk_id]]) / best
            fused.sort(key=lambda passage: -passage.score)
        order = [self.position[p.chunk_id] for p in fused]
        if v.articles_first:
            return self._articles_first(order, k, v.rrf_k)
        cap = v.per_article
        if v.cap_by_parts and len(parts) >= 3:
            cap = 3 if len(parts) == 3 else 2
        top = [self.position[p.chunk_id] for p in cap_per_article(fused, k, cap)]
        if v.top_spread:
            top = self._spread(top, v.top_spread)
        return self._with_slots(top, sure) if sure else top

    def _neighbours(self, v: Variant, rankings: list[tuple[float, list[int]]]) -> list[int]:
        """The passages next to the first ten results (in their articles), in the results' order."""
        if not hasattr(self, "_at"):
            self._at = {(self.article[n], int(m.get("chunk_index", -1))): n for n, m in enumerate(self.metas)}
        first = cap_per_article(
            fuse([(w, [self.passages[n] for n in r]) for w, r in rankings], k=60, rrf_k=v.rrf_k), 10, v.per_article
        )
        sides = (1, -1) if v.neighbour_side == 0 else (v.neighbour_side,)
        out: list[int] = []
        for p in first:
            n = self.position[p.chunk_id]
            for side in sides:
                m = self._at.get((self.article[n], int(self.metas[n].get("chunk_index", -1)) + side))
                if m is not None and m not in out:
                    out.append(m)
        return out

    def _bridges(
        self,
        v: Variant,
        question: str,
        rankings: list[tuple[float, list[int]]],
        mask: np.ndarray,
        flt: ArchiveFilter,
    ) -> list[tuple[float, list[int]]]:
        """Multi-hop: a name that several of the first results' articles share and the question does not hold (the
        thing the question asks for), searched with the question within each outlet it names (or anywhere)."""
        first = cap_per_article(
            fuse([(w, [self.passages[n] for n in r]) for w, r in rankings], k=60, rrf_k=v.rrf_k), v.bridge_docs, 1
        )
        asked = question.lower()
        seen: dict[str, set[str]] = defaultdict(set)
        order: dict[str, int] = {}
        for rank, p in enumerate(first):
            n = self.position[p.chunk_id]
            for name in named_entities(self.texts[n], self.outlets):
                key = name.lower()
                if key in asked or len(key) < 3:
                    continue
                seen[key].add(self.article[n])
                order.setdefault(key, rank)
        shared = sorted((k for k in seen if len(seen[k]) >= 2), key=lambda k: (-len(seen[k]), order[k]))
        out: list[tuple[float, list[int]]] = []
        outlets: list[str | None] = [*mentioned_outlets(question, self.outlets, flt)]
        index = self._bm25(v.dates, v.k1, v.b)
        for name in shared[: v.bridge_names]:
            scores = self._scores(index, self.asked(v, question) + " " + name, v.bigrams, v.bigrams_whole)
            for outlet in outlets or [None]:  # within each outlet the question names, else anywhere
                within = mask if outlet is None else mask & (self.columns.outlets == outlet_key(outlet))
                out.append((v.bridge, self._top(scores, within, v.bridge_pool)))
        return out

    def _by_headline(self, query: str, lexical: np.ndarray, mask: np.ndarray) -> list[int]:
        if self._headlines is None:
            articles = list(dict.fromkeys(self.article))
            self._article_order = articles
            self._passages_of = defaultdict(list)
            for n, a in enumerate(self.article):
                self._passages_of[a].append(n)
            titles = [self.metas[self._passages_of[a][0]].get("title", "") for a in articles]
            self._headlines = bm25s.BM25()
            self._headlines.index(
                bm25s.tokenize(titles, stopwords="en", stemmer=self.stemmer, show_progress=False), show_progress=False
            )
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=self.stemmer, show_progress=False, return_ids=False)
        scores = np.asarray(self._headlines.get_scores(tokens[0])) if tokens and tokens[0] else None
        if scores is None:
            return []
        out: list[int] = []
        for j in np.argsort(-scores)[:30]:
            if scores[j] <= 0:
                break
            members = [n for n in self._passages_of[self._article_order[j]] if mask[n]]
            if members:
                out.append(max(members, key=lambda n: lexical[n]))
            if len(out) >= 10:
                break
        return out

    def _spread(self, top: list[int], most: int, first: int = 4) -> list[int]:
        """The same passages, at most `most` of one article among the first `first` (the others move down)."""
        head: list[int] = []
        rest: list[int] = []
        for n in top:
            same = sum(1 for m in head if self.article[m] == self.article[n])
            (head if len(head) < first and same < most else rest).append(n)
        return head + rest

    def _by_article(self, lexical: np.ndarray, mask: np.ndarray) -> list[int]:
        top = self._top(lexical, mask, 200)
        by: dict[str, list[int]] = defaultdict(list)
        for n in top:
            by[self.article[n]].append(n)
        ranked = sorted(by, key=lambda a: -sum(lexical[n] for n in by[a][:2]))
        return [by[a][0] for a in ranked[:10]]

    @staticmethod
    def _with_slots(top: list[int], sure: list[int]) -> list[int]:
        """The results with every sure passage in them: one missing takes the place of the last passage that is not
        sure of its own."""
        out = list(top)
        for n in dict.fromkeys(sure):
            if n in out:
                continue
            free = [j for j in range(len(out)) if out[j] not in sure]
            if not free:
                break
            out.pop(free[-1])
            out.append(n)
        return out

    def _articles_first(self, order: list[int], k: int, rrf_k: int) -> list[int]:
        by_article: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for rank, n in enumerate(order[:100]):
            by_article[self.article[n]].append((rank, n))
        weight = {a: sum(1 / (rrf_k + r) for r, _ in v[:2]) for a, v in by_article.items()}
        articles = sorted(by_article, key=lambda a: -weight[a])
        out: list[int] = []
        for round_ in range(k):
            out += [by_article[a][round_][1] for a in articles if len(by_article[a]) > round_]
        return out[:k]

    def score(self, v: Variant) -> dict[str, float]:
        sums: dict[str, list[float]] = defaultdict(list)
        for i, case in enumerate(self.cases):
            metrics = retrieval_metrics([self.passages[n] for n in self.search(v, i)], case.evidence)
            for name in SHOWN:
                sums[name].append(metrics[name])
                sums[f"{case.type} {name}"].append(metrics[name])
        return {name: sum(values) / len(values) for name, values in sums.items()}


STEPS: Sequence[Variant] = (
    Variant(
        "1 before: dense 1 + BM25 1, outlets dense+BM25, no date forms, no parts, no cap",
        dates=False,
        dense=1.0,
        outlet_dense=True,
        parts=0,
        per_article=10,
        part_days=0,
    ),
    Variant("2 + date forms in BM25", dense=1.0, outlet_dense=True, parts=0, per_article=10, part_days=0),
    Variant("3 + dense weight 0.2", outlet_dense=True, parts=0, per_article=10, part_days=0),
    Variant("4 + at most 4 passages per article", outlet_dense=True, parts=0, part_days=0),
    Variant("5 + per-part BM25 rankings (0.5)", outlet_dense=True, part_days=0),
    Variant("6 - dense within named outlets", part_days=0),
    Variant("7 + BM25 within the outlet and publication day a part names (1.0)"),
    Variant("8 + a part's keyword ranking keeps its 2 best passages (was 10)", part_pool=2),
    Variant("BM25 alone, with everything else of row 8", dense=0.0, part_pool=2),
    Variant(
        "9 + a part that names an outlet is searched within it",
        part_pool=2,
        part_outlet=0.5,
        part_outlet_pool=2,
        part_outlet_only=True,
    ),
    Variant(
        "10 + the words that frame a question about reports leave its keywords",
        part_pool=2,
        part_outlet=0.5,
        part_outlet_pool=2,
        part_outlet_only=True,
        framing=True,
    ),
    Variant(
        "11 (shipped) + two-word phrases of headline, outlet, dates and text in BM25 (0.25)",
        part_pool=2,
        part_outlet=0.5,
        part_outlet_pool=2,
        part_outlet_only=True,
        framing=True,
        bigrams=0.25,
        bigrams_whole=True,
    ),
)
TRIED: Sequence[Variant] = (
    Variant("row 7, for reference"),
    Variant("row 6 + BM25 within each publication day the question names (1.0)", part_days=0, days=1.0),
    Variant("row 6 + the same at weight 2", part_days=0, days=2.0),
    Variant("row 7 with the outlet-and-day ranking at weight 2", part_days=2.0),
    Variant("row 7 + BM25 within each day the question names (1.0)", days=1.0),
    Variant("articles first, then passages round-robin", articles_first=True),
    Variant("BM25 for each part at weight 1", parts=1.0),
    Variant("parts 1 and dense weight 0.1", parts=1.0, dense=0.1),
    Variant("parts 1 and at most 3 per article", parts=1.0, per_article=3),
    Variant("parts 1 and at most 5 per article", parts=1.0, per_article=5),
    Variant("parts 1 and reciprocal-rank constant 20", parts=1.0, rrf_k=20),
    Variant("60 candidates per ranking", pool=60),
    Variant("row 7 with 40 candidates (not 10) in the rankings within an outlet, a day or a part", narrow_pool=40),
    Variant("row 7 with 20 candidates in the rankings within an outlet, a day or a part", narrow_pool=20),
    Variant("row 7 with 5 candidates in the rankings within an outlet, a day or a part", narrow_pool=5),
    Variant("row 7 with 3 candidates in the rankings within an outlet, a day or a part", narrow_pool=3),
    Variant("row 7 with 7 candidates in the rankings within an outlet, a day or a part", narrow_pool=7),
    Variant("row 7 with 5 candidates within an outlet or a day, 10 for a part", narrow_pool=5, part_pool=10),
    Variant("row 7 with 10 candidates within an outlet or a day, 5 for a part", narrow_pool=10, part_pool=5),
    Variant("row 7 with 10 candidates within an outlet or a day, 3 for a part", narrow_pool=10, part_pool=3),
    Variant("row 7 with 10 candidates within an outlet or a day, 4 for a part", narrow_pool=10, part_pool=4),
    Variant("row 7 with 10 candidates within an outlet or a day, 6 for a part", narrow_pool=10, part_pool=6),
    Variant("row 7 with 10 candidates within an outlet or a day, 2 for a part", narrow_pool=10, part_pool=2),
    Variant("row 7 with 10 candidates within an outlet or a day, 1 for a part", narrow_pool=10, part_pool=1),
    Variant("row 7 with 2 candidates for a part at weight 1", part_pool=2, parts=1.0),
    Variant("row 7 with 3 candidates for a part at weight 1", part_pool=3, parts=1.0),
    Variant("row 7 with 3 candidates for a part at weight 0.25", part_pool=3, parts=0.25),
    Variant("row 8, for reference", part_pool=2),
    Variant("row 8 with 20 candidates for the whole question's rankings", part_pool=2, pool=20),
    Variant("row 8 with dense weight 0.1", part_pool=2, dense=0.1),
    Variant("row 8 with dense weight 0.3", part_pool=2, dense=0.3),
    Variant("row 8 with at most 3 passages per article", part_pool=2, per_article=3),
    Variant("row 8 with at most 5 passages per article", part_pool=2, per_article=5),
    Variant("row 8 with reciprocal-rank constant 30", part_pool=2, rrf_k=30),
    Variant("row 8 with 10 dense candidates", part_pool=2, dense_pool=10),
    Variant("row 8 with 20 dense candidates", part_pool=2, dense_pool=20),
    Variant("row 8 with 10 dense candidates at weight 0.5", part_pool=2, dense_pool=10, dense=0.5),
    Variant("row 8 + each part within the outlets it names (0.5, 2)", part_pool=2, part_outlet=0.5, part_outlet_pool=2),
    Variant("row 8 + each part within the outlets it names (0.5, 5)", part_pool=2, part_outlet=0.5, part_outlet_pool=5),
    Variant("row 8 + each part within the outlets it names (1, 5)", part_pool=2, part_outlet=1.0, part_outlet_pool=5),
    Variant("row 8 + each part within the outlets it names (1, 10)", part_pool=2, part_outlet=1.0, part_outlet_pool=10),
    Variant(
        "row 8 + each part within the outlets it names instead (0.5, 2)",
        part_pool=2,
        part_outlet=0.5,
        part_outlet_pool=2,
        part_outlet_only=True,
    ),
    Variant(
        "row 8 + each part within the outlets it names instead (1, 2)",
        part_pool=2,
        part_outlet=1.0,
        part_outlet_pool=2,
        part_outlet_only=True,
    ),
    Variant(
        "row 8 + each part within the outlets it names instead (0.5, 3)",
        part_pool=2,
        part_outlet=0.5,
        part_outlet_pool=3,
        part_outlet_only=True,
    ),
    Variant(
        "row 8 + each part within the outlets it names instead (0.5, 1)",
        part_pool=2,
        part_outlet=0.5,
        part_outlet_pool=1,
        part_outlet_only=True,
    ),
    *(
        Variant(
            f"row 9 with BM25 k1 {k1} and b {b}",
            part_pool=2,
            part_outlet=0.5,
            part_outlet_pool=2,
            part_outlet_only=True,
            k1=k1,
            b=b,
        )
        for k1, b in ((1.2, 0.75), (2.0, 0.75), (1.5, 0.5), (1.5, 0.9))
    ),
    *(
        Variant(name, part_pool=2, part_outlet=0.5, part_outlet_pool=2, part_outlet_only=True, **kw)
        for name, kw in (
            ("row 9 + each part's best passage sure of a place", {"part_slots": True}),
            ("row 9 + each named outlet's best passage sure of a place", {"outlet_slots": True}),
            ("row 9 + both sure of a place", {"part_slots": True, "outlet_slots": True}),
            ("row 9 + more framing words left out of the keywords", {"framing": True, "framing_words": FRAMING}),
            ("row 10 + its BM25 score over the best, weight 0.005", {"framing": True, "bm25_score": 0.005}),
            ("row 10 + its BM25 score over the best, weight 0.01", {"framing": True, "bm25_score": 0.01}),
            ("row 10 + its BM25 score over the best, weight 0.02", {"framing": True, "bm25_score": 0.02}),
            (
                "row 10 + the dense model reads the question without its framing words too",
                {"framing": True, "dense_keywords": True},
            ),
            (
                "row 10 + at most 2 passages of one article among the first four",
                {"framing": True, "top_spread": 2},
            ),
            (
                "row 10 + at most 1 passage of one article among the first four",
                {"framing": True, "top_spread": 1},
            ),
            (
                "row 10 + articles by headline, each by its best passage (0.5)",
                {"framing": True, "headline": 0.5},
            ),
            (
                "row 10 + articles by headline, each by its best passage (1)",
                {"framing": True, "headline": 1.0},
            ),
            (
                "row 10 + articles by their two best passages (0.5)",
                {"framing": True, "article_vote": 0.5},
            ),
            (
                "row 10 + fewer passages per article for questions of 3 or more parts",
                {"framing": True, "cap_by_parts": True},
            ),
            (
                "row 9 + fewer framing words left out, an outlet one part names searched with that part",
                {"framing": True, "outlet_by_part": True},
            ),
            ("row 9 + fewer framing words left out", {"framing": True}),
            ("row 10 + two-word phrases of the passage text in BM25 (0.25)", {"framing": True, "bigrams": 0.25}),
            ("row 10 + the question's names weigh more in BM25 (0.5)", {"framing": True, "names": 0.5}),
            ("row 10 + the question's names weigh more in BM25 (1)", {"framing": True, "names": 1.0}),
            ("row 10 + two-word phrases of the passage text in BM25 (0.5)", {"framing": True, "bigrams": 0.5}),
            ("row 10 + two-word phrases of the passage text in BM25 (0.1)", {"framing": True, "bigrams": 0.1}),
            (
                "row 10 + two-word phrases of headline, outlet, dates and text in BM25 (0.5)",
                {"framing": True, "bigrams": 0.5, "bigrams_whole": True},
            ),
            (
                "row 10 + pairs of keywords up to two apart, of headline, outlet, dates and text in BM25 (0.25)",
                {"framing": True, "bigrams": 0.25, "bigrams_whole": True, "bigram_gap": 2},
            ),
            (
                "row 10 + two-word phrases of headline, outlet, dates and text in BM25 (0.15)",
                {"framing": True, "bigrams": 0.15, "bigrams_whole": True},
            ),
            ("row 10 + two-word phrases of the passage text in BM25 (0.15)", {"framing": True, "bigrams": 0.15}),
            ("row 10 + two-word phrases of the passage text in BM25 (0.35)", {"framing": True, "bigrams": 0.35}),
            ("row 10 + two-word phrases of the passage text in BM25 (1)", {"framing": True, "bigrams": 1.0}),
            (
                "row 9 + fewer framing words left out, outlets' and parts' best sure of a place",
                {"framing": True, "part_slots": True, "outlet_slots": True},
            ),
        )
    ),
    *(
        replace(
            STEPS[-1],
            name=f"row 11 + bridge names from {d} results, {nn} name(s), weight {w}, {pool} per outlet",
            bridge=w,
            bridge_docs=d,
            bridge_pool=pool,
            bridge_names=nn,
        )
        for d, nn, w, pool in ((5, 1, 0.5, 2), (5, 1, 1.0, 2), (8, 2, 0.5, 2), (5, 1, 0.5, 5))
    ),
    *(
        replace(
            STEPS[-1],
            name=f"row 11 + the passages next to the first ten (side {side}), weight {w}",
            neighbours=w,
            neighbour_side=side,
        )
        for side, w in ((1, 0.25), (1, 0.5), (0, 0.25), (-1, 0.25))
    ),
    Variant("row 7 + a dense ranking for each part (0.2)", part_dense=0.2),
    Variant("row 7 + a dense ranking for each part (0.5)", part_dense=0.5),
    Variant("row 7 + keyword feedback from the first 3 passages (0.5)", feedback=0.5),
    Variant("row 7 + keyword feedback from the first 3 passages (1.0)", feedback=1.0),
    Variant(
        "row 7 + keyword feedback from the first 5 passages, 20 words (0.5)",
        feedback=0.5,
        feedback_docs=5,
        feedback_terms=20,
    ),
)


def _pairs(words: Sequence[str], gap: int = 1) -> list[str]:
    """Pairs of keywords up to `gap` apart, in order ("a_b", "a_c" for a gap of 2)."""
    return [f"{words[i]}_{words[i + d]}" for d in range(1, gap + 1) for i in range(len(words) - d)]


def ceiling(lab: Lab, variant: Variant) -> None:
    """Where a pipeline ranks each gold fact (its first passage holding it, in the pipeline's whole capped order),
    and what a perfect re-ranking of its first N passages would score: every gold fact found there in the top 10."""
    depths: list[list[int | None]] = []
    for i, case in enumerate(lab.cases):
        top = lab.search(variant, i)  # the top 10 as shipped (at most four passages of an article), then the rest
        order = [squash(lab.texts[n]) for n in dict.fromkeys([*top, *lab.search(variant, i, k=len(lab.ids))])]
        gold = [squash(f) for f in case.evidence if f.strip()]
        depths.append([next((rank for rank, text in enumerate(order) if fact in text), None) for fact in gold])
    every = [d for ranks in depths for d in ranks]
    bands = ((0, 10), (10, 20), (20, 40), (40, 10**9))
    cells = [f"{sum(1 for d in every if d is not None and a <= d < b)}" for a, b in bands]
    print(
        f"{len(every)} gold facts ranked 1-10, 11-20, 21-40, below 40: {', '.join(cells)}; in no ranking: "
        f"{sum(1 for d in every if d is None)}"
    )
    print("| perfect re-ranking of the first | facts@10 | all_facts@10 |")
    for depth in (10, 20, 40, len(lab.ids)):
        found = [[d is not None and d < depth for d in ranks] for ranks in depths]
        facts = sum(sum(f) / max(1, len(f)) for f in found) / len(found)
        every_one = sum(all(f) for f in found) / len(found)
        print(f"| {depth} | {facts:.3f} | {every_one:.3f} |")


def main() -> None:
    lab = Lab(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{len(lab.cases)} answerable cases, {len(lab.ids)} passages")
    if "--ceiling" in sys.argv:  # where the shipped pipeline ranks the gold facts, and what re-ranking could gain
        ceiling(lab, STEPS[-1])
        return
    print("| step | " + " | ".join(SHOWN) + " | temporal mrr@10 | inference all_facts@10 |")
    variants = TRIED if "--tried" in sys.argv else STEPS
    if "--only" in sys.argv:  # the variants whose name holds one of the words after --only
        words = sys.argv[sys.argv.index("--only") + 1 :]
        variants = tuple(v for v in (*TRIED, *STEPS) if any(w in v.name for w in words))
    for variant in variants:
        m = lab.score(variant)
        cells = [f"{m[n]:.3f}" for n in SHOWN] + [f"{m['temporal mrr@10']:.3f}", f"{m['inference all_facts@10']:.3f}"]
        print(f"| {variant.name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
