"""Crashes and scale on the real store (rows 2-4 of RELIABILITY.md): `kill -9` of an ingest at random moments,
each followed by `newsroom check` and a converging re-run; a write larger than Chroma's largest batch, closed
and reopened by another process."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import PROJECT_ROOT

from rag.archive.knowledge import Archive
from rag.config import Settings
from rag.ingest.chunking import chunk_article
from rag.models import Article

pytestmark = pytest.mark.slow
KILLS = 10
NEWSROOM = [sys.executable, "-c", "from rag.cli import cli; cli()"]


def corpus(folder: Path, articles: int = 36) -> Path:
    """A JSONL file of articles of several passages each (a stand-in for a day's wire copy)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    places = ["harbour", "ferry port", "tram depot", "old town", "river bridge", "airport", "market hall"]
    lines = []
    for n in range(articles):
        place = places[n % len(places)]
        sentences = [
            f"Story {n}: officials at the {place} said on day {d} that work on section {s} was "
            f"{rng.choice(['on', 'behind'])} schedule and would cost {rng.randint(2, 90)} million euros."
            for d in range(1, 6)
            for s in range(1, 7)
        ]
        lines.append(
            json.dumps(
                {
                    "title": f"Report {n} from the {place}",
                    "url": f"https://wire.example/{n}",
                    "published_at": f"2024-03-{n % 28 + 1:02d}",
                    "source": "Wire",
                    "body": " ".join(sentences),
                }
            )
        )
    path = folder / "wire.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def newsroom(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*NEWSROOM, *args, "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=600)


def test_kill_9_of_an_ingest_at_random_moments_never_corrupts_and_a_re_run_converges(tmp_path: Path) -> None:
    source = corpus(tmp_path / "in")
    reference = tmp_path / "reference"
    started = time.monotonic()
    clean = newsroom("ingest", str(source), data_dir=reference)
    full = time.monotonic() - started
    assert clean.returncode == 0, clean.stderr[-2000:]
    expected = newsroom("check", data_dir=reference)
    assert expected.returncode == 0, expected.stdout
    rng = random.Random(2024)
    data_dir = tmp_path / "crashed"
    seen_states = set()
    for attempt in range(KILLS):
        victim = subprocess.Popen(
            [*NEWSROOM, "ingest", str(source), "--data-dir", str(data_dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(rng.uniform(0.2, full * 1.1))  # anywhere: model load, embedding, writing, the keyword index
        finished = victim.poll() is not None
        if not finished:
            os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
        check = newsroom("check", data_dir=data_dir)  # a fresh process opens what the crash left
        assert "Traceback" not in check.stderr, check.stderr[-2000:]
        assert check.returncode in (0, 1), (attempt, check.stdout, check.stderr[-2000:])
        seen_states.add("finished" if finished else "ok" if check.returncode == 0 else "problems")
        if attempt % 2:  # every other time, the next ingest runs straight into what the crash left
            continue
        again = newsroom("ingest", str(source), data_dir=data_dir)
        assert again.returncode == 0, (attempt, again.stdout[-2000:], again.stderr[-2000:])
        after = newsroom("check", data_dir=data_dir)
        assert after.returncode == 0 and after.stdout.splitlines()[-1] == expected.stdout.splitlines()[-1], (
            attempt,
            after.stdout,
        )
    final = newsroom("ingest", str(source), data_dir=data_dir)
    assert final.returncode == 0 and newsroom("check", data_dir=data_dir).returncode == 0
    search = newsroom("search", "tram depot section 3 schedule", "--json", data_dir=data_dir)
    assert search.returncode == 0 and json.loads(search.stdout)
    assert seen_states - {"finished"}, seen_states  # at least one kill landed mid-ingest


def test_a_write_larger_than_the_largest_batch_is_stored_and_reopened_by_another_process(
    settings: Settings, hash_embeddings: object, tmp_path: Path
) -> None:
    archive = Archive(settings, hash_embeddings)  # type: ignore[arg-type]
    store = archive.store
    total = store.max_batch + 150  # more than one Chroma call may take, and far above the 1,000 HNSW sync threshold
    rng = np.random.default_rng(3)
    items = []
    while sum(len(c) for _, c, _ in items) <= total:
        a = len(items)
        body = " ".join(f"Line {a}-{i} of the ledger says the toll rose again." for i in range(200))
        article = Article(title=f"Ledger {a}", body=body, source_key=f"test:ledger-{a}")
        chunks = chunk_article(article, 200, 0)
        vectors = rng.normal(size=(len(chunks), 384)).astype(np.float32)
        items.append((article, chunks, vectors / np.linalg.norm(vectors, axis=1, keepdims=True)))
    written = sum(len(c) for _, c, _ in items)
    assert written > store.max_batch
    store.write_articles(items)  # one call
    probe = items[5][2][3].tolist()
    probe_id = f"{items[5][0].article_id}-{store.content_key(items[5][0])[:10]}-{items[5][1][3].index:04d}"
    del archive, store  # closed: a new process opens it
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(PROJECT_ROOT / "tests")!r})
        from support import HashEmbeddings
        from rag.archive.filters import ArchiveFilter
        from rag.archive.knowledge import Archive
        from rag.config import load_settings
        archive = Archive(load_settings(env_file=None).with_data_dir({str(settings.data_dir)!r}), HashEmbeddings())
        hits = archive.store.dense({probe!r}, 3, ArchiveFilter())
        print(json.dumps([archive.store.passages.count(), archive.store.article_count(), [h.chunk_id for h in hits]]))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    count, articles, hits = json.loads(out.stdout)
    assert count == written and articles == len(items) and hits[0] == probe_id
