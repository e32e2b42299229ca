"""Every earlier version of an article, kept when a newer one replaces it: no write destroys a story.

The registry holds each article's current version (its cleaned body and metadata). When a write replaces an
article with different content (a correction, a retraction, a re-upload), the registry record it replaces is
first copied into a third Chroma collection, `<collection>-history`, under an id made of the article id and the
moment that version was written. Copying again is harmless (the same id), so a write that crashed after the copy
and before the registry changed leaves nothing wrong: the copy equals the version still current, and the listing
shows it once.

A version's number is its place in time: 1 is the oldest, the highest is the current one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

HISTORY_SUFFIX = "-history"


@dataclass
class Version:
    """One version of an article: its number, when and by whom it was written, its body and metadata."""

    number: int
    article_id: str
    content_hash: str  # the content's hash (without the passage sizes the store adds to it)
    written_at: float  # seconds since the epoch; 0 for versions written before the time was recorded
    written_by: str
    current: bool
    body: str = field(repr=False)
    metadata: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def status(self) -> str:
        """published, draft or retracted."""
        return str(self.metadata.get("status", "")) or "published"

    @property
    def title(self) -> str:
        """The headline of this version."""
        return str(self.metadata.get("title", ""))


def content_of(content_key: str) -> str:
    """The content part of a stored version key (`hash/passage sizes/schema`): re-cutting the same article into
    passages of another size is not a new version of the story."""
    return content_key.split("/", 1)[0]


def history_id(article_id: str, meta: dict[str, Any]) -> str:
    """The id a version is kept under: the article and the moment the version was written (its content hash for
    versions that predate `written_at`)."""
    moment = meta.get("written_at")
    return f"{article_id}@{moment!r}" if moment else f"{article_id}@{content_of(str(meta.get('content_hash', '')))}"


def superseded(
    stored: dict[str, tuple[str, dict[str, Any]]], incoming: dict[str, str]
) -> list[tuple[str, str, dict[str, Any]]]:
    """The stored registry records (article id -> (body, metadata)) that the incoming versions (article id ->
    content key) replace with other content, as (history id, body, metadata) rows to keep."""
    rows = []
    for aid, (body, meta) in stored.items():
        new = incoming.get(aid)
        if new is not None and content_of(new) != content_of(str(meta.get("content_hash", ""))):
            rows.append((history_id(aid, meta), body, dict(meta)))
    return rows


def keep(collection: Any, rows: Sequence[tuple[str, str, dict[str, Any]]], batch: int) -> None:
    """Write versions into the history collection (idempotent: a version keeps its id)."""
    for first in range(0, len(rows), batch):
        window = rows[first : first + batch]
        collection.upsert(
            ids=[r[0] for r in window],
            documents=[r[1] for r in window],
            metadatas=[r[2] for r in window],
            embeddings=[[1.0]] * len(window),
        )


def earlier_rows(collection: Any, article_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    """The kept (id, body, metadata) rows of one article, in no particular order."""
    got = collection.get(where={"article_id": article_id}, include=["documents", "metadatas"])
    return [
        (str(i), str(doc or ""), dict(meta or {}))
        for i, doc, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False)
    ]


def versions(
    article_id: str, current: tuple[str, dict[str, Any]] | None, earlier: Sequence[tuple[str, str, dict[str, Any]]]
) -> list[Version]:
    """Every version of an article, oldest first and numbered from 1; the current one (the registry's record)
    last. A kept copy of the version still current (a write that crashed after copying) is listed once."""
    current_id = history_id(article_id, current[1]) if current is not None else None
    rows = [(body, meta, False) for hid, body, meta in earlier if hid != current_id]
    rows.sort(key=lambda row: (float(row[1].get("written_at") or 0.0), str(row[1].get("content_hash", ""))))
    if current is not None:
        rows.append((current[0], current[1], True))
    return [
        Version(
            number=n,
            article_id=article_id,
            content_hash=content_of(str(meta.get("content_hash", ""))),
            written_at=float(meta.get("written_at") or 0.0),
            written_by=str(meta.get("written_by", "")) or "(not recorded)",
            current=is_current,
            body=body,
            metadata=meta,
        )
        for n, (body, meta, is_current) in enumerate(rows, 1)
    ]


def all_rows(collection: Any, batch: int) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every kept version as (id, body, metadata), in pages (for checks)."""
    for offset in range(0, collection.count(), batch):
        got = collection.get(include=["documents", "metadatas"], limit=batch, offset=offset)
        for hid, doc, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False):
            yield str(hid), str(doc or ""), dict(meta or {})
