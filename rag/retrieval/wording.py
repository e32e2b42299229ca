"""The words and dates of a question or a sentence, as Newsroom reads them: tokens, function words, the calendar
days a text names (and whether it names them as a report's publication day), and the archive's outlets it names.
Shared by the question's clauses (`clauses.py`), its names (`names.py`) and its reading (`question.py`), and read
by the search (`hybrid.py`) and the answerers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from rag.archive.filters import ArchiveFilter
from rag.retrieval.periods import Period, parse_day

# Words that start a question or a clause and are capitalised only because of where they stand.
FUNCTION_WORDS = frozenset(
    """a an and are as at based be before between both but by can considering could did do does during each
    either for from given had has have how if in into is it its neither nor of on or over per since so than that
    the their then there these this those to under until was were what when where whereas which while who whom
    whose why will with within would after according following regarding concerning also""".split()
)
# the stop words: function words, pronouns and the verb of reporting, which every news text is full of
STOP_WORDS = FUNCTION_WORDS | frozenset(
    "i you he she it we they me him her them his hers our ours their theirs said say says".split()
)
_PIECES = re.compile(r"[^\W_]+")  # a word's pieces between hyphens and apostrophes
AUXILIARIES = "did|does|do|is|are|was|were|will|would|has|have|had|can|could|should|may|might|must|the|a|an"
TOKEN = re.compile(r"[^\W_](?:[\w'’&.\-]*[^\W_])?")
POSSESSIVE = re.compile(r"['’]s?$")
MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
MONTH = "(?:" + "|".join(MONTHS) + r")\.?"
DATE = re.compile(
    rf"\b(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})\b",
    re.IGNORECASE,
)
# a date right after these words is a report's publication date, not an event's: "published on", "the report
# from Sporting News on", "The Age report on", "the article dated" (a weekday may come first); "the article about
# the attack on" is an event's
_PUBLISHED = re.compile(
    r"(?:\b(?i:published|posted|dated|released)(?:\s+(?i:on|from))?"
    r"|\b(?i:reports?|reported|articles?|stor(?:y|ies)|pieces?|coverage|editions?|issues?)"
    r"(?:\s+(?i:from|by|in)\s+(?:(?i:the)\s+)?[A-Z][\w.&'’-]*(?:\s+(?:[A-Z][\w.&'’-]*|-|\||and|of|&)){0,7})?"
    r"\s+(?i:on|from|of|dated))"
    r",?\s+(?:(?i:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?$"
)
MAX_OUTLET_BOOSTS = 4


def mentioned_outlets(query: str, outlets: Sequence[str], flt: ArchiveFilter | None = None) -> list[str]:
    """Outlets of the archive named in the query ("according to TechCrunch"), within the filter.

    A name matches as a whole phrase in the query's own capitalisation, with a leading "The" optional
    ("the Guardian" finds "The Guardian"), or by its initials when it has three or more words ("NYT" finds
    "The New York Times"); names shorter than three letters are ignored.
    """
    flt = flt or ArchiveFilter()
    found = []
    for outlet in outlets:
        if _outlet_spans(query, outlet) and flt.allows_outlet(outlet) and outlet not in found:
            found.append(outlet)
    return found[:MAX_OUTLET_BOOSTS]


def _outlet_spans(text: str, outlet: str) -> list[tuple[int, int]]:
    """Where a text names an outlet as a whole phrase in its own capitalisation: by its name without a leading
    "The", or by its initials; forms shorter than three letters do not count (`mentioned_outlets`)."""
    # most outlets are not in the text at all: the pattern runs only for a form that is
    return [m.span() for f, pattern in _outlet_forms(outlet) if f in text for m in pattern.finditer(text)]


@functools.cache
def _outlet_forms(outlet: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The forms an outlet is named by (without "The", its initials) and the pattern that finds each whole; cached,
    as every search reads every outlet of the archive several times (the archive's outlets are few: no bound)."""
    name = without_the(outlet)
    forms = [f for f in (name, initials(name)) if len(f) >= 3] if len(name) >= 3 else []
    return tuple((f, re.compile(rf"(?<![\w-]){re.escape(f)}(?![\w-])")) for f in forms)


