"""The keyword index: an SQLite FTS5 file beside the store, kept in step one article at a time, never half-written."""

from __future__ import annotations

import threading
from pathlib import Path

from support import write_md

from rag.archive.chroma import collection_name
from rag.archive.filters import NEVER, ArchiveFilter
from rag.archive.knowledge import Archive, lexical_path
from rag.archive.lexical import FORMAT, LexicalIndex
from rag.config import Settings
from rag.dates import date_forms
from rag.ingest.chunking import chunk_article
from rag.ingest.pipeline import ingest_paths
from rag.models import Article

BOTH_BACKENDS = True  # each test that uses `settings` runs on the embedded store and on a `chroma run` server


def rowids(index: LexicalIndex) -> dict[str, int]:
    return dict(index._db().execute("SELECT chunk_id, id FROM docs").fetchall())


def test_the_keyword_index_is_one_sqlite_file_under_the_data_dir(seeded: Archive, settings: Settings) -> None:
    path = settings.data_dir / "lexical" / f"{seeded.store.name}.sqlite"
    assert lexical_path(settings, seeded.store.name) == path and path.is_file()
    index = LexicalIndex(path)
    assert index.signature == seeded.store.signature() and index.count() == seeded.store.passages.count()
    assert seeded.store.name == collection_name(settings.collection, "all-MiniLM-L6-v2-onnx-int8")


def test_a_new_article_is_added_alone_and_becomes_findable(seeded: Archive, tmp_path: Path) -> None:
    flt = ArchiveFilter()
    before = rowids(seeded.lexical())
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
    after = rowids(seeded.lexical())
    assert {k: after[k] for k in before} == before  # the archive's other rows were not written again
    assert len(after) == len(before) + 1
    # another process-like reader opening the archive now sees it as well
    reopened = Archive(seeded.settings, seeded.embeddings)
    assert [p.title for p in reopened.lexical().search("quokka", 5, flt)] == ["Quokka spotted at the marina"]


def test_a_replaced_article_leaves_no_old_passage_in_the_index(archive: Archive, tmp_path: Path) -> None:
    story = write_md(tmp_path / "s" / "vote.md", "Vote set", "The zebra-crossing referendum is set for May.")
    assert ingest_paths(archive, [tmp_path / "s"]).ok
    assert archive.lexical().search("zebra referendum", 5, ArchiveFilter())
    write_md(story.parent / "vote.md", "Vote set", "Correction: no public vote was scheduled by the council.")
    assert ingest_paths(archive, [tmp_path / "s"]).count("replaced") == 1
    assert archive.lexical().search("zebra referendum", 5, ArchiveFilter()) == []
    assert archive.lexical().count() == archive.store.passages.count()


def test_a_write_behind_the_index_is_caught_up_on_open(seeded: Archive) -> None:
    """A write that bypassed the index (another tool, a crash before the sync) is noticed on open."""
    article = Article(
        "Walrus on the slipway",
        "A walrus rested on the lifeboat slipway all morning.",
        source_key="test:walrus",
        outlet="Harbour Gazette",
    )
    chunks = chunk_article(article)
    seeded.store.write_articles([(article, chunks, seeded.embeddings.embed_documents([c.text for c in chunks]))])
    index = LexicalIndex(lexical_path(seeded.settings, seeded.store.name))
    assert index.signature != seeded.store.signature()
    reopened = Archive(seeded.settings, seeded.embeddings)
    assert [p.title for p in reopened.lexical().search("walrus", 5, ArchiveFilter())] == ["Walrus on the slipway"]
    assert index.signature == seeded.store.signature()
    seeded.refresh()  # and the first handle catches up on request
    assert [p.title for p in seeded.lexical().search("walrus", 5, ArchiveFilter())] == ["Walrus on the slipway"]


def test_reopening_an_archive_in_step_writes_nothing(seeded: Archive) -> None:
    before = rowids(seeded.lexical())
    reopened = Archive(seeded.settings, seeded.embeddings)
    hits = reopened.lexical().search("Shoigu eight drones", 3, ArchiveFilter())
    assert hits and "eight drones" in hits[0].text and rowids(reopened.lexical()) == before


