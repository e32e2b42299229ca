"""Chunking: passages of whole sentences, bounded in size, with exact offsets, one article at a time."""

from __future__ import annotations

import pytest
from conftest import SEED_FILE
from hypothesis import given, settings
from hypothesis import strategies as st
from support import ANY_TEXT, check_chunks, news_texts

from rag.ingest.chunking import HARD_LIMIT, chunk_article
from rag.ingest.loaders import load_file
from rag.ingest.text import clean_body
from rag.models import Article


def _article(body: str, key: str = "file:/tmp/a.txt") -> Article:
    return Article(title="Test", body=body, source_key=key)


PARAGRAPH = (
    "The council approved the £40m flood defence plan on Tuesday, Mr. Smith said. "
    "Residents in the U.S. and the U.K. followed the vote online. "
    "“It is a start,” said Dr. Jones, who has campaigned for 3.5 years. "
    "Will it be enough? Nobody knows! "
)


def test_short_article_is_one_passage() -> None:
    article = _article("The harbour reopened on Friday. Traffic is back to normal.")
    chunks = chunk_article(article)
    assert len(chunks) == 1
    assert chunks[0].text == article.body
    assert chunks[0].sentences == ((0, 31), (32, 58))
    check_chunks(article, chunks, 1000)


def test_default_passages_are_at_most_1000_characters_of_whole_sentences() -> None:
    body = "\n\n".join(PARAGRAPH.strip() for _ in range(20))
    article = _article(body)
    chunks = chunk_article(article)
    assert len(chunks) > 3
    check_chunks(article, chunks, 1000)
    for chunk in chunks:
        assert chunk.text[-1] in ".!?"
        assert chunk.text[0].isupper() or chunk.text[0] == "“"


def test_passage_sizes_are_even_rather_than_a_short_tail() -> None:
    body = " ".join(f"Sentence number {i} reports a fact about the council budget." for i in range(40))
    chunks = chunk_article(_article(body))
    sizes = [len(c.text) for c in chunks]
    assert max(sizes) <= 1000
    assert min(sizes) >= max(sizes) / 2


@settings(max_examples=40)
@given(
    words=st.lists(st.text("abcdefghij", min_size=1, max_size=12), min_size=250, max_size=800),
    max_chars=st.one_of(st.sampled_from([1000, 5000, 1_000_000]), st.integers(min_value=13, max_value=10_000)),
)
def test_long_sentence_without_punctuation_is_cut_at_words_under_the_hard_limit(
    words: list[str], max_chars: int
) -> None:
    body = " ".join(words)
    article = _article(body)
    chunks = chunk_article(article, max_chars=max_chars)
    limit = min(max_chars, HARD_LIMIT)
    check_chunks(article, chunks, limit)
    assert all(len(c.text) <= HARD_LIMIT for c in chunks)
    # Words are at most 12 letters, so every cut falls on a space: nothing lost or glued.
    assert " ".join(c.text for c in chunks) == body


def test_single_5000_character_word_is_cut_hard() -> None:
    article = _article("x" * 5000)
    chunks = chunk_article(article, max_chars=5000)
    assert [len(c.text) for c in chunks] == [1200, 1200, 1200, 1200, 200]
    check_chunks(article, chunks, HARD_LIMIT)


def test_max_chars_is_capped_at_the_hard_limit() -> None:
    body = " ".join(PARAGRAPH.strip() for _ in range(30))
    article = _article(body)
    chunks = chunk_article(article, max_chars=5000)
    check_chunks(article, chunks, HARD_LIMIT)


def test_non_positive_max_chars_is_refused() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        chunk_article(_article("Some text."), max_chars=0)


def test_empty_body_has_no_passages() -> None:
    assert chunk_article(_article("")) == []
    assert chunk_article(_article("   \n\n ")) == []


def test_passages_never_span_two_articles() -> None:
    a = _article(PARAGRAPH * 8, key="url:https://news.example/a")
    b = _article("Second article. " * 90, key="url:https://news.example/b")
    assert a.article_id != b.article_id
    chunks_a, chunks_b = chunk_article(a), chunk_article(b)
    assert {c.article_id for c in chunks_a} == {a.article_id}
    assert {c.article_id for c in chunks_b} == {b.article_id}
    for chunk in chunks_a:
        assert "Second article" not in chunk.text
    for chunk in chunks_b:
        assert "council" not in chunk.text
    check_chunks(a, chunks_a, 1000)
    check_chunks(b, chunks_b, 1000)


def test_chunking_is_deterministic() -> None:
    article = _article(PARAGRAPH * 10)
    assert chunk_article(article) == chunk_article(article)


def test_seed_article_chunks() -> None:
    article = load_file(SEED_FILE).articles[0]
    chunks = chunk_article(article)
    assert len(chunks) > 1
    check_chunks(article, chunks, 1000)
    assert chunks[-1].text.endswith("Additional reporting by Lucy Fisher in London")


# --- properties over generated texts -------------------------------------------------------------------------

_limits = st.one_of(st.sampled_from([1000, 200, 500, 1200, 3000]), st.integers(min_value=1, max_value=2000))


@settings(max_examples=50)
@given(text=news_texts(paragraphs=6, sentences=8), max_chars=_limits)
def test_chunk_property_generated_news_texts(text: str, max_chars: int) -> None:
    article = _article(clean_body(text))  # bodies are always cleaned by the loaders
    check_chunks(article, chunk_article(article, max_chars=max_chars), min(max_chars, HARD_LIMIT))


@settings(max_examples=50)
@given(raw=ANY_TEXT, max_chars=st.integers(min_value=1, max_value=1500))
def test_chunk_property_any_cleaned_text(raw: str, max_chars: int) -> None:
    """Any text at all, cleaned as the loaders clean every body before it is chunked."""
    article = _article(clean_body(raw))
    check_chunks(article, chunk_article(article, max_chars=max_chars), min(max_chars, HARD_LIMIT))


@settings(max_examples=50)
@given(
    text=news_texts(paragraphs=6, sentences=8),
    max_chars=st.integers(min_value=200, max_value=1200),
    share=st.floats(min_value=0.0, max_value=0.5),
)
def test_chunk_property_with_overlap(text: str, max_chars: int, share: float) -> None:
    article = _article(clean_body(text))
    overlap = int(max_chars * share)
    check_chunks(article, chunk_article(article, max_chars=max_chars, overlap=overlap), max_chars, overlap)


def test_a_fact_told_across_a_passage_boundary_is_whole_in_one_passage() -> None:
    body = " ".join(f"Sentence number {i} reports a fact about the council budget." for i in range(60))
    fact = "Sentence number 15 reports a fact about the council budget. Sentence number 16 reports a fact"
    plain = chunk_article(_article(body), max_chars=1000)
    overlapping = chunk_article(_article(body), max_chars=1000, overlap=300)
    assert not any(fact in c.text for c in plain)  # the plain passages cut between the two sentences
    assert any(fact in c.text for c in overlapping)
    check_chunks(_article(body), overlapping, 1000, 300)


def test_overlap_over_half_a_passage_is_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        chunk_article(_article("One sentence here. Another one there."), max_chars=400, overlap=201)
