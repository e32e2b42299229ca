"""The Chroma store and BM25 index on disk: persistence across processes, filters, embargo, index rebuilds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import SEED_DIR

from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.archive.lexical import LexicalIndex
from rag.archive.store import collection_name
from rag.config import Settings, load_settings
from rag.ingest.pipeline import ingest_paths
from rag.models import Article
from rag.retrieval.hybrid import HybridRetriever

DRONES = "How many drones did Sergei Shoigu say Ukraine used?"
CLI = "from rag.cli import main; main()"


def write_md(path: Path, title: str, body: str, **meta: str) -> Path:
    """An article as Markdown with YAML front matter."""
    front = "\n".join(f"{k}: {json.dumps(v)}" for k, v in {"title": title, **meta}.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")
    return path


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
    # the BM25 index the other process saved is the one this process uses
    index = LexicalIndex(data_dir / "bm25" / archive.store.name)
    assert index.load() and index.signature == archive.store.signature()


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


# --- filters: outlet, dates, embargo -----------------------------------------------------------------------------

LIGHTHOUSE = "The Portwick lighthouse was restored by volunteers who repainted the lantern room and fixed the lamp."
NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, embeddings: Any) -> Archive:
    """Five small lighthouse articles: two outlets, two dates, one undated, one embargoed, one formerly embargoed."""
    folder = tmp_path_factory.mktemp("filter-corpus")
    write_md(
        folder / "a.md",
        "Gazette: lighthouse restored",
        LIGHTHOUSE,
        outlet="The Harbour Gazette",
        published_at="2023-03-10T09:00:00Z",
    )
    write_md(
        folder / "b.md",
        "Courier: lighthouse reopens",
        LIGHTHOUSE + " Visitors may climb it from June.",
        outlet="Valley Courier",
        published_at="2023-06-20T12:00:00Z",
    )
    write_md(
        folder / "c.md",
        "Courier: undated lighthouse note",
        LIGHTHOUSE + " A plaque names the volunteers.",
        outlet="Valley Courier",
    )
    write_md(
        folder / "d.md",
        "Embargoed: lighthouse sold to hotel chain",
        "The Portwick lighthouse will be sold to the Seabright hotel chain, the council will announce.",
        outlet="The Harbour Gazette",
        published_at="2023-07-01",
        embargo_until="2999-01-01T00:00:00Z",
    )
    write_md(
        folder / "e.md",
        "Released: lighthouse fog horn silenced",
        "The Portwick lighthouse fog horn was silenced after complaints from the Seabright hotel guests.",
        outlet="The Harbour Gazette",
        published_at="2023-05-01",
        embargo_until="2020-01-01T00:00:00Z",
    )
    settings = load_settings(environ={}, env_file=None).with_data_dir(tmp_path_factory.mktemp("filter-data"))
    archive = Archive(settings, embeddings)
    report = ingest_paths(archive, [folder])
    assert report.ok and report.count("new") == 5
    return archive


def titles(passages: list[Any]) -> set[str]:
    return {p.title for p in passages}


def test_no_filter_sees_every_article_except_the_embargoed_one(corpus: Archive) -> None:
    found = titles(HybridRetriever(corpus).search("Portwick lighthouse", k=20))
    assert found == {
        "Gazette: lighthouse restored",
        "Courier: lighthouse reopens",
        "Courier: undated lighthouse note",
        "Released: lighthouse fog horn silenced",
    }


@pytest.mark.parametrize("name", ["valley courier", "VALLEY COURIER", "  Valley   Courier "])
def test_outlet_filter_is_case_and_space_insensitive(corpus: Archive, name: str) -> None:
    flt = ArchiveFilter(outlets=(name,))
    hits = HybridRetriever(corpus).search("Portwick lighthouse restored", k=10, flt=flt)
    assert titles(hits) == {"Courier: lighthouse reopens", "Courier: undated lighthouse note"}
    assert {p.outlet for p in hits} == {"Valley Courier"}
    # both halves of hybrid search apply it
    assert {p.outlet for p in corpus.lexical().search("lighthouse", 20, flt)} == {"Valley Courier"}
    vector = corpus.embeddings.embed_query("lighthouse")
    assert {p.outlet for p in corpus.store.dense(vector, 20, flt)} == {"Valley Courier"}


def test_several_outlets_and_an_unknown_outlet(corpus: Archive) -> None:
    both = HybridRetriever(corpus).search(
        "lighthouse", k=20, flt=ArchiveFilter(outlets=("valley courier", "the harbour gazette"))
    )
    assert len(titles(both)) == 4
    assert HybridRetriever(corpus).search("lighthouse", k=20, flt=ArchiveFilter(outlets=("Nowhere Times",))) == []


def test_since_until_filters_exclude_undated_articles(corpus: Archive) -> None:
    since = HybridRetriever(corpus).search(
        "lighthouse", k=20, flt=ArchiveFilter(since=datetime(2023, 6, 1, tzinfo=UTC))
    )
    assert titles(since) == {"Courier: lighthouse reopens"}

    until = HybridRetriever(corpus).search(
        "lighthouse", k=20, flt=ArchiveFilter(until=datetime(2023, 4, 1, tzinfo=UTC))
    )
    assert titles(until) == {"Gazette: lighthouse restored"}

    window = ArchiveFilter(since=datetime(2023, 3, 1, tzinfo=UTC), until=datetime(2023, 5, 31, tzinfo=UTC))
    assert titles(HybridRetriever(corpus).search("lighthouse", k=20, flt=window)) == {
        "Gazette: lighthouse restored",
        "Released: lighthouse fog horn silenced",
    }
    # the same rule in both halves of hybrid search
    assert "Courier: undated lighthouse note" not in titles(corpus.lexical().search("lighthouse", 20, window))
    vector = corpus.embeddings.embed_query("lighthouse")
    assert "Courier: undated lighthouse note" not in titles(corpus.store.dense(vector, 20, window))


def test_until_is_inclusive_of_the_instant(corpus: Archive) -> None:
    exact = ArchiveFilter(since=datetime(2023, 6, 20, 12, tzinfo=UTC), until=datetime(2023, 6, 20, 12, tzinfo=UTC))
    assert titles(HybridRetriever(corpus).search("lighthouse", k=20, flt=exact)) == {"Courier: lighthouse reopens"}


def test_embargoed_article_is_never_retrieved_even_as_the_best_match(corpus: Archive) -> None:
    query = "lighthouse sold to the Seabright hotel chain"
    after_embargo = ArchiveFilter(now=datetime(3000, 1, 1, tzinfo=UTC))
    best = HybridRetriever(corpus).search(query, k=3, flt=after_embargo)
    assert best[0].title == "Embargoed: lighthouse sold to hotel chain", "the embargoed article is the best match"

    for flt in (
        ArchiveFilter(),
        ArchiveFilter(outlets=("The Harbour Gazette",)),
        ArchiveFilter(since=datetime(2023, 1, 1, tzinfo=UTC)),
    ):
        hits = HybridRetriever(corpus).search(query, k=20, flt=flt)
        assert hits, "other articles still answer"
        assert all("sold" not in p.text for p in hits)
        assert "Embargoed: lighthouse sold to hotel chain" not in titles(hits)
        assert "Embargoed: lighthouse sold to hotel chain" not in titles(corpus.lexical().search(query, 50, flt))
        vector = corpus.embeddings.embed_query(query)
        assert "Embargoed: lighthouse sold to hotel chain" not in titles(corpus.store.dense(vector, 50, flt))
    # embargo in the past: retrievable
    assert "Released: lighthouse fog horn silenced" in titles(HybridRetriever(corpus).search("fog horn silenced", k=3))


def test_passage_without_embargo_metadata_is_hidden_from_lexical_search(seeded: Archive) -> None:
    """Fail closed: a BM25 index row whose metadata lacks the embargo field is never returned."""
    index = seeded.lexical()
    assert index.search("Shoigu drones", 3, ArchiveFilter())
    for meta in index.metas:
        meta.pop("embargo_ts")
    index._cols = None  # the filter columns are rebuilt from the damaged metadata
    assert index.search("Shoigu drones", 3, ArchiveFilter()) == []


# --- the BM25 index ----------------------------------------------------------------------------------------------


def test_bm25_index_is_saved_under_the_data_dir(seeded: Archive, settings: Settings) -> None:
    directory = settings.data_dir / "bm25" / seeded.store.name
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["signature"] == seeded.store.signature()
    assert manifest["passages"] == seeded.store.passages.count()
    assert (directory / "bm25").is_dir() and (directory / "passages.json").is_file()
    assert seeded.store.name == collection_name(settings.collection, "all-MiniLM-L6-v2-onnx-int8")


def test_new_article_becomes_lexically_findable_after_ingest(seeded: Archive, tmp_path: Path) -> None:
    flt = ArchiveFilter()
    assert seeded.lexical().search("quokka", 5, flt) == []
    write_md(
        tmp_path / "new" / "quokka.md",
        "Quokka spotted at the marina",
        "A quokka was spotted at the Portwick marina, far from home.",
        outlet="Harbour Gazette",
    )

    ingest_paths(seeded, [tmp_path / "new"])

    hits = seeded.lexical().search("quokka", 5, flt)
    assert [p.title for p in hits] == ["Quokka spotted at the marina"]
    manifest = json.loads((seeded.settings.data_dir / "bm25" / seeded.store.name / "manifest.json").read_text())
    assert manifest["signature"] == seeded.store.signature()
    # another process-like reader opening the archive now sees it as well
    reopened = Archive(seeded.settings, seeded.embeddings)
    assert [p.title for p in reopened.lexical().search("quokka", 5, flt)] == ["Quokka spotted at the marina"]


def test_stale_bm25_index_is_rebuilt_when_the_store_changed_behind_it(seeded: Archive) -> None:
    """A write that bypassed the index (another tool, a crash before the rebuild) is noticed on open."""
    article = Article(
        "Walrus on the slipway",
        "A walrus rested on the lifeboat slipway all morning.",
        source_key="test:walrus",
        outlet="Harbour Gazette",
    )
    from rag.ingest.chunking import chunk_article

    chunks = chunk_article(article)
    seeded.store.write_article(article, chunks, seeded.embeddings.embed_documents([c.text for c in chunks]))
    directory = seeded.settings.data_dir / "bm25" / seeded.store.name
    assert json.loads((directory / "manifest.json").read_text())["signature"] != seeded.store.signature()

    reopened = Archive(seeded.settings, seeded.embeddings)
    assert [p.title for p in reopened.lexical().search("walrus", 5, ArchiveFilter())] == ["Walrus on the slipway"]
    assert json.loads((directory / "manifest.json").read_text())["signature"] == seeded.store.signature()
    # and the cached index of the first handle is refreshed on request
    seeded.refresh()
    assert [p.title for p in seeded.lexical().search("walrus", 5, ArchiveFilter())] == ["Walrus on the slipway"]


def test_bm25_index_survives_reopen_without_rebuilding(seeded: Archive) -> None:
    directory = seeded.settings.data_dir / "bm25" / seeded.store.name
    before = (directory / "manifest.json").stat()

    reopened = Archive(seeded.settings, seeded.embeddings)
    hits = reopened.lexical().search("Shoigu eight drones", 3, ArchiveFilter())

    assert hits and "eight drones" in hits[0].text
    after = (directory / "manifest.json").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), "loaded, not rebuilt"


def test_damaged_bm25_index_is_rebuilt(seeded: Archive) -> None:
    directory = seeded.settings.data_dir / "bm25" / seeded.store.name
    (directory / "passages.json").write_text("{not json")
    reopened = Archive(seeded.settings, seeded.embeddings)
    hits = reopened.lexical().search("Shoigu eight drones", 3, ArchiveFilter())
    assert hits and "eight drones" in hits[0].text
    assert json.loads((directory / "passages.json").read_text())["ids"]


def test_empty_archive_searches_return_nothing(archive: Archive) -> None:
    assert HybridRetriever(archive).search("anything at all") == []
    assert archive.stats().articles == 0


def test_concurrent_index_builds_never_fail_and_leave_one_consistent_index(seeded: Archive) -> None:
    """Two processes that open a changed archive at once both rebuild the index; neither may crash."""
    directory = seeded.settings.data_dir / "bm25" / seeded.store.name
    errors: list[str] = []

    def rebuild(worker: int) -> None:
        for round_ in range(15):
            try:
                LexicalIndex(directory).build(seeded.store, f"sig-{worker}-{round_}")
                reader = LexicalIndex(directory)
                if reader.load():
                    assert len(reader.ids) == len(reader.texts) == len(reader.metas)
            except Exception as exc:  # noqa: BLE001 - any failure is the bug
                errors.append(repr(exc))

    threads = [threading.Thread(target=rebuild, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    final = LexicalIndex(directory)
    assert final.load() and final.signature.startswith("sig-")
    assert sorted(p.name for p in directory.parent.iterdir()) == [directory.name], "no temp folders left behind"


def test_index_files_from_different_builds_are_not_mixed(seeded: Archive) -> None:
    directory = seeded.settings.data_dir / "bm25" / seeded.store.name
    manifest = json.loads((directory / "manifest.json").read_text())
    (directory / "manifest.json").write_text(json.dumps({**manifest, "signature": "from-another-build"}))
    assert not LexicalIndex(directory).load()
    (directory / "manifest.json").write_text(json.dumps({**manifest, "passages": manifest["passages"] + 1}))
    assert not LexicalIndex(directory).load()
    (directory / "manifest.json").write_text(json.dumps(manifest))
    assert LexicalIndex(directory).load()


def test_date_filters_work_for_articles_published_before_1970(archive: Archive, tmp_path: Path) -> None:
    """Historical archives: dates before the Unix epoch are dates, not 'undated'."""
    folder = tmp_path / "history"
    write_md(
        folder / "old.md",
        "Moon landing watched in Portwick",
        "Crowds in Portwick watched the moon landing.",
        outlet="Harbour Gazette",
        published_at="1969-07-21",
    )
    write_md(
        folder / "older.md",
        "Portwick harbour flooded",
        "The 1953 flood reached the Portwick harbour wall.",
        outlet="Harbour Gazette",
        published_at="1953-02-01",
    )
    write_md(
        folder / "undated.md",
        "Portwick harbour legend",
        "A legend says the Portwick harbour wall is Roman.",
        outlet="Harbour Gazette",
    )
    assert ingest_paths(archive, [folder]).ok

    def found(flt: ArchiveFilter) -> set[str]:
        return titles(HybridRetriever(archive).search("Portwick harbour moon landing flood", k=10, flt=flt))

    assert found(ArchiveFilter(until=datetime(1970, 1, 1, tzinfo=UTC))) == {
        "Moon landing watched in Portwick",
        "Portwick harbour flooded",
    }
    assert found(ArchiveFilter(since=datetime(1960, 1, 1, tzinfo=UTC))) == {"Moon landing watched in Portwick"}
    assert found(ArchiveFilter(since=datetime(1950, 1, 1, tzinfo=UTC), until=datetime(1955, 1, 1, tzinfo=UTC))) == {
        "Portwick harbour flooded",
    }
    assert len(found(ArchiveFilter())) == 3


def test_dates_without_a_zone_are_utc_whatever_the_local_zone(corpus: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    """`ArchiveFilter(since=datetime(2023, 6, 20, 12))` means 12:00 UTC, as dates in files and on the CLI do."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        naive = ArchiveFilter(since=datetime(2023, 6, 20, 12), until=datetime(2023, 6, 20, 12))
        assert titles(HybridRetriever(corpus).search("lighthouse", k=20, flt=naive)) == {"Courier: lighthouse reopens"}
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_a_client_given_by_the_caller_is_never_closed_or_replaced(settings: Settings) -> None:
    from rag.archive.store import ArchiveStore, make_client

    client = make_client(settings)
    store = ArchiveStore(settings, "given-client-model", client=client)
    assert store.reopen() is False
    assert store.client is client and client.heartbeat() > 0
