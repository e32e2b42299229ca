"""The filter an evaluation case asks for: outlets, since/until (a bare day covers the whole day), and as_of."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rag.errors import LoadError
from rag.eval.cases import EvalCase
from rag.eval.run import case_filters


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_outlets_and_a_bare_day_range_cover_whole_days() -> None:
    flt = case_filters(EvalCase(id="c", question="q", outlet=["TechCrunch"], since="2023-11-01", until="2023-11-30"))
    assert flt.outlets == ("TechCrunch",)
    assert (flt.since, flt.until) == (_utc(2023, 11, 1), _utc(2023, 11, 30, 23, 59, 59))


@pytest.mark.parametrize(
    ("until", "as_of", "expected"),
    [
        ("", "2023-11-15", _utc(2023, 11, 15, 23, 59, 59)),  # as_of alone: everything published by the end of that day
        ("2023-11-30", "2023-11-15", _utc(2023, 11, 15, 23, 59, 59)),  # the earlier of the two wins
        ("2023-11-10", "2023-11-15", _utc(2023, 11, 10, 23, 59, 59)),
        ("", "2023-11-15T09:00:00Z", _utc(2023, 11, 15, 9, 0, 0)),  # a moment is exact
    ],
)
def test_as_of_hides_what_was_published_after_it(until: str, as_of: str, expected: datetime) -> None:
    flt = case_filters(EvalCase(id="c", question="q", until=until, as_of=as_of))
    assert flt.until == expected and flt.since is None


def test_a_case_date_that_is_not_a_date_is_a_load_error_naming_the_field() -> None:
    with pytest.raises(LoadError, match=r"^as_of 'next week' is not a date$"):
        case_filters(EvalCase(id="c", question="q", as_of="next week"))
