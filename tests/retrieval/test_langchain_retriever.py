"""LangChain's own standard retriever suite (from `langchain-tests`) run against our `BaseRetriever`."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from rag.archive.knowledge import Archive
from rag.retrieval.retriever import NewsroomRetriever


class TestNewsroomRetrieverStandard(RetrieversIntegrationTests):
    """The retriever integration suite, over the shared read-only seed archive."""

    @pytest.fixture(autouse=True)
    def _archive(self, seed_archive: Archive) -> None:
        self.archive = seed_archive

    @property
    def retriever_constructor(self) -> type[NewsroomRetriever]:
        return NewsroomRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"archive": self.archive, "k": 4}

    @property
    def retriever_query_example(self) -> str:
        return "drone strikes on Moscow"
