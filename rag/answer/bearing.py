"""Answer-bearing sentences: a sentence may answer a question only if it holds a candidate of the kind asked for
that the question does not already hold (a person for "who", a place for "where", a sum for "how much"); for an
amount, next to what the amount measures ("10 million daily users" for "how many daily users"; a sentence whose
only figure is the registered users does not answer it); for "what did X say", X's own words (`constraints.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from rag.answer.quotations import in_quotation, said_in
from rag.archive.lexical import tokenize
from rag.retrieval.asked import AMOUNT_LABELS, Asked
from rag.retrieval.entities import Mention, mentions_of
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
    asked: Asked,
    question: str,
    sentences: Sequence[str],
    similarity: Similarity | None = None,
    contexts: Sequence[tuple[Sequence[str], int]] | None = None,
) -> list[Mention | None]:
    """For each sentence, the candidate that answers the question (for an amount, the one that counts what the
    question measures), or None when the sentence holds no candidate of the kind asked for.

    Args:
        asked: what the question asks for (`asked_for`).
        question: the question's text (a candidate it already holds is no answer).
        sentences: the candidate sentences.
        similarity: closeness in meaning of texts to the measure, for an amount whose sentence words the measure
            differently ("kids" for "children"); without it only the words' stems are compared.
        contexts: each sentence's passage (its sentences) and its place in it: for a quote, a quotation that
            runs over several sentences is attributed once, and "he said" refers to a person named before it.
    """
    if asked.kind == "quote":
        if not asked.speaker:
            return [_quotation(s) for s in sentences]
        around = contexts if contexts is not None else [([s], 0) for s in sentences]
        return [
            _spoken(s, passage, at) if said_in(asked.speaker, passage, at) else None
            for s, (passage, at) in zip(sentences, around, strict=True)
        ]
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
    if asked.named and not any(found):  # the small model misses names it has not seen ("Ana Ruiz"):
        found = [_names(s, held) for s in sentences]  # before refusing, capitalised words count as names
    if not measure:  # no measure to tie an amount to: "one" alone is no count
        found = [[m for m in candidates if not (asked.amount and m.text.lower() == "one")] for candidates in found]
        return [candidates[0] if candidates else None for candidates in found]
    spans: list[Mention | None] = []
    unmatched: list[tuple[int, Mention, str]] = []  # amounts whose sentence does not name the measure by its stem
    for i, (sentence, candidates) in enumerate(zip(sentences, found, strict=True)):
        named = _positions(sentence, measure) if candidates else []
        beside = [(gap, m) for m in candidates for at in named if (gap := _gap(sentence, m, at)) is not None]
        spans.append(min(beside, key=lambda x: x[0])[1] if beside else None)
        if not beside and similarity is not None:
            unmatched.extend((i, m, _window(sentence, m)) for m in candidates if m.text.lower() != "one")
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


_NUMBER = re.compile(r"(?<![\w.,/])\d+(?:[.,]\d+)*(?![\w.,/]*\d)")  # not in "70/30" or "24/7"


# a number the recogniser calls a count is a sum when a currency or a scale follows ("40 million euros")
_SUM = re.compile(
    r"\s*(?:million|billion|trillion|bn|m|k)?\s*(?:euros?|dollars?|pounds?|sterling|yen|yuan|renminbi|rupees?|francs?"
    r"|kronor|krona|crowns?|won|pesos?|rand|shekels?|dirhams?|riyals?|lira|reais|naira)\b",
    re.IGNORECASE,
)


# "70/30" is a ratio, "24/7" a phrase
_NOT_AN_AMOUNT = re.compile(r"^(?:\d+/\d+)$")


def _with_numbers(sentence: str, mentions: Sequence[Mention], asked: Asked) -> list[Mention]:
    """The sentence's entities, and for an amount any number the recogniser labelled otherwise or missed ("no
    goals from 104 high turnovers" came back as a product): a number outside a date, a time or an ordinal. For a
    sum, a count followed by a currency is money ("40 million euros")."""
    if not asked.amount:
        return list(mentions)
    mentions = [m for m in mentions if not _NOT_AN_AMOUNT.match(m.text)]
    found = [(_as_sum(sentence, m.start, m.end) or m) if m.label == "CARDINAL" else m for m in mentions]
    for match in _NUMBER.finditer(sentence):
        inside = [m for m in mentions if m.start <= match.start() < m.end]
        if not inside or all(m.label not in AMOUNT_LABELS | {"DATE", "TIME", "ORDINAL"} for m in inside):
            number = Mention(match.group(), "CARDINAL", match.start(), match.end())
            found.append(_as_sum(sentence, number.start, number.end) or number)
    return found


def _as_sum(sentence: str, start: int, end: int) -> Mention | None:
    """A count written as a sum: a currency follows ("40 million euros") or a currency code comes before ("NIS
    405 million", which the recogniser reads as an organisation and a count)."""
    if _SUM.match(sentence, end):
        return Mention(sentence[start:end], "MONEY", start, end)
    code = _CODE_BEFORE.search(sentence, 0, start)
    if code is None or code.group(1) not in _CURRENCY_CODES:
        return None
    scale = _SCALE.match(sentence, end)
    end = scale.end() if scale else end
    return Mention(sentence[code.start(1) : end], "MONEY", code.start(1), end)


_CODE_BEFORE = re.compile(r"\b([A-Z]{3})\s?$")
_SCALE = re.compile(r"\s*(?:million|billion|trillion|bn|m)\b", re.IGNORECASE)
# the codes English-language news writes before a sum: ISO 4217 codes of the much-traded currencies (not all 300:
# "ALL", "TOP" and "CUP" are codes too) and the shekel's usual "NIS"
_CURRENCY_CODES = frozenset(
    """USD EUR GBP JPY CNY RMB INR AUD CAD CHF NZD HKD SGD KRW TWD BRL MXN ARS CLP COP ZAR RUB TRY SEK NOK DKK PLN
    CZK HUF ILS NIS AED SAR QAR KWD EGP NGN KES GHS PKR BDT LKR PHP IDR MYR THB VND UAH""".split()
)


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


def topic_hits(asked: Asked, sentence: str) -> int:
    """How many of the words a quote question asks the words about (`Asked.topic`) a sentence holds, by stem
    ("working hard" for "how hard Eddie Jones works")."""
    topic = set(_stems(" ".join(asked.topic)))
    return len(topic & set(_stems(sentence))) if topic else 0


def _spoken(sentence: str, passage: Sequence[str], at: int) -> Mention:
    """The speaker's words in a sentence that gives them: what it quotes, the whole sentence when it stands inside a
    quotation opened before it, or else the sentence as reported speech."""
    if quoted := _quotation(sentence):
        return quoted
    return Mention(sentence, "QUOTE" if in_quotation(passage, at) else "SPEECH", 0, len(sentence))


def _quotation(sentence: str) -> Mention | None:
    """The words a sentence quotes, as a span ("“We will destroy the opponent,” he said")."""
    match = _QUOTED.search(sentence)
    return Mention(match.group(1), "QUOTE", match.start(1), match.end(1)) if match else None


@lru_cache(maxsize=4096)
def _stems(text: str) -> tuple[str, ...]:
    return tuple(tokenize([text])[0].split()) if text.strip() else ()


def _positions(sentence: str, measure: tuple[str, ...]) -> list[int]:
    """Where the sentence names what the amount measures (the stems match, or one begins the other)."""
    return [
        match.start()
        for match in re.finditer(r"[^\W_][\w'-]*", sentence)
        if (stem := _stems(match.group().lower())) and any(_same(stem[0], m) for m in measure)
    ]


MEASURE_AFTER = 6  # words from an amount to what it counts, after it ("10 million daily active users")
MEASURE_BEFORE = 7  # or before it ("fines under the act can reach 6%")


def _gap(sentence: str, amount: Mention, at: int) -> int | None:
    """How many words stand between an amount and the word at `at` that names its measure, or None when they
    are too far apart to belong together ("its team estimates around 300 to date" does not count the Steam Deck
    named at the start of the sentence)."""
    if at >= amount.end:
        gap = len(sentence[amount.end : at].split())
        if amount.text.lower() == "one":  # mostly a pronoun ("one reads", "one of the players") unless what it
            return gap if gap == 0 else None  # counts comes right after it ("one goal")
        return gap if gap <= MEASURE_AFTER else None
    gap = len(sentence[at : amount.start].split()) - 1  # the words between, the measure's own not counted
    return gap if gap <= MEASURE_BEFORE and amount.text.lower() != "one" else None


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= MIN_STEM and long.startswith(short)


_LOCATIVE = re.compile(
    r"\b(?:in|at|from|near|outside|inside|into|across|throughout)\s+(?:the\s+)?"
    r"(?:(?:(?:north|south)(?:-?(?:east|west))?|east|west)(?:ern)?\s+|central\s+|downtown\s+)?$",  # "in central London"
    re.IGNORECASE,
)


_BACKGROUND = frozenset({"earlier", "previously", "ago", "last"})
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def background(sentence: str, date: Mention) -> bool:
    """Whether a date is written as background, before the news ("Earlier in May, two drones attacked the Kremlin",
    "two years ago", "last month"): a marker of the past in it or in the two words before or the word after it.
    "Last Tuesday" is the news's own week."""
    own = words(date.text)  # lower case
    around = set(words(sentence[: date.start])[-2:] + own + words(sentence[date.end :])[:1])
    if _WEEKDAYS.intersection(own):
        around.discard("last")
    return bool(_BACKGROUND & around)


def place_rank(sentence: str, place: Mention) -> int:
    """How surely a place answers "where": 0 for a town or country a sentence puts something in ("began on the
    front foot in Leuven", "based in Hangzhou"), after a preposition of place; 1 for another place after one (the
    recogniser also calls "League A1" a facility); 2 for a place named in another role ("what the US has
    categorized", "Fiji, Georgia and Portugal delivering")."""
    if _LOCATIVE.search(sentence, 0, place.start) is None:
        return 2
    return 0 if place.label == "GPE" else 1
