"""Pack whole sentences of one article into passages of bounded size, with character offsets."""

from __future__ import annotations

from rag.ingest.text import sentence_spans
from rag.models import Article, Chunk

HARD_LIMIT = 1200


def _split_long(body: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence at word boundaries into pieces of at most `limit` characters."""
    pieces = []
    while end - start > limit:
        cut = body.rfind(" ", start, start + limit)
        while cut > start and body[cut - 1].isspace():  # a piece never ends in the middle of a run of spaces
            cut -= 1
        if cut <= start:
            cut = start + limit
        pieces.append((start, cut))
        start = cut
        while start < end and body[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces


def chunk_article(article: Article, max_chars: int = 1000) -> list[Chunk]:
    """Passages of consecutive whole sentences of `article.body`, each at most `max_chars` long.

    Args:
        article: the article to cut; passages never span two articles.
        max_chars: target maximum passage length (never above 1,200 characters).
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    limit = min(max_chars, HARD_LIMIT)
    body = article.body
    sentences: list[tuple[int, int]] = []
    for a, b in sentence_spans(body):
        sentences.extend(_split_long(body, a, b, limit))
    chunks: list[Chunk] = []
    group: list[tuple[int, int]] = []

    def flush() -> None:
        if group:
            start, end = group[0][0], group[-1][1]
            chunks.append(
                Chunk(
                    article_id=article.article_id,
                    index=len(chunks),
                    text=body[start:end],
                    start=start,
                    end=end,
                    sentences=tuple(group),
                )
            )
            group.clear()

    if not sentences:
        return chunks
    total = sentences[-1][1] - sentences[0][0]
    target = total / max(1, -(-total // limit))  # even passage sizes instead of a short tail
    for span in sentences:
        if group and (span[1] - group[0][0] > limit or group[-1][1] - group[0][0] >= target):
            flush()
        group.append(span)
    flush()
    return chunks
