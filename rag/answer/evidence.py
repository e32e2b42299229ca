"""What the retrieved passages can and cannot support for a question: the names and sources they lack, the best
sentence for each part of the question, and which sentences are page furniture rather than the story's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.names import haystack_of, mentions, names_speaker, quotes_speaker
from rag.answer.topics import concrete, missing_topics, unvoiced_topics
from rag.models import Passage
from rag.retrieval.asked import Asked
from rag.retrieval.names import named_entities
from rag.retrieval.periods import Period
from rag.retrieval.question import Question
from rag.retrieval.wording import DATE, word_string, words

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
            verb = "mention" if len(self.absent_sources) > 1 else "mentions"
            return (
                f"None of the articles found that bear on the question {verb} {_join(self.absent_sources, 'or')}, "
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
        verb = "mention" if len(absent) > 1 else "mentions"
        return (
            f"None of the articles found that bear on the question {verb} {_join(absent, 'or')}, so the archive "
            "does not answer this."
        )

    def partial_notice(self) -> str:
        """A notice for an answer that covers the question except for the names (or the abstract topic) no passage
        mentions."""
        notes = []
        if self.missing_names:
            verb = "mention" if len(self.missing_names) > 1 else "mentions"
            notes.append(
                f"None of the articles found that bear on the question {verb} {_join(self.missing_names)}; the "
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


def asks(sentence: str) -> bool:
    """Whether a sentence is itself a question ("Who has won the most World Cups?"): an article's question is a
    subheading or a rhetorical turn, never the evidence that answers one."""
    return sentence.rstrip(" \"'”’)]").endswith("?")


# a photo's caption or credit: "… in this courtroom sketch", "Combination showing …", "From left: …", or a credit
# that ends the sentence ("Photograph: Michael Regan/Getty Images", "… (Getty Images)", "Credit: AFP"). A credit is
# capitalised words joined by "/", "|", "via" and the like, so a credit the page glued to the story's next sentence
# ("Credit: AP Wednesday's report from ADP suggested …") and prose with a colon ("consumer credit: balances rose")
# are no captions; nor is news about Getty Images or a Reuters/Ipsos poll. Each alternative is linear in the text.
_CREDIT_WORD = r"(?-i:(?:(?![a-z])[^\W_]|[a-z]+[A-Z])[\w.'’&-]*)"  # "Getty", "USA", "Press-Enterprise", "iStock"
_CREDIT_JOIN = r"(?:\s+|\s*[/|,&–]\s*|\s+-\s+|\s+(?:via|for|of|and|on|from)\s+)"  # never empty
_CREDIT = rf"{_CREDIT_WORD}(?:{_CREDIT_JOIN}{_CREDIT_WORD})*"
_CREDIT_END = r"\s*\)?\s*\.?\s*$"
_CAPTION = re.compile(
    r"\bin this (?:undated |handout |file |courtroom |photo |video )*(?:sketch|illustration|photo(?:graph)?)"
    r"(?=\s*(?:taken|released|made|provided|obtained|dated|from|by|shows?|[.,)]|$))"
    r"|^\s*(?:an? )?combination (?:photo|picture|image|of (?:file )?(?:photos|pictures|images)|showing)\b"
    r"|^\s*(?:from left|l-r|left to right)\b"
    rf"|\b(?:photograph|photographer|photo|picture|image|credit|photo credit|image credit|image source)\s*[:,]\s*"
    rf"{_CREDIT}{_CREDIT_END}"
    rf"|(?:^|[(.|]\s*)(?:photo|photograph|photography|illustration) by\s+{_CREDIT}{_CREDIT_END}"
    rf"|(?:^|[(/|:©]|\bvia)\s*getty(?: images)?(?:\s*/\s*{_CREDIT})?{_CREDIT_END}"
    r"|(?-i:\bREUTERS/[A-Z])|(?-i:\bAP Photo/)",
    re.IGNORECASE,
)
# where the people of a photo stand: "Harry Kane (centre)", "Sam Bankman-Fried (L) and Zhao Changpeng (R)"
_POSITION = re.compile(r"(?<![\w(])\((L|R|C|left|right|cent(?:er|re)|middle)\)", re.IGNORECASE)


def caption(sentence: str) -> bool:
    """Whether a sentence is a photo's caption or credit: the people it names are pictured, not reported on. One
    written-out position is a caption ("Harry Kane (centre)"); one letter alone is a party, a trademark or a
    copyright ("Gov. Glenn Youngkin (R)", "Kleenex (R)"), two are a caption."""
    marks = _POSITION.findall(sentence)
    if len(marks) >= 2 or any(len(m) > 1 for m in marks):
        return True
    return bool(_CAPTION.search(sentence))


def furniture(sentence: str) -> bool:
    """Whether a sentence is page furniture rather than the story's own statement: an article's own question
    (`asks`), a photo's caption or credit, or a headline in capitals that links to another story. It is quoted only
    when nothing else is close enough: a caption ("Combination showing Former FTX CEO, Sam Bankman-Fried (L) and
    Zhao Changpeng (R), founder and chief executive officer of Binance") names people without saying what they
    did, and "MATTHEW PERRY CAUSE OF DEATH LISTED AS 'ACUTE EFFECTS OF KETAMINE'" is a link to another report."""
    return asks(sentence) or caption(sentence) or shouted(sentence)


SHOUTED_WORDS = 4  # words in capitals that make a line a headline (a sentence may hold a few acronyms)
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'’]+\b")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’]+\b")


def shouted(sentence: str) -> bool:
    """Whether a sentence is a headline set in capitals (a teaser for another story that the page embeds in the
    text): at least four words of capitals and more of them than words in lower case. "NASA and the FBI said" is
    no headline."""
    caps = len(_CAPS_WORD.findall(sentence))
    return caps >= SHOUTED_WORDS and caps > len(_LOWER_WORD.findall(sentence))


_CITATION = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_NEGATION = re.compile(r"\b(not|no|never|none|nobody|nothing|neither|nor|without)\b|n['’]t\b", re.I)
# words an answer uses to talk about its sources, which no passage needs to contain
_SOURCE_TALK = frozenset(
    "report reports reported article articles publication published date came before after both".split()
)


def _markup_free(text: str) -> str:
    """The words a reader would read: no scripts, tags, images or link targets (a link keeps its label)."""
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", text, flags=re.I | re.S)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]{1,200}>", " ", text)
    return re.sub(r"\s+", " ", text)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def claim_supported(sentence: str, passages: Sequence[Passage], min_overlap: float = 0.6) -> bool:
    """Whether the passages a sentence cites support it: a verbatim quote is; otherwise its numbers and names
    must all occur in them, a negation must be matched, and most of its words must be theirs.

    Args:
        sentence: one answer sentence, with its [n] citations.
        passages: the passages it cites.
        min_overlap: share of the sentence's content words that the passages must contain.
    """
    if not passages:
        return False
    claim = _markup_free(_CITATION.sub("", sentence)).strip()
    if not claim:
        return False
    core = claim
    for p in passages:  # only the "Outlet, date: " prefix the quote answerer itself writes is set aside
        for prefix in (f"{p.outlet}, {p.published_at[:10]}: ", f"{p.outlet}: ", f"{p.published_at[:10]}: "):
            if len(prefix) > 2 and core.startswith(prefix):
                core = core[len(prefix) :]
                break
    source = " ".join(f"{p.text} {p.title} {p.outlet} {p.published_at}" for p in passages)
    squashed = _squash(source)
    if len(_squash(core)) >= 15 and (_squash(core).rstrip(".") in squashed or _squash(claim) in squashed):
        return True
    numbers = set(_DIGITS.findall(source))  # whole numbers only: "5%" is not found in "5.25%"
    if any(n not in numbers for n in _DIGITS.findall(core)):
        return False
    haystack = word_string(source)
    if any(not mentions(name, haystack) for name in named_entities(core)):
        return False
    if _NEGATION.search(core) and not _NEGATION.search(source):
        return False
    content = [w for w in words(core) if len(w) > 2 and w not in _SOURCE_TALK and not w.isdigit()]
    if not content:
        return True
    return sum(1 for w in content if f" {w} " in haystack) / len(content) >= min_overlap
