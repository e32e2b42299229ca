"""Names in a text (people, companies, quoted titles), the publications a question cites that the archive does not
carry, and the people whose words a question asks for."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rag.retrieval.wording import FUNCTION_WORDS, MONTHS, POSSESSIVE, TOKEN, initials, without_the

# Titles, roles and days: capitalised, but not names ("President Biden" is Biden, "on Monday" is no subject).
_NOT_NAMES = frozenset(
    """president vice prime minister chancellor secretary senator governor mayor chair chairman chairwoman
    ceo cfo cto coo chief executive founder director spokesperson spokesman spokeswoman judge justice general
    mr mrs ms dr prof sir dame lord lady king queen prince princess pope
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$", re.IGNORECASE)
# quotation marks pair in order ("a" and "b": never the text between them); a quoted title is kept whole
_QUOTED = re.compile(r"“([^”]*)”|\"([^\"]*)\"|(?<![\w'’])['‘]([A-Z][^'’]{2,60})['’](?![\w'’])")
_TITLE_WORDS = 5  # a quoted span longer than this is a quotation ("NFL fans across the United States"), not a title
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
    r"believe|believes|write|wrote|promise|promised|reveal|revealed|admit|admitted|deny|denied|predict|predicted|"
    r"report|reported)"  # "What did Nvidia report": its own report (an outlet of the archive is no speaker)
)
_SPEAKER = [
    re.compile(
        rf"\b(?:[Dd]id|[Dd]oes|[Dd]o|[Hh]as|[Hh]ave|[Hh]ad|[Ww]ill|[Ww]ould)\s+(?:the\s+)?{_NAME}\s+{_SPEECH}\b"
    ),
    re.compile(rf"\b{_NAME}\s+(?:statement|comments?|remarks?|words|claim|warning|speech|interview)s?\b"),
]


def _is_name_token(token: str, at_start: bool) -> bool:
    """A token that belongs to a name: capitalised, all caps, or mixed case, and not a function word."""
    lowered = token.lower().rstrip(".")
    if len(token) < 2 or lowered in FUNCTION_WORDS or lowered in MONTHS or lowered in _NOT_NAMES:
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
        matches = list(TOKEN.finditer(text))
        for i, m in enumerate(matches):
            before = text[max(0, m.start() - 2) : m.start()].strip()
            at_start = i == 0 or before in {".", "?", "!", ":", "“", '"', "”"}
            token = POSSESSIVE.sub("", m.group())
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
    text: str,
    outlets: Sequence[str] = (),
    sentence_starts: bool = False,
    known: frozenset[str] = frozenset(),
    numbered: bool = False,
) -> list[str]:
    """Names in a text: runs of name-like tokens, joined across "of", "de", "and", "&" inside a name.

    Outlet names of the archive are left out (they are metadata, not the subject); quoted titles are kept whole.
    A capital at the start of a sentence says nothing; with `sentence_starts` (for article sentences, where
    "Sam Bankman-Fried denied" is common) it starts a name when a name goes on after it, or when it is one of
    the `known` name words (`name_words` of the texts around it). Questions keep the default: their first word
    is "Despite", "Amid" or "Unlike" as often as a name. With `numbered` (for questions), a number that names a
    model or an edition belongs to the name before it ("the Tesla Model 2", "Pixel 8", "COP 28"; see
    `_numbers_the_name`).
    """
    outlet_words = {w.lower() for o in outlets for w in TOKEN.findall(o)}
    outlet_words |= {initials(without_the(o)).lower() for o in outlets} - {""}  # "NYT" is an outlet too
    outlet_names = {" ".join(TOKEN.findall(o)).lower() for o in outlets}
    found: list[str] = []
    for match in _QUOTED.finditer(text):
        quoted = next((g for g in match.groups() if g), "").strip()
        title_like = quoted[:1].isupper() or quoted[:1].isdigit()  # "deeply concerning" is a quotation
        if (
            3 <= len(quoted) <= 80
            and title_like
            and len(TOKEN.findall(quoted)) <= _TITLE_WORDS
            and " ".join(TOKEN.findall(quoted)).lower() not in outlet_names
        ):
            found.append(quoted)
    matches = list(TOKEN.finditer(text))
    tokens = [(POSSESSIVE.sub("", m.group()), m.start()) for m in matches]
    # a name never runs across punctuation: "about FTX's 'Alameda Research'" holds two names
    joined = [i == 0 or not text[matches[i - 1].end() : m.start()].strip() for i, m in enumerate(matches)]
    run: list[str] = []

    def flush() -> None:
        while run and run[-1].lower() in {"of", "de", "and", "&", "the"}:
            run.pop()
        if run and not all(w.lower() in outlet_words or w.isdigit() for w in run):
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
        elif run and numbered and token.isdigit() and len(token) <= 3 and _numbers_the_name(text, matches, i):
            run.append(token)
        else:
            flush()
    flush()
    return found


