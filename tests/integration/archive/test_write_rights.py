"""Writing to the archive is an editor's act: who may write from the app, what a reader with open uploads may do,
and that a reader's session cannot write whatever it sends. Real files, real Chroma, the real Streamlit app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest
from support import write_md

from rag.archive.access import EDITOR, READER, WriteRights, is_loopback, role_filter, write_rights
from rag.archive.knowledge import Archive
from rag.config import load_settings
from rag.errors import AccessDeniedError
from rag.ingest.pipeline import NOT_YOURS, FileReport, ingest_paths
from rag.retrieval.hybrid import HybridRetriever
from rag.ui.sidebar import save_uploads, upload_row

READER_RIGHTS = WriteRights(True, False, "a reader (not signed in)")
COMMON = {"outlet": "Port Gazette", "published_at": "2024-03-04"}
PUBLISHED = "https://gazette.example/toll"
EMBARGOED = "https://gazette.example/toll-july"


@pytest.mark.parametrize(
    ("role", "shared", "open_uploads", "add", "change"),
    [
        (EDITOR, True, False, True, True),
        (READER, False, False, True, True),  # the one local user of an app only this machine reaches
        (READER, True, False, False, False),
        (READER, True, True, True, False),  # open uploads add, never change
        ("admin", True, True, True, False),
    ],
)
def test_who_may_write(role: str, shared: bool, open_uploads: bool, add: bool, change: bool) -> None:
    rights = write_rights(role, "ana@paper.example", shared=shared, open_uploads=open_uploads)
    assert (rights.add, rights.change) == (add, change)
    assert rights.why_not if not add else rights.who


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("localhost", True), ("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("[::1]", True)]
    + [("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("newsroom.example", False), (None, False)],
)
def test_only_loopback_addresses_serve_this_machine_alone(address: str | None, loopback: bool) -> None:
    assert is_loopback(address) is loopback


def _archive_with_hidden_story(archive: Archive, folder: Path) -> Archive:
    write_md(
        folder / "pub.md", "Toll rises", "The harbour bridge toll rises to nine pounds in May.", url=PUBLISHED, **COMMON
    )
    write_md(
        folder / "embargo.md",
        "Toll embargoed",
        "The harbour bridge toll will rise to eleven pounds in July, the board will announce.",
        url=EMBARGOED,
        embargo_until="2999-01-01T09:00:00Z",
        **COMMON,
    )
    assert ingest_paths(archive, [folder]).ok
    return archive


def test_a_reader_with_open_uploads_adds_but_never_changes_a_story(hash_archive: Archive, tmp_path: Path) -> None:
    archive = _archive_with_hidden_story(hash_archive, tmp_path / "desk")
    before = archive.store.signature()
    up = tmp_path / "upload"
    scrapped = write_md(up / "a.md", "Toll scrapped", "The toll is scrapped, readers hear.", url=PUBLISHED, **COMMON)
    retract = write_md(
        up / "b.md", "Toll rises", "The harbour bridge toll rises to nine pounds in May.", url=PUBLISHED,
        status="retracted", **COMMON,
    )  # fmt: skip
    files = [ingest_paths(archive, [path], rights=READER_RIGHTS).files[0] for path in (scrapped, retract)]
    assert [f.status for f in files] == ["failed", "failed"]
    assert [f.errors[0].split(": ", 1)[1] for f in files] == [NOT_YOURS] * 2
    assert archive.store.signature() == before
    # an upload naming the embargoed story's URL reads exactly like one naming a free URL, and changes nothing hidden
    leak = write_md(up / "c.md", "Toll leak", "The toll will rise to fifty pounds, a visitor writes.", url=EMBARGOED,
                    **COMMON)  # fmt: skip
    free = write_md(up / "d.md", "Toll free", "The toll will be free on Sundays, a visitor writes.",
                    url="https://gazette.example/free", **COMMON)  # fmt: skip
    told = [ingest_paths(archive, [path], rights=READER_RIGHTS).files[0] for path in (leak, free)]
    assert [(f.status, f.errors, f.new, f.replaced) for f in told] == [("ingested", [], 1, 0)] * 2
    editor = {p.title: p for p in HybridRetriever(archive).search("harbour bridge toll pounds", 5, role_filter(EDITOR))}
    assert editor["Toll embargoed"].embargo_until.startswith("2999")  # the embargoed story as it was, still hidden
    assert "eleven pounds" in editor["Toll embargoed"].text
    assert {p.title for p in HybridRetriever(archive).search("toll pounds", 5, role_filter(READER))} >= {
        "Toll rises",
        "Toll leak",
    }  # the visitor's text is an article of its own, with the URL it gave
    same = write_md(
        up / "e.md", "Toll rises", "The harbour bridge toll rises to nine pounds in May.", url=PUBLISHED, **COMMON
    )
    again = ingest_paths(archive, [same, leak], rights=READER_RIGHTS)
    assert [f.status for f in again.files] == ["unchanged", "unchanged"], [f.describe() for f in again.files]


def test_a_reader_copy_of_a_hidden_story_is_not_named(hash_archive: Archive, tmp_path: Path) -> None:
    body = "The harbour bridge toll will rise to eleven pounds in July, the board will announce."
    fields = {"embargo_until": "2999-01-01T09:00:00Z", **COMMON}
    assert ingest_paths(hash_archive, [write_md(tmp_path / "desk" / "secret-plan.md", "Toll", body, **fields)]).ok
    copy = write_md(tmp_path / "up" / "mine.md", "Toll", body, **fields)  # the same article, saved under another name
    report = ingest_paths(hash_archive, [copy], rights=READER_RIGHTS)
    assert (report.files[0].status, report.files[0].errors) == ("ingested", [])  # as for any new article
    assert HybridRetriever(hash_archive).search("eleven pounds July", 3, role_filter(READER)) == []  # its embargo
    editor = ingest_paths(hash_archive, [write_md(tmp_path / "up2" / "again.md", "Toll", body, **fields)])
    told = " ".join(editor.files[0].errors)  # an editor is told which file holds it
    assert "the same article as" in told and ("secret-plan.md" in told or "mine.md" in told)


def test_a_writer_without_rights_is_refused_before_anything_is_saved(tmp_path: Path) -> None:
    settings = load_settings().with_data_dir(tmp_path / "data")
    nobody = write_rights(READER, "", shared=True, open_uploads=False)
    with pytest.raises(AccessDeniedError, match="Only editors"):
        save_uploads(settings, nobody, [("story.md", b"# Toll\n\nThe toll rises to nine pounds in May.\n")])
    with pytest.raises(AccessDeniedError):
        ingest_paths(Archive(settings), [tmp_path], rights=nobody)
    assert not (tmp_path / "data" / "uploads").exists()


def test_an_open_upload_never_overwrites_another_file(tmp_path: Path) -> None:
    settings = load_settings().with_data_dir(tmp_path / "data")
    first, _ = save_uploads(settings, READER_RIGHTS, [("story.md", b"# One\n\nThe first story text is here.\n")])
    second, _ = save_uploads(settings, READER_RIGHTS, [("story.md", b"# Two\n\nThe second story text is here.\n")])
    editor, _ = save_uploads(settings, WriteRights(True, True, "editor"), [("story.md", b"# E\n\nAn editor's text.\n")])
    assert len({first[0], second[0], editor[0]}) == 3
    assert b"first" in first[0].read_bytes() and b"second" in second[0].read_bytes()
    assert upload_row(FileReport(str(first[0])))["file"] == "story.md"  # the report shows the reader's own name


@pytest.fixture
def served_on() -> Iterator[None]:
    """Restore Streamlit's server address after a test that set it."""
    before = streamlit_config.get_option("server.address")
    yield
    streamlit_config.set_option("server.address", before)


