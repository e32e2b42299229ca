"""Timelines: the archive's articles per week by outlet, and the cited articles of an answer on a time axis, so a
reporter sees how a story developed and how fresh the evidence is."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from rag.engine import ArchiveStats, ArticleRecord, Source, strip_controls
from rag.ui.render import md_escape

MAX_OUTLETS = 6  # outlets drawn in their own colour; the rest are "Other outlets"
WEEKS_AT_MOST = 104  # a longer archive is counted per month
MONTHS_AT_MOST = 600  # and one longer than fifty years per year


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def human_day(value: Any) -> str:
    """ "30 May 2023" for an ISO date; "undated" when there is none."""
    day = _day(value)
    return f"{day.day} {day:%b %Y}" if day else "undated"


def coverage(stats: ArchiveStats) -> str:
    """How far the archive reaches, newest date first (Markdown): "covers up to **24 Dec 2023** (from 30 May
    2023)"; empty when no article is dated."""
    if not stats.last_date:
        return ""
    first = f" (from {human_day(stats.first_date)})" if stats.first_date != stats.last_date else ""
    return f"covers up to **{human_day(stats.last_date)}**{first}"


def _period(day: date, unit: str) -> date:
    if unit == "year":
        return day.replace(month=1, day=1)
    return day.replace(day=1) if unit == "month" else day - timedelta(days=day.weekday())


def _next(start: date, unit: str) -> date:
    """The start of the next period (date.max when there is none: the calendar ends in 9999)."""
    try:
        if unit == "year":
            return date(start.year + 1, 1, 1)
        if unit == "month":
            return date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return start + timedelta(days=7)
    except (ValueError, OverflowError):
        return date.max


def articles_over_time(records: Sequence[ArticleRecord]) -> tuple[dict[str, dict[date, int]], str, int]:
    """({outlet: {period start: articles}}, "week", "month" or "year", undated articles): every period from the
    first dated article to the last (empty ones count 0), the largest outlets each on their own and the rest
    together."""
    pairs = [
        (day, strip_controls(str(r.metadata.get("outlet") or "")) or "Unknown outlet")
        for r in records
        if (day := _day(r.metadata.get("published_at"))) is not None
    ]
    undated = len(records) - len(pairs)
    if not pairs:
        return {}, "week", undated
    first, last = min(d for d, _ in pairs), max(d for d, _ in pairs)
    span = (last - first).days
    unit = "week" if span <= WEEKS_AT_MOST * 7 else "month" if span <= MONTHS_AT_MOST * 30 else "year"
    sizes = Counter(outlet for _, outlet in pairs)
    kept = [o for o, _ in sizes.most_common(MAX_OUTLETS if len(sizes) <= MAX_OUTLETS else MAX_OUTLETS - 1)]
    periods: list[date] = []
    start = _period(first, unit)
    while start <= last:
        periods.append(start)
        following = _next(start, unit)
        if following <= start:  # the end of the calendar
            break
        start = following
    series: dict[str, dict[date, int]] = {}
    for outlet in [*sorted(kept), *(["Other outlets"] if len(sizes) > len(kept) else [])]:
        series[outlet] = dict.fromkeys(periods, 0)
    for day, outlet in pairs:
        series[outlet if outlet in kept else "Other outlets"][_period(day, unit)] += 1
    return series, unit, undated


def archive_chart_spec(series: dict[str, dict[date, int]], unit: str) -> dict[str, Any]:
    """A Vega-Lite stacked bar chart: each bar spans its own week (or month), one colour per outlet."""
    values = [
        {
            "start": start.isoformat(),
            "end": (
                min(_next(start, unit), date.max - timedelta(days=30)) - timedelta(days=1 if unit == "week" else 3)
            ).isoformat(),  # a gap between bars
            "outlet": outlet,
            "articles": n,
        }
        for outlet, counts in series.items()
        for start, n in counts.items()
        if n
    ]
    fmt = {"week": "%d %b %Y", "month": "%b %Y", "year": "%Y"}[unit]
    return {
        "data": {"values": values},
        "height": 220,
        # a bar given its own start and end is drawn sideways by Vega-Lite unless its height is a range too
        "transform": [
            {"stack": "articles", "groupby": ["start"], "sort": [{"field": "outlet"}], "as": ["bottom", "top"]}
        ],
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "start", "type": "temporal", "title": f"{unit} starting", "axis": {"format": fmt}},
            "x2": {"field": "end"},
            "y": {"field": "bottom", "type": "quantitative", "title": "articles", "axis": {"tickMinStep": 1}},
            "y2": {"field": "top"},
            "color": {"field": "outlet", "type": "nominal", "title": None, "legend": {"orient": "bottom"}},
            "tooltip": [
                {"field": "outlet"},
                {"field": "articles"},
                {"field": "start", "type": "temporal", "title": f"{unit} starting", "format": fmt},
            ],
        },
    }


