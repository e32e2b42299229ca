"""A question's clauses: where it is cut into parts, what a clause that only points at a report asks, and which
part a period belongs to (`rag/retrieval/clauses.py`)."""

from __future__ import annotations

from datetime import date

from rag.retrieval.clauses import clauses_and_parts, shared_period, split_parts
from rag.retrieval.periods import mentioned_periods
from rag.retrieval.question import understand


def test_a_clause_that_is_only_an_outlet_asks_what_its_neighbour_asks() -> None:
    outlets = ["The Guardian", "Fortune", "The Verge", "The New York Times"]
    assert split_parts("What did the Guardian, the Verge and Fortune report about the trial?", outlets) == [
        "What did the Guardian report about the trial",
        "the Verge report about the trial",
        "Fortune report about the trial",
    ]
    assert split_parts("What did Fortune report about the trial and the Guardian?", outlets) == [
        "What did Fortune report about the trial",
        "the Guardian report about the trial",
    ]
    assert split_parts("What did the Guardian and the NYT report about the trial?", outlets)[0] == (
        "What did the Guardian report about the trial"
    )
    assert split_parts("The Guardian on Musk, and Fortune on the trial", outlets) == [
        "The Guardian on Musk",
        "Fortune on the trial",
    ]


def test_a_clause_that_only_points_at_a_report_by_its_day_asks_what_its_neighbour_asks() -> None:
    outlets = ["Sporting News", "CBSSports.com", "TechCrunch"]
    parts = understand(
        "Between the report from Sporting News on September 26, 2023, and the report from CBSSports.com on "
        "October 2, 2023, was there consistency in the promotional offers for new customers?",
        outlets,
    ).parts
    assert [p.outlets for p in parts] == [("Sporting News",), ("CBSSports.com",)]
    assert "promotional offers" in parts[0].text and "CBSSports" not in parts[0].text
    days = [[(q.start.isoformat() if q.start else "") for q in p.periods] for p in parts]
    assert days == [["2023-09-26"], ["2023-10-02"]]  # its own day, not the neighbour's
    parts = understand(
        "Has TechCrunch's portrayal of the trial changed between the report published on October 2, 2023, and the "
        "one published on October 7, 2023?",
        outlets,
    ).parts
    assert "portrayal of the trial" in parts[1].text
    assert [[(q.start.isoformat() if q.start else "") for q in p.periods] for p in parts] == [
        ["2023-10-02"],
        ["2023-10-07"],
    ]
    # a clause with a subject of its own keeps it
    assert (
        split_parts("What did Sporting News report on October 2, 2023 and TechCrunch on the trial?", outlets)[1]
        == "TechCrunch on the trial"
    )


def test_an_outlet_name_is_not_cut_at_its_and() -> None:
    outlets = ["The Independent - Life and Style", "Polygon", "Fortune"]
    assert split_parts(
        "Does the Polygon article say Scorsese has less autonomy, while The Independent - Life and Style article "
        "says he made TikTok videos?",
        outlets,
    ) == [
        "Does the Polygon article say Scorsese has less autonomy",
        "The Independent - Life and Style article says he made TikTok videos",
    ]
    assert split_parts("What did Independent - Life and Style report about Taylor Swift and Fortune?", outlets) == [
        "What did Independent - Life and Style report about Taylor Swift",
        "Fortune report about Taylor Swift",
    ]


def test_a_lent_clause_keeps_event_dates_and_periods_stay_where_they_are_written() -> None:
    outlets = ["The Guardian", "BBC News", "Fortune", "TechCrunch"]
    # a date the borrowing clause lacks is an event's, and it is lent with the rest
    assert (
        split_parts(
            "What did the Guardian and BBC News report about the floods in Libya on September 12, 2023?", outlets
        )[0]
        == "What did the Guardian report about the floods in Libya on September 12, 2023"
    )
    # "in November" belongs to Fortune's clause, though the Guardian's clause borrows its words
    parts = understand(
        "What did the Guardian report on October 2, 2023, and what did Fortune say about the strike in November?",
        outlets,
        reference=date(2023, 12, 1),
    ).parts
    assert "strike" in parts[0].text
    # the Guardian's report "on October 2, 2023" is a publication day: a period of one day, in its own clause
    assert [[(q.start, q.end) for q in p.periods] for p in parts] == [
        [(date(2023, 10, 2), date(2023, 10, 2))],
        [(date(2023, 11, 1), date(2023, 11, 30))],
    ]
    # a period the clauses share narrows the search to no one outlet; one written in another's clause is not shared
    reference = date(2023, 12, 1)
    for question, shared in (
        ("What did the Guardian and Fortune report about the strike in November?", True),
        (
            "What did the Guardian report on October 2, 2023, and what did Fortune say about the strike in November?",
            False,
        ),
    ):
        clauses, lent = clauses_and_parts(question, outlets)
        assert [shared_period(p, clauses, lent) for p in mentioned_periods(question, reference)] == [shared], question
    # "the one published on October 7" keeps the outlet of the clause it borrows from
    parts = understand(
        "Has TechCrunch's portrayal of the trial changed between the report published on October 2, 2023, and the "
        "one published on October 7, 2023?",
        outlets,
    ).parts
    assert parts[1].outlets == ("TechCrunch",)
    # a subject that looks like a day is no report's day: "May Day", "day one"
    assert (
        split_parts("What did the Guardian report on May Day, and what did Fortune say about the strike?", outlets)[0]
        == "What did the Guardian report on May Day"
    )
    # a day without its year points at a report too, and lends nothing of its own
    assert split_parts(
        "What did the Guardian report on October 7, and what did Fortune say about the strike?", outlets
    )[0].endswith("about the strike")
    # and a real second question is never folded into the first
    assert split_parts("What did the Fed decide on rates and how did US stocks react?") == [
        "What did the Fed decide on rates",
        "how did US stocks react",
    ]
