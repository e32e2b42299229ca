"""The archive in Chroma: passages with vectors, and one registry record per article.

Every chromadb failure, embedded or on a server, leaves this module as a `StoreError` that says what failed.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from rag.archive.article_record import ArticleRecord
from rag.archive.chroma import chroma_errors, collection_name, make_client
from rag.archive.filters import MISSING_DATE, ArchiveFilter, outlet_key
from rag.archive.history import HISTORY_SUFFIX, Version, earlier_rows, history_id, keep, superseded, versions
from rag.archive.registry import signature_of
from rag.config import Settings
from rag.dates import format_date, timestamp
from rag.models import Article, Chunk, Passage

SCHEMA = "s2"  # the passage metadata's version: s2 added status and corrections, so older passages are re-written
COUNT_SECONDS = 5.0  # how long a passage count of a large archive is trusted for sizing a search
COUNT_CACHED_FROM = 20_000  # passages from which counting on every search costs more than it tells
_ROW_FIELDS = ("documents", "metadatas", "distances")
DENSE_OVERFETCH = 4  # unfiltered neighbours asked for per wanted passage before falling back to a filtered query


@dataclass
class ArchiveStats:
    """The archive at a glance."""

    articles: int = 0
    passages: int = 0
    outlets: list[str] = field(default_factory=list)
    first_date: str = ""
    last_date: str = ""


def chunk_metadata(article: Article, chunk: Chunk, content_hash: str) -> dict[str, Any]:
    """Chroma metadata of one passage (scalars only)."""
    return {
        "article_id": article.article_id,
        "chunk_index": chunk.index,
        "content_hash": content_hash,
        "title": article.title,
        "outlet": article.outlet,
        "outlet_key": outlet_key(article.outlet),
        "byline": article.byline,
        "published_at": format_date(article.published_at),
        "published_ts": timestamp(article.published_at, MISSING_DATE),
        "embargo_ts": timestamp(article.embargo_until, 0),
        "status": article.status,
        "corrected_at": format_date(article.corrected_at),
        "correction": article.correction,
        "url": article.url,
        "start": chunk.start,
        "end": chunk.end,
        "sentences": json.dumps(chunk.sentences),
    }


def passage_from(chunk_id: str, text: str, meta: dict[str, Any], score: float = 0.0) -> Passage:
    """A `Passage` from stored text and metadata."""
    return Passage(
        chunk_id=chunk_id,
        text=text,
        article_id=str(meta.get("article_id", "")),
        title=str(meta.get("title", "")),
        outlet=str(meta.get("outlet", "")),
        byline=str(meta.get("byline", "")),
        published_at=str(meta.get("published_at", "")),
        url=str(meta.get("url", "")),
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", len(text))),
        sentences=[tuple(s) for s in json.loads(str(meta.get("sentences", "[]")))],  # type: ignore[misc]
        score=score,
        corrected_at=str(meta.get("corrected_at", "")),
        correction=str(meta.get("correction", "")),
        status=str(meta.get("status", "")),
        embargo_until=_embargo_text(meta.get("embargo_ts")),
    )


def _embargo_text(value: Any) -> str:
    """The ISO time of a stored embargo; empty for none (0), a missing one or one no calendar can show."""
    try:
        seconds = int(value or 0)
        return format_date(datetime.fromtimestamp(seconds, UTC)) if seconds > 0 else ""
    except (TypeError, ValueError, OverflowError, OSError):
        return ""


Row = tuple[str, str, dict[str, Any], float]
RowSource = Callable[[Sequence[str]], dict[str, tuple[str, dict[str, Any]]]]  # passage id -> (text, metadata)


def _record(article_id: str, meta: Any) -> ArticleRecord:
    return ArticleRecord(article_id, str(meta["content_hash"]), int(meta["passages"]), dict(meta))


def _allowed(rows: list[Row], flt: ArchiveFilter) -> list[Row]:
    """The rows the filter lets through, by the filter's own rule over their metadata (order kept)."""
    return [row for row, ok in zip(rows, flt.allows([meta for _, _, meta, _ in rows]), strict=True) if ok]


