"""Periods a question names, on a real archive: the newest day a reader may see is the reference for relative
phrases, and a named period moves its articles up (reading periods: tests/unit/retrieval/test_periods.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support import ingest_md

from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.retrieval.hybrid import HybridRetriever

FERRY = [
    (
        f"ferry-{day}.md",
        title,
        body,
        {"outlet": "Harbour Gazette", "published_at": f"2023-{day}"},
    )
    for day, title, body in (
        ("09-02", "Ferry timetable changes", "The harbour ferry timetable changes for the autumn, the operator said."),
        ("10-12", "Ferry fares rise", "Harbour ferry fares rise by ten percent, the operator said on Thursday."),
        ("12-14", "Ferry strike called", "Harbour ferry crews will strike over pay, their union said."),
    )
]


def test_newest_is_the_latest_day_a_reader_may_see(hash_archive: Archive, tmp_path: Path) -> None:
    assert hash_archive.newest() is None
    ingest_md(hash_archive, tmp_path / "ferry", FERRY)
    assert hash_archive.newest() == date(2023, 12, 14)
    assert hash_archive.newest(ArchiveFilter.of(until="2023-11-30")) == date(2023, 10, 12)


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("What did the Harbour Gazette report about the harbour ferry in mid-October?", "Ferry fares rise"),
        ("What did the Harbour Gazette report about the harbour ferry last week?", "Ferry strike called"),
        ("What did the Harbour Gazette report about the harbour ferry before October 1?", "Ferry timetable changes"),
    ],
)
def test_a_named_period_moves_its_articles_up(hash_archive: Archive, tmp_path: Path, question: str, first: str) -> None:
    ingest_md(hash_archive, tmp_path / "ferry", FERRY)
    found = HybridRetriever(hash_archive).search(question, k=3)
    assert len(found) == 3, "a boost, not a filter: the other articles still come"
    assert found[0].title == first
