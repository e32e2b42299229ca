"""What every answerer shares: the `Answerer` protocol, conversation turns, the refusal, the rule-based rewrite."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from rag.models import Answer, Passage
from rag.retrieval.question import Question

REFUSAL = "The archive does not cover this: none of its articles answers the question."
_LEADING_WORDS = frozenset(
    "and but also so then what how who whom whose when where why which did does do is are was were has have can".split()
)
_FOLLOW_UP = re.compile(
    r"^(and|but|also|so|what about|how about|then)\b|\b(he|she|it|they|them|his|her|hers|its|their|theirs|"
    r"this|that|these|those|there|the same|him)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Turn:
    """One message of a conversation, as the answerers see it."""

    role: str
    content: str


Focus = str | Question | None  # what quote mode scores sentences against: the question as read for the turn
# (`read_question`, embedded once), the user's own words when a follow-up was rewritten, or None for the question


class Answerer(Protocol):
    """Anything that turns a question and retrieved passages into a cited `Answer`.

    `mode` names the answerer in answers and reports ("quote", "llm"). `stream` yields the answer text as it
    is produced and, last, the checked `Answer`; an endpoint failure raises `LLMUnavailableError` so that the
    engine can fall back to quote mode.
    """

    mode: str

    def stream(self, question: str, passages: list[Passage], focus: Focus = None) -> Iterator[str | Answer]:
        """Text pieces, then the final `Answer`."""
        ...

    def condense(self, question: str, history: Sequence[Turn]) -> str:
        """A follow-up question rewritten to stand alone."""
        ...


def final_answer(pieces: Iterator[str | Answer]) -> Answer:
    """Run an answerer's stream to its end and return the `Answer` it closes with."""
    answer: Answer | None = None
    for piece in pieces:
        if isinstance(piece, Answer):
            answer = piece
    if answer is None:
        raise RuntimeError("the answerer's stream ended without an answer")
    return answer


def refusal(question: str, passages: list[Passage], mode: str) -> Answer:
    """The honest answer when the archive does not support one."""
    return Answer(text=REFUSAL, refused=True, passages=passages, mode=mode, question=question)


def rule_condense(question: str, history: Sequence[Turn]) -> str:
    """Without a model: a follow-up question is read after the previous question, as one readable question
    ("What did Putin say about the drone strikes — and what did he threaten?")."""
    previous = [t.content for t in history if t.role == "user"]
    if not previous or not _FOLLOW_UP.search(question) or len(question.split()) > 20:
        return question
    follow_up = question.strip().rstrip(" ?")
    first = follow_up.split(" ", 1)[0]
    if first.lower() in _LEADING_WORDS:  # "And what…" reads "— and what…"; a name keeps its capital
        follow_up = first.lower() + follow_up[len(first) :]
    return f"{previous[-1].strip().rstrip(' ?')} — {follow_up}?"
