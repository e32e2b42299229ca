"""Two-word phrases in the keyword ranking: a passage that holds a question's phrase ("interest rates") ranks above
one that holds its words apart, and the phrase postings stay exact however passages are added and removed."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from rag.archive.bm25 import Scorer
from rag.archive.filters import FilterColumns
from rag.archive.lexical import tokenize
from rag.archive.pairs import PhrasePostings, phrase_keys


def scorer_of(texts: list[str]) -> Scorer:
    scorer = Scorer()
    scorer.add(list(range(1, len(texts) + 1)), tokenize(texts), FilterColumns.of([{}] * len(texts)))
    return scorer


def test_a_passage_holding_the_phrase_outranks_one_holding_its_words_apart() -> None:
    scorer = scorer_of(
        [
            "The rates of pay at the bank rose, and interest in the new branch grew.",  # the words, apart
            "The bank said interest rates would rise again next month.",  # the phrase
            "The council met on Tuesday to discuss the budget.",
        ]
    )
    words = tokenize(["Did the bank raise interest rates?"])[0].split()
    with_phrases = scorer.scores(words)
    without = scorer.scores(words, phrase_weight=0.0)
    assert with_phrases is not None and without is not None
    assert with_phrases[1] > with_phrases[0]
    assert with_phrases[1] - without[1] > 0 and with_phrases[0] == without[0]  # only the phrase's holder gains
    assert with_phrases[2] == 0.0


def test_a_phrase_is_its_words_in_order_and_never_spans_two_passages() -> None:
    scorer = scorer_of(["Sam Altman spoke.", "Altman Sam"])
    sam_altman = phrase_keys([scorer.word_ids["sam"], scorer.word_ids["altman"]])
    docs, counts = scorer.phrases.find(sam_altman[0])
    assert docs.tolist() == [0] and counts.tolist() == [1.0]  # "Altman Sam" is another phrase
    spoke_altman = phrase_keys([scorer.word_ids["spoke"], scorer.word_ids["altman"]])
    assert scorer.phrases.find(spoke_altman[0])[0].size == 0  # the end of one passage and the next's start
    assert phrase_keys([scorer.word_ids["sam"], None, scorer.word_ids["altman"]]) == []  # an unknown word breaks


def test_a_removed_passage_stops_counting_for_its_phrases() -> None:
    scorer = Scorer()
    scorer.add([7, 8], tokenize(["interest rates rose", "interest rates fell"]), FilterColumns.of([{}, {}]))
    words = tokenize(["interest rates"])[0].split()
    before = scorer.scores(words)
    scorer.remove([7])
    after = scorer.scores(words)
    assert before is not None and after is not None
    assert after[0] == 0.0 and after[1] > 0.0


def test_a_row_loaded_again_counts_its_phrases_once() -> None:
    scorer = Scorer()
    scorer.add([4, 5], tokenize(["interest rates rose", "the budget"]), FilterColumns.of([{}, {}]))
    scorer.add([4], tokenize(["interest rates fell"]), FilterColumns.of([{}]))  # row 4 again, as a sync reloads it
    fresh = scorer_of(["the budget", "interest rates fell"])
    words = tokenize(["interest rates"])[0].split()
    again, once = scorer.scores(words), fresh.scores(words)
    assert again is not None and once is not None
    assert again[0] == 0.0 and again[2] == once[1]  # the old copy is dead; the new one scores as if loaded once


def test_passages_must_take_the_next_positions() -> None:
    postings = PhrasePostings()
    postings.add(0, 1, np.asarray([1, 2]), np.asarray([0, 0]))
    with pytest.raises(ValueError, match="in order"):
        postings.add(5, 1, np.asarray([1, 2]), np.asarray([5, 5]))


def test_postings_stay_exact_across_many_additions_and_merges() -> None:
    rng = random.Random(5)
    vocabulary = [f"w{i}" for i in range(30)]
    sizes = [1, 3, 50, 2, 2, 7, 1, 1, 90, 4, 4, 4, 30, 1, 100, *[5] * 16, 1, 1, 1]  # many merges, small and big
    passages = [[rng.choice(vocabulary) for _ in range(rng.randint(0, 12))] for _ in range(sum(sizes))]
    ids = {w: i for i, w in enumerate(vocabulary)}
    postings = PhrasePostings()
    lengths: list[float] = []
    first = 0
    for size in sizes:
        batch = passages[first : first + size]
        flat = [ids[w] for p in batch for w in p]
        where = [first + n for n, p in enumerate(batch) for _ in p]
        lengths += postings.add(first, len(batch), np.asarray(flat), np.asarray(where)).tolist()
        assert len(postings.runs) <= 8  # each run at least twice the next: about log2 of the entries
        first += size
    assert len(lengths) == len(passages)
    expected: Counter[tuple[int, int]] = Counter()
    for n, words in enumerate(passages):
        assert lengths[n] == max(len(words) - 1, 0)
        for key in phrase_keys([ids[w] for w in words]):
            expected[key, n] += 1
    for a in vocabulary:
        for b in vocabulary:
            key = phrase_keys([ids[a], ids[b]])[0]
            docs, counts = postings.find(key)
            found = {(key, int(d)): c for d, c in zip(docs, counts, strict=True)}
            assert found == {kd: float(c) for kd, c in expected.items() if kd[0] == key}
