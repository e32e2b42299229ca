"""Term weights and shared phrases: what lets the offline answer prefer the sentence holding a question's rare
words over one that is merely close in meaning (the keyword index's own tokens and statistics)."""

from __future__ import annotations

from rag.answer.terms import Terms, Vocabulary, candidate_weights
from rag.archive.bm25 import Scorer
from rag.archive.filters import FilterColumns
from rag.archive.lexical import tokenize


def terms(text: str) -> Terms:
    return Terms.of(tokenize([text])[0].split())


def test_terms_are_stems_without_stopwords_and_their_pairs() -> None:
    asked = terms("Why was the exit of the chief executive shocking?")
    found = terms("Analysts said the chief executive's exit shocked investors.")
    assert "the" not in asked.words and "of" not in asked.words
    assert {"exit", "chief", "execut"} <= asked.words & found.words
    assert asked.phrases_in(found) == 1  # "chief executive"; the stopword between exit and chief is not a gap
    assert asked.phrases_in(terms("Executive chiefs left.")) == 0  # the same words in another order
    many = terms("chief executive officer annual general meeting")
    assert many.phrases_in(many) == 3  # counted up to three


def test_a_rare_term_weighs_more_than_a_common_one() -> None:
    asked = terms("What did the company say about the turnover fine?")
    weight = {"compani": 0.2, "say": 0.1, "turnov": 3.0, "fine": 2.0}
    rare = terms("Fines can reach 6% of turnover.")
    common = terms("The company would say nothing.")
    assert asked.weighted_share(rare, weight) > 0.8 > 0.2 > asked.weighted_share(common, weight)
    assert Terms.of([]).weighted_share(rare, weight) == 0.0


def test_the_scorer_weighs_terms_by_how_few_live_passages_hold_them() -> None:
    scorer = Scorer()
    scorer.add([1, 2, 3], ["said fine", "said council", "said turnov"], FilterColumns.of([{}, {}, {}]))
    weights = scorer.idf(["said", "fine", "unknown"])
    assert weights["unknown"] > weights["fine"] > weights["said"] > 0
    scorer.remove([1])  # a removed passage stops counting
    assert scorer.idf(["fine"])["fine"] == scorer.idf(["unknown"])["unknown"]


def test_without_an_archive_weights_come_from_the_candidates() -> None:
    candidates = [terms("The council said yes."), terms("The council said no."), terms("Turnover fell.")]
    weight = candidate_weights(candidates)
    assert weight["turnov"] > weight["council"]
    assert Vocabulary().weights(terms("council turnover").words, candidates) == weight


def test_the_vocabulary_remembers_terms_and_asks_the_archive_for_weights() -> None:
    asked: list[list[str]] = []

    def archive_weights(words: object) -> dict[str, float]:
        asked.append(sorted(words))  # type: ignore[call-overload]
        return {w: 1.0 for w in asked[-1]}

    vocabulary = Vocabulary(archive_weights)
    first = vocabulary.terms(["Fines can reach 6% of turnover.", "Fines can reach 6% of turnover."])
    assert first[0] == first[1] == terms("Fines can reach 6% of turnover.")
    assert vocabulary.weights(terms("turnover fines").words, first) == {"fine": 1.0, "turnov": 1.0}
    assert vocabulary.weights(terms("turnover fines zeppelin").words, first) == {"fine": 1.0, "turnov": 1.0}
    assert asked == [["fine", "turnov"], ["fine", "turnov"]]  # a term no candidate holds is not asked about
