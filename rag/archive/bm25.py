"""BM25 scoring in memory, grown one article at a time: the keyword index's scorer.

Postings (which passages hold a term, how often) live in numpy arrays per term. Adding passages appends a small
chunk to each of their terms' postings; removing one only clears its `alive` flag, and the statistics BM25 needs
(passage count, average length, document frequency) are taken over live passages at query time. So a change
costs time proportional to the change, and a query the time of its terms' postings, as in a search engine's
segments; chunks are merged the first time a query reads them.

Two-word phrases count too (`rag.archive.pairs`): a passage holding a phrase of the query ("interest rates",
"Sam Altman") adds BM25 over the phrases, at `PHRASE_WEIGHT` of the words' weight.

A term's BM25 over its passages depends only on the index, not on the query, so it is kept once computed until
the index next changes: a question, its outlets' and its parts' searches, and the next questions, read the same
common terms again and again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from rag.archive.filters import FilterColumns
from rag.archive.pairs import PhrasePostings, phrase_keys

K1 = 1.5  # the Lucene BM25 parameters (bm25s' defaults, which this index replaced)
B = 0.75
PHRASE_WEIGHT = 0.25  # measured on MultiHop-RAG dev (docs/lab/, run P): phrases help at a quarter of a word
KEPT_ENTRIES = 2_000_000  # (term, passage) scores kept between queries (12 bytes each, one more a term); past this
# all are dropped


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
        self.word_ids: dict[str, int] = {}  # each word's id, for the keys of phrases
        self.phrases = PhrasePostings()
        self.phrase_lengths = np.zeros(0, dtype=np.float32)
        self.alive = np.zeros(0, dtype=bool)
        self.rowids = np.zeros(0, dtype=np.int64)
        self.columns = FilterColumns.of([])
        self.position: dict[int, int] = {}  # SQLite row id -> position
        # each term's (positions, BM25 of each) as the index is now; a word by itself, a phrase by its key. Emptied
        # by every change; `_live` and `_norms` likewise
        self._kept: dict[str | int, tuple[np.ndarray, np.ndarray]] = {}
        self._kept_entries = 0
        self._live: int | None = None
        self._norms: tuple[np.ndarray, np.ndarray] | None = None  # of the words, of the phrases

    def _changed(self) -> None:
        """Forget what was computed from the index as it was (under the lock, by every change)."""
        self._kept, self._kept_entries, self._live, self._norms = {}, 0, None, None

    def forget_kept(self) -> None:
        """Forget every term's kept BM25 (as a fresh process would have none; for measuring)."""
        with self.lock:
            self._changed()

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
            flat: list[str] = []  # every word, in order (for the phrases)
            for offset, words in enumerate(tokens):
                split = words.split()
                lengths[offset] = len(split)
                flat += split
                for word in split:
                    counts = per_term.setdefault(word, {})
                    counts[first + offset] = counts.get(first + offset, 0) + 1
            for word, counts in per_term.items():
                docs = np.fromiter(counts.keys(), dtype=np.int32, count=len(counts))
                freqs = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
                self.terms.setdefault(word, Postings()).chunks.append((docs, freqs))
            self.lengths = np.concatenate([self.lengths, lengths])
            for word in per_term:
                self.word_ids.setdefault(word, len(self.word_ids))
            phrase_lengths = self.phrases.add(
                first,
                len(rowids),
                np.fromiter(map(self.word_ids.__getitem__, flat), dtype=np.int64, count=len(flat)),
                np.repeat(np.arange(first, first + len(rowids), dtype=np.int64), lengths.astype(np.int64)),
            )
            self.phrase_lengths = np.concatenate([self.phrase_lengths, phrase_lengths])
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
            self._changed()

    def remove(self, rowids: Sequence[int]) -> None:
        """Forget passages (their postings stay, masked, until the index is next loaded)."""
        with self.lock:
            positions = [self.position.pop(int(r)) for r in rowids if int(r) in self.position]
            self.alive[positions] = False
            self._changed()

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

    def scores(self, words: Sequence[str], phrase_weight: float = PHRASE_WEIGHT) -> np.ndarray | None:
        """BM25 of every passage position for the query's terms (dead passages score 0), plus `phrase_weight`
        times BM25 over the query's two-word phrases; None when no live passage holds any of its terms."""
        with self.lock:
            if self._live is None:
                self._live = int(self.alive.sum())
            if not self._live:
                return None
            if self._norms is None:
                self._norms = (self._norm(self.lengths), self._norm(self.phrase_lengths))
            total = np.zeros(len(self.alive), dtype=np.float32)
            for word in dict.fromkeys(words):
                self._add(total, word, 1.0)
            if phrase_weight and total.any():
                for key in dict.fromkeys(phrase_keys([self.word_ids.get(word) for word in words])):
                    self._add(total, key, phrase_weight)
            return total if total.any() else None

    def _norm(self, lengths: np.ndarray) -> np.ndarray:
        """BM25's length normalisation of every passage position, against the live passages' average length."""
        average = float(lengths[self.alive].mean()) or 1.0
        return K1 * (1 - B + B * lengths / average)  # type: ignore[no-any-return]

    def _add(self, total: np.ndarray, term: str | int, weight: float) -> None:
        """Add one term's BM25 (a word, or a phrase by its key) to `total`, times `weight`."""
        kept = self._kept.get(term)
        if kept is None:
            kept = self._term_scores(term)
            size = kept[0].size + 1  # a term no live passage holds takes room too
            if size <= KEPT_ENTRIES:  # a term larger than the whole allowance is computed each time
                if self._kept_entries + size > KEPT_ENTRIES:
                    self._kept, self._kept_entries = {}, 0
                self._kept[term] = kept
                self._kept_entries += size
        docs, values = kept
        if docs.size:
            total[docs] += weight * values

    def _term_scores(self, term: str | int) -> tuple[np.ndarray, np.ndarray]:
        """(positions, BM25 at each) of one term over the live passages that hold it (none: empty arrays)."""
        assert self._live is not None and self._norms is not None
        if isinstance(term, str):
            postings = self.terms.get(term)
            docs, freqs = postings.arrays() if postings is not None else (_NO_DOCS, _NO_FREQS)
            norm = self._norms[0]
        else:
            docs, freqs = self.phrases.find(term)
            norm = self._norms[1]
        present = self.alive[docs]
        df = int(present.sum())
        if not df:
            return _NO_DOCS, _NO_VALUES
        return docs, present * _idf(self._live, df) * freqs * (K1 + 1) / (freqs + norm[docs])


_NO_DOCS = np.zeros(0, dtype=np.int32)
_NO_FREQS = np.zeros(0, dtype=np.float32)
_NO_VALUES = np.zeros(0, dtype=np.float64)


def _idf(live: int, df: int) -> np.float64:
    """BM25's inverse document frequency of a term that `df` of `live` passages hold (Lucene's form)."""
    return np.float64(np.log(1 + (live - df + 0.5) / (df + 0.5)))
