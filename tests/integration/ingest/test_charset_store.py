"""A page in its declared legacy character set (ISO-8859-1) ingested into a real store keeps its words and its
headline (decoding itself: tests/unit/ingest/test_charset.py)."""

from __future__ import annotations

from pathlib import Path

from support import GERMAN_HEADLINE, german_page

from rag.archive.knowledge import Archive
from rag.ingest.pipeline import ingest_paths


def _save(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_an_iso_8859_1_page_is_stored_with_its_words_intact(hash_archive: Archive, tmp_path: Path) -> None:
    path = _save(tmp_path, "koeln.html", german_page('<meta charset="iso-8859-1">').encode("latin-1"))
    report = ingest_paths(hash_archive, [path])
    assert [f.status for f in report.files] == ["ingested"], [f.describe() for f in report.files]
    [article_id] = hash_archive.store.articles()
    stored = hash_archive.store.article_body(article_id)
    assert stored is not None
    body, meta = stored
    assert "Müller sagte, die Straße in Köln werde im März für drei Wochen gesperrt." in body
    assert meta["title"] == GERMAN_HEADLINE


# --- only the encodings of the WHATWG Encoding Standard ----------------------------------------------------------
