"""`QuoteAnswerer` with deterministic bag-of-words embeddings: scores worked out by hand, then the refusal
threshold, the 0.08 window below the most relevant sentence, `max_sentences`, citation numbering, and `focus`."""

from __future__ import annotations

import math

import pytest
from support import HashEmbeddings, bow_cosine, make_passage

from rag.answer.base import REFUSAL, Turn
from rag.answer.quote import QuoteAnswerer, ScoredSentence
from rag.models import Answer, Passage
from rag.retrieval.question import understand

FOCUS = "harbour bridge reopened monday"  # four content words, no stop words
# Each holds the four words plus f other words: similarity 4 / sqrt(4 * (4 + f)), word overlap 1.
S3 = "Harbour bridge reopened Monday after repairs ended."
S4 = "Harbour bridge reopened Monday, drivers cheered loudly there."
S5 = "Monday: harbour bridge reopened as ferry crews watched nearby."
S6 = "The harbour bridge reopened on Monday amid heavy rain showers."
FERRY = "Ferry schedules shift in winter."
OTHER = "Council staff painted new zebra crossings."
SHORT = "Bridge reopened."  # under 20 characters: never quoted


def expected_score(extra_words: int) -> float:
    return 0.75 * 4 / math.sqrt(4 * (4 + extra_words)) + 0.25


def expected_relevance(extra_words: int, phrases: int, passage_rank: int) -> float:
    """Meaning 0.5, weighted terms 0.5 (every sentence holds all four words: 1), 0.04 per shared two-word phrase
    ("harbour bridge", "bridge reopened", "reopened Monday"), 0.01 less per passage rank."""
    return 0.5 * 4 / math.sqrt(4 * (4 + extra_words)) + 0.5 + 0.04 * phrases - 0.01 * passage_rank


@pytest.fixture(scope="module")
def quote_embeddings() -> HashEmbeddings:
    embeddings = HashEmbeddings()
    texts = [FOCUS, S3, S4, S5, S6, FERRY, OTHER, SHORT, "ferry schedules shift winter", "zebra llama"]
    assert embeddings.collisions(texts) == {}, "the hand-worked scores need one bucket per word"
    return embeddings


@pytest.fixture
def passages() -> list[Passage]:
    return [
        make_passage("p0", [OTHER, S4]),
        make_passage("p1", [S3, S5, S3]),
        make_passage("p2", [S6, FERRY, SHORT]),
    ]


def test_scores_are_meaning_and_shared_words(quote_embeddings: HashEmbeddings, passages: list[Passage]) -> None:
    scored = QuoteAnswerer(quote_embeddings).score(FOCUS, passages)
    by_text = {s.text: s for s in scored}
    assert [s.text for s in scored[:4]] == [S3, S4, S5, S6]
    assert len(scored) == 6, "each passage's sentences once, short ones left out"
    for text, extra in ((S3, 3), (S4, 4), (S5, 5), (S6, 6)):
        assert by_text[text].similarity == pytest.approx(bow_cosine(FOCUS, text), abs=1e-6)
        assert by_text[text].overlap == 1.0
        assert by_text[text].score == pytest.approx(expected_score(extra), abs=1e-6)
    assert by_text[FERRY].similarity == pytest.approx(0.0, abs=1e-6) and by_text[FERRY].overlap == 0.0
    assert (by_text[S3].passage_rank, by_text[S4].passage_rank, by_text[S6].passage_rank) == (1, 0, 2)
    assert [by_text[t].phrases for t in (S3, S4, S5, S6)] == [3, 3, 2, 3]  # S5 says "Monday: harbour bridge"
    for text, extra in ((S3, 3), (S4, 4), (S5, 5), (S6, 6)):
        relevance = expected_relevance(extra, by_text[text].phrases, by_text[text].passage_rank)
        assert by_text[text].relevance == pytest.approx(relevance, abs=1e-6)
    # the window below the most relevant sentence (S3) that the following tests rely on: S5 falls outside it
    best = expected_relevance(3, 3, 1)
    assert best - expected_relevance(6, 3, 2) < 0.08 < best - expected_relevance(5, 2, 1)


def test_quotes_the_sentences_within_008_of_the_best_numbered_by_passage(
    quote_embeddings: HashEmbeddings, passages: list[Passage]
) -> None:
    answer = QuoteAnswerer(quote_embeddings, max_sentences=10).answer(FOCUS, passages)
    assert not answer.refused and answer.mode == "quote"
    assert answer.text == f"{S3} [1]\n\n{S4} [2]\n\n{S6} [3]"  # S5 is 0.085 below the best: left out
    assert [(c.n, c.passage.chunk_id, c.quote) for c in answer.citations] == [
        (1, "p1", S3),
        (2, "p0", S4),
        (3, "p2", S6),
    ]
    assert answer.confidence == pytest.approx(expected_score(3), abs=1e-6)
    assert answer.passages == passages and answer.question == FOCUS


@pytest.mark.parametrize(
    ("max_sentences", "text"),
    [
        (1, f"{S3} [1]"),
        (2, f"{S3} [1]\n\n{S4} [2]"),
        (3, f"{S3} [1]\n\n{S4} [2]\n\n{S6} [3]"),
    ],
)
def test_at_most_max_sentences_are_quoted(
    quote_embeddings: HashEmbeddings, passages: list[Passage], max_sentences: int, text: str
) -> None:
    answer = QuoteAnswerer(quote_embeddings, max_sentences=max_sentences).answer(FOCUS, passages)
    assert answer.text == text
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


