"""An article's earlier versions: found by URL or id, listed, and brought back (`newsroom history` and
`newsroom restore`). A restore is a write like any other: the version it replaces is kept in the history too,
so a restore can itself be undone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rag.archive.access import WriteRights
from rag.archive.history import Version
from rag.archive.knowledge import Archive
from rag.archive.locking import write_lock
from rag.dates import parse_date
from rag.errors import AccessDeniedError, NewsroomError
from rag.ingest.chunking import chunk_article
from rag.ingest.metadata import normalise_url
from rag.ingest.pipeline import embedding_text
from rag.models import Article, stable_id


@dataclass
class Restored:
    """What a restore did."""

    article_id: str
    version: Version  # the version brought back
    replaced: Version  # the version that was current until now (kept in the history)
    passages: int


def article_versions(archive: Archive, reference: str) -> list[Version]:
    """Every version of the article a URL (in any of the forms ingest accepts), an article id or the path of the
    .txt/.md file it was ingested from names, oldest first; a `NewsroomError` when the archive has none."""
    reference = reference.strip()
    ids = [reference]
    try:
        if reference and Path(reference).is_file():  # the key ingest gives a file without a URL
            ids.append(stable_id(f"file:{Path(reference).resolve()}"))
    except OSError:  # not a path this system can look up (too long, say): a URL or an id
        pass
    aid = archive.store.find_article(ids, [reference, normalise_url(reference)])
    found = archive.store.versions(aid) if aid else []
    if not found:
        raise NewsroomError(f"No article with the URL or id '{reference[:200]}' is in this archive.")
    return found


def _article(version: Version) -> Article:
    """The article a kept version was written from, field by field."""
    meta = version.metadata
    url = str(meta.get("url", ""))
    source_key = str(meta.get("source_key", "")) or (f"url:{url}" if url else "")
    if not source_key:
        raise NewsroomError(
            f"Version {version.number} was stored before Newsroom recorded where an article came from; "
            "ingest its file again instead."
        )
    embargo = int(meta.get("embargo_ts") or 0)
    embargo_until = parse_date(meta.get("embargo_until") or None, name="embargo_until")
    return Article(
        title=str(meta.get("title", "")),
        body=version.body,
        source_key=source_key,
        outlet=str(meta.get("outlet", "")),
        byline=str(meta.get("byline", "")),
        published_at=parse_date(meta.get("published_at") or None, name="published_at"),
        url=url,
        embargo_until=embargo_until or (datetime.fromtimestamp(embargo, UTC) if embargo > 0 else None),
        origin=str(meta.get("origin", "")),
        status=str(meta.get("status", "")) or "published",
        corrected_at=parse_date(meta.get("corrected_at") or None, name="corrected_at"),
        correction=str(meta.get("correction", "")),
    )


def restore_version(archive: Archive, reference: str, number: int, rights: WriteRights) -> Restored:
    """Make version `number` of an article the current one again (re-cut and re-embedded), keeping the version it
    replaces in the history. Only a writer who may change stored articles (an editor) may restore."""
    if not rights.change:
        raise AccessDeniedError("Only an editor can restore an earlier version of an article.")
    settings = archive.settings
    with write_lock(settings.data_dir, "newsroom restore", settings.lock_timeout):
        found = article_versions(archive, reference)
        current = found[-1]
        chosen = next((v for v in found if v.number == number), None)
        if chosen is None:
            raise NewsroomError(f"Version {number} does not exist; this article has versions 1 to {len(found)}.")
        if chosen.current or (current.current and chosen.content_hash == current.content_hash):
            raise NewsroomError(f"Version {number} is the current text already; nothing to restore.")
        article = _article(chosen)
        if article.article_id != current.article_id:
            raise NewsroomError(f"Version {number} is stored under another article id; ingest its file again instead.")
        chunks = chunk_article(article, settings.chunk_chars, settings.chunk_overlap)
        vectors = archive.embeddings.embed_documents([embedding_text(article, c) for c in chunks])
        archive.store.write_articles([(article, chunks, vectors)], f"{rights.who}: restored version {number}")
        archive.rebuild_lexical()
    return Restored(current.article_id, chosen, current, len(chunks))
