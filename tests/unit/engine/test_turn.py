"""One turn (`rag/engine/turn.py`): the answer streamed then recorded, the refusal when nothing was found, quote
mode standing in when the model fails part-way, and the record's timings; with a scripted answerer (no model)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from support import make_passage

from rag.answer.base import REFUSAL, Focus, Turn
from rag.engine.turn import Found, TurnRun
from rag.errors import LLMUnavailableError
from rag.models import Answer, Passage

PASSAGES = [make_passage("a-0", ["Shoigu said Ukraine used eight drones."], article_id="a")]


class Scripted:
    """An answerer that streams `pieces`, then its answer, or fails after `fail_after` pieces."""

    mode = "llm"

    def __init__(self, pieces: Sequence[str], fail_after: int | None = None, answer: bool = True) -> None:
        self.pieces, self.fail_after, self.with_answer = pieces, fail_after, answer
        self.focus: list[Focus] = []

    def stream(self, question: str, passages: list[Passage], focus: Focus = None) -> Iterator[str | Answer]:
        self.focus.append(focus)
        for n, piece in enumerate(self.pieces):
            if self.fail_after is not None and n == self.fail_after:
                raise LLMUnavailableError("The model stopped.")
            yield piece
        if self.with_answer:
            yield Answer(text="".join(self.pieces), refused=False, passages=passages, mode=self.mode)

    def condense(self, question: str, history: Sequence[Turn]) -> str:
        return question


def quoted(found: Found, exc: Exception) -> Answer:
    """What the engine's fallback gives: quote mode's answer, with a notice saying why."""
    return Answer(text="Quoted instead.", refused=False, passages=found.passages, mode="quote", notice=str(exc))


def found(question: str = "How many drones?", asked: str | None = None, passages: list[Passage] = PASSAGES) -> Found:
    return Found(asked or question, question, None, passages, condense_ms=1.0, retrieval_ms=2.0)


def test_the_answer_streams_then_the_record_holds_it_with_its_timings() -> None:
    run = TurnRun(found(), Scripted(["Eight ", "drones."]), quoted)
    assert list(run) == ["Eight ", "drones."]
    record = run.record()
    assert record.answer.text == "Eight drones." and record.answer.mode == "llm" and record.notice == ""
    assert record.passages == PASSAGES and record.standalone == record.asked == "How many drones?"
    assert set(record.timings) == {"condense_ms", "retrieval_ms", "answer_ms", "total_ms"}
    assert record.timings["total_ms"] == pytest.approx(3.0 + record.timings["answer_ms"])


def test_a_record_taken_without_streaming_runs_the_answer_first() -> None:
    assert TurnRun(found(), Scripted(["Eight drones."]), quoted).record().answer.text == "Eight drones."


def test_nothing_found_is_a_refusal_whatever_the_answerer() -> None:
    answerer = Scripted(["never asked"])
    run = TurnRun(found(passages=[]), answerer, quoted)
    assert list(run) == [REFUSAL]
    record = run.record()
    assert record.answer.refused and record.answer.mode == "llm" and answerer.focus == []


def test_a_model_failing_part_way_gives_quote_modes_answer_with_the_reason() -> None:
    run = TurnRun(found(), Scripted(["Eight ", "drones", "."], fail_after=2), quoted)
    assert "".join(run) == "Eight drones"  # the reader saw the start of the model's text
    answer = run.record().answer
    assert answer.mode == "quote" and answer.text == "Quoted instead." and answer.notice == "The model stopped."


def test_an_answerer_that_ends_without_its_answer_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="ended without an answer"):
        TurnRun(found(), Scripted(["Eight."], answer=False), quoted).record()


def test_the_answerer_scores_against_the_users_words_when_a_follow_up_was_rewritten() -> None:
    rewritten = Scripted(["."])
    TurnRun(found("How many drones did Shoigu count?", asked="and Shoigu?"), rewritten, quoted).record()
    as_asked = Scripted(["."])
    TurnRun(found("How many drones?"), as_asked, quoted).record()
    assert rewritten.focus == ["and Shoigu?"] and as_asked.focus == [None]  # None: the question itself


def test_a_refusal_under_the_users_filters_says_so_and_what_lies_beyond_them() -> None:
    asked: list[str] = []

    def widen() -> str:
        asked.append("widened")
        return "The search was limited to The Guardian."

    refused = TurnRun(found(passages=[]), Scripted(["."]), quoted, widen).record()
    assert refused.answer.refused and refused.notice == "The search was limited to The Guardian."
    answered = TurnRun(found(), Scripted(["Eight drones."]), quoted, widen).record()
    assert not answered.answer.refused and answered.notice == "" and asked == ["widened"]  # only for a refusal
