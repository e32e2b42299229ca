"""One chat turn, run in one place for every face: history -> stand-alone question -> the question read once ->
passages -> answer (streamed or whole, with quote mode standing in when the model fails) -> one record of it.

The CLI, the Streamlit chat and the evaluation all start a turn with `ChatEngine.start` (or `ChatEngine.turn`) and
only render the `TurnRecord` it ends with.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from rag.answer.base import Answerer, Focus, refusal
from rag.errors import LLMUnavailableError
from rag.models import Answer, Passage
from rag.retrieval.question import Question


@dataclass
class Found:
    """A turn's question, read once, and the passages retrieved for it."""

    asked: str  # the user's own words
    standalone: str  # the question rewritten to stand alone (the same words unless a follow-up was rewritten)
    question: Question | None  # the stand-alone question as read for the turn, with its embedding (None: the
    # answerer reads it itself, when a caller hands it passages found elsewhere)
    passages: list[Passage]
    condense_ms: float = 0.0  # making it stand alone
    retrieval_ms: float = 0.0  # reading it (its embedding included) and retrieving the passages

    @property
    def focus(self) -> Focus:
        """What quote mode scores sentences against: the question as read, or the user's own words when a
        follow-up was rewritten."""
        return self.asked if self.standalone != self.asked else self.question


@dataclass
class TurnRecord:
    """Everything a face shows of one turn, and what the evaluation scores."""

    found: Found
    answer: Answer
    timings: dict[str, float] = field(default_factory=dict)  # condense, retrieval, answer and total, in ms

    @property
    def asked(self) -> str:
        """The user's own words."""
        return self.found.asked

    @property
    def standalone(self) -> str:
        """The question the archive was searched for."""
        return self.found.standalone

    @property
    def passages(self) -> list[Passage]:
        """The passages the answer was drawn from, best first."""
        return self.found.passages

    @property
    def notice(self) -> str:
        """What the reader must know about the answer (a filter, a period, a model that failed), or ""."""
        return self.answer.notice


class TurnRun:
    """A turn whose passages are found: iterate to receive the answer's text as it is produced, then call
    `record()` (which runs the answer to its end first when nobody iterated).

    When the model fails part-way, the answer is quote mode's (`fallback`), with a notice saying why.
    """

    def __init__(
        self,
        found: Found,
        answerer: Answerer,
        fallback: Callable[[Found, Exception], Answer],
        widen: Callable[[], str] | None = None,
    ) -> None:
        self.found, self.answerer, self.fallback = found, answerer, fallback
        self.widen = widen  # for a search the user limited: what the archive has without the limits, in words
        self.answer: Answer | None = None
        self._started = time.perf_counter()
        self._ended = self._started

    @property
    def passages(self) -> list[Passage]:
        """The passages retrieved for the turn, best first."""
        return self.found.passages

    def __iter__(self) -> Iterator[str]:
        found = self.found
        self._started = time.perf_counter()
        if not found.passages:  # nothing to answer from: the refusal, whatever the answerer
            self.answer = refusal(found.standalone, found.passages, self.answerer.mode)
            yield self.answer.text
        else:
            try:
                for piece in self.answerer.stream(found.standalone, found.passages, found.focus):
                    if isinstance(piece, Answer):
                        self.answer = piece
                    else:
                        yield piece
            except LLMUnavailableError as exc:
                self.answer = self.fallback(found, exc)
        if self.answer is not None and self.answer.refused and self.widen is not None:
            self.answer.notice = " ".join(n for n in (self.answer.notice, self.widen()) if n)
        self._ended = time.perf_counter()

    def record(self) -> TurnRecord:
        """The finished turn (its answer run to the end first when nobody has)."""
        if self.answer is None:
            for _ in self:
                pass
        if self.answer is None:  # an answerer whose stream ended without its answer
            raise RuntimeError(f"The {self.answerer.mode} answerer ended without an answer.")
        found = self.found
        answer_ms = (self._ended - self._started) * 1000
        timings = {
            "condense_ms": found.condense_ms,
            "retrieval_ms": found.retrieval_ms,
            "answer_ms": answer_ms,
            "total_ms": found.condense_ms + found.retrieval_ms + answer_ms,
        }
        return TurnRecord(found, self.answer, timings)
