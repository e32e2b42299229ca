"""The Chroma store across processes: an archive written by another process is searchable here, and an open archive
keeps answering after another process ingests (embedded and on a `chroma run` server)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import SEED_DIR, store_environ
from support import write_md

from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive, lexical_path
from rag.archive.lexical import LexicalIndex
from rag.config import load_settings
from rag.ingest.pipeline import ingest_paths
from rag.retrieval.hybrid import HybridRetriever

BOTH_BACKENDS = True  # each test that uses `settings` runs on the embedded store and on a `chroma run` server
DRONES = "How many drones did Sergei Shoigu say Ukraine used?"
CLI = "from rag.cli import main; main()"


# --- persistence across processes --------------------------------------------------------------------------------


@pytest.mark.slow
def test_archive_written_by_another_process_is_searchable_here(tmp_path: Path, embeddings: Any) -> None:
    data_dir = tmp_path / "shared-archive"
    done = subprocess.run(
        [sys.executable, "-c", CLI, "ingest", str(SEED_DIR), "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stderr
    assert "ingested" in done.stdout

    archive = Archive(load_settings(environ={}, env_file=None).with_data_dir(data_dir), embeddings)
    assert archive.stats().articles == 1
    assert archive.stats().passages >= 2
    hits = HybridRetriever(archive).search(DRONES, k=3)
    assert any("eight drones" in p.text for p in hits)
    # the keyword index the other process wrote is the one this process uses
    index = LexicalIndex(lexical_path(archive.settings, archive.store.name))
    assert index.signature == archive.store.signature() and index.count() == archive.store.passages.count()


@pytest.mark.slow
def test_open_archive_keeps_answering_after_another_process_ingests(seeded: Archive, tmp_path: Path) -> None:
    """A long-lived reader (the chat app) with the embedded store open, while `newsroom ingest` runs elsewhere."""
    assert any(
        "eight drones" in p.text for p in HybridRetriever(seeded).search(DRONES, k=3)
    )  # the vector index is now in memory
    folder = tmp_path / "incoming"
    write_md(
        folder / "quokka.md",
        "Quokka spotted at the marina",
        "A quokka was spotted at the Portwick marina.",
        outlet="Harbour Gazette",
        published_at="2024-05-01",
    )
    done = subprocess.run(
        [sys.executable, "-c", CLI, "ingest", str(folder), "--data-dir", str(seeded.settings.data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **store_environ(seeded.settings)},
    )
    assert done.returncode == 0, done.stderr

    vector = seeded.embeddings.embed_query("quokka spotted at the marina")
    dense = seeded.store.dense(vector, 3, ArchiveFilter())
    assert dense[0].title == "Quokka spotted at the marina"
    assert any("eight drones" in p.text for p in HybridRetriever(seeded).search(DRONES, k=3))
    seeded.refresh()
    assert HybridRetriever(seeded).search("quokka marina", k=1)[0].title == "Quokka spotted at the marina"
    # and this process can still write after the other one did
    write_md(folder / "walrus.md", "Walrus on the slipway", "A walrus rested on the lifeboat slipway.")
    assert ingest_paths(seeded, [folder]).count("new") == 1
    assert HybridRetriever(seeded).search("walrus slipway", k=1)[0].title == "Walrus on the slipway"
    assert seeded.stats().articles == 3
