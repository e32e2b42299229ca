"""The retrieval steps of docs/lab/2026-retrieval-notebook.md, measured on a store that `newsroom eval --corpus` built.

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
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import bm25s
import numpy as np

from bench.retrieval_variants import STEPS, TRIED, Variant
from rag.archive.filters import ArchiveFilter, FilterColumns, outlet_key
from rag.archive.knowledge import Archive
from rag.archive.lexical import lexical_text
from rag.archive.store import passage_from
from rag.config import load_settings
from rag.eval.cases import load_cases
from rag.eval.metrics import retrieval_metrics, squash
from rag.eval.run import case_filters
from rag.models import Passage
from rag.retrieval.clauses import split_parts
from rag.retrieval.hybrid import cap_per_article, fuse
from rag.retrieval.names import named_entities
from rag.retrieval.wording import keywords, mentioned_days, mentioned_outlets

SHOWN = ("hits@4", "hits@10", "mrr@10", "map@10", "facts@10", "all_facts@10")


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
        self._at: dict[tuple[str, int], int] | None = None  # each passage by its article and its place in it

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
            first = self._fuse(rankings, v.feedback_docs, v.rrf_k)
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
        fused = self._fuse(rankings, len(self.ids), v.rrf_k)
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

    def _fuse(self, rankings: Sequence[tuple[float, list[int]]], k: int, rrf_k: int) -> list[Passage]:
        """The shipped fusion (`rag.retrieval.hybrid.fuse`) of rankings of passage positions."""
        return fuse([(w, [self.passages[n] for n in r]) for w, r in rankings], k=k, rrf_k=rrf_k)

    def _neighbours(self, v: Variant, rankings: list[tuple[float, list[int]]]) -> list[int]:
        """The passages next to the first ten results (in their articles), in the results' order."""
        if self._at is None:
            self._at = {(self.article[n], int(m.get("chunk_index", -1))): n for n, m in enumerate(self.metas)}
        first = cap_per_article(self._fuse(rankings, 60, v.rrf_k), 10, v.per_article)
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
        first = cap_per_article(self._fuse(rankings, 60, v.rrf_k), v.bridge_docs, 1)
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
