"""Two-word phrases for BM25: postings of every pair of adjacent keywords, kept in flat sorted arrays.

A passage's phrases are the pairs of its adjacent tokens as the keyword index counts them (stopwords out, words
stemmed): "the Bank of England raised interest rates" holds "bank england", "england rais", "rais interest",
"interest rate". A question that repeats a phrase ranks the passages holding it above those that only hold its
words apart. There are far more distinct phrases than words (most occur once), so they are not kept as one
array pair per phrase, as words are (`rag.archive.bm25.Postings`), but as integer keys in a few flat arrays sorted
by key: 16 bytes a phrase a passage holds. Each batch of passages added is one sorted run; runs are merged when
there are many, the small ones first, so adding an article never re-sorts the whole archive.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MAX_RUNS = 8  # sorted runs searched before the small ones are merged into one


def phrase_keys(word_ids: Sequence[int | None]) -> list[int]:
    """The keys of the phrases in a run of word ids, in order; a word the index does not know (None) holds none."""
    return [(a << 32) | b for a, b in zip(word_ids, word_ids[1:], strict=False) if a is not None and b is not None]


class PhrasePostings:
    """Which passage positions hold each phrase, and how often, as sorted runs of (key, position, count).

    A phrase's key is its two words' ids (given by the scorer's vocabulary) in one integer, so keys are exact.
    """

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, first: int, count: int, word_ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Add `count` passages at positions `first`, `first + 1`, ...: `word_ids` are all their words in order,
        `positions` the passage of each word. Returns each passage's number of phrases (its length, for BM25's
        length normalisation)."""
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
        """Merge runs once there are more than `MAX_RUNS`: the smaller ones into one, or all when no single run
        holds at least half the entries (so the work per passage added stays small, as in a search engine's
        segment merges). A passage position is in one run only, so merged runs need no counts added."""
        if len(self.runs) <= MAX_RUNS:
            return
        self.runs.sort(key=lambda run: -len(run[0]))
        total = sum(len(run[0]) for run in self.runs)
        keep = self.runs[:1] if 2 * len(self.runs[0][0]) >= total else []
        merging = self.runs[len(keep) :]
        keys = np.concatenate([run[0] for run in merging])
        order = np.argsort(keys, kind="stable")
        merged = (
            keys[order],
            np.concatenate([run[1] for run in merging])[order],
            np.concatenate([run[2] for run in merging])[order],
        )
        self.runs = [*keep, merged]