MIN_CHART_ARTICLES = 5  # fewer articles than this are listed in words: a chart of one or two reads as a solid block
MIN_CITED_DAYS = 2  # an answer's sources are drawn on a timeline only when they appeared on different days


def draw_archive_timeline(st: Any, records: Sequence[ArticleRecord]) -> None:
    """A stacked bar chart of the archive's articles per week (or month) by outlet. Callers draw it for an archive
    of `MIN_CHART_ARTICLES` or more; a line of words says what a smaller one holds."""
    series, unit, undated = articles_over_time(records)
    if not series:
        st.caption("No article in the archive has a publication date, so there is no timeline to draw.")
        return
    st.vega_lite_chart(archive_chart_spec(series, unit), width="stretch")
    if undated:
        st.caption(f"{undated} undated article{'s' * (undated != 1)} not shown.")


def cited_points(cited: Sequence[Source]) -> list[dict[str, str]]:
    """One point per dated cited article: its day, citation numbers, outlet and headline (plain text)."""
    points = []
    for source in cited:
        p = source.passage
        if _day(p.published_at):
            points.append(
                {
                    "day": p.published_at[:10],
                    "label": source.label,
                    "outlet": strip_controls(p.outlet) or "Unknown outlet",
                    "headline": strip_controls(p.title),
                }
            )
    return points


def cited_caption(cited: Sequence[Source], stats: ArchiveStats) -> str:
    """ "When the cited articles appeared: [1] 30 May 2023 · [2] 2 Jun 2023 — the newest is 205 days older than
    the archive's newest article (24 Dec 2023)." (Markdown, escaped); empty when nothing is cited."""
    if not cited:
        return ""
    ordered = sorted(cited, key=lambda s: (_day(s.passage.published_at) or date.max, s.citations[0].n))
    listed = " · ".join(f"{s.label} {human_day(s.passage.published_at)}" for s in ordered)
    text = f"When the cited articles appeared: {listed}"
    newest = max((d for s in cited if (d := _day(s.passage.published_at))), default=None)
    last = _day(stats.last_date)
    if newest and last:
        gap = (last - newest).days
        if gap <= 0:
            text += ". The newest is from the archive's latest day."
        else:
            text += (
                f". The newest is {gap} day{'s' * (gap != 1)} older than the archive's newest article "
                f"({human_day(stats.last_date)})."
            )
    return md_escape(text).replace("\\[", "[").replace("\\]", "]")


def cited_chart_spec(points: Sequence[dict[str, str]]) -> dict[str, Any]:
    """A small Vega-Lite chart: one dot per cited article on a time axis, by outlet, labelled with its numbers."""
    outlets = len({p["outlet"] for p in points})
    encoding = {
        "x": {"field": "day", "type": "temporal", "title": None, "axis": {"format": "%d %b %Y", "tickCount": 5}},
        "y": {"field": "outlet", "type": "nominal", "title": None},
        "tooltip": [
            {"field": "label", "title": "cited as"},
            {"field": "headline", "title": "headline"},
            {"field": "day", "type": "temporal", "title": "published", "format": "%d %b %Y"},
        ],
    }
    return {
        "data": {"values": list(points)},
        "height": 50 + 30 * outlets,
        "encoding": encoding,
        "layer": [
            {"mark": {"type": "point", "filled": True, "size": 90}},
            {"mark": {"type": "text", "dy": -13, "fontSize": 12}, "encoding": {"text": {"field": "label"}}},
        ],
    }


def draw_cited_timeline(st: Any, cited: Sequence[Source], stats: ArchiveStats) -> None:
    """The cited articles on a small timeline, with a line saying when each appeared and how fresh they are."""
    if caption := cited_caption(cited, stats):
        st.caption(caption)
    points = cited_points(cited)
    if len({p["day"] for p in points}) >= MIN_CITED_DAYS:  # one day is said by the caption; a dot adds nothing
        st.vega_lite_chart(cited_chart_spec(points), width="stretch")
