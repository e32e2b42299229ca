"""BM25 scoring in memory, grown one article at a time: the keyword index's scorer.

Postings (which passages hold a term, how often) live in numpy arrays per term. Adding passages appends a small
chunk to each of their terms' postings; removing one only clears its `alive` flag, and the statistics BM25 needs
(passage count, average length, document frequency) are taken over live passages at query time. So a change
costs time proportional to the change, and a query the time of its terms' postings, as in a search engine's
segments; chunks are merged the first time a query reads them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from rag.archive.filters import FilterColumns

K1 = 1.5  # the Lucene BM25 parameters (bm25s' defaults, which this index replaced)
B = 0.75


@dataclass
class Postings:
    """One term's postings: passage positions and term frequencies, in chunks merged on first read."""

    chunks: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if len(self.chunks) > 1:
            docs = np.concatenate([d for d, _ in self.chunks])
            freqs = np.concatenate([f for _, f in self.chunks])
            self.chunks = [(docs, freqs)]
        return self.chunks[0]


class Scorer:
    """BM25 over passages identified by position; thread-safe (writers and readers take one lock)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.terms: dict[str, Postings] = {}
        self.lengths = np.zeros(0, dtype=np.float32)
        self.alive = np.zeros(0, dtype=bool)
        self.rowids = np.zeros(0, dtype=np.int64)
        self.columns = FilterColumns.of([])
        self.position: dict[int, int] = {}  # SQLite row id -> position

    def __len__(self) -> int:
        return int(self.alive.sum())

    def dead(self) -> int:
        """Passages removed but still taking room (until the scorer is loaded afresh)."""
        return len(self.alive) - len(self)

    def add(self, rowids: Sequence[int], tokens: Sequence[str], columns: FilterColumns) -> None:
        """Append passages: their row ids, space-separated tokens and filter columns."""
        if not rowids:
            return
        with self.lock:
            first = len(self.rowids)
            per_term: dict[str, dict[int, int]] = {}
            lengths = np.zeros(len(rowids), dtype=np.float32)
            for offset, words in enumerate(tokens):
                split = words.split()
                lengths[offset] = len(split)
                for word in split:
                    counts = per_term.setdefault(word, {})
                    counts[first + offset] = counts.get(first + offset, 0) + 1
            for word, counts in per_term.items():
                docs = np.fromiter(counts.keys(), dtype=np.int32, count=len(counts))
                freqs = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
                self.terms.setdefault(word, Postings()).chunks.append((docs, freqs))
            self.lengths = np.concatenate([self.lengths, lengths])
            self.alive = np.concatenate([self.alive, np.ones(len(rowids), dtype=bool)])
            self.rowids = np.concatenate([self.rowids, np.asarray(rowids, dtype=np.int64)])
            self.columns = FilterColumns(
                embargo=np.concatenate([self.columns.embargo, columns.embargo]),
                published=np.concatenate([self.columns.published, columns.published]),
                outlets=np.concatenate([self.columns.outlets, columns.outlets]),
                status=np.concatenate([self.columns.status, columns.status]),
            )
            for i, r in enumerate(rowids):
                old = self.position.get(int(r))
                if old is not None:  # the same row loaded again: its earlier position stops counting
                    self.alive[old] = False
                self.position[int(r)] = first + i

    def remove(self, rowids: Sequence[int]) -> None:
        """Forget passages (their postings stay, masked, until the index is next loaded)."""
        with self.lock:
            positions = [self.position.pop(int(r)) for r in rowids if int(r) in self.position]
            self.alive[positions] = False

    def idf(self, words: Iterable[str]) -> dict[str, float]:
        """BM25's inverse document frequency of each word over the live passages (the same formula `scores`
        uses; a word no live passage holds gets the highest weight)."""
        with self.lock:
            live = int(self.alive.sum())
            weights = {}
            for word in dict.fromkeys(words):
                postings = self.terms.get(word)
                df = int(self.alive[postings.arrays()[0]].sum()) if postings is not None else 0
                weights[word] = float(_idf(live, df))
            return weights

    def scores(self, words: Sequence[str]) -> np.ndarray | None:
        """BM25 of every passage position for the query's terms (dead passages score 0); None when no live
        passage holds any of them."""
        with self.lock:
            live = int(self.alive.sum())
            if not live:
                return None
            average = float(self.lengths[self.alive].mean()) or 1.0
            norm = K1 * (1 - B + B * self.lengths / average)
            total = np.zeros(len(self.alive), dtype=np.float32)
            for word in dict.fromkeys(words):
                postings = self.terms.get(word)
                if postings is None:
                    continue
                docs, freqs = postings.arrays()
                present = self.alive[docs]
                df = int(present.sum())
                if not df:
                    continue
                total[docs] += present * _idf(live, df) * freqs * (K1 + 1) / (freqs + norm[docs])
            return total if total.any() else None


def _idf(live: int, df: int) -> np.float64:
    """BM25's inverse document frequency of a term that `df` of `live` passages hold (Lucene's form)."""
    return np.float64(np.log(1 + (live - df + 0.5) / (df + 0.5)))
