"""The sources list: each cited article once, under one number, with every sentence quoted from it in context; the
answer's text numbered the same way."""

from __future__ import annotations

from support import make_passage

from rag.answer.sources import Quote, shown, sources
from rag.models import Answer, Citation, Passage

BODY = (
    "The council voted on Tuesday. The budget rose by 4%. Critics said the rise was too small. "
    "The mayor promised more money next year. The vote was 7 to 2."
)


def _slice(chunk_id: str, start: int, end: int, article: str = "a") -> Passage:
    """A passage that is a stretch of BODY, as chunking cuts them."""
    text = BODY[start:end]
    p = make_passage(chunk_id, [text], article_id=article, title=f"Headline {article}")
    p.start, p.end = start, end
    p.sentences = [(start, end)]
    return p


def test_an_article_cited_twice_is_listed_once_under_one_number_with_both_quotes() -> None:
    first, second = _slice("a0", 0, 87), _slice("a1", 52, len(BODY))
    other = make_passage("b0", ["Another report."], article_id="b", title="Headline b")
    citations = [
        Citation(1, first, "The budget rose by 4%."),
        Citation(2, other, "Another report."),
        Citation(3, second, "The vote was 7 to 2."),
    ]
    listed = sources(citations)
    assert [s.label for s in listed] == ["[1]", "[2]"]  # one number per article, in the order first cited
    assert listed[0].quotes == [(1, "The budget rose by 4%."), (3, "The vote was 7 to 2.")]
    assert listed[0].text() == BODY  # the overlapping passages joined once, never repeated
    assert (listed[0].start, listed[0].end) == (0, len(BODY))
    assert listed[0].passage.title == "Headline a"


def test_passages_apart_in_the_article_are_joined_with_an_ellipsis() -> None:
    far = sources([Citation(1, _slice("a0", 0, 29), "x"), Citation(2, _slice("a2", 130, len(BODY)), "y")])
    assert far[0].text() == BODY[:29] + " … " + BODY[130:]
    inside = sources([Citation(1, _slice("a0", 0, 87), "x"), Citation(2, _slice("a1", 30, 52), "y")])
    assert inside[0].text() == BODY[:87]


def test_a_citation_without_a_quote_stands_for_its_passage() -> None:
    p = make_passage("c0", ["Whole passage text."], article_id="c")
    assert sources([Citation(1, p)])[0].quotes == [(1, "Whole passage text.")]
    assert sources([]) == []


def test_the_answer_shows_each_articles_one_number_and_keeps_its_span_on_the_words() -> None:
    first, second = _slice("a0", 0, 87), _slice("a1", 52, len(BODY))
    other = make_passage("b0", ["Another report."], article_id="b", title="Headline b")
    text = "X: The budget rose by 4%. [1]\n\nY: Another report. [2]\n\nX: The vote was 7 to 2. [3] [1]"
    at = text.index("7 to 2")
    answer = Answer(
        text=text,
        refused=False,
        citations=[Citation(1, first), Citation(2, other), Citation(3, second)],
        span="7 to 2",
        span_at=(at, at + 6),
    )
    words, span = shown(answer)
    assert words == "X: The budget rose by 4%. [1]\n\nY: Another report. [2]\n\nX: The vote was 7 to 2. [1]"
    assert span is not None and words[span[0] : span[1]] == "7 to 2"
    assert shown(Answer(text="No citations [2023].", refused=True)) == ("No citations [2023].", None)


def test_each_quote_is_shown_with_a_sentence_of_context_either_side() -> None:
    sentences = ["The council voted on Tuesday.", "The budget rose by 4%.", "Critics said it was too small."]
    passage = make_passage("d0", sentences, article_id="d")
    at_start = make_passage("d1", sentences, article_id="d")
    listed = sources([Citation(1, passage, "The budget rose by 4%."), Citation(2, at_start, sentences[0])])
    assert listed[0].in_context == [
        Quote("The council voted on Tuesday.", "The budget rose by 4%.", "Critics said it was too small."),
        Quote("", "The council voted on Tuesday.", "The budget rose by 4%."),
    ]


def test_the_span_moves_with_numbers_that_change_length_before_it() -> None:
    one = make_passage("a0", ["One."], article_id="a")
    vote = make_passage("b0", ["The vote was 7 to 2."], article_id="b")
    text = "X: One. [10]\n\nY: The vote was 7 to 2. [11]"
    at = text.index("7 to 2")
    answer = Answer(text=text, refused=False, citations=[Citation(10, one), Citation(11, vote)], span_at=(at, at + 6))
    words, span = shown(answer)
    assert words == "X: One. [1]\n\nY: The vote was 7 to 2. [2]"
    assert span is not None and words[span[0] : span[1]] == "7 to 2"


def test_a_sentence_between_two_quotes_is_context_never_marked() -> None:
    sentences = [
        "The council voted on Tuesday.",
        "The budget rose by 4%.",
        "Critics objected loudly.",
        "The mayor resigned.",
    ]
    passage = make_passage("e0", sentences, article_id="e")
    [source] = sources([Citation(1, passage, "The budget rose by 4%. The mayor resigned.")])
    assert source.in_context == [
        Quote("The council voted on Tuesday.", "The budget rose by 4%.", "Critics objected loudly."),
        Quote("Critics objected loudly.", "The mayor resigned.", ""),
    ]
