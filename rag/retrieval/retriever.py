"""The hybrid search as a LangChain `BaseRetriever`, for LangChain chains and agents built on the archive."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.models import Passage
from rag.retrieval.hybrid import HybridRetriever


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
        filter: outlets and publication dates to keep (also per call: `invoke(q, filter=ArchiveFilter.of(...))`);
            embargoed articles are never returned.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    archive: Archive
    k: int = 8
    filter: ArchiveFilter = ArchiveFilter()

    def passages(self, query: str, **kwargs: Any) -> list[Passage]:
        """Ranked passages for a query (`k` and `filter` may be overridden)."""
        k = int(kwargs.pop("k", self.k))
        flt = kwargs.pop("filter", None) or self.filter
        if kwargs:
            raise TypeError(f"unknown search arguments {sorted(kwargs)}: use k= and filter=ArchiveFilter.of(...)")
        if not isinstance(flt, ArchiveFilter):
            raise TypeError(f"filter must be an ArchiveFilter, not {type(flt).__name__}")
        return HybridRetriever(self.archive).search(query, k=k, flt=flt)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return [passage_document(p) for p in self.passages(query, **kwargs)]
