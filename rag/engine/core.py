"""The chat engine shared by the CLI, the app and the evaluation: it runs a turn (`rag/engine/turn.py`) and answers
the few questions faces ask of the archive (its holdings, an article's text, uploads).

`open_engine(settings)` is the one way to build it: it opens the archive (seeding an empty one with the bundled
articles), and picks the answerer the configuration asks for.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from rag.answer.base import Answerer, Focus, Turn
from rag.answer.quote import QuoteAnswerer
from rag.archive.access import EDITOR, READER, role_filter
from rag.archive.article_record import ArticleRecord
from rag.archive.filters import ArchiveFilter, outlet_key
from rag.archive.knowledge import Archive
from rag.archive.store import ArchiveStats
from rag.config import Settings
from rag.engine.turn import Found, TurnRecord, TurnRun
from rag.engine.widen import limited, widened_notice
from rag.errors import NewsroomError
from rag.ingest.pipeline import IngestReport, Progress, ensure_seeded
from rag.models import Answer, Passage
from rag.retrieval.entities import warm_up
from rag.retrieval.hybrid import HybridRetriever
from rag.retrieval.question import Question, read_question

if TYPE_CHECKING:
    from rag.engine.desk import Desk


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
    def desk(self) -> Desk:
        """The archive's upkeep (uploads, checks, versions) for the faces (its modules load on first use)."""
        from rag.engine.desk import Desk

        return Desk(self.archive)

    def stats(self) -> ArchiveStats:
        """What the archive holds: articles, outlets, first and last publication days."""
        return self.archive.stats()

    def records(self) -> list[ArticleRecord]:
        """Every article's registry record (for the archive's timeline)."""
        return self.archive.records()

    def recent_passages(self) -> list[tuple[str, str]]:
        """(headline, passage) from the newest articles, for example questions."""
        return self.archive.store.recent_passages()

    def known_outlets(self, role: str = READER) -> list[str]:
        """The outlets `role` may see articles from (an editor also those of drafts and embargoed articles)."""
        if role == EDITOR:
            return sorted(
                {str(r.metadata.get("outlet") or "") for r in self.archive.records(role_filter(EDITOR))} - {""}
            )
        return self.archive.outlets()

    def unknown_outlets(self, names: Sequence[str], role: str = READER) -> list[str]:
        """The names of `names` that are no outlet `role` may see (compared as filters compare them: any case and
        spacing), so a face can say so instead of searching nothing."""
        known = {outlet_key(o) for o in self.known_outlets(role)}
        return [n for n in names if outlet_key(n) not in known]

    def article_body(self, article_id: str, role: str) -> tuple[str, dict[str, Any]] | None:
        """An article's whole text and metadata as `role` may see it; None when it is gone or hidden from them."""
        return self.archive.store.article_body(article_id, role_filter(role))

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
        self,
        question: str | Question,
        filters: ArchiveFilter | None = None,
        k: int | None = None,
        role: str = READER,
    ) -> list[Passage]:
        """Ranked passages for a stand-alone question (as asked, or as read for the turn), among the articles
        `role` may see: the user's filters narrow the search, the role's access rules always apply."""
        return self.retriever.search(question, k=k or self.settings.top_k, flt=role_filter(role, filters))

    def find(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: ArchiveFilter | None = None,
        k: int | None = None,
        role: str = READER,
    ) -> Found:
        """A turn's first half: the question made to stand alone, read once, and the passages retrieved for it."""
        started = time.perf_counter()
        standalone = self.standalone(question, history)
        condensed = time.perf_counter()
        read = self.read(standalone)
        passages = self.retrieve(read, filters, k, role)
        retrieved = time.perf_counter()
        return Found(question, standalone, read, passages, (condensed - started) * 1000, (retrieved - condensed) * 1000)

    def start(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: ArchiveFilter | None = None,
        k: int | None = None,
        role: str = READER,
    ) -> TurnRun:
        """A turn with its passages found: iterate it for the answer's text as it comes, then take its `record()`.
        The one way every face runs a turn. `filters` are the user's (outlets, dates); `role` decides what else
        may be seen (a reader: published articles, embargoes checked now)."""
        found = self.find(question, history, filters, k, role)
        widen = None
        if filters is not None and limited(filters):
            users = filters  # a refusal under the user's own filters names them, and what the archive has beyond

            def widen() -> str:
                return widened_notice(users, self._beyond(found, k, role))

        return TurnRun(found, self.answerer, self._fallback, widen)

    def turn(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: ArchiveFilter | None = None,
        k: int | None = None,
        role: str = READER,
    ) -> TurnRecord:
        """One whole turn, answered to the end."""
        return self.start(question, history, filters, k, role).record()

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: ArchiveFilter | None = None,
        k: int | None = None,
        role: str = READER,
    ) -> Answer:
        """One whole turn's answer."""
        return self.turn(question, history, filters, k, role).answer

    def answer_passages(self, question: str, passages: list[Passage], focus: Focus = None) -> Answer:
        """Answer from passages found elsewhere (a benchmark's, a test's), falling back to quote mode when the model
        fails.

        Args:
            question: the stand-alone question.
            passages: the passages retrieved for it.
            focus: the question as read (a `Question`), or the user's own words; quote mode scores sentences against
                it (the words differ from `question` when a follow-up was rewritten).
        """
        if isinstance(focus, Question):
            found = Found(question, question, focus, passages)
        else:
            found = Found(focus or question, question, None, passages)
        return TurnRun(found, self.answerer, self._fallback).record().answer

    def fallback(self, question: str, passages: list[Passage], exc: Exception, focus: Focus = None) -> Answer:
        """Quote-mode answer after the model failed, saying why."""
        answer = self.quote.answer(question, passages, focus)
        answer.notice = f"{exc} Showing quoted sentences from the archive instead."
        return answer

    def _beyond(self, found: Found, k: int | None, role: str) -> Answer | None:
        """Quote mode's answer from the articles the user's filters left out (None when there are none, or the
        search fails: the refusal then stands with the first half of its notice)."""
        seen = {p.article_id for p in found.passages}
        try:
            wider = self.retrieve(found.question or found.standalone, None, k, role)
        except NewsroomError:
            return None
        outside = [p for p in wider if p.article_id not in seen]
        return self.quote.answer(found.standalone, outside, found.focus) if outside else None

    def _fallback(self, found: Found, exc: Exception) -> Answer:
        return self.fallback(found.standalone, found.passages, exc, found.focus)


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
    warm: bool = True,
) -> OpenedEngine:
    """Open the archive and build the chat engine: the one way the CLI, the app and the evaluation start.

    Args:
        settings: the effective settings.
        seed: load the bundled seed articles into an empty archive first.
        embeddings: an embedding model to share (default: the one the settings ask for, loaded lazily).
        answerer: an answerer to use instead of the configured one (tests script the model this way).
        progress: called with (passages embedded, passages to embed) while seeding.
        warm: load the question reader's model (spaCy) in the background while the archive opens; a command that
            only searches (`newsroom search`) reads no question that way and leaves the second core free.
    """
    if warm:
        warm_up()
    archive = Archive(settings, embeddings)
    seeded = ensure_seeded(archive, progress) if seed else None
    chosen = answerer or make_answerer(settings, archive)
    return OpenedEngine(ChatEngine(settings, archive, chosen), seeded)
