"""Answer-bearing sentences: a sentence may answer a question only if it holds a candidate of the kind asked for
that the question does not already hold (a person for "who", a place for "where", a sum for "how much"), and, for
an amount, next to what the amount measures ("10 million daily users" for "how many daily users"; a sentence whose
only figure is the registered users does not answer it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from rag.answer.asked import AMOUNT_LABELS, Asked
from rag.answer.entities import Mention, mentions_of
from rag.archive.lexical import tokenize
from rag.retrieval.names import named_entities
from rag.retrieval.wording import words

MIN_STEM = 4  # two stems this long or longer match when one begins the other ("valu" and "valuat")
MEASURE_SIMILARITY = 0.45  # an amount's own words ("203 kids aged 11") this close in meaning to what the question
# measures ("children") name it in other words; unrelated ones ("around 300 employees" for "Steam Decks") stay below
WINDOW_WORDS = 4  # the words after an amount that say what it counts
Similarity = Callable[[str, Sequence[str]], Sequence[float]]  # (measure, texts) -> closeness in meaning of each
_QUOTED = re.compile(r"[“\"]([^”\"]{12,})[”\"]")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def answer_spans(
    asked: Asked, question: str, sentences: Sequence[str], similarity: Similarity | None = None
) -> list[Mention | None]:
    """For each sentence, the candidate that answers the question (for an amount, the one that counts what the
    question measures), or None when the sentence holds no candidate of the kind asked for.

    Args:
        asked: what the question asks for (`asked_for`).
        question: the question's text (a candidate it already holds is no answer).
        sentences: the candidate sentences.
        similarity: closeness in meaning of texts to the measure, for an amount whose sentence words the measure
            differently ("kids" for "children"); without it only the words' stems are compared.
    """
    if asked.kind == "quote":
        return [_quotation(s) for s in sentences]
    if not asked.typed:
        return [None] * len(sentences)
    held = set(words(question))
    numbers = set(_DIGITS.findall(question))
    measure = _stems(" ".join(asked.measure))
    labels = asked.labels
    found = [
        [
            m
            for m in _with_numbers(sentence, mentions, asked)
            if m.label in labels and _new(m, held, numbers) and (asked.kind != "date" or point_in_time(m))
        ]
        for sentence, mentions in zip(sentences, mentions_of(sentences), strict=True)
    ]
    if asked.kind in NAME_KINDS and not any(found):  # the small model misses names it has not seen ("Ana Ruiz"):
        found = [_names(s, held) for s in sentences]  # before refusing, capitalised words count as names
    if not measure:
        return [candidates[0] if candidates else None for candidates in found]
    spans: list[Mention | None] = []
    unmatched: list[tuple[int, Mention, str]] = []  # amounts whose sentence does not name the measure by its stem
    for i, (sentence, candidates) in enumerate(zip(sentences, found, strict=True)):
        at = _position(sentence, measure) if candidates else None
        spans.append(min(candidates, key=lambda m: abs(m.start - at)) if at is not None else None)
        if at is None and similarity is not None:
            unmatched.extend((i, m, _window(sentence, m)) for m in candidates)
    if unmatched and similarity is not None:
        phrase = " ".join((*asked.qualifiers, *asked.measure))
        closeness = similarity(phrase, [w for _, _, w in unmatched])
        best: dict[int, tuple[float, Mention]] = {}
        for (i, mention, _), close in zip(unmatched, closeness, strict=True):
            if close >= MEASURE_SIMILARITY and close > best.get(i, (0.0, mention))[0]:
                best[i] = (close, mention)
        for i, (_, mention) in best.items():
            spans[i] = mention
    return spans


_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w.,]*\d)")


# a number the recogniser calls a count is a sum when a currency or a scale follows ("40 million euros")
_SUM = re.compile(
    r"\s*(?:million|billion|trillion|bn|m|k)?\s*(?:euros?|dollars?|pounds?|sterling|yen|yuan|renminbi|rupees?|francs?"
    r"|kronor|krona|crowns?|won|pesos?|rand|shekels?|dirhams?|riyals?|lira|reais|naira)\b",
    re.IGNORECASE,
)


def _with_numbers(sentence: str, mentions: Sequence[Mention], asked: Asked) -> list[Mention]:
    """The sentence's entities, and for an amount any number the recogniser labelled otherwise or missed ("no
    goals from 104 high turnovers" came back as a product): a number outside a date, a time or an ordinal. For a
    sum, a count followed by a currency is money ("40 million euros")."""
    if not asked.amount:
        return list(mentions)
    found = [
        Mention(m.text, "MONEY", m.start, m.end) if m.label == "CARDINAL" and _SUM.match(sentence, m.end) else m
        for m in mentions
    ]
    for match in _NUMBER.finditer(sentence):
        inside = [m for m in mentions if m.start <= match.start() < m.end]
        if not inside or all(m.label not in AMOUNT_LABELS | {"DATE", "TIME", "ORDINAL"} for m in inside):
            label = "MONEY" if _SUM.match(sentence, match.end()) else "CARDINAL"
            found.append(Mention(match.group(), label, match.start(), match.end()))
    return found


def _window(sentence: str, mention: Mention) -> str:
    """An amount with the words after it, which say what it counts ("203 kids aged 11")."""
    after = sentence[mention.end :].split()[:WINDOW_WORDS]
    return " ".join([mention.text, *after])


_DURATION = re.compile(
    r"^(?:the\s+)?(?:\d[\d.,]*|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|many|few|a few|"
    r"couple of|dozens? of|hundreds? of)[\s-]+(?:days?|weeks?|months?|years?|decades?|hours?|minutes?)"
    r"(?:\s+(?:old|long))?$",
    re.IGNORECASE,
)


def point_in_time(mention: Mention) -> bool:
    """Whether a date or time names a moment ("Tuesday", "early on Tuesday morning", "May 30"), not a length of
    time ("three days", "two-year"), which answers "how long", never "when"."""
    return not _DURATION.match(mention.text.strip())


NAME_KINDS = frozenset({"person", "who", "organisation"})


def _names(sentence: str, held: set[str]) -> list[Mention]:
    """Capitalised names of a sentence the recogniser found nothing in, that the question does not hold."""
    found = []
    for name in named_entities(sentence):
        at = sentence.find(name)
        if at >= 0 and _new(Mention(name, "NAME", at, at + len(name)), held, set()):
            found.append(Mention(name, "NAME", at, at + len(name)))
    return found


def _new(mention: Mention, held: set[str], numbers: set[str]) -> bool:
    """Whether the question does not already hold the candidate ("$22 million" in "raise its $22 million round")."""
    digits = _DIGITS.findall(mention.text)
    if digits:
        return not all(d in numbers for d in digits)
    named = [w for w in words(mention.text) if len(w) > 1]
    return bool(named) and not all(w in held for w in named)


def _quotation(sentence: str) -> Mention | None:
    """The words a sentence quotes, as a span ("“We will destroy the opponent,” he said")."""
    match = _QUOTED.search(sentence)
    return Mention(match.group(1), "QUOTE", match.start(1), match.end(1)) if match else None


@lru_cache(maxsize=4096)
def _stems(text: str) -> tuple[str, ...]:
    return tuple(tokenize([text])[0].split()) if text.strip() else ()


def _position(sentence: str, measure: tuple[str, ...]) -> int | None:
    """Where the sentence names what the amount measures (the stems match, or one begins the other), or None."""
    for match in re.finditer(r"[^\W_][\w'-]*", sentence):
        stem = _stems(match.group().lower())
        if stem and any(_same(stem[0], m) for m in measure):
            return match.start()
    return None


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= MIN_STEM and long.startswith(short)
