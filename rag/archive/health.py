"""Check a store, repair what is derived, and back it up: `newsroom check [--repair]` and `newsroom backup DIR`.

A store is healthy when every registered article has all its passages (in Chroma and in the keyword index), no
passage belongs to an unregistered article or an outdated version (an orphan), the keyword index is of the
current archive, and no temporary folder of an interrupted write is left behind.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rag.archive.history import all_rows
from rag.archive.knowledge import Archive, lexical_path
from rag.archive.lexical import LexicalIndex
from rag.archive.locking import write_lock
from rag.archive.registry import signature_of
from rag.archive.store import ArchiveStore
from rag.counts import counted
from rag.errors import NewsroomError

LEFTOVER_AGE_SECONDS = 600.0  # a temporary file or folder this old is no live write's


@dataclass
class Problem:
    """One thing wrong with a store."""

    kind: str  # orphan-passages, incomplete-article, keyword-index, leftover
    detail: str


@dataclass
class CheckReport:
    """What `newsroom check` found (and, with --repair, did)."""

    articles: int = 0
    passages: int = 0
    versions: int = 0  # earlier versions kept in the history
    problems: list[Problem] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    orphan_ids: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)  # article ids missing some of their passages
    leftovers: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def _leftovers(data_dir: Path, now: float) -> list[Path]:
    """Temporary folders and files of interrupted writes: keyword-index builds, uploads being saved."""
    found = [
        *(data_dir / "uploads").glob(".*.part"),
        *(data_dir / "uploads" / "open").glob(".*.part"),
        *(data_dir / "bm25").glob(".bm25-*"),
    ]  # and older versions''' index
    return sorted(p for p in found if now - p.stat().st_mtime > LEFTOVER_AGE_SECONDS)


def check(archive: Archive, now: float | None = None) -> CheckReport:
    """Verify the store: registry against passages, the keyword index against both, no leftovers."""
    store = archive.store
    records = store.articles()
    report = CheckReport(articles=len(records))
    counts: Counter[str] = Counter()
    registered: set[str] = set()
    for chunk_id, _, meta in store.iter_passages():
        aid, version = str(meta.get("article_id", "")), str(meta.get("content_hash", ""))
        record = records.get(aid)
        if record is None or record.content_hash != version:
            report.orphan_ids.append(chunk_id)
        else:
            counts[aid] += 1
            registered.add(chunk_id)
    report.passages = sum(counts.values())
    if report.orphan_ids:
        report.problems.append(
            Problem(
                "orphan-passages",
                f"{counted(len(report.orphan_ids), 'passage')} belonging to no registered article or to an outdated "
                "version (left by an interrupted write); they are never shown, and --repair deletes them",
            )
        )
    for aid, record in sorted(records.items()):
        if counts[aid] != record.passages:
            report.incomplete.append(aid)
            title = str(record.metadata.get("title", ""))[:80]
            report.problems.append(
                Problem(
                    "incomplete-article",
                    f"article {aid} ('{title}') has {counts[aid]} of its {record.passages} passages; --repair "
                    f"unregisters it so that the next ingest of {record.metadata.get('origin') or 'its file'} "
                    "writes it again",
                )
            )
    index = LexicalIndex(lexical_path(archive.settings, store.name))
    signature = signature_of({aid: r.content_hash for aid, r in records.items()})
    if report.articles and index.signature != signature:
        report.problems.append(Problem("keyword-index", "the keyword index is of an older state of the archive"))
    elif report.articles and (indexed := index.chunk_ids()) != registered:
        report.problems.append(
            Problem(
                "keyword-index",
                f"the keyword index disagrees with the store: {counted(len(indexed - registered), 'passage')} only "
                f"in the index, {len(registered - indexed)} missing from it",
            )
        )
    _check_history(store, report)
    report.leftovers = _leftovers(archive.settings.data_dir, time.time() if now is None else now)
    for path in report.leftovers:
        report.problems.append(Problem("leftover", f"temporary {path.name} of an interrupted write in {path.parent}"))
    return report


def _check_history(store: ArchiveStore, report: CheckReport) -> None:
    """Count the kept versions and flag any that could not be restored (no body, or no article id or content
    hash): they are never deleted, not even by --repair, since no write may destroy a story."""
    unreadable = []
    for hid, body, meta in all_rows(store.history, store.max_batch):
        report.versions += 1
        if not body or not meta.get("article_id") or not meta.get("content_hash"):
            unreadable.append(hid)
    if unreadable:
        report.problems.append(
            Problem(
                "history",
                f"{counted(len(unreadable), 'kept version')} without their text or their article id "
                f"({', '.join(unreadable[:3])}"
                f"{', ...' if len(unreadable) > 3 else ''}); they are kept as they are, not repaired",
            )
        )


def repair(archive: Archive, command: str = "newsroom check --repair") -> CheckReport:
    """Check, then fix what is derived or left over, under the write lock: delete orphan passages, unregister
    incomplete articles (and drop their passages) so the next ingest writes them whole, remove leftovers and
    rebuild the keyword index. Returns the report of the check that followed."""
    settings = archive.settings
    with write_lock(settings.data_dir, command, settings.lock_timeout):
        found = check(archive)  # a reader may be building a keyword index now: only stale leftovers go
        store = archive.store
        for first in range(0, len(found.orphan_ids), store.max_batch):
            store.passages.delete(ids=found.orphan_ids[first : first + store.max_batch])
        if found.orphan_ids:
            found.repaired.append(f"deleted {counted(len(found.orphan_ids), 'orphan passage')}")
        if found.incomplete:  # their text and fields go into the history first: no repair destroys a story
            store.keep_current(found.incomplete)
            store.passages.delete(where={"article_id": {"$in": found.incomplete}})
            store.registry.delete(ids=found.incomplete)
            found.repaired.append(
                f"unregistered {counted(len(found.incomplete), 'incomplete article')}, their text kept in the history; "
                "ingest them again, or `newsroom restore` them"
            )
        for path in found.leftovers:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        if found.leftovers:
            what = counted(
                len(found.leftovers), "leftover temporary file or folder", "leftover temporary files or folders"
            )
            found.repaired.append(f"removed {what}")
        archive.reset_lexical()
        found.repaired.append("rebuilt the keyword index")
    after = check(archive)
    after.repaired = found.repaired
    return after


def backup(archive: Archive, destination: Path, command: str = "newsroom backup") -> CheckReport:
    """Write a consistent copy of the archive into `destination` (a new or empty folder), as an embedded store
    that `--data-dir destination` opens, whether the source is embedded or a Chroma server. Writers wait while it
    is made (the write lock is held); readers carry on. The copy is checked before this returns."""
    if destination.exists() and any(destination.iterdir()):
        raise NewsroomError(f"{destination} is not empty; back up into a new folder.")
    settings = archive.settings
    copy_settings = replace(settings, data_dir=destination, chroma_host=None, seed_dir=None)
    with write_lock(settings.data_dir, command, settings.lock_timeout):
        source = archive.store
        copy = Archive(copy_settings, archive.embeddings)
        target = copy.store
        versions = {aid: r.content_hash for aid, r in source.articles().items()}
        kept = source.history.count()

        def wanted(collection: Any, cid: str, meta: Mapping[str, Any]) -> bool:
            """Every kept version and registry row; of the passages, those of registered versions (no orphan)."""
            if collection is source.history:
                return True
            if collection is source.registry:
                return cid in versions
            return versions.get(str(meta.get("article_id"))) == str(meta.get("content_hash"))

        copies = (
            (source.passages, target.passages),
            (source.registry, target.registry),
            (source.history, target.history),
        )
        for collection, into in copies:
            for offset in range(0, collection.count(), source.max_batch):
                got = collection.get(
                    include=["documents", "metadatas", "embeddings"], limit=source.max_batch, offset=offset
                )
                keep = [
                    i
                    for i, (cid, meta) in enumerate(zip(got["ids"], got["metadatas"] or [], strict=True))
                    if wanted(collection, str(cid), meta or {})
                ]
                for first in range(0, len(keep), target.max_batch):
                    rows = keep[first : first + target.max_batch]
                    into.upsert(
                        ids=[got["ids"][i] for i in rows],
                        documents=[got["documents"][i] for i in rows],  # type: ignore[index]
                        metadatas=[got["metadatas"][i] for i in rows],  # type: ignore[index]
                        embeddings=[got["embeddings"][i] for i in rows],  # type: ignore[index]
                    )
        copy.rebuild_lexical()
    report = check(copy)
    if report.ok and report.versions != kept:
        report.problems.append(Problem("history", f"the copy holds {report.versions} of {kept} kept versions"))
    if not report.ok:
        raise NewsroomError(
            f"The backup in {destination} did not pass its check: " + "; ".join(p.detail for p in report.problems)
        )
    return report