@pytest.mark.parametrize(
    ("address", "user", "uploads"),
    [
        ("0.0.0.0", None, False),  # others can reach it, nobody signed in: a reader, no upload control
        ("0.0.0.0", {"is_logged_in": True, "email": "guest@elsewhere.example"}, False),
        ("0.0.0.0", {"is_logged_in": True, "email": "ana@paper.example"}, True),  # an editor
        ("127.0.0.1", None, True),  # the one local user
    ],
)
def test_the_app_offers_uploads_only_to_those_who_may_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, served_on: None, address: str, user: dict | None, uploads: bool
) -> None:
    monkeypatch.setenv("NEWSROOM_EDITORS", "@paper.example")
    streamlit_config.set_option("server.address", address)
    archive = _archive_with_hidden_story(Archive(load_settings()), tmp_path / "desk")
    before = archive.store.signature()
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception
    labels = [e.label for e in at.sidebar.expander]
    assert ("Add articles" in labels) is uploads
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert ("Only editors can add articles" in captions) is not uploads
    if not uploads:  # a forged click on the hidden button writes nothing
        at.session_state["ingest_uploads"] = True
        at.session_state["uploads-0"] = []
        at.run()
        assert not at.exception and "upload_report" not in at.session_state
        assert archive.store.signature() == before and not (tmp_path / "data" / "uploads").exists()
