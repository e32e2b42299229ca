"""Whether the passages hold what a question asks about ("what did the government decide about smoking").

A question's topic is read by `rag.retrieval.question.topics` (the words after "about", "regarding" or
"concerning"). The passages closest to a question about something the archive lacks are close for other reasons:
"What did the New Zealand government decide about smoking?" finds articles on New Zealand rugby. So a concrete
topic that no passage holds, in any form the keyword index would match ("smoking" meets "smoke"), means the archive
does not answer the question; and a question about what someone said on a topic needs an article that has both.

Abstract topics ("his truthfulness", "its integration") are different: articles put them in other words ("he
lied"), so one that no passage holds only earns the reader a notice, never a refusal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.mentions import PREFIX, names_speaker
from rag.answer.terms import ignored_terms
from rag.archive.lexical import tokenize
from rag.models import Passage
from rag.retrieval.question import Question
from rag.retrieval.wording import word_string, words

_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
MAX_CONCRETE_WORDS = 3
# abstract nouns ("truthfulness", "availability", "leadership") that articles often put in other words, and topics
# too general to be missing ("recent events", "his intentions"): a missing one gets a notice, never a refusal.
# Nouns in -tion or -ment are often the news itself ("inflation", "the election", "the settlement"), so they count.
_ABSTRACT = re.compile(r"(?:ness|ity|ities|ship|ships|ism|isms)$", re.I)
_GENERAL = frozenset(
    "what how why whether who which when where his her its their my our your this that these those it them "
    "event events thing things issue issues matter matters situation need needs future plan plans "
    "news decline rise growth impact effect effects role intention intentions opportunity opportunities".split()
)


def concrete(topic: str) -> bool:
    """Whether a topic names a concrete thing ("smoking", "the housing market") that an article on it would name
    too, rather than an abstract or general one ("his truthfulness", "recent events", "what she learned")."""
    tokens = words(_ARTICLE.sub("", topic))
    return 0 < len(tokens) <= MAX_CONCRETE_WORDS and not any(t in _GENERAL or _ABSTRACT.search(t) for t in tokens)


def _topic_terms(question: Question) -> list[frozenset[str]]:
    """Each topic's terms as the keyword index reads them (stems, question-framing words out)."""
    ignored = ignored_terms()
    return [frozenset(tokenize([topic])[0].split()) - ignored for topic in question.topics]


class _Held:
    """What a set of passages holds, matched leniently, since a refusal must not hang on spelling: a topic word is
    held when its stem is, when a held word shares its first five letters ("economy" and "economic", "defence" and
    "defense"), or when it is written with a hyphen ("ceasefire" and "cease-fire")."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        texts = [f"{p.title} {p.text}" for p in passages]
        self.terms = frozenset(" ".join(tokenize(texts)).split()) if texts else frozenset()
        self.prefixes = frozenset(t[:PREFIX] for t in self.terms if len(t) >= PREFIX)
        self.joined = " ".join(texts).lower().replace("-", "")

    def holds(self, topic: str, terms: frozenset[str]) -> bool:
        if terms & self.terms or any(len(t) >= PREFIX and t[:PREFIX] in self.prefixes for t in terms):
            return True
        return any(len(w) >= PREFIX and w in self.joined for w in words(topic.replace("-", "")))


def missing_topics(question: Question, passages: Sequence[Passage]) -> tuple[str, ...]:
    """The topics of the question ("about the smoking ban") none of whose words any passage or its headline holds
    (as "the smoking ban" -> "smoking ban")."""
    if not question.topics:
        return ()
    held = _Held(passages)
    pairs = zip(question.topics, _topic_terms(question), strict=True)
    return tuple(_ARTICLE.sub("", topic) for topic, terms in pairs if terms and not held.holds(topic, terms))


def unvoiced_topics(question: Question, passages: Sequence[Passage]) -> tuple[str, ...]:
    """For "what did Putin say about inflation": the concrete topics that no article mentioning one of the people
    the question asks the words of also holds (in any of its passages found). Putin is in the archive, and so is
    inflation, but not together. Only for a question of one part: "what did Shoigu say, and what did Sobyanin say
    about the damage" pairs "the damage" with Sobyanin alone."""
    if not question.speakers or not question.topics or len(question.parts) > 1:
        return ()
    voiced = {p.article_id for p in passages if any(_mentions(s, p) for s in question.speakers)}
    held = _Held([p for p in passages if p.article_id in voiced])
    pairs = zip(question.topics, _topic_terms(question), strict=True)
    return tuple(
        _ARTICLE.sub("", topic) for topic, terms in pairs if terms and concrete(topic) and not held.holds(topic, terms)
    )


def _mentions(name: str, passage: Passage) -> bool:
    """Whether a passage (or its headline) names a person: the whole name, or its last word ("Putin")."""
    return names_speaker(name, word_string(f"{passage.title} {passage.text}"))
