"""What a question asks, read by code from its text and the archive's own outlet names: its parts, the names and
other specific terms it is about, the dates it mentions, whether it asks about the order of two reports, and the
kind of answer it wants. Used by the answerers (evidence per part, honest refusals) and by retrieval.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from rag.archive.filters import ArchiveFilter
from rag.retrieval.periods import Period, mentioned_periods, parse_day

# Titles, roles and days: capitalised, but not names ("President Biden" is Biden, "on Monday" is no subject).
_NOT_NAMES = frozenset(
    """president vice prime minister chancellor secretary senator governor mayor chair chairman chairwoman
    ceo cfo cto coo chief executive founder director spokesperson spokesman spokeswoman judge justice general
    mr mrs ms dr prof sir dame lord lady king queen prince princess pope
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
# Words that start a question or a clause and are capitalised only because of where they stand.
_FUNCTION_WORDS = frozenset(
    """a an and are as at based be before between both but by can considering could did do does during each
    either for from given had has have how if in into is it its neither nor of on or over per since so than that
    the their then there these this those to under until was were what when where whereas which while who whom
    whose why will with within would after according following regarding concerning also""".split()
)
_PERSON_NOUNS = frozenset(
    """person individual player star executive politician candidate musician singer artist athlete actor actress
    author writer journalist reporter official leader founder ceo manager coach quarterback footballer""".split()
)
_ENTITY_NOUNS = _PERSON_NOUNS | frozenset(
    """company organisation organization firm team platform institution entity group chatbot tool app brand
    startup network agency bank club league party outlet website service product model exchange country""".split()
)
# "Which company", "What organization", "Which NFL player", "Which AI-powered chatbot": the answer is a name
_AUXILIARIES = "did|does|do|is|are|was|were|will|would|has|have|had|can|could|should|may|might|must|the|a|an"
_WHICH_ENTITY = re.compile(
    rf"\b(?:which|what)\s+(?:(?!(?:{_AUXILIARIES})\b)[\w'-]+\s+){{0,2}}?"
    rf"({'|'.join(sorted(_ENTITY_NOUNS, key=len, reverse=True))})\b"
)
_QUESTION_WORDS = {
    "how much": "number",
    "how many": "number",
    "what percentage": "number",
    "what amount": "number",
    "what is the value": "number",
    "when": "date",
    "what date": "date",
    "what year": "date",
    "where": "place",
    "which city": "place",
    "which country": "place",
    "who": "person",
    "whom": "person",
    "which person": "person",
    "which individual": "person",
    "why": "explanation",
    "how": "explanation",
}
# "What's the death toll", "What was the fine", "What did Binance pay": a figure asked for without "how much". The
# figure word ends its phrase ("the death toll in Gaza", not "the number one issue" or "the rate-setting
# committee"); a money verb ends its clause ("What did Microsoft pay for …", not "pay attention to", "raise
# concerns", "charge Apple with"), and comes before any "say about" ("What did unions say about pay?" is no figure)
_MONEY_NOUNS = "fines?|costs?|price|budget|revenue|valuation|salary|turnover|profits?|debt|deficit|penalty|bail"
_MONEY_VERBS = "fined|earn|earned|cost|pay|paid|raise|raised|spend|spent"
_FIGURE_NOUNS = f"{_MONEY_NOUNS}|toll|total|number|amount|figure|rate|score|size|tally|count|losses"
_NOT_A_FIGURE = r"(?!\s+of\s+living)"  # "the cost of living crisis" is a subject
_PHRASE_END = (
    r"(?!-)(?=\s*(?:$|[?,.;]|(?:of|in|for|on|at|from|to|after|since|over|this|last|so far|when|during|among|by|"
    r"under|as|imposed|paid|agreed)\b))"
)
_SUBJECT_WORD = r"(?:(?!(?:say|says|said|tell|told|think|about|regarding|that|which|who)\b)[\w'’.-]+\s+)"
FIGURE_QUESTION = (
    rf"\bwhat(?:['’]s|\s+(?:is|was|are|were|will\s+be))\s+(?:the\s+)?(?:[\w'’-]+\s+){{0,2}}?"
    rf"(?:{_FIGURE_NOUNS}){_NOT_A_FIGURE}{_PHRASE_END}"
    rf"|\bwhat\s+(?:did|does|do|will|would)\s+{_SUBJECT_WORD}{{1,5}}?(?:{_MONEY_VERBS}){_PHRASE_END}"
    rf"|\bwhat\s+(?:was|were|is)\s+{_SUBJECT_WORD}{{1,4}}?(?:fined|paid){_PHRASE_END}"
)
MONEY_QUESTION = re.compile(rf"\bhow much\b|\b(?:{_MONEY_NOUNS}|{_MONEY_VERBS})\b", re.IGNORECASE)
_FIGURE = re.compile(FIGURE_QUESTION, re.IGNORECASE)
_YES_NO = re.compile(r"^\s*(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b", re.I)
_CONNECTORS = re.compile(
    r",?\s+\b(?:and|while|whereas|but|compared (?:with|to)|as well as|before|after|and also)\b\s+|;\s*",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[^\W_](?:[\w'’&.\-]*[^\W_])?")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s?$")
# quotation marks pair in order ("a" and "b": never the text between them); a quoted title is kept whole
_QUOTED = re.compile(r"“([^”]*)”|\"([^\"]*)\"|(?<![\w'’])['‘]([A-Z][^'’]{2,60})['’](?![\w'’])")
_TITLE_WORDS = 5  # a quoted span longer than this is a quotation ("NFL fans across the United States"), not a title
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_MONTH = "(?:" + "|".join(_MONTHS) + r")\.?"
_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
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
_NAME = r"((?:[A-Z0-9][\w.&'’-]*)(?:\s+(?:of|and|&|[A-Z0-9][\w.&'’-]*)){0,5})"
_WORK = r"(?:article|report|piece|story|feature|review|coverage|analysis|column|op-ed|editorial|interview|post)s?"
_PIECE = r"(?:article|piece|story|feature|column|op-ed|editorial)s?"  # words only a publication's work takes
# (pattern, strong): a strong phrasing names a publication for sure ("an article by Forbes", "a Bloomberg
# article"); a weak one may name a place or a subject ("reports from Gaza", "the Mueller report")
_SOURCE = [
    (re.compile(rf"\b{_WORK}\s+by\s+(?:the\s+)?['‘\"“]?{_NAME}"), True),
    (re.compile(rf"\b{_PIECE}\s+(?:in|from)\s+(?:the\s+)?['‘\"“]?{_NAME}"), True),
    (re.compile(rf"\b(?:a|an|another|one)\s+['‘\"“]?{_NAME}['’\"”]?\s+{_PIECE}\b"), True),
    (re.compile(rf"\b(?:published|covered|featured)\s+(?:by|in)\s+(?:the\s+)?['‘\"“]?{_NAME}"), True),
    (re.compile(rf"\breported\s+by\s+(?:the\s+)?['‘\"“]?{_NAME}"), True),
    (re.compile(rf"\b{_WORK}\s+(?:in|from)\s+(?:the\s+)?['‘\"“]?{_NAME}"), False),
    (re.compile(rf"\b(?:a|an|the|another|one)\s+['‘\"“]?{_NAME}['’\"”]?\s+{_WORK}\b"), False),
    # "What has Reuters reported", "Did the NYT cover": a source, or a country or body that reports ("did Israel
    # report casualties")
    (
        re.compile(
            rf"\b(?:[Dd]id|[Dd]oes|[Dd]o|[Hh]as|[Hh]ave|[Hh]ad)\s+(?:the\s+)?{_NAME}\s+"
            r"(?:report|reported|publish|published|cover|covered|run|ran)\b"
        ),
        False,
    ),
]
_SPEECH = (
    r"(?:say|said|says|tell|told|announce|announced|claim|claimed|warn|warned|argue|argued|think|thinks|"
    r"believe|believes|write|wrote|promise|promised|reveal|revealed|admit|admitted|deny|denied|predict|predicted)"
)
_SPEAKER = [
    re.compile(
        rf"\b(?:[Dd]id|[Dd]oes|[Dd]o|[Hh]as|[Hh]ave|[Hh]ad|[Ww]ill|[Ww]ould)\s+(?:the\s+)?{_NAME}\s+{_SPEECH}\b"
    ),
    re.compile(rf"\b{_NAME}\s+(?:statement|comments?|remarks?|words|claim|warning|speech|interview)s?\b"),
]
_ORDER = re.compile(
    r"\b(before|after|earlier|later|prior to|preced\w*|came first|first to|subsequent\w*|more recent)\b", re.IGNORECASE
)
_MAX_QUESTION = 2000  # characters read of a question (a longer one is cut, never slow)


@dataclass(frozen=True)
class QuestionPart:
    """One clause of a question, with the outlets it names and the words that carry its meaning."""

    text: str
    outlets: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    days: tuple[str, ...] = ()  # ISO days the part names ("published on October 7, 2023" -> "2023-10-07")
    periods: tuple[Period, ...] = ()  # periods that start in this part ("reported after October 4, 2023")


@dataclass(frozen=True)
class Question:
    """A question as the answerers see it."""

    text: str
    parts: tuple[QuestionPart, ...]
    entities: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    days: tuple[str, ...] = ()
    periods: tuple[Period, ...] = ()
    kind: str = "other"
    asks_order: bool = False
    unknown_sources: tuple[str, ...] = ()
    possible_sources: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    content_words: frozenset[str] = field(default_factory=frozenset)
    topics: tuple[str, ...] = ()  # what the question asks about ("what did the minister say about smoking")


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
        name = _without_the(outlet)
        forms = [name, _initials(name)] if len(name) >= 3 else []
        if any(len(f) >= 3 and re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", query) for f in forms):
            if flt.allows_outlet(outlet) and outlet not in found:
                found.append(outlet)
    return found[:MAX_OUTLET_BOOSTS]


def _without_the(name: str) -> str:
    """A name without its leading "The" ("The Guardian" is also written "the Guardian" or "Guardian")."""
    return re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)


def _initials(name: str) -> str:
    """The initials readers use for a name of three or more capitalised words ("New York Times" -> "NYT",
    "Wall Street Journal" -> "WSJ"); empty for shorter names or names with other words."""
    tokens = name.split()
    if len(tokens) < 3 or not all(t[:1].isupper() and t[1:].islower() for t in tokens):
        return ""
    return "".join(t[0] for t in tokens)


def _is_name_token(token: str, at_start: bool) -> bool:
    """A token that belongs to a name: capitalised, all caps, or mixed case, and not a function word."""
    lowered = token.lower().rstrip(".")
    if len(token) < 2 or lowered in _FUNCTION_WORDS or lowered in _MONTHS or lowered in _NOT_NAMES:
        return False
    if token[0].isdigit():  # 5G, 4K, 3D are names; "7th" (an ordinal day) and "2023-10-04T20" (a timestamp) are not
        return any(c.isalpha() for c in token) and len(token) <= 4 and not _ORDINAL.match(token)
    if any(c.isupper() for c in token[1:]) or token.isupper() and len(token) > 1:
        return True  # OpenAI, iPhone, M-KOPA, NASA
    return token[0].isupper() and not at_start  # a capital at the start of the question says nothing


def name_words(texts: Iterable[str]) -> frozenset[str]:
    """Capitalised words that the texts use inside a sentence, where a capital means a name: "Bankman-Fried"
    in "... said Sam Bankman-Fried" tells that "Bankman-Fried told Wang" starts with a name too."""
    known: set[str] = set()
    for text in texts:
        matches = list(_TOKEN.finditer(text))
        for i, m in enumerate(matches):
            before = text[max(0, m.start() - 2) : m.start()].strip()
            at_start = i == 0 or before in {".", "?", "!", ":", "“", '"', "”"}
            token = _POSSESSIVE.sub("", m.group())
            if not at_start and token[:1].isupper() and _is_name_token(token, False):
                known.add(token)
    return frozenset(known)


def _could_start_name(token: str) -> bool:
    """Whether a capitalised word at the start of a sentence may begin a name: not "Using", "Echoing" or
    "Didn't" (a verb or a contraction), which often come right before one."""
    lowered = token.lower()
    if len(token) >= 5 and lowered.endswith("ing") or len(token) > 7 and lowered.endswith("ly"):
        return False  # "Using", "Echoing", "Reportedly"; not "Ming", "Emily" or "Kelly"
    return not re.search(r"['’]", token) or bool(re.match(r"^[A-Z]['’][A-Z]", token))  # "O'Brien", not "Didn't"


def named_entities(
    text: str, outlets: Sequence[str] = (), sentence_starts: bool = False, known: frozenset[str] = frozenset()
) -> list[str]:
    """Names in a text: runs of name-like tokens, joined across "of", "de", "and", "&" inside a name.

    Outlet names of the archive are left out (they are metadata, not the subject); quoted titles are kept whole.
    A capital at the start of a sentence says nothing; with `sentence_starts` (for article sentences, where
    "Sam Bankman-Fried denied" is common) it starts a name when a name goes on after it, or when it is one of
    the `known` name words (`name_words` of the texts around it). Questions keep the default: their first word
    is "Despite", "Amid" or "Unlike" as often as a name.
    """
    outlet_words = {w.lower() for o in outlets for w in _TOKEN.findall(o)}
    outlet_words |= {_initials(_without_the(o)).lower() for o in outlets} - {""}  # "NYT" is an outlet too
    outlet_names = {" ".join(_TOKEN.findall(o)).lower() for o in outlets}
    found: list[str] = []
    for match in _QUOTED.finditer(text):
        quoted = next((g for g in match.groups() if g), "").strip()
        title_like = quoted[:1].isupper() or quoted[:1].isdigit()  # "deeply concerning" is a quotation
        if (
            3 <= len(quoted) <= 80
            and title_like
            and len(_TOKEN.findall(quoted)) <= _TITLE_WORDS
            and " ".join(_TOKEN.findall(quoted)).lower() not in outlet_names
        ):
            found.append(quoted)
    matches = list(_TOKEN.finditer(text))
    tokens = [(_POSSESSIVE.sub("", m.group()), m.start()) for m in matches]
    # a name never runs across punctuation: "about FTX's 'Alameda Research'" holds two names
    joined = [i == 0 or not text[matches[i - 1].end() : m.start()].strip() for i, m in enumerate(matches)]
    run: list[str] = []

    def flush() -> None:
        while run and run[-1].lower() in {"of", "de", "and", "&", "the"}:
            run.pop()
        if run and not all(w.lower() in outlet_words for w in run):
            name = " ".join(run)
            if name not in found:
                found.append(name)
        run.clear()

    for i, (token, start) in enumerate(tokens):
        at_start = i == 0 or text[max(0, start - 2) : start].strip() in {".", "?", "!", ":"}
        if not joined[i] or not token:
            flush()
        if not token:
            continue
        starts_name = (
            sentence_starts
            and at_start
            and _is_name_token(token, False)
            and (
                token in known
                or (
                    _could_start_name(token)
                    and i + 1 < len(tokens)
                    and joined[i + 1]
                    and _is_name_token(tokens[i + 1][0], False)
                )
            )
        )
        if _is_name_token(token, at_start) or starts_name:
            run.append(token)
        elif run and token.lower() in {"of", "de", "&"} and i + 1 < len(tokens) and tokens[i + 1][0][0].isupper():
            run.append(token)
        else:
            flush()
    flush()
    return found


def _outlet_matches(name: str, outlet: str) -> bool:
    """Whether a source named in a question is this outlet ("The Independent" is "The Independent - Sports",
    "CNBC" is "Cnbc | World Business News Leader", "NYT" is "The New York Times")."""
    a = " ".join(w.lower() for w in _TOKEN.findall(_without_the(name)))
    b = " ".join(w.lower() for w in _TOKEN.findall(_without_the(outlet)))
    initials = _initials(_without_the(outlet))
    return bool(a) and (a == b or b.startswith(a + " ") or a.startswith(b + " ") or name.strip() == initials != "")


def unknown_sources(text: str, outlets: Sequence[str], strong: bool = True) -> list[str]:
    """Publications the question cites as sources ("an article by Forbes", "reported by Reuters") that are not
    outlets of the archive: the archive cannot hold what they wrote. With `strong=False`: names in phrasings that
    may also name a place or a subject ("reports from Gaza"), which count only when no article found mentions
    them."""
    sure, possible = _sources(text, outlets)
    return sure if strong else possible


def _sources(text: str, outlets: Sequence[str]) -> tuple[list[str], list[str]]:
    """The sure and the possible sources of `unknown_sources`, in one pass (sure phrasings first, each name once)."""
    sure: list[str] = []
    possible: list[str] = []
    for pattern, is_strong in _SOURCE:
        for match in pattern.finditer(text):
            name = _POSSESSIVE.sub("", match.group(1).strip(" .,'’\"”"))
            name = re.sub(r"(?:\s+(?:of|and|&))+$", "", name)
            words = [w for w in _TOKEN.findall(name) if w.lower() not in _FUNCTION_WORDS]
            if not words or not any(w[0].isupper() for w in words) or words[0].lower().rstrip(".") in _MONTHS:
                continue
            if not any(_outlet_matches(name, o) for o in outlets) and name not in sure + possible:
                (sure if is_strong else possible).append(name)
    return sure, possible


def speakers(text: str, outlets: Sequence[str] = ()) -> list[str]:
    """Names the question asks the words of ("What did Emmanuel Macron say", "Putin's remarks"): an answer that
    does not come from them answers another question."""
    found: list[str] = []
    for pattern in _SPEAKER:
        for match in pattern.finditer(text):
            for name in re.split(r"\s+(?:and|&)\s+", _POSSESSIVE.sub("", match.group(1).strip())):
                tokens = _TOKEN.findall(name)
                if not tokens or tokens[0].lower() in _FUNCTION_WORDS or any(_outlet_matches(name, o) for o in outlets):
                    continue
                if name not in found:
                    found.append(name)
    return found


def answer_kind(text: str) -> str:
    """The kind of answer a question wants: number, date, place, person, yes/no, explanation, or other."""
    lowered = text.lower().strip()
    if _YES_NO.match(lowered):
        return "yesno"
    best, start = ("", "other"), len(lowered)
    for phrase, kind in _QUESTION_WORDS.items():
        match = re.search(rf"\b{re.escape(phrase)}\b", lowered)
        if match and (not best[0] or match.start() < start):
            best, start = (phrase, kind), match.start()
    if best[1] == "explanation" and re.search(r"\bhow (much|many|long|big|large|old)\b", lowered):
        return "number"
    figure = _FIGURE.search(lowered)
    if figure and (best[1] == "other" or figure.start() <= start):
        return "number"  # "What was the death toll when the hospital was hit?" asks for the toll
    if best[1] == "other" and (match := _WHICH_ENTITY.search(lowered)):
        return "person" if match.group(1) in _PERSON_NOUNS else "name"
    return best[1]


def _by_outlet(piece: str, outlets: Sequence[str]) -> list[str]:
    """A clause that names several outlets, cut at its commas so that each piece names at most one."""
    if len(mentioned_outlets(piece, outlets)) < 2:
        return [piece]
    out: list[str] = []
    for chunk in piece.split(","):
        if out and (not mentioned_outlets(chunk, outlets) or not mentioned_outlets(out[-1], outlets)):
            out[-1] = f"{out[-1]},{chunk}"
        else:
            out.append(chunk)
    return [c.strip() for c in out if c.strip()]


def split_parts(text: str, outlets: Sequence[str] = ()) -> list[str]:
    """The clauses of a question, split at connectors (and, while, whereas, before, after, compared with), and
    at commas between the outlets it names ("covered by TechCrunch for X, the focus of Engadget's Y"); a clause
    that only points at a report asks what its neighbour asks (`clauses_and_parts`)."""
    return clauses_and_parts(text, outlets)[1]


def clauses_and_parts(text: str, outlets: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """The clauses of a question as written, and as asked: "What did the Guardian | and Fortune report about the
    trial", "Between the report from Sporting News on September 26, 2023, | and the report from CBSSports.com, was
    there …": a clause that only points at a report (by its outlet or its day) asks what the next clause asks (the
    last one, what the clause before it asks), keeping its own outlet and day. The clauses as written say where
    a period the question names belongs."""
    clauses = [p.strip(" ,?") for p in _clauses(text, outlets) if p and p.strip(" ,?")]
    pieces = [piece for clause in clauses for piece in _by_outlet(clause, outlets)]
    parts: list[str] = []
    for piece in pieces:
        words = [w for w in _TOKEN.findall(piece) if w.lower() not in _FUNCTION_WORDS]
        if parts and len(words) < 3 and not mentioned_outlets(piece, outlets):  # too short to stand alone
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    own = list(parts)
    alone = [_report_only(part, outlets) for part in parts]
    for i in reversed(range(len(parts))):  # from the end, so that "the Guardian, the Verge and Fortune" all borrow
        j = i + 1 if i + 1 < len(parts) else i - 1
        if j >= 0 and alone[i] and not alone[j]:
            borrowed = parts[j]
            if mentioned_outlets(own[i], outlets):  # its own outlet, not the neighbour's
                borrowed = _without_outlets(borrowed, outlets)
            if _A_DAY.search(own[i]):  # its own day, not the neighbour's
                borrowed = _DAY_NAMED.sub(" ", borrowed)
            if j < i:  # "What did Fortune report about the trial" lends "report about the trial"
                borrowed = re.sub(rf"^(?:(?:what|which|who|how|{_AUXILIARIES})\s+)+", "", borrowed, flags=re.I)
            borrowed = _DANGLING.sub("", borrowed)  # "the report from , was there" -> "the report, was there"
            parts[i] = " ".join(f"{parts[i]} {borrowed}".split())
            alone[i] = False  # it now asks what its neighbour asks, and lends that on
    return (own, parts) if parts else ([text.strip()], [text.strip()])


def _clauses(text: str, outlets: Sequence[str]) -> list[str]:
    """The text cut at its connectors, except inside an outlet's name ("The Independent - Life and Style")."""
    inside = [
        m.span()
        for outlet in outlets
        if _CONNECTORS.search(outlet)
        for m in re.finditer(re.escape(_without_the(outlet)), text, re.IGNORECASE)
    ]
    out, start = [], 0
    for m in _CONNECTORS.finditer(text):
        if not any(a < m.start() and m.end() < b for a, b in inside):
            out.append(text[start : m.start()])
            start = m.end()
    return [*out, text[start:]]


# the words a clause that only points at a report may hold besides its outlet and its date: "What did the
# Guardian", "the Guardian report", "Between the report from Sporting News on September 26, 2023", "the one
# published on Monday"; not "the Guardian on Musk" or "the Guardian on May Day"
_REPORTING = frozenset(
    """report reports reported say says said write writes wrote cover covers covered publish published tell told
    article articles piece story coverage subsequent later earlier same source one""".split()
)
_DANGLING = re.compile(r"\s+(?:from|by|in|on|of|at|dated)\s*(?=,|$)", re.IGNORECASE)
_WEEKDAY = re.compile(r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day$", re.IGNORECASE)
# a day with or without its year: "October 7, 2023", "October 7", "7th of October" (not "May Day": no digit)
_A_DAY = re.compile(
    rf"{_DATE.pattern}|\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH})\b",
    re.IGNORECASE,
)
_DAY_NAMED = re.compile(
    rf"(?:\b(?:published|posted|dated|released)\s+)?(?:\b(?:on|from|of)\s+)?(?:{_A_DAY.pattern})", re.I
)


def _report_only(piece: str, outlets: Sequence[str]) -> bool:
    """Whether a clause only points at a report: an outlet or a date, and nothing else but a reporting verb,
    "article" or a date ("What did the Guardian", "the report from Sporting News on September 26, 2023", "the one
    published on October 7, 2023"; not "the Guardian on Musk")."""
    named = mentioned_outlets(piece, outlets)
    skipped = _FUNCTION_WORDS | {w.lower() for o in named for w in (*_TOKEN.findall(o), _initials(_without_the(o)))}
    rest = [w.lower() for w in _TOKEN.findall(_A_DAY.sub(" ", piece)) if w.lower() not in skipped]
    return bool(named or _A_DAY.search(piece)) and all(w in _REPORTING or _WEEKDAY.match(w) for w in rest)


def _without_outlets(piece: str, outlets: Sequence[str]) -> str:
    """A clause without the outlets it names ("Fortune report about the trial" -> "report about the trial")."""
    for outlet in mentioned_outlets(piece, outlets):
        for form in {_without_the(outlet), _initials(_without_the(outlet))} - {""}:
            name = re.escape(form)
            piece = re.sub(rf"(?:\bthe\s+)?(?<![\w-]){name}(?:['’]s)?(?![\w-])", " ", piece, flags=re.IGNORECASE)
    return " ".join(piece.split())


def words(text: str) -> list[str]:
    """Lower-case words of a text without possessive endings ("Google's" -> "google")."""
    return [_POSSESSIVE.sub("", w).lower() for w in _TOKEN.findall(text)]


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
    for match in _DATE.finditer(text):
        if published and not _PUBLISHED.search(text[max(0, match.start() - 80) : match.start()]):
            continue
        day = parse_day(match.group())
        if day is None:
            continue
        if day.isoformat() not in days:
            days.append(day.isoformat())
    return days


def content_words(text: str) -> frozenset[str]:
    """Lower-case words of a text that carry meaning (no function words, no one-letter words)."""
    return frozenset(w.lower() for w in _TOKEN.findall(text) if w.lower() not in _FUNCTION_WORDS and len(w) > 1)


def understand(
    text: str, outlets: Iterable[str] = (), reference: date | Callable[[], date | None] | None = None
) -> Question:
    """Read a question: its parts (each with the outlets and names it mentions), names, dates, kind and order.

    Args:
        text: the question as asked.
        outlets: the archive's outlet names (so that "according to TechCrunch" is seen as an outlet).
        reference: the day "last week" and "in November" are read against (the archive's newest article), or a
            function giving it; without one, such phrases name no period.
    """
    text = " ".join(unicodedata.normalize("NFC", text).split())[:_MAX_QUESTION]
    known = list(outlets)
    named = mentioned_outlets(text, known)
    sure, possible = _sources(text, known) if known else ([], [])
    periods = tuple(mentioned_periods(text, reference))
    clauses, pieces = clauses_and_parts(text, known)
    owners = [part_of(p, clauses) for p in periods]  # where the period is written, not where it was lent
    parts = tuple(
        QuestionPart(
            piece,
            tuple(mentioned_outlets(piece, known)),
            tuple(named_entities(piece, known)),
            tuple(mentioned_days(piece, published=True)),
            tuple(p for p, owner in zip(periods, owners, strict=True) if owner == index),
        )
        for index, piece in enumerate(pieces)
    )
    return Question(
        text=text,
        parts=parts,
        entities=tuple(named_entities(text, known)),
        outlets=tuple(named),
        dates=tuple(m.group() for m in _DATE.finditer(text)),
        days=tuple(mentioned_days(text, published=True)),
        periods=periods,
        kind=answer_kind(text),
        asks_order=bool(_ORDER.search(text)) and len(named) + len(_DATE.findall(text)) >= 2,
        unknown_sources=tuple(sure),
        possible_sources=tuple(possible),
        speakers=tuple(speakers(text, known)),
        content_words=content_words(text),
        topics=tuple(topics(text)),
    )


# after "about", "regarding" or "concerning"; "about 40 people" is an amount, not a topic
_TOPIC = re.compile(
    r"\b(?:about|regarding|concerning)\s+(?![\d$€£]|some\b)(?P<topic>[^,;:?!.()\[\]“”\"]+)", re.IGNORECASE
)
_TOPIC_END = re.compile(
    r"\s+\b(?:and|or|but|while|whereas|that|which|who|whom|when|where|in|on|at|from|by|for|with|to|as|after|before|"
    r"since|during|published|according|compared|than|if)\b.*",
    re.IGNORECASE,
)
_MAX_TOPIC_WORDS = 5


def topics(text: str) -> list[str]:
    """What a question asks about: the words after "about", "regarding" or "concerning", up to the next clause or
    preposition ("What did the minister say about the smoking ban in Wellington?" -> "the smoking ban")."""
    found = []
    for match in _TOPIC.finditer(text):
        topic = _TOPIC_END.sub("", match.group("topic")).strip()
        tokens = _TOKEN.findall(topic)
        if tokens and len(tokens) <= _MAX_TOPIC_WORDS and topic not in found:
            found.append(topic)
    return found


def _opening(period: Period) -> str:
    """The words a period opens with in the question ("after October 4" of "after October 4, 2023, and before …")."""
    return period.text.split(",")[0]


def shared_period(period: Period, clauses: Sequence[str], parts: Sequence[str]) -> bool:
    """Whether a period belongs to several parts: its own clause's and those that borrowed it while naming no day
    of their own ("What did the Guardian and Fortune report about the strike in November?"; not "What did the
    Guardian report on October 2, and what did Fortune say about the strike in November?")."""
    opening = _opening(period)
    return (
        sum(
            1
            for clause, part in zip(clauses, parts, strict=True)
            if opening in clause or (opening in part and not _A_DAY.search(clause))
        )
        > 1
    )


def part_of(period: Period, parts: Sequence[str]) -> int | None:
    """The index of the part of the question a period belongs to: the part that holds its opening words ("after
    October 4" of "after October 4, 2023, and before November 1"; a range may run across two parts), or, when the
    question was cut at the "after" or "before" that opens it, the clause that word followed."""
    opening = _opening(period)
    date_words = opening.split(maxsplit=1)[-1]
    for index, part in enumerate(parts):
        if opening in part:
            return index
    for index, part in enumerate(parts):
        if any(c.isdigit() for c in date_words) and part.startswith(date_words):
            return max(0, index - 1)
    return None
