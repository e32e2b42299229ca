"""Ingest files into the archive: load, chunk, embed (pipelined with the store writes), report per file."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from rag.archive.access import READER, WriteRights, role_filter
from rag.archive.article_record import ArticleRecord
from rag.archive.history import content_of
from rag.archive.knowledge import Archive
from rag.archive.locking import write_lock
from rag.archive.store import visible
from rag.counts import counted
from rag.errors import AccessDeniedError, LoadError, NewsroomError
from rag.ingest.chunking import chunk_article
from rag.ingest.loaders import Skip, load_file, walk
from rag.models import Article, Chunk
from rag.resources import shipped_path

Progress = Callable[[int, int], None]  # (passages embedded so far, passages to embed)
GROUP_ARTICLES = 48
EMBED_STEP = 128  # passages embedded between two progress reports: a large file moves the bar too


@dataclass
class FileReport:
    """What happened to one input file."""

    path: str
    new: int = 0
    unchanged: int = 0
    replaced: int = 0
    retracted: int = 0  # articles stored as retracted: no reader sees them from now on
    passages: int = 0
    errors: list[str] = field(default_factory=list)
    skipped: str = ""  # why a file found in a folder was passed over (another type, hidden, not a regular file)

    @property
    def status(self) -> str:
        """ingested, unchanged, replaced, retracted, skipped or failed."""
        if self.skipped:
            return "skipped"
        if self.errors:
            return "failed"
        if self.retracted:
            return "retracted"
        if self.replaced:
            return "replaced"
        if self.new:
            return "ingested"
        return "unchanged"

    def describe(self) -> str:
        """One line for people."""
        counts = [
            f"{n} {label}"
            for n, label in ((self.new, "new"), (self.replaced, "replaced"), (self.unchanged, "unchanged"))
            if n
        ]
        text = f"{self.status:<9} {self.path}"
        if counts:
            plural = "s" if self.new + self.replaced + self.unchanged != 1 else ""
            text += f"  ({', '.join(counts)} article{plural}; {self.passages} passages)"
        for error in [*self.errors, *([self.skipped] if self.skipped else [])]:
            text += f"\n          - {error}"
        return text


@dataclass
class IngestReport:
    """The per-file outcome of one ingest run."""

    files: list[FileReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return all(not f.errors for f in self.files)

    @property
    def passages(self) -> int:
        """Passages written in this run."""
        return sum(f.passages for f in self.files)

    def count(self, attr: str) -> int:
        """Sum of one per-file counter (new, unchanged, replaced)."""
        return sum(int(getattr(f, attr)) for f in self.files)

    def summary(self) -> str:
        """A closing line for people."""
        failed = sum(1 for f in self.files if f.errors)
        skipped = sum(1 for f in self.files if f.skipped)
        articles = self.count("new") + self.count("replaced") + self.count("unchanged")
        return (
            f"{counted(len(self.files), 'file')}: {self.count('new')} new, {self.count('replaced')} replaced, "
            f"{self.count('unchanged')} unchanged {'article' if articles == 1 else 'articles'}, "
            f"{counted(self.passages, 'passage')} written, {counted(failed, 'file')} with errors, "
            + (f"{skipped} skipped, " if skipped else "")
            + f"in {self.seconds:.1f} s"
            + (f" ({self.passages / self.seconds:.0f} passages/s)" if self.passages and self.seconds > 0 else "")
        )


@dataclass
class _Job:
    article: Article
    report: FileReport
    replacing: bool
    chunks: list[Chunk]


def embedding_text(article: Article, chunk: Chunk) -> str:
    """What the embedding model sees for a passage: headline, then the passage."""
    return f"{article.title}\n{chunk.text}"


NOT_YOURS = "an article with this URL or headline is already in the archive; only an editor can change it"


def _load(path: Path, max_chars: int, report: FileReport) -> list[Article]:
    """The articles of one file; what is wrong with it goes into its report, and never stops the batch."""
    try:
        loaded = load_file(path, max_chars)
    except LoadError as exc:
        report.errors.append(exc.reason)
        return []
    except Exception as exc:  # a file the readers did not foresee: said in its report, the batch goes on
        report.errors.append(f"could not be read ({type(exc).__name__}: {str(exc)[:200]})")
        return []
    report.errors.extend(str(e) for e in loaded.errors)
    return loaded.articles


READER_VIEW = role_filter(READER)


def _own(article: Article, rights: WriteRights, shown: set[str]) -> Article:
    """The article as this writer may store it. A writer who may only add (a reader, with open uploads) keeps the
    id of an article they can see (so it is unchanged, or refused: only an editor changes it); any other upload of
    theirs gets an id of its own, made from its content, never from its URL or file, so it can never collide with,
    replace or retract a hidden article (a draft, an embargoed or retracted story), and their report reads the same
    whether or not the archive hides one. Its URL is kept as a field, for the citation."""
    if rights.change or article.article_id in shown:
        return article
    return replace(article, source_key=f"upload:{article.content_hash}")


def _refusal(record: ArticleRecord | None, rights: WriteRights, content_key: str) -> str | None:
    """Why this writer may not write an article stored as `record`, or None. A writer who may only add gets the
    same answer for an article they can see and one hidden from them (a draft, an embargoed or retracted story),
    so the report never tells them what the archive hides; an unchanged published one is simply unchanged."""
    if record is None or rights.change:
        return None
    if record.content_hash == content_key and visible([record], READER_VIEW):
        return None
    return NOT_YOURS


def _plan(archive: Archive, paths: Iterable[str | Path], reports: list[FileReport], rights: WriteRights) -> list[_Job]:
    """Load every file, then decide, per article, whether it is new, changed, unchanged or a duplicate."""
    loaded_articles: list[tuple[Article, FileReport]] = []
    for path, problem in walk(paths):
        report = FileReport(str(path))
        reports.append(report)
        if isinstance(problem, Skip):
            report.skipped = str(problem)
            continue
        if problem:
            report.errors.append(problem)
            continue
        articles = _load(path, archive.settings.max_article_chars, report)
        loaded_articles.extend((article, report) for article in articles)
    existing = archive.store.articles()  # listed whole: under the write lock, nothing may be missed
    shown = set(existing) if rights.change else {r.article_id for r in visible(list(existing.values()), READER_VIEW)}
    loaded_articles = [(_own(article, rights, shown), report) for article, report in loaded_articles]
    incoming = {article.article_id: article.content_hash for article, _ in loaded_articles}
    # the same article saved again under another name: its content (headline, body, fields) already stored, unless
    # this run replaces the stored one, or read earlier in this run
    contents = {
        content_of(r.content_hash): (aid, str(r.metadata.get("origin", "")))
        for aid, r in existing.items()
        if incoming.get(aid, content_of(r.content_hash)) == content_of(r.content_hash) and aid in shown
    }
    seen: dict[str, str] = {}
    jobs: list[_Job] = []
    for article, report in loaded_articles:
        aid = article.article_id
        if aid in seen:
            report.errors.append(f"{article.origin}: duplicate of {seen[aid]} (same URL or headline); skipped")
            continue
        seen[aid] = article.origin
        holder, origin = contents.setdefault(article.content_hash, (aid, article.origin))
        if holder != aid:
            same = origin or holder if rights.change or holder not in existing else "an article already in the archive"
            report.errors.append(f"{article.origin}: the same article as {same}; skipped")
            continue
        record = existing.get(aid)
        key = archive.store.content_key(article)
        if refusal := _refusal(record, rights, key):
            report.errors.append(f"{article.origin}: {refusal}")
            continue
        if record is not None and record.content_hash == key:
            report.unchanged += 1
            continue
        chunks = chunk_article(article, archive.settings.chunk_chars, archive.settings.chunk_overlap)
        jobs.append(_Job(article, report, record is not None, chunks))
    return jobs


Batch = list[tuple[_Job, np.ndarray]]


def _embed(archive: Archive, texts: list[str], advance: Callable[[int], None]) -> np.ndarray:
    """Vectors for texts as one float32 array, `EMBED_STEP` texts at a time, calling `advance(n)` after each
    step (the bundled model skips the list round trip)."""
    embed_array = getattr(archive.embeddings, "embed_array", None)
    parts = []
    for first in range(0, len(texts), EMBED_STEP):
        step = texts[first : first + EMBED_STEP]
        if embed_array is not None:
            parts.append(np.asarray(embed_array(step), dtype=np.float32))
        else:
            parts.append(np.asarray(archive.embeddings.embed_documents(step), dtype=np.float32))
        advance(len(step))
    return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)


def _write_all(archive: Archive, inbox: queue.Queue[Batch | None], failures: list[str], who: str) -> None:
    """Writer thread: store each embedded group in a few batched calls; on a store failure, report and drain."""
    while (batch := inbox.get()) is not None:
        if not failures:
            try:
                archive.store.write_articles([(job.article, job.chunks, vectors) for job, vectors in batch], who)
            except Exception as exc:  # any store failure: keep the message, stop writing, report it per article
                failures.append(str(exc) or type(exc).__name__)
        for job, _ in batch:
            if failures:
                job.report.errors.append(f"{job.article.origin}: not stored ({failures[0]})")
            else:
                job.report.replaced += job.replacing
                job.report.new += not job.replacing
                job.report.retracted += job.article.status == "retracted"
                job.report.passages += len(job.chunks)


def ingest_paths(
    archive: Archive,
    paths: Iterable[str | Path],
    progress: Progress | None = None,
    command: str = "newsroom ingest",
    rights: WriteRights | None = None,
) -> IngestReport:
    """Ingest files and folders into the archive and report per file.

    Args:
        archive: the archive to write.
        paths: files and folders (searched recursively for supported files).
        progress: called with (passages embedded, passages to embed) as work proceeds, every `EMBED_STEP`
            passages, so a long article or a large file moves it too.
        command: how the lock holder is described to other writers.
        rights: what the writer may do, and the name its versions are recorded under (default: the owner of the
            data folder, who may add, replace and retract, recorded as `command`).
    """
    rights = rights or WriteRights(True, True, command)
    if not rights.add:
        raise AccessDeniedError(rights.why_not or "You may not add articles to this archive.")
    started = time.perf_counter()
    report = IngestReport()
    with write_lock(archive.settings.data_dir, command, archive.settings.lock_timeout):
        jobs = _plan(archive, paths, report.files, rights)
        total = sum(len(j.chunks) for j in jobs)
        embedded = 0

        def advance(n: int) -> None:
            nonlocal embedded
            embedded += n
            if progress:
                progress(embedded, total)

        if progress:
            progress(0, total)
        if jobs:
            inbox: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
            failures: list[str] = []
            writer = threading.Thread(target=_write_all, args=(archive, inbox, failures, rights.who), daemon=True)
            writer.start()
            done = 0
            try:
                for first in range(0, len(jobs), GROUP_ARTICLES):
                    group = jobs[first : first + GROUP_ARTICLES]
                    texts = [embedding_text(j.article, c) for j in group for c in j.chunks]
                    vectors = _embed(archive, texts, advance)
                    batch: Batch = []
                    offset = 0
                    for job in group:
                        batch.append((job, vectors[offset : offset + len(job.chunks)]))
                        offset += len(job.chunks)
                    inbox.put(batch)
                    done += len(group)
                    if failures:
                        break
            finally:
                inbox.put(None)
                writer.join()
            if failures:
                for job in jobs[done:]:
                    job.report.errors.append(f"{job.article.origin}: not stored ({failures[0]})")
            archive.rebuild_lexical()
    report.seconds = time.perf_counter() - started
    return report


def ensure_seeded(archive: Archive, progress: Progress | None = None) -> IngestReport | None:
    """Ingest the bundled seed corpus when the archive is empty (first run); None when not needed."""
    if archive.store.article_count() > 0:
        return None
    seed_dir = archive.settings.seed_dir or shipped_path("seeds")
    if not seed_dir.is_dir():
        return None
    try:
        return ingest_paths(archive, [seed_dir], progress, command="newsroom first-run seeding")
    except NewsroomError:
        if archive.store.article_count() > 0:  # another process seeded it meanwhile
            return None
        raise
