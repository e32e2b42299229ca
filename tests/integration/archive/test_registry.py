"""The registry's change feed: a process that listed the registry once afterwards reads only the records written
since its last look, and still notices every write, replacement and removal (real Chroma, both backends)."""

from __future__ import annotations

import random
import time
from typing import Any

import pytest
from support import HashEmbeddings

from rag.archive import registry as registry_module
from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.archive.registry import RegistryView, signature_of
from rag.archive.store import ArchiveStore
from rag.config import Settings
from rag.ingest.chunking import chunk_article
from rag.models import Article

BOTH_BACKENDS = True
FIRE = Article(title="Harbour fire", body="Fire crews worked all night at the harbour.", source_key="ledger/fire")


def article(n: int, body: str = "") -> Article:
    text = body or f"Council number {n} approved the budget on Monday. The vote was close and the mayor abstained."
    return Article(title=f"Budget vote {n}", body=text, source_key=f"ledger/{n}", outlet="The Ledger")


def aid(n: int) -> str:
    return article(n).article_id


def write(store: ArchiveStore, embeddings: HashEmbeddings, *articles: Article) -> None:
    items: list[Any] = []
    for a in articles:
        chunks = chunk_article(a, store.settings.chunk_chars, store.settings.chunk_overlap)
        items.append((a, chunks, embeddings.embed_documents([c.text for c in chunks])))
    store.write_articles(items)


class Listings:
    """Counts the whole-registry listings a store makes (the store itself is real; this only counts calls)."""

    def __init__(self, store: ArchiveStore) -> None:
        self.calls = 0
        whole = store.articles

        def counted() -> Any:
            self.calls += 1
            return whole()

        store.articles = counted  # type: ignore[method-assign]


def test_the_signature_does_not_depend_on_order_and_tells_versions_apart() -> None:
    versions = {f"a{n}": f"v{n}" for n in range(50)}
    shuffled = list(versions.items())
    random.Random(3).shuffle(shuffled)
    assert signature_of(versions) == signature_of(dict(shuffled))
    assert signature_of(versions) != signature_of({**versions, "a7": "v7b"})
    assert signature_of(versions) != signature_of({k: v for k, v in versions.items() if k != "a7"})
    assert signature_of({}) != signature_of({"a": "v"})


def test_a_reader_sees_another_writers_new_and_replaced_articles_without_listing_again(
    settings: Settings, hash_embeddings: HashEmbeddings
) -> None:
    writer, reader = Archive(settings, hash_embeddings), Archive(settings, hash_embeddings)
    write(writer.store, hash_embeddings, article(1), article(2))
    view = RegistryView()
    assert set(view.update(reader.store).records) == {aid(1), aid(2)}
    listings = Listings(reader.store)

    write(writer.store, hash_embeddings, article(3))
    write(writer.store, hash_embeddings, article(1, "A correction: the council approved a smaller budget."))
    before = view.snapshot
    assert view.update(reader.store).signature != before.signature
    assert listings.calls == 0  # only the records written since the last look were read
    assert set(view.snapshot.records) == {aid(1), aid(2), aid(3)}
    assert view.snapshot.records[aid(1)].content_hash == writer.store.articles()[aid(1)].content_hash
    unchanged = view.snapshot
    assert view.update(reader.store).signature == unchanged.signature and listings.calls == 0  # nothing new
    assert view.snapshot.signature == writer.store.signature()  # the running sum equals the signature from scratch


def test_an_unregistered_article_is_noticed_by_the_count_and_the_registry_listed_again(
    settings: Settings, hash_embeddings: HashEmbeddings
) -> None:
    archive = Archive(settings, hash_embeddings)
    write(archive.store, hash_embeddings, article(1), article(2), article(3))
    view = RegistryView()
    view.update(archive.store)
    archive.store.registry.delete(ids=[aid(2)])  # as `newsroom check --repair` unregisters an incomplete article
    view.update(archive.store)
    assert set(view.snapshot.records) == {aid(1), aid(3)} and view.snapshot.signature == archive.store.signature()


