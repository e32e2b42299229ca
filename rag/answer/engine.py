"""The answering pipeline shared by the CLI, the app and the evaluation: history -> question -> passages -> answer.

`open_engine(settings)` is the one way to build it: it opens the archive (seeding an empty one with the bundled
articles), and picks the answerer the configuration asks for.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from langchain_core.embeddings import Embeddings

from rag.answer.base import Answerer, Focus, Turn, refusal
from rag.answer.quote import QuoteAnswerer
from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.config import Settings
from rag.errors import LLMUnavailableError
from rag.ingest.pipeline import IngestReport, Progress, ensure_seeded
from rag.models import Answer, Passage
from rag.retrieval.hybrid import HybridRetriever
from rag.retrieval.question import Question, read_question


@dataclass
class Found:
    """A turn's question, read once, and the passages retrieved for it."""

    asked: str  # the user's own words
    standalone: str  # the question rewritten to stand alone (the same words unless a follow-up was rewritten)
    question: Question  # the stand-alone question as read for the turn, with its embedding
    passages: list[Passage]
    condense_ms: float = 0.0  # making it stand alone
    retrieval_ms: float = 0.0  # reading it (its embedding included) and retrieving the passages

    @property
    def focus(self) -> Focus:
        """What quote mode scores sentences against: the question as read, or the user's own words when a
        follow-up was rewritten."""
        return self.question if self.standalone == self.asked else self.asked


class AnswerStream:
    """Iterate to receive answer text as it is produced; `.answer` holds the checked answer afterwards.

    When the model fails part-way, the stream ends with quote mode's answer (and a notice saying why).
    """

    def __init__(self, engine: ChatEngine, question: str, passages: list[Passage], focus: Focus = None) -> None:
        self.engine, self.question, self.passages, self.focus = engine, question, passages, focus
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        if not self.passages:
            self.answer = self.engine.answer_passages(self.question, self.passages, self.focus)
            yield self.answer.text
            return
        try:
            for piece in self.engine.answerer.stream(self.question, self.passages, self.focus):
                if isinstance(piece, Answer):
                    self.answer = piece
                else:
                    yield piece
        except LLMUnavailableError as exc:
            self.answer = self.engine.fallback(self.question, self.passages, exc, self.focus)

    def result(self) -> Answer:
        """The checked answer (running the stream to its end first when nobody has)."""
        if self.answer is None:
            for _ in self:
                pass
        if self.answer is None:  # an answerer whose stream ended without its answer
            raise RuntimeError(f"The {self.engine.answerer.mode} answerer ended without an answer.")
        return self.answer


class ChatEngine:
    """Condenses follow-ups, retrieves passages and answers from them with the configured answerer.

    Args:
        settings: the effective settings (top k, labels).
        archive: the knowledge base to search.
        answerer: quote or LLM (anything that follows the `Answerer` protocol).
    """

    def __init__(self, settings: Settings, archive: Archive, answerer: Answerer) -> None:
        self.settings = settings
        self.archive = archive
        self.retriever = HybridRetriever(archive)
        self.answerer = answerer
        if isinstance(answerer, QuoteAnswerer):
            self.quote = answerer
        else:
            self.quote = QuoteAnswerer(
                archive.embeddings, outlets=archive.outlets, term_weights=archive.term_weights, newest=archive.newest
            )

    @property
    def mode_label(self) -> str:
        """How answers are produced, for people."""
        return "offline quote mode" if isinstance(self.answerer, QuoteAnswerer) else self.settings.answer_label

    def standalone(self, question: str, history: Sequence[Turn] = ()) -> str:
        """The question rewritten to stand alone (by the model when there is one, else by rule)."""
        return self.answerer.condense(question, history) if history else question

    def read(self, question: str) -> Question:
        """A stand-alone question read once for its turn: its parts, names and periods, what it asks for and its
        embedding, which retrieval and the quote answerer share."""
        archive = self.archive
        return read_question(question, archive.outlets(), archive.newest, archive.embeddings.embed_query)

    def retrieve(
        self, question: str | Question, filters: ArchiveFilter | None = None, k: int | None = None
    ) -> list[Passage]:
        """Ranked passages for a stand-alone question (as asked, or as read for the turn)."""
        return self.retriever.search(question, k=k or self.settings.top_k, flt=filters)

    def find(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: ArchiveFilter | None = None,
        k: int | None = None,
    ) -> Found:
        """A turn's first half, the same for every face: the question made to stand alone, read once, and the
        passages retrieved for it."""
        started = time.perf_counter()
        standalone = self.standalone(question, history)
        condensed = time.perf_counter()
        read = self.read(standalone)
        passages = self.retrieve(read, filters, k)
        retrieved = time.perf_counter()
        return Found(question, standalone, read, passages, (condensed - started) * 1000, (retrieved - condensed) * 1000)

    def fallback(self, question: str, passages: list[Passage], exc: Exception, focus: Focus = None) -> Answer:
        """Quote-mode answer after the model failed, saying why."""
        answer = self.quote.answer(question, passages, focus)
        answer.notice = f"{exc} Showing quoted sentences from the archive instead."
        return answer

    def answer_passages(self, question: str, passages: list[Passage], focus: Focus = None) -> Answer:
        """Answer from given passages, falling back to quote mode when the model fails.

        Args:
            question: the stand-alone question.
            passages: the passages retrieved for it.
            focus: the question as read for the turn (`Found.focus`), or the user's own words; quote mode scores
                sentences against it (the words differ from `question` when a follow-up was rewritten).
        """
        if not passages:
            return refusal(question, passages, self.answerer.mode)
        return AnswerStream(self, question, passages, focus).result()

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: ArchiveFilter | None = None,
        k: int | None = None,
    ) -> Answer:
        """The whole pipeline for one question."""
        found = self.find(question, history, filters, k)
        return self.answer_passages(found.standalone, found.passages, focus=found.focus)

    def stream(self, question: str, passages: list[Passage], focus: Focus = None) -> AnswerStream:
        """A streaming answer over already retrieved passages."""
        return AnswerStream(self, question, passages, focus)


def make_answerer(settings: Settings, archive: Archive) -> Answerer:
    """The answerer the configuration asks for: the model when one is configured, else quote mode."""
    if settings.llm_configured:
        from rag.answer.llm import LLMAnswerer

        return LLMAnswerer(settings, outlets=archive.outlets)
    return QuoteAnswerer(
        archive.embeddings, outlets=archive.outlets, term_weights=archive.term_weights, newest=archive.newest
    )


@dataclass
class OpenedEngine:
    """An engine, and what opening it did (the seed report on a first run)."""

    engine: ChatEngine
    seeded: IngestReport | None


def open_engine(
    settings: Settings,
    *,
    seed: bool = True,
    embeddings: Embeddings | None = None,
    answerer: Answerer | None = None,
    progress: Progress | None = None,
) -> OpenedEngine:
    """Open the archive and build the chat engine: the one way the CLI, the app and the evaluation start.

    Args:
        settings: the effective settings.
        seed: load the bundled seed articles into an empty archive first.
        embeddings: an embedding model to share (default: the one the settings ask for, loaded lazily).
        answerer: an answerer to use instead of the configured one (tests script the model this way).
        progress: called with (passages embedded, passages to embed) while seeding.
    """
    archive = Archive(settings, embeddings)
    seeded = ensure_seeded(archive, progress) if seed else None
    chosen = answerer or make_answerer(settings, archive)
    return OpenedEngine(ChatEngine(settings, archive, chosen), seeded)
