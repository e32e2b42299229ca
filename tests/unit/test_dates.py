"""`rag.dates`: parsing (UTC when no zone is given), ISO text, Unix seconds, and the ends of a date range."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.dates import day_bounds, format_date, parse_date, timestamp
from rag.errors import LoadError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-11-27T08:45:59+00:00", datetime(2023, 11, 27, 8, 45, 59, tzinfo=UTC)),
        ("2023-11-27T09:45:59+01:00", datetime(2023, 11, 27, 8, 45, 59, tzinfo=UTC)),
        ("2023-11-27", datetime(2023, 11, 27, tzinfo=UTC)),
        ("Nov. 27, 2023", datetime(2023, 11, 27, tzinfo=UTC)),
        ("Mon, 27 Nov 2023 08:45:59 GMT", datetime(2023, 11, 27, 8, 45, 59, tzinfo=UTC)),
        (1701074759, datetime(2023, 11, 27, 8, 45, 59, tzinfo=UTC)),
        (date(2023, 11, 27), datetime(2023, 11, 27, tzinfo=UTC)),
        (datetime(2023, 11, 27, 8, 45, 59), datetime(2023, 11, 27, 8, 45, 59, tzinfo=UTC)),
        (None, None),
        ("", None),
    ],
)
def test_parse_date(value: object, expected: datetime | None) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is None or parsed.tzinfo is UTC


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("not a date", "published_at 'not a date' is not a date"),
        ("2023-13-45", "published_at '2023-13-45' is not a date"),
        ("32/01/2023", "published_at '32/01/2023' is not a date"),
        (10**20, f"published_at {10**20} is not a date (a timestamp in seconds is expected)"),
        (float("inf"), "published_at inf is not a date (a timestamp in seconds is expected)"),
    ],
)
def test_parse_date_refuses_with_a_load_error(value: object, reason: str) -> None:
    with pytest.raises(LoadError) as info:
        parse_date(value, where="feed.json record 3", name="published_at")
    assert info.value.reason == reason
    assert info.value.where == "feed.json record 3"


def test_iso_text_and_unix_seconds() -> None:
    moment = datetime(1969, 7, 20, 20, 17, 40, tzinfo=UTC)
    assert format_date(moment) == "1969-07-20T20:17:40Z"
    assert format_date(None) == ""
    assert timestamp(moment) == -14182940  # before 1970: negative, not "missing"
    assert timestamp(None) == 0 and timestamp(None, missing=-1) == -1


# --- day_bounds: one end of a date range ----------------------------------------------------------------------


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[arg-type,misc]


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        # a bare day: its first second as a lower bound, its last second as an upper bound
        ("2023-11-30", _utc(2023, 11, 30), _utc(2023, 11, 30, 23, 59, 59)),
        (" 2023-11-30 ", _utc(2023, 11, 30), _utc(2023, 11, 30, 23, 59, 59)),
        (date(2023, 11, 30), _utc(2023, 11, 30), _utc(2023, 11, 30, 23, 59, 59)),
        ("2024-02-29", _utc(2024, 2, 29), _utc(2024, 2, 29, 23, 59, 59)),
        ("2023-12-31", _utc(2023, 12, 31), _utc(2023, 12, 31, 23, 59, 59)),
        ("1953-02-01", _utc(1953, 2, 1), _utc(1953, 2, 1, 23, 59, 59)),
        # a moment is taken as it is, at either end
        ("2023-11-30T12:00:00Z", _utc(2023, 11, 30, 12), _utc(2023, 11, 30, 12)),
        ("2023-11-30T12:00:00+01:00", _utc(2023, 11, 30, 11), _utc(2023, 11, 30, 11)),
        (datetime(2023, 11, 30), _utc(2023, 11, 30), _utc(2023, 11, 30)),
        (_utc(2023, 11, 30, 8, 15), _utc(2023, 11, 30, 8, 15), _utc(2023, 11, 30, 8, 15)),
        (1701302400, _utc(2023, 11, 30), _utc(2023, 11, 30)),
        # no bound
        (None, None, None),
        ("", None, None),
    ],
)
def test_day_bounds(value: object, start: datetime | None, end: datetime | None) -> None:
    assert day_bounds(value, end=False) == start
    assert day_bounds(value, end=True) == end


@given(st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31)))
def test_day_bounds_of_a_day_as_text_or_date_cover_exactly_that_day(day: date) -> None:
    first, last = day_bounds(day.isoformat(), end=False), day_bounds(day.isoformat(), end=True)
    assert (first, last) == (day_bounds(day, end=False), day_bounds(day, end=True))
    assert first is not None and last is not None
    assert first == datetime(day.year, day.month, day.day, tzinfo=UTC)
    assert last - first == timedelta(days=1, seconds=-1) and last.microsecond == 0


def test_day_bounds_refuses_what_is_not_a_date() -> None:
    with pytest.raises(LoadError, match=r"^until 'soon' is not a date$") as info:
        day_bounds("soon", end=True, name="until")
    assert info.value.where is None


@pytest.mark.parametrize("value", ["30 Nov 2023", "November 30, 2023"])
def test_day_bounds_of_a_day_written_in_words_ends_with_that_day(value: str) -> None:
    assert day_bounds(value, end=True) == _utc(2023, 11, 30, 23, 59, 59)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-11-30 18:00", _utc(2023, 11, 30, 18, 0, 0)),
        ("2023-11-30T00:00Z", _utc(2023, 11, 30, 0, 0, 0)),
        ("30 Nov 2023 6pm", _utc(2023, 11, 30, 18, 0, 0)),
        ("2023-11-30T12:30:15+02:00", _utc(2023, 11, 30, 10, 30, 15)),
    ],
)
def test_day_bounds_take_a_value_with_a_time_of_day_as_it_is(value: str, expected: datetime) -> None:
    """Only a day without a time is widened to its end: a time of day, with or without seconds, is exact."""
    assert day_bounds(value, end=True) == expected
    assert day_bounds(value, end=False) == expected
