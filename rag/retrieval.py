"""The archive as a LangChain `BaseRetriever`: hybrid search with outlet and date filters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.archive import Archive
from rag.filters import ArchiveFilter
from rag.models import Passage


def passage_document(passage: Passage) -> Document:
    """A LangChain `Document` carrying a passage and its citation metadata."""
    return Document(
        page_content=passage.text,
        id=passage.chunk_id,
        metadata={
            "chunk_id": passage.chunk_id,
            "article_id": passage.article_id,
            "title": passage.title,
            "outlet": passage.outlet,
            "byline": passage.byline,
            "published_at": passage.published_at,
            "url": passage.url,
            "start": passage.start,
            "end": passage.end,
            "score": passage.score,
        },
    )


class NewsroomRetriever(BaseRetriever):
    """Dense + BM25 retrieval over the archive fused by reciprocal rank.

    Args:
        archive: the opened archive to search.
        k: number of passages to return (also accepted per call: `invoke(q, k=3)`).
        outlets: only passages from these outlets.
        since: only articles published at or after this time.
        until: only articles published at or before this time.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    archive: Archive
    k: int = 8
    outlets: list[str] = []
    since: datetime | None = None
    until: datetime | None = None

    def archive_filter(self, **overrides: Any) -> ArchiveFilter:
        """The filter this retriever applies (embargo always on)."""
        return ArchiveFilter(
            outlets=tuple(overrides.get("outlets", self.outlets) or ()),
            since=overrides.get("since", self.since),
            until=overrides.get("until", self.until),
        )

    def passages(self, query: str, **kwargs: Any) -> list[Passage]:
        """Ranked passages for a query (`k`, `outlets`, `since`, `until` may be overridden)."""
        k = int(kwargs.pop("k", self.k))
        return self.archive.search(query, k=k, flt=self.archive_filter(**kwargs))

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return [passage_document(p) for p in self.passages(query, **kwargs)]
