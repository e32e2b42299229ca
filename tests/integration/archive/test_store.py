"""The Chroma store on disk: persistence across processes, filters and embargo in both halves of hybrid search
(real model), batched writes and paged reads, the client. The BM25 index on disk: test_lexical.py."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support import write_md

from rag.archive.chroma import make_client
from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.archive.store import ArchiveStore
from rag.config import Settings, load_settings
from rag.ingest.pipeline import ingest_paths
from rag.models import Article, Chunk
from rag.retrieval.hybrid import HybridRetriever

BOTH_BACKENDS = True  # each test that uses `settings` runs on the embedded store and on a `chroma run` server


# --- filters: outlet, dates, embargo, in both halves of hybrid search ------------------------------------------------

LIGHTHOUSE = "The Portwick lighthouse was restored by volunteers who repainted the lantern room and fixed the lamp."


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


# --- batching of store writes ----------------------------------------------------------------------------------


class RecordingCollection:
    """The real Chroma collection, with the size of each write recorded."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection
        self.upserts: list[int] = []

    def upsert(self, **kwargs: Any) -> Any:
        self.upserts.append(len(kwargs["ids"]))
        return self._collection.upsert(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._collection, name)


def _chunks(article: Article, n: int) -> list[Chunk]:
    chunks, pos = [], 0
    for i in range(n):
        text = f"Sentence number {i} about the harbour."
        chunks.append(Chunk(article.article_id, i, text, pos, pos + len(text), ((pos, pos + len(text)),)))
        pos += len(text) + 1
    return chunks


def test_store_writes_are_split_into_batches_of_max_batch(settings: Settings) -> None:
    store = ArchiveStore(settings, "batch-test-model")
    assert store.max_batch == store.client.get_max_batch_size() > 0
    store.max_batch = 3
    store.passages = RecordingCollection(store.passages)  # type: ignore[assignment]
    article = Article("Harbour", "x", source_key="test:batch", outlet="Gazette")
    chunks = _chunks(article, 10)
    vectors = [[float(i == j % 8) + 0.01 for i in range(8)] for j in range(10)]

    store.write_articles([(article, chunks, vectors)])

    assert store.passages.upserts == [3, 3, 3, 1]
    assert store.passages.count() == 10
    got = store.passages.get(include=["metadatas"])
    assert sorted(m["chunk_index"] for m in got["metadatas"]) == list(range(10))
    assert [row[0] for row in store.iter_passages()] and len(list(store.iter_passages())) == 10
    assert store.articles()[article.article_id].passages == 10

    # a new version with fewer passages, written in batches too, leaves none of the old ones
    v2 = dataclasses.replace(article, body="y")
    store.passages.upserts.clear()
    store.write_articles([(v2, _chunks(v2, 4), vectors[:4])])
    assert store.passages.upserts == [3, 1]
    assert store.passages.count() == 4
    assert {m["content_hash"] for m in store.passages.get(include=["metadatas"])["metadatas"]} == {
        store.content_key(v2)
    }


def test_registry_and_passages_are_read_in_pages(settings: Settings) -> None:
    store = ArchiveStore(settings, "batch-test-model")
    store.max_batch = 3
    for n in range(7):
        article = Article(f"Story {n}", f"body {n}", source_key=f"test:{n}")
        store.write_articles([(article, _chunks(article, 2), [[1.0, float(n), 0.5]] * 2)])
    assert len(store.articles()) == 7
    assert len({row[0] for row in store.iter_passages()}) == 14
    assert store.stats().articles == 7 and store.stats().passages == 14


# --- the client ----------------------------------------------------------------------------------------------------


def test_a_client_given_by_the_caller_is_never_closed_or_replaced(settings: Settings) -> None:
    client = make_client(settings)
    store = ArchiveStore(settings, "given-client-model", client=client)
    assert store.reopen() is False
    assert store.client is client and client.heartbeat() > 0


