"""`newsroom backup` while another process reads the archive: the copy is consistent and checked (embedded and on a
`chroma run` server)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEED_DIR
from support import two_stories

from rag.archive import health
from rag.archive.knowledge import Archive
from rag.config import Settings
from rag.ingest.pipeline import ingest_paths

BOTH_BACKENDS = True  # each test that uses `settings` runs on the embedded store and on a `chroma run` server


@pytest.mark.slow
def test_backup_while_another_process_reads(archive: Archive, settings: Settings, tmp_path: Path) -> None:
    assert ingest_paths(archive, [SEED_DIR, two_stories(tmp_path / "in")]).ok
    script = (
        "import sys, time\nfrom rag.config import load_settings\nfrom rag.archive.knowledge import Archive\n"
        "from rag.retrieval.hybrid import HybridRetriever\n"
        f"a = Archive(load_settings(env_file=None).with_data_dir({str(settings.data_dir)!r}))\n"
        "end = time.monotonic() + 8\nn = 0\n"
        "while time.monotonic() < end:\n    assert HybridRetriever(a).search('drones over Moscow', k=3)\n    n += 1\n"
        "print(n)\n"
    )
    server = (
        {"CHROMA_HOST": settings.chroma_host, "CHROMA_PORT": str(settings.chroma_port)} if settings.chroma_host else {}
    )
    env = {**os.environ, **server, "NEWSROOM_COLLECTION": settings.collection}
    looping = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    time.sleep(2)
    report = health.backup(archive, tmp_path / "copy")
    out, err = looping.communicate(timeout=60)
    assert looping.returncode == 0, err.decode()[-2000:]
    assert int(out.decode().strip()) > 0 and report.ok and report.articles == 2 + 1
