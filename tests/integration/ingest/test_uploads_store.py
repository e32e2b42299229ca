"""Uploads named alike, ingested into a real store, each keep their own article (the upload checks themselves:
tests/unit/ingest/test_uploads.py)."""

from __future__ import annotations

from pathlib import Path

from rag.archive.knowledge import Archive
from rag.ingest.pipeline import ingest_paths
from rag.ingest.uploads import save_upload


def test_uploads_named_alike_each_keep_their_own_article(hash_archive: Archive, tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    stories = {
        "東京.txt": "Tokyo's harbour reopened on Monday, the port authority said.",
        "大阪.txt": "Osaka's tram line closed for repairs on Tuesday, the city said.",
        "_.txt": "A ferry strike was called off on Wednesday, the union said.",
        "ü.txt": "The Überseequartier opened its first shops on Thursday, the developer said.",
    }
    for name, text in stories.items():  # one at a time, as a user uploads them in turn
        path = save_upload(uploads, name, text.encode(), 1024)
        report = ingest_paths(hash_archive, [path])
        assert [f.status for f in report.files] == ["ingested"], report.files
    assert hash_archive.store.article_count() == 4
    titles = {r.metadata["title"] for r in hash_archive.store.articles().values()}
    assert titles == set(stories.values())
    again = ingest_paths(hash_archive, [save_upload(uploads, "東京.txt", b"Tokyo's harbour closed again.", 1024)])
    assert [f.status for f in again.files] == ["replaced"] and hash_archive.store.article_count() == 4
