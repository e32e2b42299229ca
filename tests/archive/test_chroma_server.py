"""The same archive code against a real Chroma server (`chroma run`) instead of the embedded store."""

from __future__ import annotations

import dataclasses
import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import SEED_DIR, make_engine

from rag.archive.chroma import make_client
from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.config import Settings, load_settings
from rag.errors import StoreError
from rag.ingest.pipeline import ingest_paths
from rag.retrieval.hybrid import HybridRetriever

pytestmark = pytest.mark.slow

DRONES = "How many drones did Sergei Shoigu say Ukraine used?"
UNRELATED = "What did the Bank of England decide about interest rates?"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_chroma_server(path: Path) -> Iterator[int]:
    """A `chroma run` server on a free port storing into `path`; yields the port, stops the server after."""
    import chromadb

    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.is_file():
        pytest.fail(f"the chroma server executable is missing next to {sys.executable}")
    port = _free_port()
    log = (path.parent / f"{path.name}.log").open("w")
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"chroma run exited with {server.returncode}: {Path(log.name).read_text()[-2000:]}")
            try:
                chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
                break
            except Exception:
                if time.monotonic() > deadline:
                    pytest.fail(f"chroma server did not answer within 30 s: {Path(log.name).read_text()[-2000:]}")
                time.sleep(0.2)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        log.close()


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A `chroma run` server shared by this module's tests; yields the port."""
    with running_chroma_server(tmp_path_factory.mktemp("chroma-server")) as port:
        yield port


@pytest.fixture
def server_settings(chroma_server: int, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings pointing at the server, with a collection of this test's own."""
    collection = "t-" + "".join(c if c.isalnum() else "-" for c in request.node.name)[:40]
    settings = load_settings(
        environ={"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma_server), "NEWSROOM_COLLECTION": collection},
        env_file=None,
    )
    return settings.with_data_dir(tmp_path / "local")


def test_settings_select_the_http_client(server_settings: Settings) -> None:
    client = make_client(server_settings)
    assert client.heartbeat() > 0
    assert not (server_settings.data_dir / "chroma").exists(), "nothing embedded is created when a host is set"


def test_ingest_and_ask_against_the_server(server_settings: Settings, embeddings: Any) -> None:
    archive = Archive(server_settings, embeddings)
    report = ingest_paths(archive, [SEED_DIR])
    assert report.ok and report.count("new") == 1
    assert archive.stats().articles == 1 and archive.stats().passages == report.passages

    again = ingest_paths(archive, [SEED_DIR])
    assert again.count("unchanged") == 1 and again.passages == 0

    engine = make_engine(server_settings, archive)
    answer = engine.ask(DRONES)
    assert not answer.refused
    assert "eight" in answer.text
    assert answer.citations and answer.citations[0].passage.article_id
    assert engine.ask(UNRELATED).refused
    assert engine.ask(DRONES, filters=ArchiveFilter.of(["Nowhere Times"])).refused

    # a second client (another process would do the same) sees the data on the server
    fresh = Archive(dataclasses.replace(server_settings), embeddings)
    assert fresh.stats().articles == 1
    assert any("eight drones" in p.text for p in HybridRetriever(fresh).search(DRONES, k=3))


def test_replacement_against_the_server(server_settings: Settings, embeddings: Any, tmp_path: Path) -> None:
    url = "https://harbourgazette.example/vote"
    path = tmp_path / "feed.json"
    long_body = " ".join(f"Sentence {n} on the zebra-crossing referendum in Portwick." for n in range(60))
    path.write_text(json.dumps([{"title": "Vote", "body": long_body, "url": url}]))
    archive = Archive(server_settings, embeddings)
    assert ingest_paths(archive, [path]).count("new") == 1
    (article_id,) = archive.store.articles()
    assert len(archive.store.passages.get(where={"article_id": article_id})["ids"]) >= 3

    path.write_text(json.dumps([{"title": "Vote (corrected)", "body": "No vote is planned in Portwick.", "url": url}]))
    assert ingest_paths(archive, [path]).count("replaced") == 1
    got = archive.store.passages.get(where={"article_id": article_id}, include=["documents"])
    assert len(got["ids"]) == 1 and "zebra" not in got["documents"][0]
    assert all("zebra" not in p.text for p in HybridRetriever(archive).search("zebra-crossing referendum"))


def test_a_server_that_goes_away_gives_store_errors_not_raw_ones(tmp_path: Path, embeddings: Any) -> None:
    """Every store call against a stopped server fails as a `StoreError` naming the server (no reopen is possible)."""
    with running_chroma_server(tmp_path / "gone") as port:
        settings = load_settings(
            environ={"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port)}, env_file=None
        ).with_data_dir(tmp_path / "local")
        archive = Archive(settings, embeddings)
        assert ingest_paths(archive, [SEED_DIR]).ok
        vector = embeddings.embed_query(DRONES)
        assert archive.store.dense(vector, 3, ArchiveFilter())
    where = f"Could not .* the archive at 127.0.0.1:{port}"
    with pytest.raises(StoreError, match=where):
        archive.store.dense(vector, 3, ArchiveFilter())
    with pytest.raises(StoreError, match=where):
        archive.store.articles()
    with pytest.raises(StoreError, match=where):
        archive.store.stats()
    with pytest.raises(StoreError, match=where):
        HybridRetriever(archive).search(DRONES)


def test_a_retraction_removes_the_article_from_answers_on_the_server(
    server_settings: Settings, embeddings: Any, tmp_path: Path
) -> None:
    url = "https://harbourgazette.example/toll"
    path = tmp_path / "feed.json"
    story = {"title": "Toll rises", "body": "The harbour bridge toll rises to nine pounds in May.", "url": url}
    path.write_text(json.dumps([story]))
    archive = Archive(server_settings, embeddings)
    assert ingest_paths(archive, [path]).count("new") == 1
    question = "How much will the harbour bridge toll be in May?"
    assert make_engine(server_settings, archive).ask(question).citations
    path.write_text(json.dumps([{**story, "status": "retracted"}]))
    report = ingest_paths(archive, [path])
    assert report.count("retracted") == 1 and report.files[0].status == "retracted"
    answer = make_engine(server_settings, archive).ask(question)
    assert answer.refused and not answer.citations and "nine pounds" not in answer.text
    assert archive.stats().articles == 0 and not HybridRetriever(archive).search("harbour bridge toll")
