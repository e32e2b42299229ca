"""The archive in Chroma: passages with vectors, and one registry record per article."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rag.archive.filters import MISSING_DATE, ArchiveFilter, outlet_key
from rag.config import Settings
from rag.dates import format_date, timestamp
from rag.errors import StoreError
from rag.models import Article, Chunk, Passage


@dataclass
class ArticleRecord:
    """What the registry knows of a stored article."""

    article_id: str
    content_hash: str
    passages: int
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class ArchiveStats:
    """The archive at a glance."""

    articles: int = 0
    passages: int = 0
    outlets: list[str] = field(default_factory=list)
    first_date: str = ""
    last_date: str = ""


def make_client(settings: Settings) -> Any:
    """An embedded `PersistentClient`, or an `HttpClient` when CHROMA_HOST is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_host:
            headers = {"Authorization": f"Bearer {settings.chroma_token}"} if settings.chroma_token else None
            return chromadb.HttpClient(
                host=settings.chroma_host,
                port=settings.chroma_port,
                ssl=settings.chroma_ssl,
                headers=headers,
                settings=chroma_settings,
            )
        path = Path(settings.data_dir) / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises plain exceptions for connection and version problems
        where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else settings.data_dir
        raise StoreError(f"Could not open the Chroma store at {where}: {exc}") from exc


def collection_name(base: str, model: str) -> str:
    """A valid Chroma collection name for an archive and its embedding model."""
    name = re.sub(r"[^a-zA-Z0-9._-]+", "-", f"{base}-{model}").strip("-._")
    return name[:500] if len(name) >= 3 else f"{name}-archive"


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
    )


