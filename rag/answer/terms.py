"""What the words of a question tell about a sentence: its stems weighted by how rare they are in the archive,
and the two-word phrases it shares with the question.

A question repeats the distinctive words of the fact it asks about ("the prevailing theory", "6% of annual
turnover") more often than its meaning alone shows, and a word that few articles hold ("turnover") tells more
than one that most hold ("said"). Words are compared as the keyword index counts them (English stopwords out,
Snowball stems), so "shocking" meets "shocked" and "fines" meets "fine".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rag.archive.lexical import tokenize
from rag.retrieval.memo import Memo

PHRASE_BONUS = 0.04  # per two-word phrase of the question (or part) that a sentence repeats
MAX_PHRASES = 3  # phrases counted at most
TOKEN_CACHE_SIZE = 50_000

TermWeights = Callable[[Iterable[str]], Mapping[str, float]]
# Words that say nothing of what a question is about: its function words (bm25s' stopword list is short), and the
# verbs that frame a question about the news ("what did X say", "who told"), whose forms stem apart: questions say
# "say" where articles say "said", so by the archive's statistics "say" would even look rare.
IGNORED = (
    "a an and are as at be been before between both but by can could did do does doing done during each either "
    "for from had has have having he her hers him his how i if in into is it its many me much my neither nor of on "
    "or our over per she since so some than that the their them then there these they this those to under until "
    "us was we were what when where whereas which while who whom whose why will with within would you your "
    "say says said saying tell tells told telling write writes wrote written"
)


@dataclass(frozen=True)
class Terms:
    """A text's terms (stems, stopwords out) and its consecutive term pairs."""

    words: frozenset[str]
    pairs: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, tokens: Sequence[str]) -> Terms:
        """The terms of a text from its tokens, in order."""
        return cls(frozenset(tokens), frozenset(zip(tokens, tokens[1:], strict=False)))

    def asked(self) -> Terms:
        """The terms that say what a question is about (`IGNORED` words left out, and phrases holding them)."""
        ignored = ignored_terms()
        return Terms(
            self.words - ignored, frozenset(p for p in self.pairs if p[0] not in ignored and p[1] not in ignored)
        )

    def phrases_in(self, other: Terms) -> int:
        """How many of this text's term pairs the other repeats (at most `MAX_PHRASES`)."""
        return min(MAX_PHRASES, len(self.pairs & other.pairs))

    def weighted_share(self, other: Terms, weight: Mapping[str, float]) -> float:
        """The share of this text's term weight that the other holds (0 when this text has no terms)."""
        total = sum(weight.get(w, 0.0) for w in self.words)
        return sum(weight.get(w, 0.0) for w in self.words & other.words) / total if total > 0 else 0.0


def candidate_weights(candidates: Sequence[Terms]) -> dict[str, float]:
    """Term weights from the candidate sentences alone (an inverse document frequency over them), for an answerer
    without an archive to ask."""
    counts: dict[str, int] = {}
    for terms in candidates:
        for w in terms.words:
            counts[w] = counts.get(w, 0) + 1
    n = len(candidates)
    return {w: math.log(1 + n / c) for w, c in counts.items()}


class Vocabulary:
    """Terms of texts (remembered, since passages recur across questions) and the weights of a question's terms:
    from the archive's keyword index when given (`term_weights`), else from the candidate sentences."""

    def __init__(self, term_weights: TermWeights | None = None) -> None:
        self.term_weights = term_weights
        self._terms: Memo[Terms] = Memo(TOKEN_CACHE_SIZE)

    def terms(self, texts: Sequence[str]) -> list[Terms]:
        """Each text's terms."""
        return self._terms.many(texts, lambda missing: (Terms.of(t.split()) for t in tokenize(missing)))

    def weights(self, asked: Iterable[str], candidates: Sequence[Terms]) -> Mapping[str, float]:
        """The weight of each asked term that a candidate holds (a term none holds, misspelt or not in the
        archive, cannot tell candidates apart and would only shrink every share)."""
        if self.term_weights is not None:
            held = frozenset().union(*(c.words for c in candidates))
            return self.term_weights(sorted(held.intersection(asked)))
        return candidate_weights(candidates)


@lru_cache(maxsize=1)
def ignored_terms() -> frozenset[str]:
    """The stems (and words) of `IGNORED`: the words that say nothing of what a question is about."""
    return frozenset(tokenize([IGNORED])[0].split()) | frozenset(IGNORED.split())
