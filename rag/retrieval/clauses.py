"""A question's clauses: where it is cut into parts ("What did TechCrunch report on X, | and The Verge on Y?"),
what a clause that only points at a report asks (its neighbour's question), and which part a period belongs to."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.retrieval.periods import Period
from rag.retrieval.wording import (
    AUXILIARIES,
    DATE,
    FUNCTION_WORDS,
    MONTH,
    TOKEN,
    initials,
    mentioned_outlets,
    without_the,
)

_CONNECTORS = re.compile(
    r",?\s+\b(?:and|while|whereas|but|compared (?:with|to)|as well as|before|after|and also)\b\s+|;\s*",
    re.IGNORECASE,
)
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
    rf"{DATE.pattern}|\b(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH})\b",
    re.IGNORECASE,
)
_DAY_NAMED = re.compile(
    rf"(?:\b(?:published|posted|dated|released)\s+)?(?:\b(?:on|from|of)\s+)?(?:{_A_DAY.pattern})", re.I
)


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
        words = [w for w in TOKEN.findall(piece) if w.lower() not in FUNCTION_WORDS]
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
                borrowed = re.sub(rf"^(?:(?:what|which|who|how|{AUXILIARIES})\s+)+", "", borrowed, flags=re.I)
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
        for m in re.finditer(re.escape(without_the(outlet)), text, re.IGNORECASE)
    ]
    out, start = [], 0
    for m in _CONNECTORS.finditer(text):
        if not any(a < m.start() and m.end() < b for a, b in inside):
            out.append(text[start : m.start()])
            start = m.end()
    return [*out, text[start:]]


def _report_only(piece: str, outlets: Sequence[str]) -> bool:
    """Whether a clause only points at a report: an outlet or a date, and nothing else but a reporting verb,
    "article" or a date ("What did the Guardian", "the report from Sporting News on September 26, 2023", "the one
    published on October 7, 2023"; not "the Guardian on Musk")."""
    named = mentioned_outlets(piece, outlets)
    skipped = FUNCTION_WORDS | {w.lower() for o in named for w in (*TOKEN.findall(o), initials(without_the(o)))}
    rest = [w.lower() for w in TOKEN.findall(_A_DAY.sub(" ", piece)) if w.lower() not in skipped]
    return bool(named or _A_DAY.search(piece)) and all(w in _REPORTING or _WEEKDAY.match(w) for w in rest)


def _without_outlets(piece: str, outlets: Sequence[str]) -> str:
    """A clause without the outlets it names ("Fortune report about the trial" -> "report about the trial")."""
    for outlet in mentioned_outlets(piece, outlets):
        for form in {without_the(outlet), initials(without_the(outlet))} - {""}:
            name = re.escape(form)
            piece = re.sub(rf"(?:\bthe\s+)?(?<![\w-]){name}(?:['’]s)?(?![\w-])", " ", piece, flags=re.IGNORECASE)
    return " ".join(piece.split())


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
