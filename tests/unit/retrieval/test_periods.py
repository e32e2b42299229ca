"""Periods a question names: date ranges, months and their thirds, and relative phrases read against a reference
day (the archive's newest article), then used as keyword rankings of their own by the hybrid retriever."""

from __future__ import annotations

from datetime import date

import pytest

from rag.archive.filters import ArchiveFilter
from rag.retrieval.periods import Period, mentioned_periods
from rag.retrieval.question import understand

TODAY = date(2023, 12, 20)  # a Wednesday


def spans(text: str, reference: date | None = TODAY) -> list[tuple[str | None, str | None]]:
    return [
        (p.start.isoformat() if p.start else None, p.end.isoformat() if p.end else None)
        for p in mentioned_periods(text, reference)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "What did Sporting News report after October 4, 2023, and before November 1, 2023, about the odds?",
            [("2023-10-04", "2023-11-01")],
        ),
        ("coverage between November 23, 2023, and November 30, 2023", [("2023-11-23", "2023-11-30")]),
        ("from 4 October 2023 to 1 November", [("2023-10-04", "2023-11-01")]),
        ("until 1 November 2023", [(None, "2023-11-01")]),
        ("after October 4 and before November 1, 2023", [("2023-10-04", "2023-11-01")]),  # the year of the end
        ("the TechCrunch report published after November 6, 2023", [("2023-11-06", None)]),
        ("What warnings came before 2023-10-07?", [(None, "2023-10-07")]),
        ("What has the council done since October 7?", [("2023-10-07", None)]),  # the latest October 7
        ("What did we publish in early November about the harbour?", [("2023-11-01", "2023-11-10")]),
        ("stories from mid-October", [("2023-10-11", "2023-10-20")]),
        ("late February 2024 coverage", [("2024-02-21", "2024-02-29")]),
        ("usage during December 2022", [("2022-12-01", "2022-12-31")]),
        ("the November 2023 report", [("2023-11-01", "2023-11-30")]),
        ("What happened in March?", [("2023-03-01", "2023-03-31")]),
        ("What did The Verge report last week about Apple?", [("2023-12-11", "2023-12-20")]),
        ("What did we write this week?", [("2023-12-18", "2023-12-20")]),
        ("over the past week", [("2023-12-14", "2023-12-20")]),
        ("in the last 3 days", [("2023-12-18", "2023-12-20")]),
        ("the past two weeks", [("2023-12-07", "2023-12-20")]),
        ("What did the mayor say yesterday?", [("2023-12-19", "2023-12-19")]),
        ("last Wednesday", [("2023-12-13", "2023-12-13")]),
        ("last month", [("2023-11-01", "2023-11-30")]),
        ("this year", [("2023-01-01", "2023-12-20")]),
        ("last year", [("2022-01-01", "2022-12-31")]),
        # every short month name is its own month
        ("in Jan 2023", [("2023-01-01", "2023-01-31")]),
        ("in Jun 2023", [("2023-06-01", "2023-06-30")]),
        ("in early Aug", [("2023-08-01", "2023-08-10")]),
        ("the Sep 2023 report", [("2023-09-01", "2023-09-30")]),
        ("in Sept. 2023", [("2023-09-01", "2023-09-30")]),
        ("in Dec 2022", [("2022-12-01", "2022-12-31")]),
        ("What has the council done since October?", [("2023-10-01", None)]),  # from October on
        ("the report from October", [("2023-10-01", "2023-10-31")]),  # one of October
        ("between December 20 and January 5", [("2022-12-20", "2023-01-05")]),  # across New Year
        ("from December 28 to January 3", [("2022-12-28", "2023-01-03")]),
        ("Today, what did the council decide?", [("2023-12-20", "2023-12-20")]),
    ],
)
def test_periods_a_question_names(text: str, expected: list[tuple[str | None, str | None]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "What did the TechCrunch report published on October 7, 2023 say?",  # one day: a day ranking, no period
        "published on 7 November 2023",
        "the attack on October 7, 2023",
        "Kirk Cousins' performance in last week's game",  # whose game, not when it was reported
        "last year's champions",
        "Officials may act in the coming days",  # "may" is no month
        "between the Verge and TechCrunch",
        "after February 30, 2023",  # no such day
        "What did USA Today report about the strike?",  # a name, not a day
        "an interview on Last Week Tonight",
    ],
)
def test_no_period(text: str) -> None:
    assert spans(text) == []


def test_relative_phrases_need_a_reference_day_and_ask_for_it_only_when_needed() -> None:
    assert spans("What did we publish last week?", None) == []
    assert spans("in March", None) == []
    assert spans("during December 2022", None) == [("2022-12-01", "2022-12-31")]
    asked: list[int] = []

    def reference() -> date:
        asked.append(1)
        return TODAY

    assert mentioned_periods("coverage during December 2022", reference)[0].end == date(2022, 12, 31)
    assert asked == []
    assert mentioned_periods("last week and last month", reference)[0].text == "last week"
    assert asked == [1]


def test_a_written_year_belongs_to_its_month_whatever_follows() -> None:
    assert spans("in March 2023 12 people died", date(2024, 6, 1)) == [("2023-03-01", "2023-03-31")]
    assert spans("in October 7 attacks") == []  # a day without its year, not the month


def test_long_or_repetitive_questions_are_read_quickly_and_give_a_few_periods() -> None:
    assert len(mentioned_periods("after October 4, 2023 " * 800, TODAY)) == 1  # the same period once
    many = " ".join(f"in {m} 2023" for m in ("January", "February", "March", "April", "May", "June"))
    assert len(mentioned_periods(many, TODAY)) == 4
    spaced = mentioned_periods("after October 4" + " " * 50_000 + "and before November 1, 2023", TODAY)
    assert [p.text for p in spaced] == ["after October 4"]  # read within the first 2,000 characters, not slow


def test_a_period_holds_the_days_inside_it() -> None:
    period = Period(date(2023, 10, 4), date(2023, 11, 1), "after October 4, 2023, and before November 1, 2023")
    assert period.holds("2023-10-04T08:00:00Z") and period.holds("2023-11-01") and not period.holds("2023-11-02")
    assert not period.holds("2023-10-03")  # boundary days are in: "after October 4" keeps the 4th
    assert Period(date(2023, 10, 4), None, "since October 4").holds("2031-01-01")
    assert not period.holds("") and not period.holds("undated")


def test_a_range_belongs_to_the_part_it_starts_in() -> None:
    question = understand(
        "Did TechCrunch report on the layoffs after October 4, 2023, while The Verge covered the chip shortage?",
        ["TechCrunch", "The Verge"],
    )
    assert [len(p.periods) for p in question.parts][0] == 1  # the TechCrunch clause, cut at its "after"
    assert sum(len(p.periods) for p in question.parts) == 1
    assert question.parts[0].periods[0].start == date(2023, 10, 4)


def test_filter_within_a_period_keeps_the_filters_own_range() -> None:
    flt = ArchiveFilter.of(since="2023-10-10")
    inside = flt.within(date(2023, 10, 4), date(2023, 11, 1))
    assert inside is not None and inside.since == flt.since and inside.until is not None
    assert inside.until.date() == date(2023, 11, 1)
    assert flt.within(None, date(2023, 10, 1)) is None  # nothing of the period is left
    open_ended = ArchiveFilter().within(date(2023, 10, 4), None)
    assert open_ended is not None and open_ended.until is None
