"""Which quotes lead the offline answer, and which passages a question's outlet or day prefers: the figure or date
a question asks for first, the person whose words it asks for, each text once, and the outlet and day bonus.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, TypeVar

from rag.answer.evidence import holds_kind, holds_money
from rag.answer.names import haystack_of, mentions, names_speaker
from rag.models import Passage
from rag.retrieval.question import FIGURE_QUESTION, MONEY_QUESTION, Question, QuestionPart
from rag.retrieval.wording import word_string

LEAD_MARGIN = 0.10  # the sentence naming the answer may score this far below the threshold (and the sentence
# naming the speaker this far below the best), no further
OUTLET_BONUS = 0.10  # a part that names an outlet prefers that outlet's sentences
DAY_BONUS = 0.10  # a part that names a report's publication day prefers sentences of that day's articles


class _Text(Protocol):
    @property
    def text(self) -> str: ...


Quote = TypeVar("Quote", bound=_Text)


_KIND_PHRASES = {
    "number": re.compile(rf"\bhow (?:much|many)\b|\bwhat (?:percentage|amount)\b|{FIGURE_QUESTION}", re.IGNORECASE),
    "date": re.compile(r"\bwhen\b|\b(?:what|which) (?:date|year|day)\b", re.IGNORECASE),
}
_QUESTION_WORD = re.compile(r"\b(?:what|who|whom|whose|which|why|where|when|how)\b", re.IGNORECASE)


def leading_phrase(kind: str, question: str) -> str:
    """The words that ask for a figure or a date when the question asks for it first ("How much", "When", "What
    was Binance fined"), not in a clause ("What did Biden say when he visited Kyiv?" asks what he said); empty
    otherwise."""
    phrase = _KIND_PHRASES[kind].search(question)
    first = _QUESTION_WORD.search(question)
    return phrase.group() if phrase is not None and first is not None and first.start() == phrase.start() else ""


def lead_with_speaker(
    question: Question, ranked: list[Quote], ranking: dict[int, float], chosen: list[Quote]
) -> list[Quote]:
    """For "what did Joe Biden say about …": lead with the best quotable sentence that names a person the question
    asks the words of ("Biden said" counts), unless the first chosen sentence does (the sentence closest to the
    topic may quote no one), and if it scores within `LEAD_MARGIN` of the best (a passing mention does not lead)."""
    if not question.speakers or not chosen or not ranked:
        return chosen
    floor = ranking[id(ranked[0])] - LEAD_MARGIN
    named = next(
        (
            s
            for s in ranked
            if ranking[id(s)] >= floor and any(names_speaker(n, word_string(s.text)) for n in question.speakers)
        ),
        None,
    )
    if named is None or any(names_speaker(n, word_string(chosen[0].text)) for n in question.speakers):
        return chosen
    return [named, *(s for s in chosen if s is not named)]


def distinct(chosen: list[Quote]) -> list[Quote]:
    """The chosen sentences, each once: two articles of one outlet often repeat a background sentence word for
    word ("Sam Bankman-Fried, the founder of failed cryptocurrency exchange FTX, is on trial for …"), at times
    with other quotation marks."""
    wordings = [word_string(s.text) for s in chosen]
    first = {w: s for w, s in zip(reversed(wordings), reversed(chosen), strict=True)}  # the earliest wins
    return [s for w, s in zip(wordings, chosen, strict=True) if first[w] is s]


class NamedBonus:
    """The preference for a passage of an outlet, a publication day or a period that the question (or a part of it)
    names. An outlet's passage is preferred only when it is on the subject too (it mentions one of the names the
    part asks about, when it asks about any): "what did the Guardian report about Bankman-Fried's trial" does not
    prefer a Guardian sentence about Snap. Remembered per part and passage (each is asked about every sentence)."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        self.passages = passages
        self._hays: dict[str, str] = {}  # article id -> its words
        self._bonus: dict[tuple[int, int], float] = {}

    def __call__(self, asked: Question | QuestionPart, rank: int) -> float:
        key = (id(asked), rank)
        if key not in self._bonus:
            passage = self.passages[rank]
            outlet = bool(asked.outlets) and passage.outlet in asked.outlets and self._on_subject(asked, rank)
            day = passage.published_at[:10]
            dated = (asked.days and day in asked.days) or any(p.holds(day) for p in asked.periods)
            self._bonus[key] = (OUTLET_BONUS if outlet else 0.0) + (DAY_BONUS if dated else 0.0)
        return self._bonus[key]

    def _on_subject(self, asked: Question | QuestionPart, rank: int) -> bool:
        """Whether the passage's article (its headline and every passage of it found) mentions a name asked about:
        for a whole question, a name of a part that names the passage's outlet ("the Independent on grief, and
        what Liam Neeson told Fox News" does not ask the Independent about Liam Neeson)."""
        if isinstance(asked, Question):
            naming = [part for part in asked.parts if self.passages[rank].outlet in part.outlets]
            if naming:
                return any(self._on_subject(part, rank) for part in naming)
        if not asked.entities:
            return True
        article = self.passages[rank].article_id
        if article not in self._hays:
            self._hays[article] = haystack_of([p for p in self.passages if p.article_id == article])
        return any(mentions(name, self._hays[article]) for name in asked.entities)


def lead_with_kind(question: Question, ranked: list[Quote], chosen: list[Quote]) -> list[Quote]:
    """For a "how much / how many" or "when" question (or "what was the fine", "what's the death toll"): lead
    with the best eligible sentence that holds an amount (a sum of money or a share first, for a question about
    money, where one is eligible) or a date, unless the first chosen sentence holds one (the sentence closest
    in words may not hold the figure)."""
    kind = question.kind
    phrase = leading_phrase(kind, question.text) if kind in ("number", "date") else ""
    if not phrase:
        return chosen
    holders = [s for s in ranked if holds_kind(kind, s.text)]
    money = [s for s in holders if holds_money(s.text)] if MONEY_QUESTION.search(phrase) else []
    if money:  # "how much", "what was the fine": a sum first, even when the first quote holds another number
        if chosen and holds_money(chosen[0].text):
            return chosen
        holders = money
    elif chosen and holds_kind(kind, chosen[0].text):
        return chosen
    if not holders:
        return chosen
    return [holders[0], *(s for s in chosen if s is not holders[0])]
