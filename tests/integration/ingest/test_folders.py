"""Every file under an ingested folder is accounted for: read, or reported as skipped with the reason (hidden files
and folders, other types, what is not a regular file)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from rag.archive.knowledge import Archive
from rag.errors import LoadError
from rag.ingest.folders import HIDDEN_FILE, HIDDEN_FOLDER, NOT_A_FILE, Skip, walk
from rag.ingest.loaders import load_file
from rag.ingest.pipeline import ingest_paths

STORY = "# Harbour bridge reopens\n\nThe harbour bridge reopened on Monday after a two-year refit, the council said.\n"


def _write(path: Path, text: str = STORY) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_hidden_files_and_folders_are_reported_once_each_and_never_read(tmp_path: Path) -> None:
    _write(tmp_path / "story.md")
    _write(tmp_path / ".hidden.md")
    _write(tmp_path / "..dots..md")  # starts with a dot: hidden on Unix, whatever else it looks like
    _write(tmp_path / ".git" / "notes.md")
    _write(tmp_path / ".drafts" / "sub" / "draft.md")
    _write(tmp_path / "notes.xyz", "x")
    found = {p.relative_to(tmp_path).as_posix(): problem for p, problem in walk([tmp_path])}
    assert found == {
        "..dots..md": HIDDEN_FILE,
        ".drafts": HIDDEN_FOLDER,
        ".git": HIDDEN_FOLDER,
        ".hidden.md": HIDDEN_FILE,
        "notes.xyz": found["notes.xyz"],
        "story.md": None,
    }
    assert all(isinstance(problem, Skip) for name, problem in found.items() if name != "story.md")
    assert "unsupported file type '.xyz'" in str(found["notes.xyz"])
    assert "starts with a dot" in HIDDEN_FILE and "rename it" in HIDDEN_FILE and "rename it" in HIDDEN_FOLDER


def test_a_hidden_file_or_folder_named_explicitly_is_read(tmp_path: Path) -> None:
    hidden = _write(tmp_path / ".hidden.md")
    _write(tmp_path / ".drafts" / "draft.md")
    assert list(walk([hidden])) == [(hidden, None)]
    assert list(walk([tmp_path / ".drafts"])) == [(tmp_path / ".drafts" / "draft.md", None)]
    assert load_file(hidden).articles[0].title == "Harbour bridge reopens"


def test_hidden_metadata_files_are_reported_too(tmp_path: Path) -> None:
    _write(tmp_path / "story.txt", "The harbour bridge reopened on Monday.\n")
    _write(tmp_path / ".story.meta.yaml", "outlet: Port Gazette\n")
    found = {p.name: problem for p, problem in walk([tmp_path])}
    assert found == {"story.txt": None, ".story.meta.yaml": HIDDEN_FILE}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a Unix thing")
def test_a_pipe_is_reported_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "feed.jsonl")  # reading it would wait for a writer for ever
    assert list(walk([tmp_path])) == [(tmp_path / "feed.jsonl", NOT_A_FILE)]
    with pytest.raises(LoadError, match="not a regular file"):
        load_file(tmp_path / "feed.jsonl")


def test_the_ingest_report_lists_every_skipped_file_with_its_reason(hash_archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    _write(folder / "story.md")
    _write(folder / ".hidden.md")
    _write(folder / "..dots..md")
    _write(folder / ".cache" / "old.md")
    _write(folder / "notes.xyz", "x")
    report = ingest_paths(hash_archive, [folder])
    statuses = {Path(f.path).name: f.status for f in report.files}
    assert statuses == {
        "story.md": "ingested",
        ".hidden.md": "skipped",
        "..dots..md": "skipped",
        ".cache": "skipped",
        "notes.xyz": "skipped",
    }
    lines = {Path(f.path).name: f.describe() for f in report.files}
    assert HIDDEN_FILE in lines["..dots..md"] and HIDDEN_FILE in lines[".hidden.md"]
    assert HIDDEN_FOLDER in lines[".cache"]
    assert report.ok and re.search(r"\b4 (of another type )?skipped", report.summary())  # skipped is not failed
    assert hash_archive.store.article_count() == 1


NESTED = 1_500  # folders inside each other: past Python's recursion limit of 1,000 frames


def test_folders_nested_1500_deep_are_read_to_the_bottom(hash_archive: Archive, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    top = _write(inbox / "top.md")
    folders = [inbox]
    for _ in range(NESTED):  # one level at a time: Path.mkdir(parents=True) itself recurses per missing level
        folders.append(folders[-1] / "d")
        folders[-1].mkdir()
    bottom = _write(
        folders[-1] / "bottom.md", "# Ferry strike ends\n\nThe ferry strike ended on Tuesday, the union said.\n"
    )
    try:
        assert list(walk([inbox])) == [(bottom, None), (top, None)]  # sorted: the folder "d" before "top.md"
        assert load_file(bottom).articles[0].title == "Ferry strike ends"
        report = ingest_paths(hash_archive, [inbox])
        assert [(Path(f.path).name, f.status) for f in report.files] == [
            ("bottom.md", "ingested"),
            ("top.md", "ingested"),
        ]
        assert hash_archive.store.article_count() == 2
    finally:  # bottom up: shutil.rmtree, which pytest cleans tmp_path with, recurses per level on Python 3.11
        bottom.unlink()
        for folder in reversed(folders[1:]):
            folder.rmdir()