class ArchiveStore:
    """Passages (text, vector, metadata) and the article registry in two Chroma collections."""

    def __init__(self, settings: Settings, model_name: str, client: Any | None = None) -> None:
        self.settings = settings
        self.model_name = model_name
        self._own_client = client is None
        self._reopen_lock = threading.Lock()
        self._count: tuple[int, float] | None = None
        self.client = client or make_client(settings)
        self.name = collection_name(settings.collection, model_name)
        self._open_collections()

    def _open_collections(self) -> None:
        model_name = self.model_name
        with chroma_errors(f"open the collection '{self.name}' of", self.settings):
            self.passages = self.client.get_or_create_collection(
                self.name, metadata={"hnsw:space": "cosine", "embedding_model": model_name}, embedding_function=None
            )
            self.registry = self.client.get_or_create_collection(f"{self.name}-articles", embedding_function=None)
            self.history = self.client.get_or_create_collection(f"{self.name}{HISTORY_SUFFIX}", embedding_function=None)
            self.max_batch = int(self.client.get_max_batch_size())

    def passage_count(self) -> int:
        """How many passages are stored. Chroma counts by scanning, which a search at a million passages should
        not pay each time: above `COUNT_CACHED_FROM` passages a count is trusted for `COUNT_SECONDS` (and until
        this process writes), so another process's new passages are noticed within seconds; below it, at once."""
        now = time.monotonic()
        cached = self._count
        if cached is not None and cached[0] >= COUNT_CACHED_FROM and now - cached[1] < COUNT_SECONDS:
            return cached[0]
        with chroma_errors("search", self.settings):
            total = int(self.passages.count())
        self._count = (total, now)
        return total

    def article_count(self) -> int:
        """How many articles are stored."""
        with chroma_errors("count the articles of", self.settings):
            return int(self.registry.count())

    def articles(self) -> dict[str, ArticleRecord]:
        """Every stored article, by id."""
        records: dict[str, ArticleRecord] = {}
        with chroma_errors("list the articles of", self.settings):
            for offset in range(0, max(1, self.registry.count()), self.max_batch):
                got = self.registry.get(include=["metadatas"], limit=self.max_batch, offset=offset)
                for aid, meta in zip(got["ids"], got["metadatas"] or [], strict=False):
                    records[aid] = _record(aid, meta)
        return records

    def articles_written_since(self, moment: float) -> list[ArticleRecord]:
        """The registry records written at or after `moment` (seconds since the epoch, the writer's clock);
        records of versions before `written_at` existed are never among them."""
        records: list[ArticleRecord] = []
        offset = 0
        with chroma_errors("list the articles of", self.settings):
            while True:
                got = self.registry.get(
                    where={"written_at": {"$gte": moment}}, include=["metadatas"], limit=self.max_batch, offset=offset
                )
                records += [_record(aid, meta) for aid, meta in zip(got["ids"], got["metadatas"] or [], strict=False)]
                if len(got["ids"]) < self.max_batch:
                    return records
                offset += self.max_batch

    def content_key(self, article: Article) -> str:
        """What an article's stored passages were made from: its content and the passage sizes. An article whose
        key changed (edited, or ingested again after `NEWSROOM_CHUNK_CHARS`/`_OVERLAP` changed) is re-cut."""
        return f"{article.content_hash}/{self.settings.chunk_chars}-{self.settings.chunk_overlap}/{SCHEMA}"

    def signature(self) -> str:
        """A fingerprint of the archive's content (changes whenever any article does)."""
        return signature_of({a: r.content_hash for a, r in self.articles().items()})

    def write_articles(
        self,
        items: Sequence[tuple[Article, Sequence[Chunk], Sequence[Sequence[float]] | np.ndarray]],
        written_by: str = "",
    ) -> None:
        """Keep the versions these articles replace in the history, store their passages, drop the older versions'
        passages, then record the articles as complete (`written_by`: who or what wrote them, for the history).

        The registry is written last, so an article counts as stored only once all its passages are; a crash
        before that leaves it unregistered and the next ingest writes it again under the same ids. The history is
        written first, so no crash loses the version being replaced.
        """
        if not items:
            return
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        vectors: list[np.ndarray] = []
        registry_metas: list[dict[str, Any]] = []
        for article, chunks, article_vectors in items:
            content_hash = self.content_key(article)
            article_metas = [chunk_metadata(article, c, content_hash) for c in chunks]
            ids += [f"{article.article_id}-{content_hash[:10]}-{c.index:04d}" for c in chunks]
            texts += [c.text for c in chunks]
            metas += article_metas
            vectors.append(np.asarray(article_vectors, dtype=np.float32).reshape(len(chunks), -1))
            registry_meta = {
                k: v for k, v in article_metas[0].items() if k not in ("chunk_index", "start", "end", "sentences")
            }
            registry_meta["passages"] = len(chunks)
            registry_meta["origin"] = article.origin[-500:]  # the file it came from, for `newsroom check`
            registry_meta["source_key"] = article.source_key  # what its id is made of, for `newsroom restore`
            registry_meta["embargo_until"] = format_date(article.embargo_until)  # to the microsecond, for restore
            registry_meta["written_by"] = written_by[:200]
            registry_metas.append(registry_meta)
        matrix = np.concatenate(vectors)
        with chroma_errors("write to", self.settings):
            self._write(ids, texts, metas, matrix, [item[0] for item in items], registry_metas)
        self._count = None

    def _write(
        self,
        ids: list[str],
        texts: list[str],
        metas: list[dict[str, Any]],
        matrix: np.ndarray,
        articles: list[Article],
        registry_metas: list[dict[str, Any]],
    ) -> None:
        self._keep_replaced(articles)
        for first in range(0, len(ids), self.max_batch):
            window = slice(first, first + self.max_batch)
            self.passages.upsert(
                ids=ids[window],
                documents=texts[window],
                metadatas=metas[window],  # type: ignore[arg-type]
                embeddings=matrix[window],
            )
        # the older versions' passages: found by article id (an indexed lookup), their version checked here, as a
        # "version not in" clause would make Chroma scan every passage's version
        current = {a.article_id: self.content_key(a) for a in articles}
        stored = self.passages.get(where={"article_id": {"$in": list(current)}}, include=["metadatas"])
        older = [
            cid
            for cid, meta in zip(stored["ids"], stored["metadatas"] or [], strict=False)
            if current.get(str((meta or {}).get("article_id"))) != str((meta or {}).get("content_hash"))
        ]
        for first in range(0, len(older), self.max_batch):
            self.passages.delete(ids=older[first : first + self.max_batch])
        written_at = time.time()  # the registry's change feed (`rag.archive.registry`)
        for meta in registry_metas:
            meta["written_at"] = written_at
        for first in range(0, len(articles), self.max_batch):
            window = slice(first, first + self.max_batch)
            self.registry.upsert(
                ids=[a.article_id for a in articles[window]],
                documents=[a.body for a in articles[window]],
                metadatas=registry_metas[window],  # type: ignore[arg-type]
                embeddings=[[1.0]] * len(articles[window]),
            )

    def _records(self, article_ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """The registry records (body, metadata) of some articles, by id; an unregistered one is left out."""
        stored: dict[str, tuple[str, dict[str, Any]]] = {}
        aids = list(article_ids)
        for first in range(0, len(aids), self.max_batch):
            got = self.registry.get(ids=aids[first : first + self.max_batch], include=["documents", "metadatas"])
            for aid, doc, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False):
                stored[str(aid)] = (str(doc or ""), dict(meta or {}))
        return stored

    def _keep_replaced(self, articles: Sequence[Article]) -> None:
        """Copy the registry records these articles replace with other content into the history."""
        incoming = {a.article_id: self.content_key(a) for a in articles}
        keep(self.history, superseded(self._records(list(incoming)), incoming), self.max_batch)

    def keep_current(self, article_ids: Sequence[str]) -> None:
        """Copy these articles' current registry records into the history (before they are unregistered)."""
        rows = [(history_id(aid, meta), body, meta) for aid, (body, meta) in self._records(article_ids).items()]
        keep(self.history, rows, self.max_batch)

    def versions(self, article_id: str) -> list[Version]:
        """Every version of an article, oldest first, the current one last; empty for an unknown article."""
        with chroma_errors("read the history of", self.settings):
            got = self.registry.get(ids=[article_id], include=["documents", "metadatas"])
            earlier = earlier_rows(self.history, article_id)
        current = None
        if got["ids"]:
            current = (str((got["documents"] or [""])[0] or ""), dict((got["metadatas"] or [{}])[0] or {}))
        return versions(article_id, current, earlier)

    def find_article(self, ids: Sequence[str], urls: Sequence[str] = ()) -> str | None:
        """The id of the article some candidate ids or URLs (the forms its URL may be stored in) name, current or
        only in the history; None when none is stored."""
        with chroma_errors("find an article in", self.settings):
            for aid in [i for i in ids if i]:
                if (
                    self.registry.get(ids=[aid], include=[])["ids"]
                    or self.history.get(where={"article_id": aid}, include=[], limit=1)["ids"]
                ):
                    return aid
            for url in [u for u in urls if u]:
                for collection in (self.registry, self.history):
                    got = collection.get(where={"url": url}, include=["metadatas"], limit=1)
                    if got["ids"]:
                        return str((got["metadatas"] or [{}])[0].get("article_id", "")) or None
        return None

    def reopen(self, stale: Any | None = None) -> bool:
        """Open the embedded store afresh; False when it is not ours to reopen (a server, a given client).

        An embedded store keeps its vector index in memory: after another process (`newsroom ingest`)
        has written to the same folder, this process's queries fail ("Error finding id") until it reopens.
        With `stale`, nothing is done when another thread has already replaced that client.
        """
        if self.settings.chroma_host or not self._own_client:
            return False
        with self._reopen_lock:
            if stale is not None and self.client is not stale:
                return True
            with chroma_errors("reopen", self.settings):
                close = getattr(self.client, "close", None)
                if close is not None:
                    close()  # releases chromadb's shared in-process system, so the next client loads the index anew
            self.client = make_client(self.settings)
            self._open_collections()
        return True

    def article_body(self, article_id: str, flt: ArchiveFilter | None = None) -> tuple[str, dict[str, Any]] | None:
        """The full cleaned body and registry metadata of one article; None when it is not stored or the filter
        (the embargo always) does not let it through."""
        with chroma_errors("read an article from", self.settings):
            got = self.registry.get(ids=[article_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        meta = dict((got["metadatas"] or [{}])[0])
        flt = flt or ArchiveFilter()
        if not flt.allows([meta])[0]:
            return None
        with chroma_errors("read an article from", self.settings):  # its passages must let it through too
            passage = self.passages.get(
                where={"$and": [{"article_id": article_id}, *flt.clauses()]}, include=[], limit=1
            )
        return (str((got["documents"] or [""])[0]), meta) if passage["ids"] else None

    def allowed_ids(self, chunk_ids: Sequence[str], flt: ArchiveFilter) -> set[str]:
        """Which of these passages the filter lets through now, by their metadata as stored at this moment (a
        passage deleted or retracted since an index was built is not among them), and whose article is
        registered in that very version (a write that crashed before its article was registered, or an older
        version's passage that outlived it, is never shown)."""
        if not chunk_ids:
            return set()
        with chroma_errors("search", self.settings):
            got = self.passages.get(ids=list(chunk_ids), include=["metadatas"])
            metas = [dict(m or {}) for m in got["metadatas"] or []]
            aids = sorted({str(m.get("article_id", "")) for m in metas})
            registered = self.registry.get(ids=aids, include=["metadatas"]) if aids else {"ids": [], "metadatas": []}
        versions = {
            str(aid): str((m or {}).get("content_hash", ""))
            for aid, m in zip(registered["ids"], registered["metadatas"] or [], strict=False)
        }
        mask = flt.allows(metas)
        return {
            str(cid)
            for cid, meta, ok in zip(got["ids"], metas, mask, strict=False)
            if ok and versions.get(str(meta.get("article_id"))) == str(meta.get("content_hash"))
        }

    def dense(
        self, vector: Sequence[float], n: int, flt: ArchiveFilter, rows: RowSource | None = None
    ) -> list[Passage]:
        """Nearest passages by cosine similarity, within the filter.

        A filtered nearest-neighbour query costs a scan of the metadata; most passages pass most filters. So the
        store first asks for `DENSE_OVERFETCH` times `n` neighbours without a filter and applies the filter's
        own rule (`ArchiveFilter.mask`, the same rule as its `where` clauses) in code; only when fewer than `n`
        survive does it run the filtered query. Either way nothing the filter excludes is returned.

        On an embedded store the neighbours' rows (text and metadata) are read from `rows` where it holds them
        (the keyword index keeps a copy of every passage, and reads it several times faster than Chroma reads
        its metadata), else from Chroma. A copy may be seconds old: a search checks its final passages against
        the store itself (`allowed_ids`).
        """
        total = self.passage_count()
        if total == 0:
            return []
        wanted = min(total, n * DENSE_OVERFETCH)
        if self.settings.chroma_host:  # a server: one round trip with the rows (not measured the other way)
            near = list(self._rows(self._query(vector, wanted, None)))
            ids, kept = [row[0] for row in near], _allowed(near, flt)
        else:  # embedded: the neighbours alone take milliseconds, reading their rows is most of the cost
            got = self._query(vector, wanted, None, ["distances"])
            ids, distances = [str(c) for c in got["ids"][0]], [float(d) for d in got["distances"][0]]
            kept = []
            step = n + n // 2  # rows are read in slices, nearest first, until enough pass the filter
            for start in range(0, len(ids), step):
                kept += _allowed(self._read(ids[start : start + step], distances[start : start + step], rows), flt)
                if len(kept) >= n:
                    break
        # too few survive, or the index returned fewer than the store holds (another process wrote since this
        # one loaded it): let Chroma filter the whole collection; its error on a stale index triggers a reopen
        if len(kept) < n and wanted < total or len(ids) < wanted:
            kept = _allowed(list(self._rows(self._query(vector, n, flt.where()))), flt)  # the rule again, in code
        out = []
        for cid, text, meta, dist in kept[:n]:
            passage = passage_from(cid, text, meta)
            passage.dense_similarity = 1.0 - dist
            out.append(passage)
        return out

    def _read(self, ids: Sequence[str], distances: Sequence[float], rows: RowSource | None) -> list[Row]:
        """(id, text, metadata, distance) of some neighbours, in their order; one deleted since is left out. The
        rows `rows` holds come from it, the others from Chroma."""
        found = dict(rows(ids)) if rows is not None else {}
        missing = [cid for cid in ids if cid not in found]
        if missing:
            got = self._retrying(lambda: self.passages.get(ids=missing, include=["documents", "metadatas"]))
            for cid, text, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False):
                found[str(cid)] = (str(text or ""), dict(meta or {}))
        return [(cid, *found[cid], dist) for cid, dist in zip(ids, distances, strict=True) if cid in found]

    def _query(
        self, vector: Sequence[float], n: int, where: dict[str, Any] | None, include: Sequence[str] = _ROW_FIELDS
    ) -> Any:
        """One nearest-neighbour query, reopening an embedded store once if Chroma's handle went stale."""
        query: dict[str, Any] = {"query_embeddings": [list(vector)], "n_results": n, "include": list(include)}
        if where is not None:
            query["where"] = where
        return self._retrying(lambda: self.passages.query(**query))

    def _retrying(self, read: Callable[[], Any]) -> Any:
        """One read of the passages for a search, reopening an embedded store once if Chroma's handle went stale
        (or another thread's reopen closed it under this one)."""
        client = self.client
        try:
            return read()
        except Exception:  # chromadb's own errors; an embedded store may only need reopening (`reopen`)
            if not self.reopen(stale=client):
                with chroma_errors("search", self.settings):
                    raise
            with chroma_errors("search", self.settings):
                return read()

    @staticmethod
    def _rows(got: Any) -> Iterator[Row]:
        """(id, text, metadata, distance) of each result of a one-vector query."""
        for cid, text, meta, dist in zip(
            got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=False
        ):
            yield str(cid), str(text or ""), dict(meta or {}), float(dist)

    def iter_passages(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every stored passage as (id, text, metadata), in pages."""
        with chroma_errors("read the passages of", self.settings):
            total = self.passages.count()
        for offset in range(0, total, self.max_batch):
            with chroma_errors("read the passages of", self.settings):
                got = self.passages.get(include=["documents", "metadatas"], limit=self.max_batch, offset=offset)
            yield from zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False)  # type: ignore[misc]

    def passages_of(self, article_ids: Sequence[str]) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """The stored passages of some articles as (id, text, metadata)."""
        if not article_ids:
            return
        where = {"article_id": {"$in": list(article_ids)}}
        offset = 0
        while True:
            with chroma_errors("read the passages of", self.settings):
                got = self.passages.get(
                    where=where, include=["documents", "metadatas"], limit=self.max_batch, offset=offset
                )
            yield from zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False)  # type: ignore[misc]
            if len(got["ids"]) < self.max_batch:
                return
            offset += self.max_batch

    def visible_articles(self, flt: ArchiveFilter | None = None) -> list[ArticleRecord]:
        """The stored articles that `flt` lets through, by the filter's own rule over their registry metadata (the
        embargo always applies, as in retrieval: an article whose record lacks the field is not visible)."""
        return visible(list(self.articles().values()), flt)

    def recent_passages(
        self, articles: int = 5, per_article: int = 3, flt: ArchiveFilter | None = None
    ) -> list[tuple[str, str]]:
        """(headline, passage text) from the newest visible articles, for example questions."""
        records = sorted(
            self.visible_articles(flt), key=lambda r: str(r.metadata.get("published_at", "")), reverse=True
        )
        out: list[tuple[str, str]] = []
        for record in records[:articles]:
            with chroma_errors("read the passages of", self.settings):
                got = self.passages.get(  # the passages must pass the filter too (a half-written retraction)
                    where={"$and": [{"article_id": record.article_id}, *(flt or ArchiveFilter()).clauses()]},
                    include=["documents"],
                    limit=per_article,
                )
            title = str(record.metadata.get("title", ""))
            out.extend((title, str(doc)) for doc in got["documents"] or [])
        return out

    def stats(self, flt: ArchiveFilter | None = None) -> ArchiveStats:
        """Counts, outlets and date range of the articles a reader may see now (embargoed ones are not counted)."""
        return summarise(self.visible_articles(flt))


def visible(records: Sequence[ArticleRecord], flt: ArchiveFilter | None = None) -> list[ArticleRecord]:
    """The article records that the filter lets through (embargo always applies), order kept."""
    mask = (flt or ArchiveFilter()).allows([r.metadata for r in records])
    return [r for r, ok in zip(records, mask, strict=True) if ok]


def summarise(records: Sequence[ArticleRecord]) -> ArchiveStats:
    """Counts, outlets and date range of some article records."""
    dates = sorted(str(r.metadata.get("published_at")) for r in records if r.metadata.get("published_at"))
    outlets = sorted({str(r.metadata.get("outlet")) for r in records if r.metadata.get("outlet")})
    return ArchiveStats(
        articles=len(records),
        passages=sum(r.passages for r in records),
        outlets=outlets,
        first_date=dates[0][:10] if dates else "",
        last_date=dates[-1][:10] if dates else "",
    )
