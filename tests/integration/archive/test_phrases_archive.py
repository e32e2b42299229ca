"""Two-word phrases on a real archive: a passage that holds a question's phrase ("interest rates") ranks above one
that holds its words apart (the phrase postings themselves: tests/unit/archive/test_phrases.py)."""

from __future__ import annotations

from pathlib import Path

from support import ingest_md

from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive


def test_the_archive_ranks_the_phrase_first(archive: Archive, tmp_path: Path) -> None:
    ingest_md(
        archive,
        tmp_path / "articles",
        [
            (
                "apart.md",
                "Bank staff rate the canteen highly",
                "Staff at the bank gave the canteen high rates in a survey. Interest in the new menu is strong, the "
                "bank said.",
                {},
            ),
            (
                "phrase.md",
                "Bank holds steady",
                "The bank kept interest rates unchanged on Thursday. Staff were told of the decision in the canteen.",
                {},
            ),
        ],
    )
    found = archive.lexical().search("What did the bank do with interest rates?", 2, ArchiveFilter())
    assert [p.title for p in found] == ["Bank holds steady", "Bank staff rate the canteen highly"]