def _numbers_the_name(text: str, matches: Sequence[re.Match[str]], i: int) -> bool:
    """Whether the number at token `i` names a model or an edition of the name before it ("the Tesla Model 2?",
    "the Pixel 8 Pro", "the Pixel 8 in 2023"), not a count, a score or an amount ("Ohtani's 44 home runs", "Google
    1,000 employees", "the Jets 24 to 10", "TechCrunch 2 weeks ago")."""
    if POSSESSIVE.search(matches[i - 1].group()):
        return False  # "Ohtani's 44": what he has, not what he is called
    after = text[matches[i].end() :]
    if re.match(r"\s*(?:[,.]\d|[-–]\s*\d|to\s+\d)", after):
        return False  # an amount or a score goes on
    follows = re.match(r"\s*([^\W\d_][\w'’-]*)", after)
    return not (follows and follows.group(1).islower() and follows.group(1) not in FUNCTION_WORDS)


def _outlet_matches(name: str, outlet: str) -> bool:
    """Whether a source named in a question is this outlet ("The Independent" is "The Independent - Sports",
    "CNBC" is "Cnbc | World Business News Leader", "NYT" is "The New York Times")."""
    a = " ".join(w.lower() for w in TOKEN.findall(without_the(name)))
    b = " ".join(w.lower() for w in TOKEN.findall(without_the(outlet)))
    letters = initials(without_the(outlet))
    return bool(a) and (a == b or b.startswith(a + " ") or a.startswith(b + " ") or name.strip() == letters != "")


def unknown_sources(text: str, outlets: Sequence[str], strong: bool = True) -> list[str]:
    """Publications the question cites as sources ("an article by Forbes", "reported by Reuters") that are not
    outlets of the archive: the archive cannot hold what they wrote. With `strong=False`: names in phrasings that
    may also name a place or a subject ("reports from Gaza"), which count only when no article found mentions
    them."""
    sure, possible = cited_sources(text, outlets)
    return sure if strong else possible


def cited_sources(text: str, outlets: Sequence[str]) -> tuple[list[str], list[str]]:
    """The sure and the possible sources of `unknown_sources`, in one pass (sure phrasings first, each name once)."""
    sure: list[str] = []
    possible: list[str] = []
    for pattern, is_strong in _SOURCE:
        for match in pattern.finditer(text):
            name = POSSESSIVE.sub("", match.group(1).strip(" .,'’\"”"))
            name = re.sub(r"(?:\s+(?:of|and|&))+$", "", name)
            words = [w for w in TOKEN.findall(name) if w.lower() not in FUNCTION_WORDS]
            if not words or not any(w[0].isupper() for w in words) or words[0].lower().rstrip(".") in MONTHS:
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
            for name in re.split(r"\s+(?:and|&)\s+", POSSESSIVE.sub("", match.group(1).strip())):
                tokens = TOKEN.findall(name)
                if not tokens or tokens[0].lower() in FUNCTION_WORDS or any(_outlet_matches(name, o) for o in outlets):
                    continue
                if name not in found:
                    found.append(name)
    return found
