"""LangChain's own standard retriever suite (from `langchain-tests`) run against our `BaseRetriever`."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests
from pydantic import ValidationError

from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.retrieval.retriever import NewsroomRetriever

BOTH_BACKENDS = True  # each test that uses `settings` runs on the embedded store and on a `chroma run` server


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


def test_the_retriever_applies_its_filter_and_refuses_unknown_arguments(seed_archive: Archive) -> None:
    retriever = NewsroomRetriever(archive=seed_archive, k=3)
    assert retriever.invoke("drone strikes on Moscow")
    # the seed article is the Financial Times' of 30 May 2023: another outlet or a later range leaves nothing
    assert retriever.invoke("drone strikes on Moscow", filter=ArchiveFilter.of(["Nowhere Times"])) == []
    assert NewsroomRetriever(archive=seed_archive, filter=ArchiveFilter.of(since="2023-06-01")).invoke("drones") == []
    assert NewsroomRetriever(archive=seed_archive, filter=ArchiveFilter.of(["Financial Times"])).invoke("drones")
    with pytest.raises(TypeError, match="unknown search arguments"):
        retriever.invoke("drones", outlets=["Nowhere Times"])
    with pytest.raises(ValidationError):
        NewsroomRetriever(archive=seed_archive, outlets=["Nowhere Times"])  # type: ignore[call-arg]
