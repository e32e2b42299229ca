"""The answering pipeline shared by the CLI, the app and the evaluation: history -> question -> passages -> answer."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from rag.archive import Archive
from rag.config import Settings
from rag.errors import LLMUnavailableError
from rag.filters import ArchiveFilter
from rag.llm import LLMAnswerer
from rag.models import Answer, Passage
from rag.quote import QuoteAnswerer, refusal

_FOLLOW_UP = re.compile(
    r"^(and|but|also|so|what about|how about|then)\b|\b(he|she|it|they|them|his|her|hers|its|their|theirs|"
    r"this|that|these|those|there|the same|him)\b",
    re.IGNORECASE,
)


class Answerer(Protocol):
    """Anything that turns a question and passages into an `Answer`."""

    mode: str

    def answer(self, question: str, passages: list[Passage]) -> Answer:
        """Answer from the passages only."""


@dataclass
class Turn:
    """One message of a conversation."""

    role: str
    content: str


@dataclass
class Filters:
    """What the user narrowed retrieval to."""

    outlets: list[str] = field(default_factory=list)
    since: datetime | None = None
    until: datetime | None = None

    def archive_filter(self) -> ArchiveFilter:
        """As an `ArchiveFilter` (embargo always applied)."""
        return ArchiveFilter(outlets=tuple(self.outlets), since=self.since, until=self.until)


def rule_condense(question: str, history: Sequence[Turn]) -> str:
    """Without a model: a follow-up question gets the previous question appended as context."""
    previous = [t.content for t in history if t.role == "user"]
    if not previous or not _FOLLOW_UP.search(question) or len(question.split()) > 20:
        return question
    return f"{question.rstrip(' ?')} (following up on: {previous[-1].rstrip(' ?')})?"


class AnswerStream:
    """Iterate to receive answer text as it is produced; `.answer` holds the checked answer afterwards."""

    def __init__(self, engine: ChatEngine, question: str, passages: list[Passage], focus: str | None = None) -> None:
        self.engine, self.question, self.passages, self.focus = engine, question, passages, focus
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        llm = self.engine.llm
        if llm is None or not self.passages:
            self.answer = self.engine.answer_passages(self.question, self.passages, self.focus)
            yield self.answer.text
            return
        pieces: list[str] = []
        try:
            for piece in llm.stream(self.question, self.passages):
                pieces.append(piece)
                yield piece
            self.answer = llm.finish(self.question, self.passages, "".join(pieces))
        except LLMUnavailableError as exc:
            self.answer = self.engine.fallback(self.question, self.passages, exc, self.focus)


class ChatEngine:
    """Condenses follow-ups, retrieves passages and answers them with the configured answerer."""

    def __init__(
        self,
        settings: Settings,
        archive: Archive,
        llm: LLMAnswerer | None = None,
        quote: QuoteAnswerer | None = None,
    ) -> None:
        self.settings = settings
        self.archive = archive
        self.llm = llm if llm is not None else (LLMAnswerer(settings) if settings.llm_configured else None)
        self.quote = quote or QuoteAnswerer(archive.embeddings)

    @property
    def mode_label(self) -> str:
        """How answers are produced, for people."""
        return self.settings.answer_label if self.llm else "offline quote mode"

    def standalone(self, question: str, history: Sequence[Turn] = ()) -> str:
        """The question rewritten to stand alone, using the model when there is one."""
        if not history:
            return question
        if self.llm is not None:
            transcript = "\n".join(f"{t.role}: {t.content[:600]}" for t in history[-6:])
            try:
                return self.llm.condense(question, transcript)
            except LLMUnavailableError:
                pass
        return rule_condense(question, history)

    def retrieve(self, question: str, filters: Filters | None = None, k: int | None = None) -> list[Passage]:
        """Ranked passages for a stand-alone question."""
        flt = (filters or Filters()).archive_filter()
        return self.archive.search(question, k=k or self.settings.top_k, flt=flt)

    def quote_answer(self, question: str, passages: list[Passage], focus: str | None = None) -> Answer:
        """Quote mode; sentences are scored against `focus` (the user's own words) when given."""
        answer = self.quote.answer(focus or question, passages)
        answer.question = question
        return answer

    def fallback(self, question: str, passages: list[Passage], exc: Exception, focus: str | None = None) -> Answer:
        """Quote-mode answer after the model failed, saying why."""
        answer = self.quote_answer(question, passages, focus)
        answer.notice = f"{exc} Showing quoted sentences from the archive instead."
        return answer

    def answer_passages(self, question: str, passages: list[Passage], focus: str | None = None) -> Answer:
        """Answer from given passages, falling back to quote mode when the model fails.

        Args:
            question: the stand-alone question.
            passages: the passages retrieved for it.
            focus: the user's own words; quote mode scores sentences against them (they differ from `question`
                when a follow-up was rewritten by rule).
        """
        if not passages:
            return refusal(question, passages, self.llm.mode if self.llm else self.quote.mode)
        if self.llm is None:
            return self.quote_answer(question, passages, focus)
        try:
            return self.llm.answer(question, passages)
        except LLMUnavailableError as exc:
            return self.fallback(question, passages, exc, focus)

    def ask(
        self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None, k: int | None = None
    ) -> Answer:
        """The whole pipeline for one question."""
        standalone = self.standalone(question, history)
        return self.answer_passages(standalone, self.retrieve(standalone, filters, k), focus=question)

    def stream(self, question: str, passages: list[Passage], focus: str | None = None) -> AnswerStream:
        """A streaming answer over already retrieved passages."""
        return AnswerStream(self, question, passages, focus)