class ArchiveStore:
    """Passages (text, vector, metadata) and the article registry in two Chroma collections."""

    def __init__(self, settings: Settings, model_name: str, client: Any | None = None) -> None:
        self.settings = settings
        self.model_name = model_name
        self._own_client = client is None
        self._reopen_lock = threading.Lock()
        self.client = client or make_client(settings)
        self.name = collection_name(settings.collection, model_name)
        self._open_collections()

    def _open_collections(self) -> None:
        model_name = self.model_name
        try:
            self.passages = self.client.get_or_create_collection(
                self.name, metadata={"hnsw:space": "cosine", "embedding_model": model_name}, embedding_function=None
            )
            self.registry = self.client.get_or_create_collection(f"{self.name}-articles", embedding_function=None)
            self.max_batch = int(self.client.get_max_batch_size())
        except Exception as exc:
            raise StoreError(f"Could not open the archive collection '{self.name}': {exc}") from exc

    def articles(self) -> dict[str, ArticleRecord]:
        """Every stored article, by id."""
        records: dict[str, ArticleRecord] = {}
        for offset in range(0, max(1, self.registry.count()), self.max_batch):
            got = self.registry.get(include=["metadatas"], limit=self.max_batch, offset=offset)
            for aid, meta in zip(got["ids"], got["metadatas"] or [], strict=False):
                records[aid] = ArticleRecord(aid, str(meta["content_hash"]), int(meta["passages"]), dict(meta))
        return records

    def signature(self) -> str:
        """A fingerprint of the archive's content (changes whenever any article does)."""
        items = sorted(f"{a}:{r.content_hash}" for a, r in self.articles().items())
        return hashlib.sha256("\n".join(items).encode()).hexdigest()[:20]

    def write_article(
        self, article: Article, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]] | np.ndarray
    ) -> None:
        """Store one article (see `write_articles`)."""
        self.write_articles([(article, chunks, vectors)])

    def write_articles(
        self, items: Sequence[tuple[Article, Sequence[Chunk], Sequence[Sequence[float]] | np.ndarray]]
    ) -> None:
        """Store articles' passages, drop their older versions' passages, then record the articles as complete.

        The registry is written last, so an article counts as stored only once all its passages are; a crash
        before that leaves it unregistered and the next ingest writes it again under the same ids.
        """
        if not items:
            return
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        vectors: list[np.ndarray] = []
        registry_metas: list[dict[str, Any]] = []
        for article, chunks, article_vectors in items:
            content_hash = article.content_hash
            article_metas = [chunk_metadata(article, c, content_hash) for c in chunks]
            ids += [f"{article.article_id}-{content_hash[:10]}-{c.index:04d}" for c in chunks]
            texts += [c.text for c in chunks]
            metas += article_metas
            vectors.append(np.asarray(article_vectors, dtype=np.float32).reshape(len(chunks), -1))
            registry_meta = {
                k: v for k, v in article_metas[0].items() if k not in ("chunk_index", "start", "end", "sentences")
            }
            registry_meta["passages"] = len(chunks)
            registry_metas.append(registry_meta)
        matrix = np.concatenate(vectors)
        for first in range(0, len(ids), self.max_batch):
            window = slice(first, first + self.max_batch)
            self.passages.upsert(
                ids=ids[window],
                documents=texts[window],
                metadatas=metas[window],  # type: ignore[arg-type]
                embeddings=matrix[window],
            )
        articles = [item[0] for item in items]
        self.passages.delete(
            where={
                "$and": [
                    {"article_id": {"$in": [a.article_id for a in articles]}},
                    {"content_hash": {"$nin": [a.content_hash for a in articles]}},
                ]
            }
        )
        for first in range(0, len(articles), self.max_batch):
            window = slice(first, first + self.max_batch)
            self.registry.upsert(
                ids=[a.article_id for a in articles[window]],
                documents=[a.body for a in articles[window]],
                metadatas=registry_metas[window],  # type: ignore[arg-type]
                embeddings=[[1.0]] * len(articles[window]),
            )

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
            close = getattr(self.client, "close", None)
            if close is not None:
                close()  # releases chromadb's shared in-process system, so the next client loads the index anew
            self.client = make_client(self.settings)
            self._open_collections()
        return True

    def remove_article(self, article_id: str) -> None:
        """Delete an article and all its passages."""
        self.registry.delete(ids=[article_id])
        self.passages.delete(where={"article_id": article_id})

    def article_body(self, article_id: str) -> tuple[str, dict[str, Any]] | None:
        """The full cleaned body and registry metadata of one article."""
        got = self.registry.get(ids=[article_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        return str((got["documents"] or [""])[0]), dict((got["metadatas"] or [{}])[0])

    def dense(self, vector: Sequence[float], n: int, flt: ArchiveFilter) -> list[Passage]:
        """Nearest passages by cosine similarity, within the filter."""
        if self.passages.count() == 0:
            return []
        query = {
            "query_embeddings": [list(vector)],
            "n_results": n,
            "where": flt.where(),
            "include": ["documents", "metadatas", "distances"],
        }
        client, passages = self.client, self.passages
        try:
            got = passages.query(**query)
        except Exception as exc:  # chromadb's own errors; see `reopen`
            if not self.reopen(stale=client):
                raise
            try:
                got = self.passages.query(**query)
            except Exception as again:
                raise StoreError(f"Could not search the archive '{self.name}': {again}") from exc
        out = []
        for cid, text, meta, dist in zip(
            got["ids"][0],
            got["documents"][0],
            got["metadatas"][0],
            got["distances"][0],
            strict=False,  # type: ignore[index]
        ):
            passage = passage_from(cid, text, dict(meta))
            passage.dense_similarity = 1.0 - float(dist)
            out.append(passage)
        return out

    def iter_passages(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every stored passage as (id, text, metadata), in pages."""
        total = self.passages.count()
        for offset in range(0, total, self.max_batch):
            got = self.passages.get(include=["documents", "metadatas"], limit=self.max_batch, offset=offset)
            yield from zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False)  # type: ignore[misc]

    def recent_passages(self, articles: int = 5, per_article: int = 3) -> list[tuple[str, str]]:
        """(headline, passage text) from the newest articles, for example questions."""
        records = sorted(self.articles().values(), key=lambda r: str(r.metadata.get("published_at", "")), reverse=True)
        out: list[tuple[str, str]] = []
        for record in records[:articles]:
            got = self.passages.get(where={"article_id": record.article_id}, include=["documents"], limit=per_article)
            title = str(record.metadata.get("title", ""))
            out.extend((title, str(doc)) for doc in got["documents"] or [])
        return out

    def stats(self) -> ArchiveStats:
        """Counts, outlets and date range of the archive."""
        records = self.articles().values()
        dates = sorted(str(r.metadata.get("published_at")) for r in records if r.metadata.get("published_at"))
        outlets = sorted({str(r.metadata.get("outlet")) for r in records if r.metadata.get("outlet")})
        return ArchiveStats(
            articles=len(records),
            passages=self.passages.count(),
            outlets=outlets,
            first_date=dates[0][:10] if dates else "",
            last_date=dates[-1][:10] if dates else "",
        )
