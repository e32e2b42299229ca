"""Dates everywhere in Newsroom: parsing (UTC when no zone is given), ISO text, Unix seconds, and date ranges."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from dateutil import parser as date_parser

from rag.errors import LoadError

_DAY_ONLY = 10  # "2023-11-30" has ten characters: such a value names a whole day


def parse_date(value: Any, *, where: str = "", name: str = "date") -> datetime | None:
    """A timezone-aware datetime (UTC when no zone is given) from text, a date or a timestamp."""
    if value in (None, ""):
        return None
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


def day_bounds(value: Any, *, end: bool, name: str = "date") -> datetime | None:
    """One end of a date range. A bare day ("2023-11-30", or a `date`) means the start of that day as a lower
    bound and its last second as an upper bound ("until 2023-11-30" includes the whole 30th); a value with a
    time of day is taken as it is.

    Raises:
        LoadError: the value is not a date.
    """
    if value in (None, ""):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time.max if end else time.min, tzinfo=UTC).replace(microsecond=0)
    parsed = parse_date(value, name=name)
    if parsed is not None and end and isinstance(value, str) and len(value.strip()) <= _DAY_ONLY:
        parsed += timedelta(days=1, seconds=-1)
    return parsed
