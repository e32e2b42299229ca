"""Ingest against the real model and a real Chroma store: idempotence, replacement, bad input, locking."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import SEED_DIR, SEED_FILE
from support import HashEmbeddings, write_md

from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.archive.locking import write_lock
from rag.config import Settings, load_settings
from rag.errors import StoreLockedError
from rag.ingest.pipeline import ingest_paths
from rag.retrieval.hybrid import HybridRetriever

BOTH_BACKENDS = True  # each test that uses `settings` runs on the embedded store and on a `chroma run` server

URL = "https://www.harbourgazette.example/news/council-vote"


def passage_rows(archive: Archive, article_id: str | None = None) -> dict[str, Any]:
    where = {"article_id": article_id} if article_id else None
    return archive.store.passages.get(where=where, include=["documents", "metadatas"])


V1_PARAGRAPHS = [
    f"Paragraph {n} of the first report. Councillors in Portwick debated the zebra-crossing referendum for hours "
    f"on Tuesday night, and residents of ward {n} queued outside the town hall to speak. The zebra-crossing "
    f"referendum would ask voters whether every school street needs a marked crossing before the autumn term."
    for n in range(1, 9)
]
V2_BODY = (
    "Correction: the council in Portwick did not schedule any public vote. Councillors agreed on Tuesday to paint "
    "new pedestrian crossings near three primary schools, paid from the roads budget."
)


# --- the seed folder, and running it twice ---------------------------------------------------------------------


def test_seed_folder_ingests_one_new_article(archive: Archive) -> None:
    report = ingest_paths(archive, [SEED_DIR])

    assert report.ok
    assert [f.status for f in report.files] == ["ingested"]
    assert report.count("new") == 1 and report.count("replaced") == 0 and report.count("unchanged") == 0
    assert report.passages == archive.store.passages.count() >= 2
    stats = archive.stats()
    assert stats.articles == 1 and stats.passages == report.passages
    assert "1 new" in report.summary()


def test_ingesting_the_same_folder_twice_changes_nothing(seeded: Archive) -> None:
    before = passage_rows(seeded)
    registry_before = seeded.store.articles()

    report = ingest_paths(seeded, [SEED_DIR])

    assert report.ok
    assert [f.status for f in report.files] == ["unchanged"]
    assert report.count("unchanged") == 1 and report.count("new") == 0 and report.count("replaced") == 0
    assert report.passages == 0
    after = passage_rows(seeded)
    assert sorted(after["ids"]) == sorted(before["ids"])
    assert seeded.store.passages.count() == len(before["ids"])
    assert seeded.store.articles().keys() == registry_before.keys()
    assert seeded.store.registry.count() == 1


def test_same_file_under_another_path_is_another_article_but_same_url_is_not(archive: Archive, tmp_path: Path) -> None:
    """Identity: a .txt without URL is keyed by its path; a URL identifies an article wherever it comes from."""
    copy = tmp_path / "elsewhere" / SEED_FILE.name
    copy.parent.mkdir()
    copy.write_bytes(SEED_FILE.read_bytes())
    ingest_paths(archive, [SEED_DIR])
    assert ingest_paths(archive, [copy]).count("new") == 1
    assert archive.store.registry.count() == 2

    write_md(tmp_path / "a" / "one.md", "Council vote", V2_BODY, url=URL)
    write_md(tmp_path / "b" / "two.md", "Council vote", V2_BODY, url=URL + "/")  # same URL once normalised
    assert ingest_paths(archive, [tmp_path / "a"]).count("new") == 1
    assert ingest_paths(archive, [tmp_path / "b"]).count("unchanged") == 1
    assert archive.store.registry.count() == 3


# --- a changed version replaces the old passages ---------------------------------------------------------------


@pytest.mark.parametrize("v2_format", ["md-same-path", "json-other-file"])
def test_changed_version_replaces_every_old_passage(archive: Archive, tmp_path: Path, v2_format: str) -> None:
    v1_path = write_md(
        tmp_path / "in" / "vote.md",
        "Portwick to hold zebra-crossing referendum",
        "\n\n".join(V1_PARAGRAPHS),
        outlet="Harbour Gazette",
        published_at="2024-03-05",
        url=URL,
    )
    first = ingest_paths(archive, [v1_path])
    assert first.ok and first.count("new") == 1
    article_id = archive.store.passages.get(limit=1)["metadatas"][0]["article_id"]
    v1 = passage_rows(archive, article_id)
    assert len(v1["ids"]) >= 3, "v1 must span several passages"
    assert sum("zebra-crossing referendum" in t for t in v1["documents"]) >= 3
    assert any(
        "zebra-crossing referendum" in p.text for p in HybridRetriever(archive).search("zebra-crossing referendum")
    )

    if v2_format == "md-same-path":
        v2_path = write_md(
            v1_path,
            "Correction: Portwick to paint school crossings",
            V2_BODY,
            outlet="Harbour Gazette",
            published_at="2024-03-06",
            url=URL,
        )
    else:
        v2_path = tmp_path / "corrections" / "feed.json"
        v2_path.parent.mkdir()
        v2_path.write_text(
            json.dumps(
                [
                    {
                        "title": "Correction: Portwick to paint school crossings",
                        "body": V2_BODY,
                        "source": "Harbour Gazette",
                        "published_at": "2024-03-06",
                        "url": URL,
                    }
                ]
            )
        )
    second = ingest_paths(archive, [v2_path])

    assert second.ok
    assert [f.status for f in second.files] == ["replaced"]
    assert second.count("replaced") == 1 and second.count("new") == 0
    v2 = passage_rows(archive, article_id)
    assert 1 <= len(v2["ids"]) < len(v1["ids"])
    assert not set(v2["ids"]) & set(v1["ids"])
    assert all("zebra" not in t for t in v2["documents"])
    assert len({m["content_hash"] for m in v2["metadatas"]}) == 1
    assert all(m["title"].startswith("Correction") for m in v2["metadatas"])
    assert archive.store.passages.count() == len(v2["ids"]), "no orphaned v1 passages anywhere in the store"
    assert archive.store.registry.count() == 1
    assert archive.store.articles()[article_id].passages == len(v2["ids"])
    body, _meta = archive.store.article_body(article_id)  # type: ignore[misc]
    assert body.startswith("Correction")
    hits = HybridRetriever(archive).search("zebra-crossing referendum", k=10)
    assert hits and all("zebra" not in p.text for p in hits)
    assert all(p.title.startswith("Correction") for p in hits)
    # the BM25 index was rebuilt too: the v1-only words are gone from it
    assert archive.lexical().search("referendum zebra", 10, ArchiveFilter()) == []


# --- bad input among good input -------------------------------------------------------------------------------------


def test_failing_file_among_good_ones_is_reported_and_the_rest_ingested(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    write_md(folder / "a_good.md", "Harbour wall repaired", "Engineers finished repairing the harbour wall on Friday.")
    (folder / "b_broken.json").write_text('{"title": "Half a record", "body": ')
    (folder / "c_empty.txt").write_text("   \n")
    (folder / "d_good.txt").write_text("Ferry timetable changes\n\nThe winter ferry timetable starts on Monday.\n")

    report = ingest_paths(archive, [folder])

    assert not report.ok
    by_name = {Path(f.path).name: f for f in report.files}
    assert by_name["a_good.md"].status == "ingested" and by_name["d_good.txt"].status == "ingested"
    assert by_name["b_broken.json"].status == "failed"
    assert "invalid JSON" in by_name["b_broken.json"].errors[0]
    assert by_name["c_empty.txt"].status == "failed"
    assert "empty" in by_name["c_empty.txt"].errors[0]
    assert "invalid JSON" in by_name["b_broken.json"].describe()
    assert "2 files with errors" in report.summary()
    assert archive.store.registry.count() == 2
    titles = {m["title"] for m in archive.store.registry.get(include=["metadatas"])["metadatas"]}
    assert titles == {"Harbour wall repaired", "Ferry timetable changes"}
    assert any("ferry" in p.text.lower() for p in HybridRetriever(archive).search("winter ferry timetable", k=3))


def test_missing_path_is_reported_not_raised(archive: Archive, tmp_path: Path) -> None:
    report = ingest_paths(archive, [tmp_path / "nope.txt"])
    assert not report.ok
    assert report.files[0].errors == ["no such file"]


def test_duplicate_records_in_one_batch_are_reported(archive: Archive, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    record = {"title": "Lifeboat launched twice", "body": "The lifeboat was launched twice on Sunday.", "url": URL}
    other = {"title": "Pier reopens", "body": "The pier reopened after a storm closed it in March."}
    feed.write_text("\n".join(json.dumps(r) for r in (record, other, record, {"title": "no body"})) + "\n")

    report = ingest_paths(archive, [feed])

    assert not report.ok
    (file_report,) = report.files
    assert file_report.new == 2
    assert any("duplicate of" in e and "line 1" in e and "line 3" in e for e in file_report.errors)
    assert any("line 4" in e and "no article text" in e for e in file_report.errors)
    assert archive.store.registry.count() == 2


# --- one writer at a time ------------------------------------------------------------------------------------------


def test_ingest_while_the_lock_is_held_names_the_holder(archive: Archive, settings: Settings) -> None:
    impatient = Archive(dataclasses.replace(settings, lock_timeout=0.2), archive.embeddings)
    with write_lock(settings.data_dir, "newsroom ingest /big/folder", timeout=1):
        with pytest.raises(StoreLockedError) as caught:
            ingest_paths(impatient, [SEED_DIR])
    message = str(caught.value)
    assert f"process {os.getpid()}" in message
    assert "newsroom ingest /big/folder" in message
    assert "try again" in message
    # once released, the same ingest goes through
    assert ingest_paths(impatient, [SEED_DIR]).count("new") == 1


def test_changing_the_passage_sizes_re_cuts_every_article_on_the_next_ingest(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    body = " ".join(f"Sentence number {i} reports a fact about the council budget." for i in range(60))
    write_md(folder / "long.md", "Council budget", body, outlet="Harbour Gazette", published_at="2024-01-02")
    small = load_settings(
        environ={"NEWSROOM_CHUNK_CHARS": "400", "NEWSROOM_CHUNK_OVERLAP": "0"}, env_file=None
    ).with_data_dir(tmp_path / "data")
    first = Archive(small, HashEmbeddings())
    assert ingest_paths(first, [folder]).count("new") == 1
    before = first.store.passages.count()
    assert ingest_paths(first, [folder]).count("unchanged") == 1  # same sizes: nothing to do
    bigger = dataclasses.replace(small, chunk_chars=1200, chunk_overlap=300)
    second = Archive(bigger, HashEmbeddings())
    assert ingest_paths(second, [folder]).count("replaced") == 1
    after = second.store.passages.get(include=["documents", "metadatas"])
    assert 0 < len(after["ids"]) < before  # no passage of the old cut is left behind
    assert all(len(text) <= 1200 for text in after["documents"])
    assert {m["content_hash"] for m in after["metadatas"]} == {
        second.store.articles()[m["article_id"]].content_hash for m in after["metadatas"]
    }


# --- progress ----------------------------------------------------------------------------------------------------


def test_progress_counts_passages_and_moves_within_one_long_article(tmp_path: Path, settings: Settings) -> None:
    archive = Archive(settings, embeddings=HashEmbeddings())
    long_story = " ".join(
        f"Sentence {n} of the long council report says ward {n} wants a crossing near its school." for n in range(4000)
    )
    (tmp_path / "long.json").write_text(json.dumps({"title": "The long council report", "body": long_story}))
    calls: list[tuple[int, int]] = []
    report = ingest_paths(archive, [tmp_path / "long.json"], lambda done, total: calls.append((done, total)))
    total = report.passages
    assert total > 2 * 128 and calls[0] == (0, total) and calls[-1] == (total, total)
    assert len(calls) >= 3  # one article, yet the bar moves before it is done
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert "passages/s)" in report.summary()


def test_a_copy_of_an_article_that_this_run_edits_is_kept_not_skipped(hash_archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_md(folder / "a.md", "Vote set", "The vote is set for May, the council said.")
    assert ingest_paths(hash_archive, [folder]).count("new") == 1
    (folder / "d.md").write_text((folder / "a.md").read_text())  # a copy under another name...
    write_md(folder / "a.md", "Vote set", "Correction: no vote was set, the council said.")  # ...and a is edited
    report = ingest_paths(hash_archive, [folder])
    assert report.count("replaced") == 1 and report.count("new") == 1 and report.ok
    bodies = {r.metadata["title"] for r in hash_archive.store.articles().values()}
    assert hash_archive.store.article_count() == 2 and bodies == {"Vote set"}
