"""No write destroys a story: replacing or retracting keeps the earlier version, `restore` brings one back, and
backups and checks cover the history. Real files, real Chroma (embedded and a `chroma run` server), real CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import write_md

from rag.archive import health
from rag.archive.access import EDITOR, READER, WriteRights, role_filter
from rag.archive.history import history_id, keep
from rag.archive.knowledge import Archive
from rag.cli import cli
from rag.config import load_settings
from rag.errors import AccessDeniedError, NewsroomError
from rag.ingest.pipeline import ingest_paths
from rag.ingest.restore import article_versions, restore_version
from rag.retrieval.hybrid import HybridRetriever

BOTH_BACKENDS = True  # each test that uses `settings` runs on the embedded store and on a `chroma run` server
URL = "https://gazette.example/harbour/toll"
EDITOR_RIGHTS = WriteRights(True, True, "editor ana@paper.example")
FIRST = "The harbour bridge toll rises to nine pounds in May, the port authority said."
SECOND = "The harbour bridge toll rises to twelve pounds in May, the port authority said on Friday."


def _story(folder: Path, body: str, **meta: str) -> Path:
    fields = {"outlet": "Port Gazette", "published_at": "2024-03-04", "url": URL, **meta}
    return write_md(folder / "toll.md", "Harbour toll rises", body, **fields)


def _write(archive: Archive, folder: Path, body: str, who: str = "newsroom ingest", **meta: str) -> None:
    report = ingest_paths(archive, [_story(folder, body, **meta)], rights=WriteRights(True, True, who))
    assert report.ok, [f.describe() for f in report.files]


def _reader_texts(archive: Archive, query: str = "harbour bridge toll pounds") -> list[str]:
    return [p.text for p in HybridRetriever(archive).search(query, 5, role_filter(READER))]


def test_replacing_and_retracting_keep_every_earlier_version(hash_archive: Archive, tmp_path: Path) -> None:
    _write(hash_archive, tmp_path / "v1", FIRST, who="desk import")
    _write(hash_archive, tmp_path / "v2", SECOND, who="editor ana", corrected_at="2024-03-05", correction="Fee fixed")
    _write(hash_archive, tmp_path / "v3", SECOND, who="editor bo", status="retracted")
    versions = article_versions(hash_archive, URL + "/")  # any form of the URL that ingest accepts
    assert [(v.number, v.status, v.written_by, v.current) for v in versions] == [
        (1, "published", "desk import", False),
        (2, "published", "editor ana", False),
        (3, "retracted", "editor bo", True),
    ]
    assert FIRST in versions[0].body and SECOND in versions[1].body
    assert versions[1].metadata["correction"] == "Fee fixed"
    assert versions[0].written_at < versions[1].written_at < versions[2].written_at
    assert _reader_texts(hash_archive) == []  # the retraction holds: the history is never searched
    assert article_versions(hash_archive, versions[0].article_id)[0].body == versions[0].body  # by id too


def test_restore_undoes_a_retraction_and_can_itself_be_undone(hash_archive: Archive, tmp_path: Path) -> None:
    _write(hash_archive, tmp_path / "v1", FIRST)
    _write(hash_archive, tmp_path / "v2", FIRST, status="retracted")
    done = restore_version(hash_archive, URL, 1, EDITOR_RIGHTS)
    assert (done.version.number, done.replaced.number, done.replaced.status) == (1, 2, "retracted")
    assert any("nine pounds" in t for t in _reader_texts(hash_archive))
    versions = article_versions(hash_archive, URL)
    assert [v.status for v in versions] == ["published", "retracted", "published"]
    assert versions[-1].written_by == "editor ana@paper.example: restored version 1"
    assert versions[-1].content_hash == versions[0].content_hash  # the very same article, field by field
    restore_version(hash_archive, URL, 2, EDITOR_RIGHTS)  # the retraction again, from the history
    assert _reader_texts(hash_archive) == [] and len(article_versions(hash_archive, URL)) == 4
    assert health.check(hash_archive).ok


def test_restore_undoes_a_replacement_and_refuses_what_makes_no_sense(hash_archive: Archive, tmp_path: Path) -> None:
    _write(hash_archive, tmp_path / "v1", FIRST)
    _write(hash_archive, tmp_path / "v2", SECOND)
    with pytest.raises(AccessDeniedError):
        restore_version(hash_archive, URL, 1, WriteRights(True, False, "a reader"))
    with pytest.raises(NewsroomError, match="versions 1 to 2"):
        restore_version(hash_archive, URL, 5, EDITOR_RIGHTS)
    with pytest.raises(NewsroomError, match="current text already"):
        restore_version(hash_archive, URL, 2, EDITOR_RIGHTS)
    with pytest.raises(NewsroomError, match="No article"):
        article_versions(hash_archive, "https://gazette.example/nothing")
    restore_version(hash_archive, URL, 1, EDITOR_RIGHTS)
    texts = _reader_texts(hash_archive)
    assert any("nine pounds" in t for t in texts) and not any("twelve" in t for t in texts)


def test_cutting_passages_anew_is_not_a_new_version(hash_archive: Archive, tmp_path: Path) -> None:
    _write(hash_archive, tmp_path / "v1", FIRST)
    recut = Archive(replace(hash_archive.settings, chunk_chars=600), hash_archive.embeddings)
    _write(recut, tmp_path / "v1", FIRST)
    assert len(article_versions(recut, URL)) == 1


def test_a_copy_kept_just_before_a_crash_is_listed_once(hash_archive: Archive, tmp_path: Path) -> None:
    _write(hash_archive, tmp_path / "v1", FIRST)
    store = hash_archive.store
    got = store.registry.get(
        ids=[article_versions(hash_archive, URL)[0].article_id], include=["documents", "metadatas"]
    )
    meta = dict(got["metadatas"][0])
    # the write copied the current record into the history, then died before the registry changed
    keep(store.history, [(history_id(got["ids"][0], meta), got["documents"][0], meta)], store.max_batch)
    assert [v.current for v in article_versions(hash_archive, URL)] == [True]
    _write(hash_archive, tmp_path / "v2", SECOND)  # the next run converges
    assert [v.number for v in article_versions(hash_archive, URL)] == [1, 2]


def test_backup_and_check_carry_the_history(hash_archive: Archive, tmp_path: Path) -> None:
    _write(hash_archive, tmp_path / "v1", FIRST)
    _write(hash_archive, tmp_path / "v2", SECOND, embargo_until="2999-01-01T09:00:00Z")
    assert health.check(hash_archive).versions == 1
    report = health.backup(hash_archive, tmp_path / "copy")
    assert report.ok and report.versions == 1
    copy = Archive(
        replace(hash_archive.settings, data_dir=tmp_path / "copy", chroma_host=None), hash_archive.embeddings
    )
    assert [v.body for v in article_versions(copy, URL)] == [v.body for v in article_versions(hash_archive, URL)]
    restore_version(copy, URL, 1, EDITOR_RIGHTS)  # a backup's history restores like the original's
    assert any("nine pounds" in t for t in _reader_texts(copy))


def test_history_and_restore_on_the_command_line_are_for_editors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = str(tmp_path / "data")
    archive = Archive(load_settings().with_data_dir(data))
    _write(archive, tmp_path / "v1", FIRST)
    _write(archive, tmp_path / "v2", SECOND, embargo_until="2999-01-01T09:00:00Z")
    runner = CliRunner()
    refused = runner.invoke(cli, ["history", URL, "--data-dir", data])
    assert refused.exit_code == 2 and "editors" in refused.output and "twelve" not in refused.output
    assert runner.invoke(cli, ["history", URL, "--role", "editor", "--data-dir", data]).exit_code == 2
    monkeypatch.setenv("NEWSROOM_ALLOW_EDITOR_CLI", "1")
    listed = runner.invoke(cli, ["history", URL, "--role", "editor", "--json", "--data-dir", data])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [(r["version"], r["current"], r["written_by"]) for r in rows] == [
        (1, False, "newsroom ingest"),
        (2, True, "newsroom ingest"),
    ]
    done = runner.invoke(cli, ["restore", URL, "--version", "1", "--role", "editor", "--data-dir", data])
    assert done.exit_code == 0 and "Restored version 1" in done.output, done.output
    found = runner.invoke(cli, ["search", "harbour bridge toll", "--json", "--data-dir", data])
    assert "nine pounds" in found.output and "twelve" not in found.output
    plain = runner.invoke(cli, ["history", URL, "--role", "editor", "--data-dir", data])
    assert "3 versions" in plain.output and "newsroom restore (" in plain.output
    bad = runner.invoke(cli, ["restore", URL, "--version", "9", "--role", "editor", "--data-dir", data])
    assert bad.exit_code == 1 and "versions 1 to 3" in bad.output and "Traceback" not in bad.output
    checked = runner.invoke(cli, ["check", "--data-dir", data])
    assert checked.exit_code == 0 and "2 earlier versions kept: OK" in checked.output


def test_an_editor_sees_the_history_of_what_readers_never_see(hash_archive: Archive, tmp_path: Path) -> None:
    _write(hash_archive, tmp_path / "v1", FIRST, status="draft")
    _write(hash_archive, tmp_path / "v2", SECOND, status="draft")
    assert _reader_texts(hash_archive) == []
    editor = [p.text for p in HybridRetriever(hash_archive).search("harbour toll", 5, role_filter(EDITOR))]
    assert any("twelve" in t for t in editor) and not any("nine" in t for t in editor)
    assert [v.status for v in article_versions(hash_archive, URL)] == ["draft", "draft"]


def test_an_article_without_a_url_is_found_by_its_file_and_restored_field_by_field(
    hash_archive: Archive, tmp_path: Path
) -> None:
    path = write_md(tmp_path / "desk" / "ferry.md", "Ferry fares", "Ferry fares stay at two pounds this summer.",
                    embargo_until="2999-01-01T09:00:00.250000Z")  # fmt: skip
    assert ingest_paths(hash_archive, [path]).ok
    write_md(path, "Ferry fares", "Ferry fares rise to three pounds this summer.")
    assert ingest_paths(hash_archive, [path]).ok
    versions = article_versions(hash_archive, str(path))
    assert [v.current for v in versions] == [False, True]
    restore_version(hash_archive, str(path), 1, EDITOR_RIGHTS)
    again = article_versions(hash_archive, str(path))
    assert again[-1].content_hash == again[0].content_hash  # the embargo's fraction of a second kept
    assert _reader_texts(hash_archive, "ferry fares pounds") == []  # embargoed again, as version 1 was
