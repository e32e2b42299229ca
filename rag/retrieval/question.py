"""What a question asks, read by code from its text and the archive's own outlet names: its parts (`clauses.py`),
the names and other specific terms it is about (`names.py`), the periods it names (`periods.py`), what it asks about
and, for a turn, what it asks for (`asked.py`) and its embedding. Used by the answerers (evidence per part, honest
refusals) and by retrieval (clauses, parts, periods with the publication days among them, embedding).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from rag.retrieval.asked import Asked, asked_for
from rag.retrieval.clauses import clauses_and_parts, part_of
from rag.retrieval.names import cited_sources, named_entities, speakers
from rag.retrieval.periods import MAX_PERIODS, Period, mentioned_periods
from rag.retrieval.wording import TOKEN, mentioned_outlets, publication_periods

_MAX_QUESTION = 2000  # characters read of a question (a longer one is cut, never slow)


@dataclass(frozen=True)
class QuestionPart:
    """One clause of a question, with the outlets it names and the words that carry its meaning."""

    text: str
    outlets: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    periods: tuple[Period, ...] = ()  # periods that start in this part ("reported after October 4, 2023")


@dataclass(frozen=True)
class Question:
    """A question as the answerers see it."""

    text: str
    parts: tuple[QuestionPart, ...]
    entities: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    periods: tuple[Period, ...] = ()
    unknown_sources: tuple[str, ...] = ()
    possible_sources: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()  # what the question asks about ("what did the minister say about smoking")
    clauses: tuple[str, ...] = ()  # its clauses as written, before parts borrow from each other (`clauses.py`)
    vector: tuple[float, ...] = ()  # its embedding, when read for a turn (`read_question`): retrieval's dense
    # search and the quote answerer's sentence scores both use it, so it is embedded once
    asked: Asked | None = None  # what it asks for (`asked.py`, spaCy's parse), when read for a turn


def all_periods(text: str, reference: date | Callable[[], date | None] | None) -> list[Period]:
    """The periods a question names ("after October 4", "last week") and the reports' publication days it names
    ("the TechCrunch report published on October 7, 2023"), in the order they are written."""
    named = mentioned_periods(text, reference)
    spans = [(p.at, p.at + len(p.text)) for p in named]
    days = [p for p in publication_periods(text) if not any(a <= p.at < b for a, b in spans)]  # not a range's end
    return sorted([*named, *days], key=lambda p: p.at)[:MAX_PERIODS]


def understand(
    text: str, outlets: Iterable[str] = (), reference: date | Callable[[], date | None] | None = None
) -> Question:
    """Read a question: its parts (each with the outlets and names it mentions), names, dates, kind and order.

    Args:
        text: the question as asked.
        outlets: the archive's outlet names (so that "according to TechCrunch" is seen as an outlet).
        reference: the day "last week" and "in November" are read against (the archive's newest article), or a
            function giving it; without one, such phrases name no period.
    """
    text = " ".join(unicodedata.normalize("NFC", text).split())[:_MAX_QUESTION]
    known = list(outlets)
    named = mentioned_outlets(text, known)
    sure, possible = cited_sources(text, known) if known else ([], [])
    periods = tuple(all_periods(text, reference))
    clauses, pieces = clauses_and_parts(text, known)
    owners = [part_of(p, clauses) for p in periods]  # where the period is written, not where it was lent
    parts = tuple(
        QuestionPart(
            piece,
            tuple(mentioned_outlets(piece, known)),
            tuple(named_entities(piece, known, numbered=True)),
            tuple(p for p, owner in zip(periods, owners, strict=True) if owner == index),
        )
        for index, piece in enumerate(pieces)
    )
    return Question(
        text=text,
        parts=parts,
        entities=tuple(named_entities(text, known, numbered=True)),
        outlets=tuple(named),
        periods=periods,
        unknown_sources=tuple(sure),
        possible_sources=tuple(possible),
        speakers=tuple(speakers(text, known)),
        topics=tuple(topics(text)),
        clauses=tuple(clauses),
    )


def read_question(
    text: str,
    outlets: Iterable[str],
    reference: date | Callable[[], date | None] | None,
    embed: Callable[[str], Sequence[float]],
) -> Question:
    """A question read once for a turn: what `understand` reads, what it asks for (`asked_for`) and its embedding (by
    `embed`), which retrieval and the answerers then share."""
    question = understand(text, outlets, reference)
    return replace(question, vector=tuple(float(x) for x in embed(question.text)), asked=asked_for(question.text))


# after "about", "regarding" or "concerning"; "about 40 people" is an amount, not a topic
_TOPIC = re.compile(
    r"\b(?:about|regarding|concerning)\s+(?![\d$€£]|some\b)(?P<topic>[^,;:?!.()\[\]“”\"]+)", re.IGNORECASE
)
_TOPIC_END = re.compile(
    r"\s+\b(?:and|or|but|while|whereas|that|which|who|whom|when|where|in|on|at|from|by|for|with|to|as|after|before|"
    r"since|during|published|according|compared|than|if)\b.*",
    re.IGNORECASE,
)
_MAX_TOPIC_WORDS = 5


def topics(text: str) -> list[str]:
    """What a question asks about: the words after "about", "regarding" or "concerning", up to the next clause or
    preposition ("What did the minister say about the smoking ban in Wellington?" -> "the smoking ban")."""
    found = []
    for match in _TOPIC.finditer(text):
        topic = _TOPIC_END.sub("", match.group("topic")).strip()
        tokens = TOKEN.findall(topic)
        if tokens and len(tokens) <= _MAX_TOPIC_WORDS and topic not in found:
            found.append(topic)
    return found
