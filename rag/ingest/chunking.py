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


def chunk_article(article: Article, max_chars: int = 1000, overlap: int = 0) -> list[Chunk]:
    """Passages of consecutive whole sentences of `article.body`, each at most `max_chars` long.

    A passage starts with the last sentences of the one before, up to `overlap` characters of them, so that a
    fact told across two or three sentences is whole in at least one passage.

    Args:
        article: the article to cut; passages never span two articles.
        max_chars: target maximum passage length (never above 1,200 characters).
        overlap: how many characters of whole sentences a passage repeats from the one before (0: none).
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    limit = min(max_chars, HARD_LIMIT)
    if not 0 <= overlap <= limit // 2:
        raise ValueError(f"overlap must be between 0 and half of the passage size ({limit}), got {overlap}")
    body = article.body
    sentences: list[tuple[int, int]] = []
    for a, b in sentence_spans(body):
        sentences.extend(_split_long(body, a, b, limit))
    chunks: list[Chunk] = []
    group: list[tuple[int, int]] = []

    carried = 0  # how many sentences at the start of `group` repeat the passage before

    def flush() -> None:
        nonlocal carried
        if len(group) > carried:
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
        tail: list[tuple[int, int]] = []
        for span in reversed(group[1:]):  # never the whole passage: each passage moves on
            if group[-1][1] - span[0] > overlap:
                break
            tail.insert(0, span)
        group[:] = tail
        carried = len(tail)

    if not sentences:
        return chunks
    total = sentences[-1][1] - sentences[0][0]
    target = total / max(1, -(-total // limit))  # even passage sizes instead of a short tail
    for span in sentences:
        if group and (span[1] - group[0][0] > limit or group[-1][1] - group[0][0] >= target):
            flush()
        while group and span[1] - group[0][0] > limit:  # a carried tail never pushes a passage over the limit
            group.pop(0)
            carried = max(0, carried - 1)
        group.append(span)
    flush()
    return chunks