def test_the_threshold_also_bounds_the_quoted_sentences(
    quote_embeddings: HashEmbeddings, passages: list[Passage]
) -> None:
    between = (expected_score(4) + expected_score(5)) / 2  # above S5, below S4
    answer = QuoteAnswerer(quote_embeddings, threshold=between).answer(FOCUS, passages)
    assert answer.text == f"{S3} [1]\n\n{S4} [2]"


def test_refuses_below_the_threshold_and_records_the_confidence(
    quote_embeddings: HashEmbeddings, passages: list[Passage]
) -> None:
    best = QuoteAnswerer(quote_embeddings).score(FOCUS, passages)[0].score
    at = QuoteAnswerer(quote_embeddings, threshold=best).answer(FOCUS, passages)
    assert not at.refused and at.text == f"{S3} [1]" and at.confidence == best
    above = QuoteAnswerer(quote_embeddings, threshold=math.nextafter(best, 1.0)).answer(FOCUS, passages)
    assert above.refused and above.text == REFUSAL and above.citations == []
    assert above.confidence == best and above.passages == passages and above.mode == "quote"


def test_refuses_with_zero_confidence_when_nothing_can_be_quoted(quote_embeddings: HashEmbeddings) -> None:
    answer = QuoteAnswerer(quote_embeddings).answer(FOCUS, [make_passage("short", [SHORT])])
    assert answer.refused and answer.confidence == 0.0
    assert QuoteAnswerer(quote_embeddings).answer(FOCUS, []).refused


def test_unrelated_question_is_refused_at_the_default_threshold(
    quote_embeddings: HashEmbeddings, passages: list[Passage]
) -> None:
    answer = QuoteAnswerer(quote_embeddings).answer("zebra llama", passages)
    # "zebra" is in OTHER: similarity 1/sqrt(2*6), overlap 1/2
    expected = 0.75 * bow_cosine("zebra llama", OTHER) + 0.25 * 0.5
    assert answer.refused and expected < 0.36
    assert answer.confidence == pytest.approx(expected, abs=1e-6)


def test_focus_is_scored_but_the_answer_keeps_the_stand_alone_question(
    quote_embeddings: HashEmbeddings, passages: list[Passage]
) -> None:
    standalone = "ferry schedules shift winter"
    answerer = QuoteAnswerer(quote_embeddings, max_sentences=1)
    by_question = answerer.answer(standalone, passages)
    assert by_question.text == f"{FERRY} [1]" and by_question.question == standalone
    by_focus = answerer.answer(standalone, passages, focus=FOCUS)
    assert by_focus.text == f"{S3} [1]" and by_focus.question == standalone
    refused = answerer.answer(standalone, passages, focus="zebra llama")
    assert refused.refused and refused.question == standalone


def test_stream_yields_the_text_then_the_answer(quote_embeddings: HashEmbeddings, passages: list[Passage]) -> None:
    pieces = list(QuoteAnswerer(quote_embeddings).stream("stand-alone question", passages, focus=FOCUS))
    assert len(pieces) == 2 and isinstance(pieces[1], Answer)
    assert pieces[0] == pieces[1].text and pieces[1].question == "stand-alone question"


def test_sentence_vectors_are_computed_once(quote_embeddings: HashEmbeddings, passages: list[Passage]) -> None:
    class Counting(HashEmbeddings):
        documents = 0

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            Counting.documents += len(texts)
            return super().embed_documents(texts)

    answerer = QuoteAnswerer(Counting())
    first = answerer.answer(FOCUS, passages)
    assert Counting.documents == 6
    assert answerer.answer(FOCUS, passages).text == first.text
    assert Counting.documents == 6, "the second question reuses the cached sentence vectors"


def test_follow_ups_are_condensed_by_rule(quote_embeddings: HashEmbeddings) -> None:
    history = [Turn("user", "When did the harbour bridge reopen?")]
    condensed = QuoteAnswerer(quote_embeddings).condense("and what did it cost?", history)
    assert condensed == "When did the harbour bridge reopen — and what did it cost?"


def test_a_sentence_repeated_by_overlapping_passages_is_cited_to_the_passage_already_cited() -> None:
    shared = "The council approved the flood walls on Tuesday."
    first = make_passage("p0", ["The harbour budget rose to 40 million pounds.", shared], article_id="budget")
    second = make_passage("p1", [shared, "Work on the walls starts in May, the council said."], article_id="budget")
    other = make_passage("q0", [shared], article_id="another-article")  # the same words in another article
    answerer = QuoteAnswerer(HashEmbeddings())
    chosen = [
        ScoredSentence(0, "The harbour budget rose to 40 million pounds.", 0.9, 0.5),
        ScoredSentence(1, shared, 0.8, 0.5),  # found in the second passage, also held by the first
        ScoredSentence(1, "Work on the walls starts in May, the council said.", 0.7, 0.5),
        ScoredSentence(2, shared, 0.6, 0.5),
    ]
    answer = answerer._compose(understand("What did the council approve?"), chosen, [first, second, other])
    assert [c.passage.chunk_id for c in answer.citations] == ["p0", "p1", "q0"]
    assert answer.text.count("[1]") == 2  # the shared sentence cites the first passage, already cited
    assert answer.citations[0].quote == f"The harbour budget rose to 40 million pounds. {shared}"
    assert answer.citations[2].quote == shared  # another article's copy keeps its own citation
