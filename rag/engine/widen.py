"""A refusal under the user's own filters says so, and what the archive holds without them: a reporter who limited
the search to one outlet or a few weeks must not read "the archive does not answer this" as "the archive lacks the
story".
"""

from __future__ import annotations

from datetime import datetime

from rag.archive.filters import ArchiveFilter
from rag.models import Answer, Passage

MAX_ARTICLES = 3  # articles named as what the archive has without the filters


def limited(flt: ArchiveFilter | None) -> bool:
    """Whether the user narrowed the search (outlets or dates), beyond what their role may see anyway."""
    return flt is not None and bool(flt.outlets or flt.since or flt.until)


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def limits_text(flt: ArchiveFilter) -> str:
    """The user's filters in words: "articles from The Guardian or Reuters published 1 Nov 2023 to 30 Nov 2023"."""
    text = "articles"
    if flt.outlets:
        text += " from " + " or ".join(flt.outlets)
    if flt.since and flt.until:
        text += f" published {_day(flt.since)} to {_day(flt.until)}"
    elif flt.since:
        text += f" published on or after {_day(flt.since)}"
    elif flt.until:
        text += f" published on or before {_day(flt.until)}"
    return text


def _when(published_at: str) -> str:
    try:
        return _day(datetime.fromisoformat(published_at[:10]))
    except ValueError:
        return ""


def widened_notice(flt: ArchiveFilter, beyond: Answer | None) -> str:
    """The notice for a refusal under the user's filters: the filters, then, when the archive answers the question
    without them (`beyond`: the answer from the articles the filters left out), the articles that answer it."""
    head = f"The search was limited to {limits_text(flt)}."
    if beyond is None or beyond.refused or not beyond.citations:
        return f"{head} Without those limits the archive does not answer this either."
    articles: dict[str, Passage] = {}
    for citation in beyond.citations:
        articles.setdefault(citation.passage.article_id, citation.passage)
    named = [
        f"“{p.title}” ({', '.join(x for x in (p.outlet, _when(p.published_at)) if x)})"
        for p in list(articles.values())[:MAX_ARTICLES]
    ]
    listed = " and ".join(named) if len(named) < 3 else f"{'; '.join(named[:-1])}; and {named[-1]}"
    return f"{head} Without those limits, the archive answers it from {listed}."