def test_a_record_without_a_write_time_is_held_from_the_first_listing_and_its_replacement_seen(
    settings: Settings, hash_embeddings: HashEmbeddings
) -> None:
    archive = Archive(settings, hash_embeddings)
    write(archive.store, hash_embeddings, article(1), article(2))
    old = archive.store.registry.get(ids=[aid(1)], include=["metadatas", "documents"])
    meta = {k: v for k, v in dict(old["metadatas"][0]).items() if k != "written_at"}  # as an older version wrote it
    archive.store.registry.upsert(ids=[aid(1)], metadatas=[meta], documents=old["documents"], embeddings=[[1.0]])
    view = RegistryView()
    view.update(archive.store)
    assert set(view.snapshot.records) == {aid(1), aid(2)}
    write(archive.store, hash_embeddings, article(1, "The budget vote was postponed to Thursday."))
    view.update(archive.store)
    assert view.snapshot.records[aid(1)].content_hash == archive.store.articles()[aid(1)].content_hash
    assert view.snapshot.signature == archive.store.signature()


def test_a_write_the_feed_missed_is_caught_by_the_periodic_full_listing(
    settings: Settings, hash_embeddings: HashEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = Archive(settings, hash_embeddings)
    write(archive.store, hash_embeddings, article(1))
    view = RegistryView()
    view.update(archive.store)
    write(archive.store, hash_embeddings, article(1, "The mayor resigned after the vote."))
    got = archive.store.registry.get(ids=[aid(1)], include=["metadatas", "documents"])
    meta = {**dict(got["metadatas"][0]), "written_at": 1.0}  # a writer whose clock is far behind
    archive.store.registry.upsert(ids=[aid(1)], metadatas=[meta], documents=got["documents"], embeddings=[[1.0]])
    view.update(archive.store)
    assert view.snapshot.signature != archive.store.signature()  # the feed cannot see it, and the count did not change
    monkeypatch.setattr(registry_module, "FULL_LISTING_SECONDS", 0.0)
    assert view.update(archive.store).signature == archive.store.signature()


@pytest.mark.parametrize("skew", [-3600.0, 3600.0])
def test_a_writer_whose_clock_is_an_hour_off_is_still_followed(
    settings: Settings, hash_embeddings: HashEmbeddings, skew: float
) -> None:
    archive = Archive(settings, hash_embeddings)
    write(archive.store, hash_embeddings, article(1))
    got = archive.store.registry.get(ids=[aid(1)], include=["metadatas", "documents"])
    meta = {**dict(got["metadatas"][0]), "written_at": time.time() + skew}  # written by that writer
    archive.store.registry.upsert(ids=[aid(1)], metadatas=[meta], documents=got["documents"], embeddings=[[1.0]])
    view = RegistryView()
    view.update(archive.store)
    listings = Listings(archive.store)
    write(archive.store, hash_embeddings, article(1, "The budget passed at the second vote."))  # a correction
    registry = archive.store.registry
    later = {**dict(registry.get(ids=[aid(1)], include=["metadatas"])["metadatas"][0])}
    later["written_at"] = float(later["written_at"]) + skew  # by the same writer, on its clock
    registry.upsert(ids=[aid(1)], metadatas=[later], documents=["x"], embeddings=[[1.0]])
    held = view.update(archive.store)
    assert listings.calls == 0 and held.signature == archive.store.signature()


def test_the_archive_list_follows_writes_after_refresh(settings: Settings, hash_embeddings: HashEmbeddings) -> None:
    writer, reader = Archive(settings, hash_embeddings), Archive(settings, hash_embeddings)
    write(writer.store, hash_embeddings, article(1))
    assert [r.article_id for r in reader.records()] == [aid(1)]
    write(writer.store, hash_embeddings, article(2), FIRE)
    reader.refresh()
    assert sorted(r.article_id for r in reader.records()) == sorted([aid(1), aid(2), FIRE.article_id])
    assert {p.article_id for p in reader.lexical().search("harbour fire", 5, _everything())} == {FIRE.article_id}


def _everything() -> ArchiveFilter:
    return ArchiveFilter()
