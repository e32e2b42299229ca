"""Whether a sentence holds the kind of thing a question asks for (an amount, a date, a name), read from its surface:
a small preference in choosing among sentences, not the answer-bearing test (`bearing.py`), which reads entities.
"""

from __future__ import annotations

import re

from rag.retrieval.asked import Asked

_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion)\b", re.I
)
# month names and their usual abbreviations, whole words only ("Mark", "Mayor" and "Junior" are none); "May" alone
# is a month only next to a day or a year ("May I add", "Theresa May")
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?"
    r"|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?\b"
_MAY = rf"May\s+(?:{_DAY}|(?:19|20)\d\d\b)|{_DAY}\s+May\b"
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_FOLLOWS_A_YEAR = r"(?!\s+(?!(?:the|a|an|and|or|to|in|on|at|for|as|when|after|before|with|by|of|but)\b)[a-z])"
_YEAR = rf"\b(?:19|20)\d\d\b{_FOLLOWS_A_YEAR}"  # "in 2023 the" is a year; "2000 people" is not
# a sentence that says when: a year, a month, a weekday
_DATE_MENTION = re.compile(rf"{_YEAR}|\b{_MONTH}|\b(?:{_MAY})|\b{_WEEKDAY}\b")
# what is a date or a time, not an amount: years, days of a month ("October 7", "7 October", "Oct. 7th"), clock times
_NOT_AN_AMOUNT = re.compile(
    rf"\b{_MONTH}\s+{_DAY}|\b{_DAY}\s+{_MONTH}|\b(?:{_MAY})|{_YEAR}"
    r"|\b\d{1,2}:\d\d\b|\b\d{1,2}(?:[.:]\d\d)?\s*[ap]\.?m\b",
)
_NAME_IN_TEXT = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")


def holds_kind(kind: str, sentence: str) -> bool:
    """Whether a sentence holds what a "how much / how many" (an amount: a year or a day of the month is none) or a
    "when" question asks for."""
    if kind == "number":
        return bool(_NUMBER.search(_NOT_AN_AMOUNT.sub(" ", sentence)))
    if kind == "date":
        return bool(_DATE_MENTION.search(sentence))
    return False


def kind_bonus(asked: Asked, sentence: str) -> float:
    """A small preference for sentences that hold what the question asks for (an amount, a date, a name)."""
    if asked.amount and holds_kind("number", sentence) or asked.kind == "date" and holds_kind("date", sentence):
        return 0.04
    if asked.named and _NAME_IN_TEXT.search(sentence):
        return 0.03
    return 0.0
