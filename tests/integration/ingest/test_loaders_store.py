"""A bad sidecar among good files, ingested into a real store: the article fails with its reason and the batch goes
on (the loaders themselves: tests/unit/ingest/test_loaders.py)."""

from __future__ import annotations

import json
from pathlib import Path

from rag.archive.knowledge import Archive
from rag.ingest.pipeline import ingest_paths


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- wrong-typed fields, oversized and non-prose articles ------------------------------------------------------


def test_a_sidecar_field_with_date_keys_fails_its_article_and_the_batch_goes_on(
    hash_archive: Archive, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    _write(inbox / "ferry.txt", "Ferry strike ends\nThe ferry strike ended on Tuesday, the union said.\n")
    _write(inbox / "ferry.meta.yaml", "outlet: {2023-01-01: Port Gazette}\n")
    _write(inbox / "bridge.md", "---\ncorrection: {2023-01-01: fixed}\n---\nThe harbour reopened on Monday.\n")
    good = {"title": "Harbour reopens", "body": "The harbour reopened on Monday, the port said."}
    _write(inbox / "feed.json", json.dumps([good, {**good, "title": {"2023-01-01": "x"}}]))
    report = ingest_paths(hash_archive, [inbox])
    lines = {Path(f.path).name: f.errors for f in report.files}
    assert lines == {
        "bridge.md": ["correction must be text, not an object with fields ({datetime.date(2023, 1, 1): 'fixed'})"],
        "feed.json": [
            f'{inbox / "feed.json"} record 2: title must be text, not an object with fields ({{"2023-01-01": "x"}})'
        ],
        "ferry.txt": ["outlet must be text, not an object with fields ({datetime.date(2023, 1, 1): 'Port Gazette'})"],
    }
    assert hash_archive.store.article_count() == 1
