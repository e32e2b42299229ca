"""Uploaded files: size cap, type checked by content (not just the extension), saved under a safe name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.errors import LoadError
from rag.ingest.loaders import read_text
from rag.ingest.pipeline import FileReport
from rag.ingest.uploads import check_upload, safe_name, save_upload
from rag.ui.sidebar import upload_outcome, upload_row, upload_summary


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("notes.txt", b"\x89PNG\r\n\x1a\nrest", "PNG image"),
        ("report.txt", b"%PDF-1.7 ...", "PDF"),
        ("articles.json", b"this is not json", "not JSON"),
        ("articles.jsonl", b"{oops\n", "first line is not JSON"),
        ("page.html", b"just some words, no markup", "not an HTML page"),
        ("story.txt", b"<!doctype html><html><body><p>Hi</p></body></html>", "rename it to .html"),
        ("story.md", b'[{"title": "x", "body": "y"}]', "rename it to .json"),
        ("story.txt", "caf\xe9".encode("latin-1") + b" au lait", "not UTF-8"),
        ("story.exe", b"MZ...", "unsupported file type"),
        ("big.txt", b"x" * 2048, "limit is"),
    ],
)
def test_uploads_are_checked_by_content(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(LoadError, match=reason):
        check_upload(name, data, max_bytes=1024)


def test_good_uploads_are_saved_under_a_safe_name(tmp_path: Path) -> None:
    path = save_upload(tmp_path, "../../etc/My story?.md", b"# Title\n\nBody text here.", 1024)
    assert path.parent == tmp_path and path.read_bytes().startswith(b"# Title")
    assert re.fullmatch(r"My story_-[0-9a-f]{8}\.md", path.name)  # cleaned, so marked with the original's hash
    assert safe_name("..").startswith("upload-") and safe_name(".hidden.md").startswith("hidden-")
    check_upload("a.jsonl", b'{"title": "t", "body": "b"}\n', 1024)
    check_upload("a.html", b"<html><body><p>Text</p></body></html>", 1024)


def test_utf16_and_utf32_text_with_a_byte_order_mark_is_read_like_the_cli_reads_it(tmp_path: Path) -> None:
    body = "Harbour bridge reopens\n\nThe harbour bridge reopened on Monday, the council said. Café owners cheered."
    for codec in ("utf-16", "utf-32", "utf-8-sig"):
        data = body.encode(codec)  # with the byte-order mark that Windows' "Unicode" text carries
        check_upload("bridge.txt", data, 2**20)
        assert read_text(data, "bridge.txt").lstrip("\ufeff") == body
    with pytest.raises(LoadError, match="binary file"):
        check_upload("blob.txt", b"\x00\x01\x02 not text", 2**20)


def test_the_upload_report_row_names_the_file_never_the_server_path(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "uploads"
    report = FileReport(str(folder / "feed.jsonl"), new=2, errors=[f"{folder}/feed.jsonl:3: the record has no text"])
    row = upload_row(report)
    assert row["file"] == "feed.jsonl" and row["status"] == "failed" and row["new"] == row["articles"] == 2
    assert row["reason"] == "feed.jsonl:3: the record has no text"
    assert str(tmp_path) not in str(row)


def test_the_upload_report_says_what_happened_in_plain_words(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    reports = [
        FileReport(str(folder / "feed.jsonl"), new=1, unchanged=8),
        FileReport(str(folder / "mixed.jsonl"), new=7, errors=[f"{folder}/mixed.jsonl:3: the record has no text"]),
        FileReport(str(folder / "fix.md"), replaced=1),
        FileReport(str(folder / "scan.txt"), errors=["the content is a PDF, not .txt text"]),
        FileReport(str(folder / ".hidden.md"), skipped="a hidden file"),
    ]
    rows = [upload_row(r) for r in reports]
    assert [upload_outcome(r) for r in rows] == [
        "1 added, 8 unchanged",
        "7 added, with errors",
        "1 replaced",
        "refused",
        "skipped",
    ]
    assert rows[1]["reason"] == "mixed.jsonl:3: the record has no text" and rows[4]["reason"] == "a hidden file"
    assert upload_summary(rows) == (
        "8 articles added · 1 replaced · 8 unchanged · 1 file refused · 1 file with errors · 1 file skipped"
    )
    assert upload_summary(rows[3:4]) == "1 file refused"


def test_unicode_upload_names_are_kept_and_never_collide(tmp_path: Path) -> None:
    names = ["東京.txt", "大阪.txt", "ü.txt", "_.txt", "a/b.txt", "a_b.txt", "b.txt", "x" * 300 + ".txt"]
    saved = [safe_name(n) for n in names]
    assert saved[:4] == ["東京.txt", "大阪.txt", "ü.txt", "_.txt"] and len(set(saved)) == len(names)
    assert all(len(n.encode()) <= 200 for n in saved) and safe_name("a/b.txt") == safe_name("a/b.txt")
    assert safe_name("u\u0308.txt") == safe_name("ü.txt")  # one name, however the browser composed it