def without_the(name: str) -> str:
    """A name without its leading "The" ("The Guardian" is also written "the Guardian" or "Guardian")."""
    return re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)


def initials(name: str) -> str:
    """The initials readers use for a name of three or more capitalised words ("New York Times" -> "NYT",
    "Wall Street Journal" -> "WSJ"); empty for shorter names or names with other words."""
    tokens = name.split()
    if len(tokens) < 3 or not all(t[:1].isupper() and t[1:].islower() for t in tokens):
        return ""
    return "".join(t[0] for t in tokens)


_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]\.?")  # an abbreviation written with full stops: "U.S.", "U.K."


def words(text: str) -> list[str]:
    """Lower-case words of a text without possessive endings ("Google's" -> "google"); an abbreviation is one word
    with or without its full stops ("U.S." and "US" are both "us")."""
    found = [POSSESSIVE.sub("", w).lower() for w in TOKEN.findall(text)]
    return [w.replace(".", "") if "." in w and _DOTTED.fullmatch(w) else w for w in found]


def word_string(text: str) -> str:
    """A text's words as one space-padded string, so that " word " and " two words " can be looked up in it."""
    return " " + " ".join(words(text)) + " "


def mentioned_days(text: str, published: bool = False) -> list[str]:
    """The calendar days a text names in full ("October 7, 2023", "7th October 2023", "2023-10-07"), as ISO
    days in the order they appear; a written date that is no real day ("February 30, 2023") is skipped.

    With `published`, only days named as a report's date ("published on October 7, 2023", "the TechCrunch article
    from October 7, 2023"), not an event's ("the attack on October 7, 2023").
    """
    days: list[str] = []
    for match in DATE.finditer(text):
        if published and not _PUBLISHED.search(text[max(0, match.start() - 80) : match.start()]):
            continue
        day = parse_day(match.group())
        if day is None:
            continue
        if day.isoformat() not in days:
            days.append(day.isoformat())
    return days


def publication_periods(text: str) -> list[Period]:
    """The days a text names as a report's publication day ("the TechCrunch report published on October 7, 2023"),
    each as a period of one day, so that they are searched, preferred and noticed as any period is."""
    found: list[Period] = []
    for match in DATE.finditer(text):
        if not _PUBLISHED.search(text[max(0, match.start() - 80) : match.start()]):
            continue
        day = parse_day(match.group())
        if day is not None and not any(p.start == day for p in found):
            found.append(Period(day, day, match.group(), match.start()))
    return found


def content_words(text: str) -> frozenset[str]:
    """Lower-case words of a text that carry meaning: its `words`, split at hyphens and apostrophes ("Bankman-Fried"
    gives "bankman" and "fried"), without stop words or one-letter words. The one measure of the words two texts
    share (the quote answerer's word overlap, the sentence a model's claim cites)."""
    return frozenset(
        piece for w in words(text) for piece in _PIECES.findall(w) if piece not in STOP_WORDS and len(piece) > 1
    )


# words that frame a question about the archive's reports and name none of its subjects: "Does the TechCrunch
# article suggest …", "as reported by", "according to The Verge", "the story published on …", "did any piece mention"
_FRAMING = re.compile(
    r"(?<![\w'’-])(?:articles?|reports?|reported|according|suggest(?:s|ed)?|published|mention(?:s|ed)?|"
    r"indicat(?:e|es|ed))(?![\w'’-])",
    re.IGNORECASE,
)
_QUOTES = re.compile(r"“[^”]*”|\"[^\"]*\"")


def keywords(text: str, outlets: Sequence[str] = ()) -> str:
    """A question as the keyword search reads it: without the words that frame it as a question about reports, which
    news passages use everywhere ("according to", "reported") and which would favour passages for them. Words
    inside a quotation or an outlet's name ("U.S. News & World Report") stay, and "the report's findings" keeps
    its report; the question as asked is kept when nothing else would remain ("What did they report?")."""
    kept_spans = [m.span() for m in _QUOTES.finditer(text)]
    for outlet in outlets:
        kept_spans += _outlet_spans(text, outlet)
    kept = _FRAMING.sub(lambda m: m.group() if any(a <= m.start() < b for a, b in kept_spans) else " ", text)
    kept = " ".join(kept.split())
    return kept if content_words(kept) else text