@pytest.mark.parametrize(
    "flt",
    [
        ArchiveFilter(),
        ArchiveFilter.of(["Valley Courier"]),
        ArchiveFilter.of(["The Harbour Gazette"], since="2023-04-01"),
        ArchiveFilter.of(until="2023-03-31"),
        ArchiveFilter.of(["No Such Outlet"]),
    ],
)
@pytest.mark.parametrize("n", [1, 2, 5])
@pytest.mark.parametrize("from_index", [False, True])
def test_dense_search_filtered_in_code_equals_chromas_own_filtered_query(
    corpus: Archive, flt: ArchiveFilter, n: int, from_index: bool
) -> None:
    """The unfiltered over-fetch with the filter applied in code, or its fallback, returns exactly what a
    filtered Chroma query returns, embargoed passages never included; so it does with the rows read from the
    keyword index's copy, as a search reads them."""
    vector = corpus.embeddings.embed_query("Portwick lighthouse hotel")
    flt = dataclasses.replace(flt, now=datetime.now(UTC))
    store = corpus.store
    asked: list[str] = []

    def rows(ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        asked.extend(ids)
        return corpus.lexical().rows(ids)

    got = [
        (p.chunk_id, p.text, p.title, round(p.dense_similarity or 0.0, 6))
        for p in store.dense(vector, n, flt, rows if from_index else None)
    ]
    assert bool(asked) == (from_index and not corpus.settings.chroma_host)  # the copies were read, on an embedded store
    direct = [
        (cid, text, meta["title"], round(1.0 - dist, 6))
        for cid, text, meta, dist in store._rows(store._query(vector, n, flt.where()))
    ]
    assert got == direct  # the same passages, in the same order, each with its own text and similarity
    assert "Embargoed: lighthouse sold to hotel chain" not in titles(store.dense(vector, n, flt))


def test_rows_read_for_the_neighbours_keep_their_order_and_leave_out_one_deleted_since(corpus: Archive) -> None:
    """The dense search reads its neighbours' rows after asking for their ids: a passage deleted in between (by
    another process's ingest) is left out, and the others keep their order, text and distance."""
    store = corpus.store
    got = store.passages.get(include=["documents"], limit=2)
    first, second = got["ids"]
    rows = store._read([second, "deleted-since", first], [0.1, 0.2, 0.3], None)
    assert [(cid, dist) for cid, _, _, dist in rows] == [(second, 0.1), (first, 0.3)]
    assert [text for _, text, _, _ in rows] == [got["documents"][1], got["documents"][0]]
    assert all(meta.get("article_id") for _, _, meta, _ in rows)
    # a row source that holds only some of them (the keyword index, before it caught up with a new article): the
    # others come from Chroma, the same rows in the same order
    index_rows = corpus.lexical().rows([first])
    assert list(index_rows) == [first]
    mixed = store._read([second, "deleted-since", first], [0.1, 0.2, 0.3], lambda ids: dict(index_rows))
    assert mixed == rows


def test_dense_search_falls_back_to_chromas_filter_when_the_over_fetch_holds_too_few(
    hash_archive: Archive, tmp_path: Path
) -> None:
    """Twenty Gazette articles about the toll and one Courier article: the unfiltered over-fetch for one
    Courier passage holds none of it, so the filtered query runs, and its result is the Courier passage."""
    folder = tmp_path / "many"
    for i in range(20):
        write_md(
            folder / f"g{i}.md",
            f"Toll story {i}",
            f"The harbour bridge toll rose again, report {i} says.",
            outlet="The Harbour Gazette",
            published_at="2024-03-01",
        )
    write_md(
        folder / "c.md",
        "Courier note",
        "A short note on allotments and gardens.",
        outlet="Valley Courier",
        published_at="2024-03-02",
    )
    assert ingest_paths(hash_archive, [folder]).ok
    store = hash_archive.store
    vector = hash_archive.embeddings.embed_query("harbour bridge toll")
    flt = dataclasses.replace(ArchiveFilter.of(["Valley Courier"]), now=datetime.now(UTC))
    unfiltered = [row[2]["outlet"] for row in store._rows(store._query(vector, 4, None))]
    assert "Valley Courier" not in unfiltered  # the over-fetch alone would find nothing
    assert [p.title for p in store.dense(vector, 1, flt)] == ["Courier note"]


def test_dense_search_never_returns_a_passage_without_embargo_metadata(corpus: Archive) -> None:
    """Fail closed, on both paths: a stored passage whose metadata lacks the embargo field is never returned."""
    store = corpus.store
    got = store.passages.get(include=["metadatas", "documents", "embeddings"])
    broken = dict(got["metadatas"][0])
    broken.pop("embargo_ts")
    store.passages.upsert(
        ids=["no-embargo"], documents=[got["documents"][0]], metadatas=[broken], embeddings=[got["embeddings"][0]]
    )
    try:
        vector = list(got["embeddings"][0])
        for n in (1, 3, 50):
            assert "no-embargo" not in [p.chunk_id for p in store.dense(vector, n, ArchiveFilter())]
    finally:
        store.passages.delete(ids=["no-embargo"])


def test_a_large_archive_counts_its_passages_at_most_every_few_seconds(hash_archive: Archive) -> None:
    import time

    from rag.archive import store as store_module

    store = hash_archive.store
    assert store.passage_count() == 0  # a small archive is counted on every search: new passages show at once
    store._count = (store_module.COUNT_CACHED_FROM, time.monotonic())  # as if a large archive was just counted
    assert store.passage_count() == store_module.COUNT_CACHED_FROM  # trusted for a few seconds
    store._count = (store_module.COUNT_CACHED_FROM, time.monotonic() - store_module.COUNT_SECONDS - 1)
    assert store.passage_count() == 0  # then counted again
