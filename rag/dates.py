"""Dates everywhere in Newsroom: parsing (UTC when no zone is given), ISO text, Unix seconds, and date ranges."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from dateutil import parser as date_parser

from rag.errors import LoadError


def parse_date(value: Any, *, where: str = "", name: str = "date") -> datetime | None:
    """A timezone-aware datetime (UTC when no zone is given) from text, a date or a timestamp."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):  # YAML reads `embargo_until: true` as a bool, which Python counts as the number 1
        raise LoadError(f"{name} '{str(value).lower()}' is not a date", where=where or None)
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)):
        try:
            parsed = datetime.fromtimestamp(float(value), tz=UTC)
        except (ValueError, OverflowError, OSError) as exc:
            reason = f"{name} {value} is not a date (a timestamp in seconds is expected)"
            raise LoadError(reason, where=where or None) from exc
    else:
        try:
            parsed = date_parser.parse(str(value).strip())
        except (ValueError, OverflowError) as exc:
            raise LoadError(f"{name} '{value}' is not a date", where=where or None) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_date(value: datetime | None) -> str:
    """ISO 8601 text of a datetime, or empty."""
    return value.isoformat().replace("+00:00", "Z") if value else ""


def timestamp(value: datetime | None, missing: int = 0) -> int:
    """Unix seconds of a datetime, or `missing`."""
    return int(value.timestamp()) if value else missing


def _names_a_time(text: str) -> bool:
    """Whether a written date also gives a time of day ("2023-11-30 18:00" does, "30 Nov 2023" does not)."""
    try:
        early = date_parser.parse(text, default=datetime(2000, 1, 1, 0, 0, 0))
        late = date_parser.parse(text, default=datetime(2000, 1, 1, 23, 0, 0))
    except (ValueError, OverflowError):
        return True  # not a date at all: parse_date reports it
    return early.hour == late.hour  # the hour came from the text, not from the default


def day_bounds(value: Any, *, end: bool, name: str = "date") -> datetime | None:
    """One end of a date range. A day without a time ("2023-11-30", "30 Nov 2023", or a `date`) means the start
    of that day as a lower bound and its last second as an upper bound ("until 30 Nov 2023" includes the whole
    30th); a value with a time of day is taken as it is.

    Raises:
        LoadError: the value is not a date.
    """
    if value in (None, ""):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time.max if end else time.min, tzinfo=UTC).replace(microsecond=0)
    parsed = parse_date(value, name=name)
    if parsed is not None and end and isinstance(value, str) and not _names_a_time(value.strip()):
        parsed += timedelta(days=1, seconds=-1)
    return parsed


def date_forms(published_at: str) -> str:
    """A publication date in the ways people write it ("7 October 2023", "October 7, 2023", "2023-10-07",
    "October 2023"), for keyword search; empty when the date cannot be read."""
    try:
        day = date.fromisoformat(published_at[:10])
    except ValueError:
        return ""
    month = day.strftime("%B")
    return f"{day.day} {month} {day.year}; {month} {day.day}, {day.year}; {day.isoformat()}; {month} {day.year}"
