"""The retrieved passages of one article read as one text: a sentence's context (who "he" is, whom a surname
stands for, what it is about) does not stop at the edge of the passage it was retrieved in when the passage next to
it was retrieved too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.models import Passage

GAP = ""  # stands between two sentences of an article that are not next to each other in it
ADJACENT_CHARS = 3  # sentences this close (their whitespace between) follow each other


@dataclass(frozen=True)
class InArticle:
    """A sentence of a passage, placed among the retrieved sentences of its article."""

    sentences: tuple[str, ...]  # the article's retrieved sentences in article order, `GAP` where some are missing
    at: int  # where the sentence stands among them


def article_views(passages: Sequence[Passage]) -> dict[tuple[int, int], InArticle]:
    """For each sentence of the passages, by (passage rank, position in its passage), its place among its article's
    retrieved sentences."""
    by_article: dict[str, list[int]] = {}
    for rank, passage in enumerate(passages):
        by_article.setdefault(passage.article_id, []).append(rank)
    views: dict[tuple[int, int], InArticle] = {}
    for ranks in by_article.values():
        offsets: dict[tuple[int, int], str] = {}
        for rank in ranks:
            passage = passages[rank]
            for (a, b), text in zip(passage.sentences, passage.sentence_texts(), strict=True):
                offsets.setdefault((a, b), text)
        order = sorted(offsets)
        texts: list[str] = []
        index: dict[tuple[int, int], int] = {}
        for i, span in enumerate(order):
            if i and span[0] - order[i - 1][1] > ADJACENT_CHARS:
                texts.append(GAP)
            index[span] = len(texts)
            texts.append(offsets[span])
        sentences = tuple(texts)
        for rank in ranks:
            for position, span in enumerate(passages[rank].sentences):
                views[(rank, position)] = InArticle(sentences, index[tuple(span)])  # type: ignore[index]
    return views
