"""The BM25 index on disk: saved beside the store, rebuilt when the archive changes, never mixed or half-built."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from support import write_md

from rag.archive.chroma import collection_name
from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.archive.lexical import FORMAT, LexicalIndex
from rag.config import Settings
from rag.dates import date_forms
from rag.ingest.chunking import chunk_article
from rag.ingest.pipeline import ingest_paths
from rag.models import Article


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

    chunks = chunk_article(article)
    seeded.store.write_articles([(article, chunks, seeded.embeddings.embed_documents([c.text for c in chunks]))])
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


def test_passage_without_embargo_metadata_is_hidden_from_lexical_search(seeded: Archive) -> None:
    """Fail closed: a BM25 index row whose metadata lacks the embargo field is never returned."""
    index = seeded.lexical()
    assert index.search("Shoigu drones", 3, ArchiveFilter())
    for meta in index.metas:
        meta.pop("embargo_ts")
    index._cols = None  # the filter columns are rebuilt from the damaged metadata
    assert index.search("Shoigu drones", 3, ArchiveFilter()) == []


def test_an_index_of_an_older_format_is_rebuilt(seeded: Archive) -> None:
    directory = seeded.settings.data_dir / "bm25" / seeded.store.name
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest.pop("format")  # as written before passages were indexed with their dates
    (directory / "manifest.json").write_text(json.dumps(manifest))
    reopened = Archive(seeded.settings, seeded.embeddings)
    assert reopened.lexical().search("Shoigu eight drones", 3, ArchiveFilter())
    assert json.loads((directory / "manifest.json").read_text())["format"] == FORMAT


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
