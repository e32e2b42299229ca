"""The sources list: each cited article once, with its citation numbers and every sentence quoted from it."""

from __future__ import annotations

from support import make_passage

from rag.answer.sources import sources
from rag.models import Citation, Passage

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


def test_an_article_cited_twice_is_listed_once_with_both_numbers_and_quotes() -> None:
    first, second = _slice("a0", 0, 87), _slice("a1", 52, len(BODY))
    other = make_passage("b0", ["Another report."], article_id="b", title="Headline b")
    citations = [
        Citation(1, first, "The budget rose by 4%."),
        Citation(2, other, "Another report."),
        Citation(3, second, "The vote was 7 to 2."),
    ]
    listed = sources(citations)
    assert [s.label for s in listed] == ["[1] [3]", "[2]"]
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
