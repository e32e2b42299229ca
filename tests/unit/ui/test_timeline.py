"""Timelines: articles per week by outlet, and when the cited articles of an answer appeared."""

from __future__ import annotations

from datetime import date

from rag.answer.sources import sources
from rag.archive.article_record import ArticleRecord
from rag.archive.store import ArchiveStats
from rag.models import Citation, Passage
from rag.ui.timeline import (
    MAX_OUTLETS,
    archive_chart_spec,
    articles_over_time,
    cited_caption,
    cited_chart_spec,
    cited_points,
    coverage,
    human_day,
)


def record(day: str, outlet: str = "Herald") -> ArticleRecord:
    return ArticleRecord(f"{outlet}-{day}", "h", 1, {"published_at": day, "outlet": outlet})


def cite(n: int, article: str, day: str, outlet: str = "Herald") -> Citation:
    return Citation(n, Passage(f"{article}-{n}", "Text.", article, f"Headline {article}", outlet, published_at=day))


def test_dates_read_as_people_write_them_and_the_archive_says_how_far_it_reaches() -> None:
    assert human_day("2023-05-30T00:00:00+00:00") == "30 May 2023" and human_day("") == "undated"
    assert coverage(ArchiveStats(2, 9, ["Herald"], "2023-05-30", "2023-12-24")) == (
        "covers up to **24 Dec 2023** (from 30 May 2023)"
    )
    assert coverage(ArchiveStats(1, 3, [], "2023-05-30", "2023-05-30")) == "covers up to **30 May 2023**"
    assert coverage(ArchiveStats(1, 3, [], "", "")) == ""


def test_articles_are_counted_per_week_by_outlet_with_empty_weeks_kept() -> None:
    records = [
        record("2023-10-02", "Herald"),  # a Monday
        record("2023-10-08", "Herald"),  # the Sunday of the same week
        record("2023-10-04", "Courier"),
        record("2023-10-25", "Courier"),  # two empty weeks later
        ArticleRecord("undated", "h", 1, {"outlet": "Herald", "published_at": ""}),
    ]
    series, unit, undated = articles_over_time(records)
    assert unit == "week" and undated == 1
    weeks = [date(2023, 10, 2), date(2023, 10, 9), date(2023, 10, 16), date(2023, 10, 23)]
    assert series == {
        "Courier": dict(zip(weeks, [1, 0, 0, 1], strict=True)),
        "Herald": dict(zip(weeks, [2, 0, 0, 0], strict=True)),
    }


def test_a_long_archive_is_counted_per_month_and_small_outlets_are_grouped() -> None:
    records = [record(f"{year}-{month:02d}-15", f"Outlet {month}") for year in (2021, 2022, 2023) for month in (1, 7)]
    records += [record("2023-12-31", f"Small {i}") for i in range(MAX_OUTLETS)]
    series, unit, _ = articles_over_time(records)
    assert unit == "month"
    assert "Other outlets" in series and len(series) == MAX_OUTLETS
    months = next(iter(series.values()))
    assert min(months) == date(2021, 1, 1) and max(months) == date(2023, 12, 1) and len(months) == 36
    assert sum(sum(counts.values()) for counts in series.values()) == len(records)


def test_nothing_dated_draws_nothing() -> None:
    assert articles_over_time([ArticleRecord("a", "h", 1, {})]) == ({}, "week", 1)


def test_the_cited_articles_are_listed_by_date_with_how_fresh_the_newest_is() -> None:
    cited = sources(
        [
            cite(1, "b", "2023-06-02T10:00:00+00:00", "Courier"),
            cite(2, "a", "2023-05-30"),
            cite(3, "b", "2023-06-02T10:00:00+00:00", "Courier"),
            cite(4, "c", ""),
        ]
    )
    stats = ArchiveStats(3, 9, ["Courier", "Herald"], "2023-05-30", "2023-12-24")
    assert cited_caption(cited, stats) == (
        "When the cited articles appeared\\: [2] 30 May 2023 · [1] 2 Jun 2023 · [3] undated\\. "
        "The newest is 205 days older than the archive's newest article \\(24 Dec 2023\\)\\."
    )
    latest = ArchiveStats(3, 9, [], "2023-05-30", "2023-06-02")
    assert cited_caption(cited, latest).endswith("The newest is from the archive's latest day\\.")
    points = cited_points(cited)
    assert [(p["day"], p["label"], p["outlet"]) for p in points] == [
        ("2023-06-02", "[1]", "Courier"),  # one number per article, as the answer shows it
        ("2023-05-30", "[2]", "Herald"),
    ]
    spec = cited_chart_spec(points)
    assert spec["data"]["values"] == points and spec["encoding"]["x"]["type"] == "temporal"


def test_article_text_in_a_timeline_is_plain() -> None:
    hostile = sources([cite(1, "x", "2024-01-01", "*Bold*\x1b[31m Times")])
    assert cited_points(hostile)[0]["outlet"] == "*Bold* Times"  # charts draw text, not Markdown
    assert cited_caption(hostile, ArchiveStats()) == "When the cited articles appeared\\: [1] 1 Jan 2024"
    assert cited_caption([], ArchiveStats()) == ""


def test_each_bar_of_the_archive_chart_spans_its_own_week() -> None:
    series, unit, _ = articles_over_time([record("2023-10-04", "Courier"), record("2023-10-25", "Herald")])
    spec = archive_chart_spec(series, unit)
    assert spec["data"]["values"] == [  # empty weeks draw no bar, yet keep their place on the time axis
        {"start": "2023-10-02", "end": "2023-10-08", "outlet": "Courier", "articles": 1},
        {"start": "2023-10-23", "end": "2023-10-29", "outlet": "Herald", "articles": 1},
    ]
    assert spec["encoding"]["x"]["type"] == "temporal" and spec["transform"][0]["stack"] == "articles"


def test_far_flung_dates_are_counted_per_year_and_never_break_the_chart() -> None:
    records = [record("1850-06-01", "Gazette"), record("2023-05-30", "Gazette"), record("9999-12-31", "Courier")]
    series, unit, _ = articles_over_time(records)
    assert unit == "year" and sum(sum(c.values()) for c in series.values()) == 3
    assert "9999-01-01" in {v["start"] for v in archive_chart_spec(series, unit)["data"]["values"]}
