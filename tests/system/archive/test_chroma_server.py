"""The same archive code against a real Chroma server (`chroma run`) instead of the embedded store."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from chroma_server import running_chroma_server
from conftest import SEED_DIR, make_engine
from support import write_md

from rag.archive.chroma import make_client
from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import LEXICAL_RECHECK_SECONDS, Archive
from rag.config import Settings, load_settings
from rag.errors import StoreError
from rag.ingest.pipeline import ingest_paths
from rag.retrieval.hybrid import HybridRetriever

pytestmark = pytest.mark.slow

DRONES = "How many drones did Sergei Shoigu say Ukraine used?"
UNRELATED = "What did the Bank of England decide about interest rates?"


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


def test_the_command_line_against_the_server(server_settings: Settings, tmp_path: Path) -> None:
    """ingest, search, ask, check, backup: every command the CLI has, with the store on the server."""
    from click.testing import CliRunner
    from conftest import store_environ

    from rag.cli import cli

    env = store_environ(server_settings)
    data = ["--data-dir", str(server_settings.data_dir)]
    runner = CliRunner()
    ingested = runner.invoke(cli, ["ingest", str(SEED_DIR), *data], env=env)
    assert ingested.exit_code == 0 and "1 new" in ingested.output
    assert not (server_settings.data_dir / "chroma").exists()  # nothing embedded: the passages are on the server
    found = json.loads(runner.invoke(cli, ["search", "drones over Moscow", "--json", *data], env=env).stdout)
    assert found and found[0]["title"].startswith("Putin vows")
    asked = json.loads(runner.invoke(cli, ["ask", DRONES, "--json", *data], env=env).stdout)
    assert not asked["refused"] and "eight" in asked["answer"]
    assert runner.invoke(cli, ["check", *data], env=env).exit_code == 0
    copy = tmp_path / "copy"
    assert runner.invoke(cli, ["backup", str(copy), *data], env=env).exit_code == 0
    local = runner.invoke(cli, ["search", "drones over Moscow", "--json", "--data-dir", str(copy)], env={})
    assert json.loads(local.stdout)[0]["title"].startswith("Putin vows")  # the backup is an embedded store


def test_app_processes_sharing_a_server_see_each_others_writes_within_seconds(
    server_settings: Settings, tmp_path: Path
) -> None:
    """A long-running reader (as the app) in one process, an ingest in another: the reader finds the new
    article by meaning and by keyword within a few seconds, without being restarted."""
    from conftest import store_environ

    assert ingest_paths(Archive(server_settings), [SEED_DIR]).ok
    env = {**os.environ, **store_environ(server_settings)}
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(server_settings.data_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None and reader.stdout.readline().strip() == "ready"  # searched once, indexes open
    write_md(tmp_path / "new" / "walrus.md", "Walrus on the slipway", "A walrus rested on the lifeboat slipway.")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from rag.cli import cli; cli()",
            "ingest",
            str(tmp_path / "new"),
            "--data-dir",
            str(tmp_path / "writer"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out, err = reader.communicate(timeout=60)
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["dense"] is not None and seen["keyword"] is not None, (seen, err[-2000:])
    assert max(seen["dense"], seen["keyword"]) <= LEXICAL_RECHECK_SECONDS + 5, seen


READER = """
import json, sys, time
from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.config import load_settings
archive = Archive(load_settings(env_file=None).with_data_dir(sys.argv[1]))
archive.lexical().search("drones", 3, ArchiveFilter())
vector = archive.embeddings.embed_query("a walrus on the lifeboat slipway")
print("ready", flush=True)
start, seen = time.monotonic(), {"dense": None, "keyword": None}
def has_walrus(hits):
    return any(p.title == "Walrus on the slipway" for p in hits)
while time.monotonic() - start < 40 and None in seen.values():
    if seen["dense"] is None and has_walrus(archive.store.dense(vector, 3, ArchiveFilter())):
        seen["dense"] = time.monotonic() - start
    if seen["keyword"] is None and has_walrus(archive.lexical().search("walrus slipway", 3, ArchiveFilter())):
        seen["keyword"] = time.monotonic() - start
    time.sleep(0.2)
print(json.dumps(seen))
"""
