"""Which quotes lead the offline answer, and which passages a question's outlet or day prefers: the person whose
words it asks for first, each text once, and the outlet and day bonus.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from rag.answer.mentions import haystack_of, mentions, names_speaker
from rag.models import Passage
from rag.retrieval.question import Question, QuestionPart
from rag.retrieval.wording import word_string

LEAD_MARGIN = 0.10  # the sentence naming the answer may score this far below the threshold (and the sentence
# naming the speaker this far below the best), no further
OUTLET_BONUS = 0.10  # a part that names an outlet prefers that outlet's sentences
DAY_BONUS = 0.10  # a part that names a period prefers sentences of that period's articles


class _Text(Protocol):
    @property
    def text(self) -> str: ...


Quote = TypeVar("Quote", bound=_Text)


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
    """The preference for a passage of an outlet or a period that the question (or a part of it) names. An outlet's
    passage is preferred only when it is on the subject too (it mentions one of the names the part asks about, when
    it asks about any): "what did the Guardian report about Bankman-Fried's trial" does not prefer a Guardian
    sentence about Snap. Remembered per part and passage (each is asked about every sentence)."""

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
            dated = any(p.holds(day) for p in asked.periods)
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
