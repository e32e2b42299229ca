"""`newsroom check [--repair]` and `newsroom backup`: a store you can verify, mend and copy, on real Chroma."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEED_DIR
from support import two_stories, write_md

from rag.archive import health
from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.cli import cli
from rag.config import Settings, load_settings
from rag.errors import NewsroomError
from rag.ingest.chunking import chunk_article
from rag.ingest.loaders import load_file
from rag.ingest.pipeline import embedding_text, ingest_paths
from rag.retrieval.hybrid import HybridRetriever

BOTH_BACKENDS = True  # each test that uses `settings` runs on the embedded store and on a `chroma run` server
GHOST = "The lighthouse keeper on Skerry Rock counted eleven grey seals on the north ledge at dawn."


def write_unregistered(archive: Archive, path: Path) -> None:
    """What a write killed between its two steps leaves: passages stored, the article not registered."""
    [article] = load_file(path).articles
    chunks = chunk_article(article, archive.settings.chunk_chars, archive.settings.chunk_overlap)
    vectors = archive.embeddings.embed_documents([embedding_text(article, c) for c in chunks])
    archive.store.write_articles([(article, chunks, vectors)])
    archive.store.registry.delete(ids=[article.article_id])
    archive.refresh()


def test_a_freshly_ingested_archive_passes_its_check(hash_archive: Archive, tmp_path: Path) -> None:
    assert ingest_paths(hash_archive, [two_stories(tmp_path / "in")]).ok
    report = health.check(hash_archive)
    assert report.ok and (report.articles, report.passages) == (2, 2), report.problems


def test_passages_of_an_unregistered_article_are_never_retrieved_and_repair_deletes_them(
    hash_archive: Archive, tmp_path: Path
) -> None:
    assert ingest_paths(hash_archive, [two_stories(tmp_path / "in")]).ok
    ghost = write_md(tmp_path / "ghost.md", "Seals on Skerry Rock", GHOST)
    write_unregistered(hash_archive, ghost)
    assert hash_archive.store.passages.count() == 3 and hash_archive.store.article_count() == 2
    hash_archive.rebuild_lexical()
    # the best match by far for both searches, yet not shown: its article was never registered
    hits = HybridRetriever(hash_archive).search("grey seals on the north ledge of Skerry Rock", k=5)
    assert all("Skerry" not in p.text for p in hits)
    assert hash_archive.lexical().count() == 2 and not hash_archive.lexical().search("Skerry", 5, ArchiveFilter())
    report = health.check(hash_archive)
    assert [p.kind for p in report.problems] == ["orphan-passages"] and len(report.orphan_ids) == 1
    repaired = health.repair(hash_archive)
    assert repaired.ok and "deleted 1 orphan passage" in repaired.repaired
    assert hash_archive.store.passages.count() == 2


def test_an_article_missing_passages_is_unregistered_and_a_re_ingest_converges(
    hash_archive: Archive, tmp_path: Path
) -> None:
    folder = two_stories(tmp_path / "in")
    long_body = " ".join(f"Paragraph {n} says the harbour bridge reopened after a refit." for n in range(200))
    write_md(folder / "long.md", "The long bridge report", long_body)
    assert ingest_paths(hash_archive, [folder]).ok
    [long_id] = [a for a, r in hash_archive.store.articles().items() if r.passages > 1]
    first = hash_archive.store.passages.get(where={"article_id": long_id}, limit=1)["ids"]
    hash_archive.store.passages.delete(ids=first)
    report = health.check(hash_archive)
    assert "incomplete-article" in [p.kind for p in report.problems] and report.incomplete == [long_id]
    assert "long.md" in " ".join(p.detail for p in report.problems)  # names the file to ingest again
    assert health.repair(hash_archive).ok and long_id not in hash_archive.store.articles()
    [kept] = hash_archive.store.versions(long_id)  # unregistered, but its text is in the history: no repair destroys it
    assert not kept.current and "Paragraph 199 says" in kept.body
    again = ingest_paths(hash_archive, [folder])
    assert again.count("new") == 1 and again.count("unchanged") == 2 and health.check(hash_archive).ok


def test_leftover_temporary_files_are_reported_and_removed_but_a_live_one_is_left_alone(
    hash_archive: Archive, tmp_path: Path
) -> None:
    assert ingest_paths(hash_archive, [two_stories(tmp_path / "in")]).ok
    uploads = hash_archive.settings.data_dir / "uploads"
    uploads.mkdir()
    stale, live = uploads / ".killed.txt.part", uploads / ".arriving.txt.part"  # an upload being saved
    stale.write_text("half an upl")
    live.write_text("half an upl")
    old = time.time() - 2 * health.LEFTOVER_AGE_SECONDS
    os.utime(stale, (old, old))
    report = health.check(hash_archive)
    assert [p.kind for p in report.problems] == ["leftover"] and report.leftovers == [stale]
    assert health.repair(hash_archive).ok and not stale.exists() and live.exists()


def test_a_keyword_index_out_of_step_is_reported_and_repair_writes_it_again(
    hash_archive: Archive, tmp_path: Path
) -> None:
    assert ingest_paths(hash_archive, [two_stories(tmp_path / "in")]).ok
    index = hash_archive.lexical()
    db = index._db()
    db.execute("DELETE FROM docs WHERE id = (SELECT MIN(id) FROM docs)")  # a passage lost from the index
    report = health.check(hash_archive)
    assert [p.kind for p in report.problems] == ["keyword-index"] and "1 missing from it" in report.problems[0].detail
    assert health.repair(hash_archive).ok and hash_archive.lexical().count() == 2


def test_backup_is_a_checked_copy_that_opens_with_data_dir(
    archive: Archive, settings: Settings, tmp_path: Path
) -> None:
    assert ingest_paths(archive, [SEED_DIR, two_stories(tmp_path / "in")]).ok
    write_unregistered(archive, write_md(tmp_path / "ghost.md", "Seals on Skerry Rock", GHOST))
    copy = tmp_path / "backup"
    report = health.backup(archive, copy)
    assert report.ok and (report.articles, report.passages) == (3, archive.store.passages.count() - 1)  # no orphan
    result = CliRunner().invoke(cli, ["search", "drones over Moscow", "--json", "--data-dir", str(copy)])
    assert result.exit_code == 0 and "Putin vows to retaliate" in result.output
    assert CliRunner().invoke(cli, ["check", "--data-dir", str(copy)]).exit_code == 0
    with pytest.raises(NewsroomError, match="not empty"):
        health.backup(archive, copy)


def test_check_and_repair_on_the_command_line(hash_archive: Archive, tmp_path: Path) -> None:
    data_dir = tmp_path / "cli"
    env = load_settings(environ={}, env_file=None).with_data_dir(data_dir)
    assert ingest_paths(Archive(env), [SEED_DIR]).ok
    runner = CliRunner()
    ok = runner.invoke(cli, ["check", "--data-dir", str(data_dir)])
    assert ok.exit_code == 0 and "1 article," in ok.output and "OK" in ok.output
    (data_dir / "uploads").mkdir()
    (data_dir / "uploads" / ".killed.txt.part").write_text("half")
    old = time.time() - 2 * health.LEFTOVER_AGE_SECONDS
    os.utime(data_dir / "uploads" / ".killed.txt.part", (old, old))
    bad = runner.invoke(cli, ["check", "--data-dir", str(data_dir)])
    assert bad.exit_code == 1 and "leftover" in bad.output and "newsroom check --repair" in bad.output
    fixed = runner.invoke(cli, ["check", "--repair", "--data-dir", str(data_dir)])
    assert fixed.exit_code == 0 and "repaired: removed 1 leftover" in fixed.output
