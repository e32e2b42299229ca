"""The sources list of an answer: each cited article once, under one number, with every sentence the answer quotes
from it.

An answer may cite two passages of one article (they overlap, or one part of the question is answered further
down the article). The answer keeps a citation per passage (the evaluation checks each claim against the passage
it cites), but readers see one number per article: `shown` writes the answer's [n] as its article's number, and
each `Source` lists all of the article's quotes under that number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.models import Answer, Citation, Passage

_NUMBER = re.compile(r"\[(\d+)\]")
MIN_QUOTED = 12  # a passage sentence shorter than this is not looked for inside a quote (it could match by chance)


@dataclass(frozen=True)
class Quote:
    """A quoted stretch of an article with a sentence of context on either side (empty at a passage's edge)."""

    before: str
    text: str
    after: str


@dataclass(frozen=True)
class Source:
    """One cited article: its citations in the order of their numbers, and the number readers see for it."""

    citations: tuple[Citation, ...]
    number: int = 0  # the article's number in the answer as shown (`shown`); 0: the citations' own numbers

    @property
    def passage(self) -> Passage:
        """The first cited passage (the article's headline, outlet, byline, date and link are on every one)."""
        return self.citations[0].passage

    @property
    def label(self) -> str:
        """The article's number as the answer shows it: "[1]"."""
        return f"[{self.number}]" if self.number else " ".join(f"[{c.n}]" for c in self.citations)

    @property
    def quotes(self) -> list[tuple[int, str]]:
        """(number, quoted sentences) of each citation; a citation without a quote stands for its whole passage."""
        return [(c.n, c.quote or c.passage.text) for c in self.citations]

    @property
    def in_context(self) -> list[Quote]:
        """Each run of quoted sentences with the sentence before and after it in its passage, in the article's
        order; sentences between two quotes that the answer did not quote stay context, never marked."""
        quotes = []
        for citation in sorted(self.citations, key=lambda c: c.passage.start):
            if not citation.quote:
                continue
            sentences = citation.passage.sentence_texts()
            held = [i for i, s in enumerate(sentences) if len(s.strip()) >= MIN_QUOTED and s.strip() in citation.quote]
            if not held:
                quotes.append(Quote("", " ".join(citation.quote.split()), ""))
                continue
            runs: list[list[int]] = []
            for i in held:
                if runs and i == runs[-1][-1] + 1:
                    runs[-1].append(i)
                else:
                    runs.append([i])
            for run in runs:
                before = sentences[run[0] - 1] if run[0] > 0 else ""
                after = sentences[run[-1] + 1] if run[-1] + 1 < len(sentences) else ""
                quotes.append(Quote(before, " ".join(sentences[i] for i in run), after))
        return quotes

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
    """The cited articles, each once and numbered from 1, in the order the answer first cites them."""
    grouped: dict[str, list[Citation]] = {}
    for c in sorted(citations, key=lambda c: c.n):
        grouped.setdefault(c.passage.article_id, []).append(c)
    return [Source(tuple(group), number) for number, group in enumerate(grouped.values(), 1)]


def shown(answer: Answer) -> tuple[str, tuple[int, int] | None]:
    """The answer's text as readers see it, each [n] written as its article's number ("[1] … [2]" citing two
    passages of one article reads "[1] … [1]", and "[1] [1]" once), with the answer span moved to match."""
    numbers = {c.n: source.number for source in sources(answer.citations) for c in source.citations}
    if not numbers:
        return answer.text, answer.span_at

    def renumber(text: str) -> str:
        text = _NUMBER.sub(
            lambda m: f"[{numbers[int(m.group(1))]}]" if int(m.group(1)) in numbers else m.group(0), text
        )
        return re.sub(r"(\[\d+\])(?:[ \t]*\1)+", r"\1", text)  # "[1] [1]" once

    span = answer.span_at
    if span is not None:
        span = (len(renumber(answer.text[: span[0]])), len(renumber(answer.text[: span[1]])))
    return renumber(answer.text), span


def correction_label(p: Passage) -> str:
    """ "corrected on 2024-03-05: the toll is four pounds, not five" for a corrected article, else empty."""
    if not p.corrected_at:
        return ""
    return f"corrected on {p.corrected_at[:10]}" + (f": {p.correction}" if p.correction else "")
