"""Ingest from several processes at once on a real store: the write lock is held by one process and freed when it
dies, and two ingests at once leave a correct archive (embedded and on a `chroma run` server)."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import SEED_DIR, store_environ
from support import write_md

from rag.archive.knowledge import Archive
from rag.config import Settings
from rag.errors import StoreLockedError
from rag.ingest.pipeline import ensure_seeded, ingest_paths
from rag.retrieval.hybrid import HybridRetriever

BOTH_BACKENDS = True  # each test that uses `settings` runs on the embedded store and on a `chroma run` server

DRONES = "How many drones did Sergei Shoigu say Ukraine used?"


# --- one writer at a time ------------------------------------------------------------------------------------------


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from rag.archive.locking import write_lock
    with write_lock(Path(sys.argv[1]), "newsroom ingest held-by-subprocess", timeout=5):
        print("held", flush=True)
        time.sleep(60)
    """
)


def test_lock_held_by_another_process_and_freed_when_it_dies(archive: Archive, settings: Settings) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(settings.data_dir)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        impatient = Archive(dataclasses.replace(settings, lock_timeout=0.2), archive.embeddings)
        with pytest.raises(StoreLockedError) as caught:
            ingest_paths(impatient, [SEED_DIR])
        assert f"process {holder.pid}" in str(caught.value)
        assert "newsroom ingest held-by-subprocess" in str(caught.value)
        with pytest.raises(StoreLockedError):  # first-run seeding is refused too, and says so
            ensure_seeded(impatient)
    finally:
        holder.send_signal(signal.SIGKILL)  # a crash: no clean release, the OS drops the lock
        holder.wait(timeout=10)
    report = ingest_paths(impatient, [SEED_DIR])
    assert report.ok and report.count("new") == 1


INGEST = "from rag.cli import main; main()"


@pytest.mark.slow
def test_two_ingest_processes_at_once_leave_a_correct_archive(
    tmp_path: Path, settings: Settings, embeddings: Any
) -> None:
    other = tmp_path / "other"
    write_md(
        other / "ferry.md",
        "Ferry strike called off",
        "The ferry strike planned for Monday was called off.",
        outlet="Harbour Gazette",
        published_at="2024-02-01",
    )
    data_dir = settings.data_dir
    env = {**os.environ, **store_environ(settings), "NEWSROOM_LOCK_TIMEOUT": "60"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", INGEST, "ingest", str(folder), "--data-dir", str(data_dir)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in (SEED_DIR, other)
    ]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    for rc, out, err in results:
        assert rc == 0, (out, err)
        assert "Traceback" not in err

    archive = Archive(settings, embeddings)
    stats = archive.stats()
    assert stats.articles == 2
    by_article: dict[str, int] = {}
    for _cid, _text, meta in archive.store.iter_passages():
        by_article[meta["article_id"]] = by_article.get(meta["article_id"], 0) + 1
    assert by_article == {aid: rec.passages for aid, rec in archive.store.articles().items()}
    assert any("eight drones" in p.text for p in HybridRetriever(archive).search(DRONES, k=3))
    assert any(
        "ferry strike" in p.text.lower() for p in HybridRetriever(archive).search("ferry strike called off", k=3)
    )
    # a third run finds everything in place
    again = ingest_paths(archive, [SEED_DIR, other])
    assert again.count("unchanged") == 2 and again.passages == 0
