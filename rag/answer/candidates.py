"""Answer candidates for "who" and "which company" questions: the names the retrieved evidence agrees on.

A question such as "Which company, reported by TechCrunch and The Verge, is accused of ...?" asks for a name that
the question itself does not contain. The name most likely meant is one that the most relevant sentences hold,
in more than one article when it can: an answer confirmed by two reports beats one that a single sentence
mentions. The quote answerer then leads with the best sentence that holds that name, so the name is in the answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rag.retrieval.names import name_words, named_entities
from rag.retrieval.question import Question
from rag.retrieval.wording import word_string, words

TOP_SENTENCES = 50  # only the most relevant sentences vote
HEADLINE_WEIGHT = 1.0  # an article whose headline names the candidate supports it twice (it is what it is about)
# words that make a name an organisation, a place or a work rather than a person
_NOT_PERSON = frozenset(
    """research inc corp corporation group capital ventures organization organisation court street house department
    ministry university bank fund exchange association council committee party news times post labs technologies
    media holdings partners foundation institute agency office service company club league team airlines motors
    trust markets securities international global national federal united states city county district""".split()
)


def _person_like(name: str) -> bool:
    """Two to four capitalised words, none of them an organisation word: "Sam Bankman-Fried", not "Alameda
    Research" or "FTX"."""
    tokens = name.split()
    return 2 <= len(tokens) <= 4 and all(
        t[0].isupper() and not t.isupper() and t.lower() not in _NOT_PERSON for t in tokens
    )


@dataclass(frozen=True)
class Candidate:
    """A name that could answer the question, with its support (summed over articles) and best sentence."""

    name: str
    support: float
    articles: int
    own: float  # support from sentences that hold this exact name


def answer_candidates(
    question: Question,
    sentences: Sequence[tuple[str, str, float]],
    outlets: Sequence[str] = (),
    headlines: Mapping[str, str] | None = None,
) -> list[Candidate]:
    """Names in the best sentences that the question does not already hold, best supported first.

    Args:
        question: the question as read for the turn (`read_question`): only when it asks for a name
            (`Question.asked`) are there candidates, and only a person's for "who" or "which player".
        sentences: (article id, sentence, relevance) of candidate sentences, most relevant first.
        outlets: the archive's outlet names (never candidates).
        headlines: article id -> headline; a name in the headline of an article that supports it is what the
            article is about, so it counts more than a name the article mentions on the way.
    """
    wanted = question.asked
    if wanted is None or not wanted.named:
        return []
    asked = set(words(question.text))
    best: dict[str, dict[str, float]] = {}
    known = name_words(text for _, text, _ in sentences[:TOP_SENTENCES])
    for article, text, score in sentences[:TOP_SENTENCES]:
        for name in named_entities(text, outlets, sentence_starts=True, known=known):
            if all(w in asked for w in words(name)) or len(name) > 40:  # the question holds it: not the answer
                continue
            per_article = best.setdefault(name, {})
            per_article[article] = max(per_article.get(article, 0.0), score)
    padded = {name: word_string(name) for name in best}
    merged: dict[str, dict[str, float]] = {}
    for name, own in best.items():  # "Bankman-Fried" and "Sam Bankman-Fried" support each other
        per_article = dict(own)
        for other, support in best.items():
            if other != name and (padded[other] in padded[name] or padded[name] in padded[other]):
                for article, score in support.items():
                    per_article[article] = max(per_article.get(article, 0.0), score)
        merged[name] = per_article
    titles = {article: word_string(title) for article, title in (headlines or {}).items()}

    def headline_support(name: str, articles: Mapping[str, float]) -> float:
        """Support again from the articles whose headline holds the name (for a person, the surname; "Bank of
        America" whole, never just "america")."""
        key = (f" {words(name)[-1]} " if _person_like(name) else word_string(name)) if words(name) else ""
        return HEADLINE_WEIGHT * sum(score for a, score in articles.items() if key and key in titles.get(a, ""))

    ranked = [
        Candidate(n, sum(a.values()) + headline_support(n, a), len(a), sum(best[n].values()))
        for n, a in merged.items()
        if wanted.kind not in ("person", "who") or _person_like(n)
    ]
    return sorted(ranked, key=lambda c: (-round(c.support, 6), -c.own, len(c.name)))
