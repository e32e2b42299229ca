"""The stretches of time a question names ("after October 4, 2023, and before November 1", "between November 23
and November 30, 2023", "in early November", "since October", "last week", "this month"), read by code as
calendar-day ranges.

Relative phrases ("last week", "in November" without a year) are read against a reference day: the newest article
a reader may see, never the machine's clock, so an archive of 2023 answers "last week" about its own last week.
Month names count only when capitalised ("may" and "march" are also plain words). Retrieval gives each period a
keyword ranking of its own within that period (a boost, not a filter: a question's "after October 7" may date an
event, not a report).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil import parser as date_parser

_MONTH_NAMES = (
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
).split()
_MONTH_NUMBERS = {name: (i % 12) + 1 for i, name in enumerate(_MONTH_NAMES[:12])} | {
    name: number for name, number in zip(_MONTH_NAMES[12:], (1, 2, 3, 4, 6, 7, 8, 9, 9, 10, 11, 12), strict=True)
}
_MONTH = r"(?:" + "|".join(_MONTH_NAMES) + r")\.?"  # capitalised only: "may" and "march" are also plain words
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+\d{4})?"
# a calendar day, its year optional: "October 4, 2023", "4th October 2023", "4 October", "2023-10-04"
_DAY = rf"(?:{_MONTH}\s+\d{{1,2}}{_ORD}\b{_YEAR}|\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH}\b{_YEAR}|\d{{4}}-\d{{2}}-\d{{2}})"
_DAY_NAMED = re.compile(_DAY)


# a period keeps its boundary days, "after October 4" included: a report's time crosses time zones, and people date
# a report by its own day ("the report published after October 4" for one of October 4); as a boost, a day too
# many costs little, a day too few loses the article asked about
_RANGES = [
    re.compile(rf"(?i:\bbetween)\s+(?P<a>{_DAY})(?:\s*,)?\s+(?i:and)\s+(?P<b>{_DAY})"),
    re.compile(
        rf"(?i:\b(?:after|since|from))\s+(?P<a>{_DAY})(?:\s*,)?\s+(?i:(?:and|but)\s+)?"
        rf"(?i:(?:to|until|till|through|before|prior\s+to))\s+(?P<b>{_DAY})"
    ),
    re.compile(rf"(?i:\b(?:after|since|following))\s+(?P<a>{_DAY})"),
    re.compile(rf"(?i:\b(?:before|until|prior\s+to))\s+(?P<b>{_DAY})"),
]
# "in early November", "during December 2022", "the November 2023 report", "mid-October": a month or a third of it
# (a year, when written, is the month's: "in March 2023 12 people died" is March 2023; without one, a number after
# the month makes it a day: "in October 7" is no month)
_NO_DAY = r"(?!\s*\d{1,2}(?:st|nd|rd|th)?\b)"
_MONTH_PERIOD = re.compile(
    rf"(?:(?i:\b(?P<open>in|during|throughout|of|since|from))\s+(?:(?P<p1>early|mid|late)[\s-]+)?"
    rf"(?P<m1>{_MONTH})(?:\s+(?P<y1>\d{{4}})|{_NO_DAY})"
    rf"|(?i:\b(?P<p2>early|mid|late))[\s-]+(?P<m2>{_MONTH})(?:\s+(?P<y2>\d{{4}})|{_NO_DAY})"
    rf"|\b(?P<m3>{_MONTH})\s+(?P<y3>\d{{4}}))"
    r"(?!\w)"
)
_ONWARDS = {"since"}  # "since October": from October on ("the report from October" is one of October)
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_RELATIVE = re.compile(
    r"\b(?P<what>today|yesterday"
    r"|(?:this|last|past|previous)\s+(?:week|month|year)"
    r"|(?:the\s+)?(?:past|last)\s+(?P<n>\d{1,3}|two|three|four|five|six|seven|ten)\s+(?P<unit>days?|weeks?|months?)"
    r"|last\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b(?!['’]s)",
    re.IGNORECASE,
)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}
MAX_TEXT = 2000  # characters of a question read (a longer one is cut, never slow)
MAX_PERIODS = 4  # periods read from one question (each costs a ranking)


@dataclass(frozen=True)
class Period:
    """A stretch of calendar days a question names; an open end is None ("after October 4" has no end)."""

    start: date | None
    end: date | None
    text: str  # the words that named it
    at: int = 0  # where in the question those words begin

    def holds(self, day: str) -> bool:
        """Whether an ISO day ("2023-10-19", or a longer timestamp) falls inside the period."""
        try:
            value = date.fromisoformat(day[:10])
        except ValueError:
            return False
        return (self.start is None or value >= self.start) and (self.end is None or value <= self.end)


def parse_day(text: str, reference: date | None = None) -> date | None:
    """A written day ("October 7th, 2023", "7 of October", "2023-10-07"); without a year, the latest such day not
    after the reference (none without a reference); None for a day that does not exist ("February 30, 2023")."""
    text = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b|\bof\b", " ", text)
    has_year = bool(re.search(r"\d{4}", text))
    if not has_year and reference is None:
        return None
    try:
        parsed = date_parser.parse(text, default=date_parser.parse(f"{(reference or date.min).year}-01-01")).date()
    except (ValueError, OverflowError):
        return None
    if not has_year and reference is not None and parsed > reference:
        try:
            parsed = parsed.replace(year=parsed.year - 1)
        except ValueError:  # 29 February
            return None
    return parsed


def _month_period(month: str, year: str | None, part: str | None, reference: date | None) -> tuple[date, date] | None:
    """A month (or its early, mid or late third); without a year, the latest such month not after the reference."""
    number = _MONTH_NUMBERS.get(month.rstrip("."), 0)
    if not number:
        return None
    if year:
        chosen = int(year)
    elif reference is not None:
        chosen = reference.year if number <= reference.month else reference.year - 1
    else:
        return None
    last = calendar.monthrange(chosen, number)[1]
    first_day, last_day = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}.get((part or "").lower(), (1, last))
    return date(chosen, number, first_day), date(chosen, number, last_day)


def _relative(match: re.Match[str], today: date) -> tuple[date, date]:
    """The days a relative phrase covers, read against `today` (the reference day)."""
    what = " ".join(match.group("what").lower().split())
    if what == "today":
        return today, today
    if what == "yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    if match.group("unit"):
        count = int(match.group("n")) if match.group("n").isdigit() else _NUMBERS[match.group("n").lower()]
        unit = match.group("unit").lower().rstrip("s")
        days = count * {"day": 1, "week": 7, "month": 30}[unit]
        return today - timedelta(days=days - 1), today
    word, unit = what.split()[-2:]
    if unit in _WEEKDAYS:  # "last Tuesday": the latest Tuesday before today
        back = (today.weekday() - _WEEKDAYS.index(unit)) % 7 or 7
        return today - timedelta(days=back), today - timedelta(days=back)
    if word == "past":  # "the past week": the days up to today
        return today - timedelta(days={"week": 6, "month": 29, "year": 364}[unit]), today
    if unit == "week":  # "last week" runs on to today: people say it of the last few days too
        monday = today - timedelta(days=today.weekday())
        return (monday, today) if word == "this" else (monday - timedelta(days=7), today)
    if unit == "month":
        first = today.replace(day=1)
        if word == "this":
            return first, today
        before = first - timedelta(days=1)
        return before.replace(day=1), before
    if word == "this":
        return today.replace(month=1, day=1), today
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


def mentioned_periods(text: str, reference: date | Callable[[], date | None] | None = None) -> list[Period]:
    """The periods a question names, in the order they appear.

    Args:
        text: the question.
        reference: the day relative phrases and year-less dates are read against (or a function giving it,
            called only when the question needs it); without one, such phrases are not read.
    """
    text = text[:MAX_TEXT]
    found: list[Period] = []
    taken: list[tuple[int, int]] = []
    resolved: list[date | None] = []

    def today() -> date | None:
        if not resolved:
            resolved.append(reference() if callable(reference) else reference)
        return resolved[0]

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    def add(span: tuple[int, int], start: date | None, end: date | None) -> None:
        known = any(p.start == start and p.end == end for p in found)
        if (start or end) and (start is None or end is None or start <= end) and free(span) and not known:
            taken.append(span)
            found.append(Period(start, end, text[span[0] : span[1]], span[0]))

    days = [m.span() for m in _DAY_NAMED.finditer(text)]
    for pattern in _RANGES:
        for match in pattern.finditer(text):
            first, last = match.groupdict().get("a"), match.groupdict().get("b")
            dated = [bool(re.search(r"\d{4}", t)) if t else False for t in (first, last)]
            end = parse_day(last, None if dated[1] or dated[0] else today()) if last else None
            if first and last and not dated[0] and dated[1]:  # "after October 4 and before November 1, 2023"
                start = parse_day(first, end)
            else:
                start = parse_day(first, None if dated[0] else today()) if first else None
            if first and last and dated[0] and not dated[1] and start:  # "from 4 October 2023 to 1 November"
                end = parse_day(f"{last} {start.year}", None)
                end = end.replace(year=end.year + 1) if end and end < start else end
            if (first and start is None) or (last and end is None):
                continue
            if start and end and start > end and not any(dated):  # "between December 20 and January 5"
                start = parse_day(f"{first} {start.year - 1}", None)
            add(match.span(), start, end)
    for match in _MONTH_PERIOD.finditer(text):
        if any(match.start() < b and a < match.end() for a, b in days):
            continue  # a month inside a written day ("7 November 2023") is that day, not the month
        month = match.group("m1") or match.group("m2") or match.group("m3")
        year = match.group("y1") or match.group("y2") or match.group("y3")
        part = match.group("p1") or match.group("p2")
        span = _month_period(month, year, part, None if year else today())
        if span is not None:
            onwards = (match.group("open") or "").lower() in _ONWARDS
            add(match.span(), span[0], None if onwards else span[1])
    for match in _RELATIVE.finditer(text):
        before = text[: match.start()].rstrip()
        if match.group("what")[:1].isupper() and before and before[-1] not in '.?!:;"“(':
            continue  # a name: "USA Today", "Last Week Tonight"
        reference_day = today()
        if reference_day is not None:
            add(match.span(), *_relative(match, reference_day))
    return sorted(found, key=lambda p: p.at)[:MAX_PERIODS]