def test_a_damaged_index_file_is_written_again(seeded: Archive) -> None:
    path = lexical_path(seeded.settings, seeded.store.name)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    reopened = Archive(seeded.settings, seeded.embeddings)
    hits = reopened.lexical().search("Shoigu eight drones", 3, ArchiveFilter())
    assert hits and "eight drones" in hits[0].text


def test_concurrent_syncs_never_fail_and_leave_one_consistent_index(seeded: Archive) -> None:
    """Several handles that open a changed archive at once all sync; none may crash or duplicate a row."""
    path = lexical_path(seeded.settings, seeded.store.name)
    LexicalIndex(path).reset()
    records = seeded.store.articles()
    errors: list[str] = []

    def sync(worker: int) -> None:
        for round_ in range(10):
            try:
                LexicalIndex(path).sync(seeded.store, records, f"sig-{worker}-{round_}")
                assert LexicalIndex(path).count() == seeded.store.passages.count()
            except Exception as exc:  # noqa: BLE001 - any failure is the bug
                errors.append(repr(exc))

    threads = [threading.Thread(target=sync, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    final = LexicalIndex(path)
    assert final.signature.startswith("sig-") and final.count() == seeded.store.passages.count()


def test_a_passage_without_embargo_metadata_is_hidden_from_keyword_search(seeded: Archive) -> None:
    """Fail closed: an index row whose metadata lacked the embargo field is never returned."""
    index = seeded.lexical()
    assert index.search("Shoigu drones", 3, ArchiveFilter())
    index._db().execute("UPDATE docs SET embargo_ts = ?", (NEVER,))  # what a missing embargo_ts is stored as
    assert LexicalIndex(index.path).search("Shoigu drones", 3, ArchiveFilter()) == []  # as the next process reads it


def test_an_index_of_an_older_format_is_written_again(seeded: Archive) -> None:
    path = lexical_path(seeded.settings, seeded.store.name)
    LexicalIndex(path)._db().execute("UPDATE state SET value = 'an older format' WHERE key = 'format'")
    # (a process that already holds the index keeps it; the next one to open the file writes it again)
    reopened = Archive(seeded.settings, seeded.embeddings)
    assert reopened.lexical().search("Shoigu eight drones", 3, ArchiveFilter())
    index = LexicalIndex(path)
    index._db()
    assert index._state("format") == FORMAT


def test_a_publication_date_written_any_usual_way_finds_its_article(archive: Archive, tmp_path: Path) -> None:
    for name, day in (("a.md", "2023-10-07"), ("b.md", "2023-11-20")):
        write_md(
            tmp_path / "d" / name,
            f"Council report {name}",
            "The council met to discuss the budget.",
            outlet="Harbour Gazette",
            published_at=day,
        )
    assert ingest_paths(archive, [tmp_path / "d"]).ok
    for query in ("budget October 7, 2023", "budget 7 October 2023", "budget 2023-10-07"):
        assert archive.lexical().search(query, 1, ArchiveFilter())[0].published_at.startswith("2023-10-07"), query
    assert date_forms("2023-10-07T09:30:00+00:00") == "7 October 2023; October 7, 2023; 2023-10-07; October 2023"
    assert date_forms("") == date_forms("undated") == ""


def test_an_article_whose_passages_are_not_all_stored_yet_is_left_out_and_tried_again(
    hash_archive: Archive, tmp_path: Path
) -> None:
    write_md(tmp_path / "a" / "one.md", "Harbour bridge reopens", "The harbour bridge reopened on Monday.")
    assert ingest_paths(hash_archive, [tmp_path / "a"]).ok
    (aid,) = hash_archive.store.articles()
    records = hash_archive.store.articles()
    records[aid].passages += 1  # as if a write were still under way: one passage more registered than stored
    index = LexicalIndex(lexical_path(hash_archive.settings, hash_archive.store.name))
    index.reset()
    assert index.sync(hash_archive.store, records, "sig-partial") == 0 and index.count() == 0
    assert index.signature != "sig-partial"  # not marked in step: the next re-check syncs again
    hash_archive.refresh()
    assert hash_archive.lexical().count() == 1  # with the true registry, it is written
