"""Two-word phrases for BM25: postings of every pair of adjacent keywords, kept in flat sorted arrays.

A passage's phrases are the pairs of its adjacent tokens as the keyword index counts them (stopwords out, words
stemmed): "the Bank of England raised interest rates" holds "bank england", "england rais", "rais interest",
"interest rate". A question that repeats a phrase ranks the passages holding it above those that only hold its
words apart. There are far more distinct phrases than words (most occur once), so they are not kept as one
array pair per phrase, as words are (`rag.archive.bm25.Postings`), but as integer keys in a few flat arrays sorted
by key: 16 bytes a phrase a passage holds. Each batch of passages added is one sorted run; a run is merged into
the one before it while that one is at most twice its size, so there are few runs and an entry is re-sorted only
about log2 times in the life of the index.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def phrase_keys(word_ids: Sequence[int | None]) -> list[int]:
    """The keys of the phrases in a run of word ids, in order; a word the index does not know (None) holds none."""
    return [(a << 32) | b for a, b in zip(word_ids, word_ids[1:], strict=False) if a is not None and b is not None]


class PhrasePostings:
    """Which passage positions hold each phrase, and how often, as sorted runs of (key, position, count).

    A phrase's key is its two words' ids (given by the scorer's vocabulary) in one integer, so keys are exact.
    """

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.next = 0  # the position the next passage added must take (each position is in one run only)

    def add(self, first: int, count: int, word_ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Add `count` passages at positions `first`, `first + 1`, ...: `word_ids` are all their words in order,
        `positions` the passage of each word. Returns each passage's number of phrases (its length, for BM25's
        length normalisation)."""
        if first != self.next:
            raise ValueError(f"passages must be added in order: position {first} given, {self.next} expected")
        self.next = first + count
        same = positions[1:] == positions[:-1]  # a phrase never spans two passages
        keys = ((word_ids[:-1].astype(np.int64) << 32) | word_ids[1:].astype(np.int64))[same]
        docs = positions[1:][same].astype(np.int32)
        lengths = np.bincount(docs - first, minlength=count).astype(np.float32)
        if keys.size:
            order = np.argsort(keys, kind="stable")  # positions come in order, so (key, position) order
            keys, docs = keys[order], docs[order]
            starts = np.flatnonzero(np.r_[True, (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])])
            counts = np.diff(np.r_[starts, keys.size]).astype(np.float32)
            self.runs.append((keys[starts], docs[starts], counts))
            self._compact()
        return lengths

    def find(self, key: int) -> tuple[np.ndarray, np.ndarray]:
        """(positions, counts) of the passages holding the phrase of this key."""
        docs: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        for keys, run_docs, run_counts in self.runs:
            lo, hi = np.searchsorted(keys, key, side="left"), np.searchsorted(keys, key, side="right")
            if hi > lo:
                docs.append(run_docs[lo:hi])
                counts.append(run_counts[lo:hi])
        if not docs:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        return np.concatenate(docs), np.concatenate(counts)

    def _compact(self) -> None:
        """Merge the newest run into the one before while that one is at most twice its size (a search engine's
        tiered segment merges): runs stay few (about log2 of the entries), and each entry is re-sorted about
        log2 times over the life of the index, so adding an article costs in proportion to its own phrases, with an
        occasional larger merge."""
        while len(self.runs) > 1 and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0]):
            older, newer = self.runs[-2], self.runs[-1]
            keys = np.concatenate([older[0], newer[0]])
            order = np.argsort(keys, kind="stable")  # the older run's positions are lower: (key, position) order
            self.runs[-2:] = [
                (keys[order], np.concatenate([older[1], newer[1]])[order], np.concatenate([older[2], newer[2]])[order])
            ]
