"""What the retrieved passages lack for a question: the sources the archive does not carry, the names, speakers and
topics no passage close enough mentions, and the notices an answer then carries (a period or an outlet the question
names that no quote comes from).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.mentions import haystack_of, mentions, names_speaker, quotes_speaker
from rag.answer.topics import concrete, missing_topics, unvoiced_topics
from rag.models import Passage
from rag.retrieval.periods import Period
from rag.retrieval.question import Question
from rag.retrieval.wording import DATE


@dataclass(frozen=True)
class Gaps:
    """What the passages lack: sources the archive does not carry, and names no passage mentions."""

    unknown_sources: tuple[str, ...]  # cited as a publication ("an article by Bloomberg") the archive lacks
    missing_names: tuple[str, ...]
    names: int
    absent_sources: tuple[str, ...] = ()  # may be a source or a subject ("What has Reuters reported", "did Israel
    # report"), not an outlet of the archive, and mentioned by no passage found
    missing_speakers: tuple[str, ...] = ()
    speakers: int = 0
    missing_topics: tuple[str, ...] = ()  # what the question asks about ("about smoking") that no passage holds
    unvoiced_topics: tuple[str, ...] = ()  # "what did Putin say about inflation": found, but never with Putin
    speakers_named: tuple[str, ...] = ()  # the people the question asks the words of
    unquoted_speakers: tuple[str, ...] = ()  # of those, the ones the passages name but never quote
    topics: int = 0  # how many topics the question names
    parts: int = 1  # how many parts the question has

    @property
    def refuse(self) -> bool:
        """Too much is missing to answer: a cited source the archive lacks, no word from the people the question
        asks about, every name the question is about absent, or what it asks about missing (`lacks_topic`).
        (Fewer absent names weigh in the support score, rag/answer/support.py.)"""
        return self.lacks_source or self.lacks_names or self.lacks_topic

    @property
    def lacks_topic(self) -> bool:
        """The concrete thing the question asks about ("what did the government decide about smoking") is in none
        of the passages, whose closeness is then about something else (in a question of several parts: every
        topic it names is missing, else the other parts are answered with a notice); or what a person is asked
        about ("what did Putin say about inflation") is in none of the articles that mention them. An abstract
        topic ("his truthfulness") is often put in other words by the articles, and only gets a notice."""
        if self.unvoiced_topics:
            return True
        concrete_missing = any(concrete(t) for t in self.missing_topics)
        return concrete_missing and (self.parts == 1 or len(self.missing_topics) == self.topics)

    @property
    def lacks_source(self) -> bool:
        """The question relies on a source the archive lacks, or on what people said of whom nothing is found."""
        voiceless = bool(self.missing_speakers) and len(self.missing_speakers) == self.speakers  # none of them spoke
        return bool(self.unknown_sources) or bool(self.absent_sources) or voiceless

    @property
    def lacks_names(self) -> bool:
        """Every name the question is about is absent."""
        return bool(self.missing_names) and len(self.missing_names) == self.names

    def refusal_text(self) -> str:
        """The refusal in words, naming what is missing."""
        if self.unknown_sources:
            names = _join(self.unknown_sources)
            return (
                f"The archive holds no articles from {names}, which the question relies on, so it cannot answer "
                "this from the archive."
            )
        if self.absent_sources:
            return (
                f"None of the articles found that bear on the question mention {_join(self.absent_sources, 'or')}, "
                "and the archive holds no outlet of that name, so it cannot answer this from the archive."
            )
        # the people the question asks the words of are named in the passages, but never quoted: the only gap of
        # sources, which a missing topic explains better when there is one
        unquoted = bool(self.unquoted_speakers) and self.unquoted_speakers == self.missing_speakers
        topics = tuple(t for t in self.missing_topics if concrete(t)) if self.lacks_topic else ()
        if self.lacks_topic and not ((self.lacks_source and not unquoted) or self.lacks_names):  # name the cause
            if not topics:
                return (
                    f"No article found mentions {_join(self.speakers_named)} together with "
                    f"{_join(self.unvoiced_topics, 'or')}, so the archive does not answer this."
                )
            absent = tuple(dict.fromkeys((*self.missing_names, *topics)))
        elif unquoted and not self.lacks_names:
            names = _join(self.unquoted_speakers)
            return (
                f"The articles found mention {names}, but none of them quotes {names}, so the archive does not "
                "answer this."
            )
        else:
            absent = self.missing_speakers or tuple(dict.fromkeys((*self.missing_names, *topics)))
        return (
            f"None of the articles found that bear on the question mention {_join(absent, 'or')}, so the archive "
            "does not answer this."
        )

    def partial_notice(self) -> str:
        """A notice for an answer that covers the question except for the names (or the abstract topic) no passage
        mentions."""
        notes = []
        if self.missing_names:
            notes.append(
                f"None of the articles found that bear on the question mention {_join(self.missing_names)}; the "
                "answer covers the rest of the question."
            )
        topics = [t for t in self.missing_topics if t not in self.missing_names]
        if topics:
            notes.append(
                f"No article found uses the words {_join(topics, 'or')}; the quotes are the closest the "
                "archive holds and may put it in other words, or not answer it."
            )
        return " ".join(notes)


def period_notice(periods: Sequence[Period], cited: Sequence[Passage]) -> str:
    """A notice for an answer none of whose quotes comes from a period the question names ("in early November"):
    periods only move their articles up, so the answer may quote other dates, and the reader must know."""
    missed = [_as_when(p.text) for p in periods if not any(p.holds(c.published_at) for c in cited)]
    if not missed:
        return ""
    return (
        f"None of the quoted articles was published {_join(missed, 'or')}, as the question asks; each quote shows "
        "its own date."
    )


def outlet_notice(outlets: Sequence[str], cited: Sequence[Passage]) -> str:
    """A notice for an answer that quotes none of the articles of an outlet the question names ("what did the
    Guardian report about …"): the archive has that outlet, but none of its articles found answers this."""
    missed = [o for o in outlets if not any(c.outlet == o for c in cited)]
    if not missed:
        return ""
    return f"No article from {_join(missed, 'or', quote=False)} found answers this; each quote shows its outlet."


_WHEN_WORDS = frozenset(
    "in during throughout since from after before until between following prior today yesterday this last past "
    "the".split()
)


def _as_when(period: str) -> str:
    """A period's words as they read after "published": "November 2023" and "of October" become "in …"."""
    first, _, rest = period.partition(" ")
    if first.lower() == "of":
        return f"in {rest}"
    if DATE.fullmatch(period):  # a publication day: "October 7, 2023"
        return f"on {period}"
    return period if first.lower() in _WHEN_WORDS else f"in {period}"


def _join(items: Sequence[str], last: str = "and", quote: bool = True) -> str:
    quoted = [f"“{i}”" if quote and (" " in i or not i[:1].isupper()) else i for i in items]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {last} {quoted[-1]}"


def missing_names(question: Question, passages: Sequence[Passage]) -> tuple[str, ...]:
    """The names the question is about that no passage (text, headline or outlet) mentions."""
    haystack = haystack_of(passages)
    return _absent_names(question, haystack, _named(question, haystack))


def _institution(name: str, question: str) -> bool:
    """Whether the question gives a name an article ("the Federal Reserve", "the White House"): no person's."""
    return re.search(rf"\bthe\s+{re.escape(name)}", question, re.IGNORECASE) is not None


def _named(question: Question, haystack: str) -> set[str]:
    """The people whose words the question asks for that the haystack names, by surname too (a passage of a Fed
    article says "Powell said" long after it first named Jerome Powell)."""
    return {name for name in question.speakers if names_speaker(name, haystack)}


def _absent_names(question: Question, haystack: str, voiced: set[str]) -> tuple[str, ...]:
    """The question's names the haystack lacks, the `voiced` speakers counted as present."""
    return tuple(name for name in _absent(question.entities, haystack) if name not in voiced)


def _absent(names: Sequence[str], haystack: str) -> tuple[str, ...]:
    return tuple(name for name in names if not mentions(name, haystack))


def find_gaps(question: Question, passages: Sequence[Passage]) -> Gaps:
    """The sources and names of the question that the passages cannot speak to."""
    haystack = haystack_of(passages)
    # a name that may be a source or a subject ("reports from Gaza") counts only when no article found mentions it
    named = _named(question, haystack)
    missing = _absent_names(question, haystack, named)
    # "what did X say": an answer needs X's words, not a sentence that only names X (a name the question gives an
    # article, "the Federal Reserve", is an institution's, whose decisions reported are its words)
    unquoted = tuple(
        name
        for name in question.speakers
        if name in named and not _institution(name, question.text) and not quotes_speaker(name, passages, haystack)
    )
    speakers = tuple(name for name in question.speakers if name not in named or name in unquoted)
    topics = missing_topics(question, passages)
    unvoiced = () if speakers else unvoiced_topics(question, passages)
    return Gaps(
        unknown_sources=question.unknown_sources,
        absent_sources=_absent(question.possible_sources, haystack),
        missing_names=missing,
        names=len(question.entities),
        missing_speakers=speakers,
        speakers=len(question.speakers),
        missing_topics=topics,
        unvoiced_topics=unvoiced,
        speakers_named=question.speakers,
        unquoted_speakers=unquoted,
        topics=len(question.topics),
        parts=len(question.parts),
    )
