"""The sources list of an answer: each cited article once, with every sentence the answer quotes from it.

An answer may cite two passages of one article (they overlap, or one part of the question is answered further
down the article); readers want the article listed once, with its citation numbers and all its quotes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.models import Citation, Passage


@dataclass(frozen=True)
class Source:
    """One cited article: its citations in the order of their numbers."""

    citations: tuple[Citation, ...]

    @property
    def passage(self) -> Passage:
        """The first cited passage (the article's headline, outlet, byline, date and link are on every one)."""
        return self.citations[0].passage

    @property
    def label(self) -> str:
        """The citation numbers as the answer shows them: "[1]" or "[1] [3]"."""
        return " ".join(f"[{c.n}]" for c in self.citations)

    @property
    def quotes(self) -> list[tuple[int, str]]:
        """(number, quoted sentences) of each citation; a citation without a quote stands for its whole passage."""
        return [(c.n, c.quote or c.passage.text) for c in self.citations]

    @property
    def quote(self) -> str:
        """Every sentence quoted from the article, in one text (to highlight them all; a citation without a
        quote highlights nothing)."""
        return " ".join(c.quote for c in self.citations if c.quote)

    @property
    def start(self) -> int:
        """Where the cited stretch of the article begins (character offset in its body)."""
        return min(c.passage.start for c in self.citations)

    @property
    def end(self) -> int:
        """Where the cited stretch of the article ends."""
        return max(c.passage.end for c in self.citations)

    def text(self) -> str:
        """The cited passages as one text: overlapping passages joined where they overlap, a gap shown as " … "."""
        passages = sorted({id(c.passage): c.passage for c in self.citations}.values(), key=lambda p: p.start)
        text, end = passages[0].text, passages[0].end
        for p in passages[1:]:
            if p.end <= end and p.text in text:
                continue  # inside what is already shown
            overlap = end - p.start
            if 0 < overlap <= len(p.text) and p.text[:overlap] == text[len(text) - overlap :]:
                text += p.text[overlap:]
            elif -2 <= overlap <= 0:  # the next passage starts where this one ends
                text += " " + p.text.lstrip()
            else:
                text += " … " + p.text
            end = max(end, p.end)
        return text


def sources(citations: Sequence[Citation]) -> list[Source]:
    """The cited articles, each once, in the order the answer first cites them."""
    grouped: dict[str, list[Citation]] = {}
    for c in sorted(citations, key=lambda c: c.n):
        grouped.setdefault(c.passage.article_id, []).append(c)
    return [Source(tuple(group)) for group in grouped.values()]


def correction_label(p: Passage) -> str:
    """ "corrected on 2024-03-05: the toll is four pounds, not five" for a corrected article, else empty."""
    if not p.corrected_at:
        return ""
    return f"corrected on {p.corrected_at[:10]}" + (f": {p.correction}" if p.correction else "")
