"""Counts in words (`rag/counts.py`)."""

from __future__ import annotations

from rag.counts import counted


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert [counted(n, "file") for n in (0, 1, 2)] == ["0 files", "1 file", "2 files"]
    assert counted(1, "passage") == "1 passage" and counted(1_500, "passage") == "1,500 passages"
    assert counted(2, "copy") == "2 copies" and counted(3, "file or folder", "files or folders") == "3 files or folders"
