"""LangChain's own standard suites (from `langchain-tests`) run against our Embeddings and BaseRetriever."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from rag.archive.embeddings import MiniLMEmbeddings
from rag.archive.knowledge import Archive
from rag.config import load_settings
from rag.ingest.pipeline import ingest_paths
from rag.retrieval.retriever import NewsroomRetriever

SEED_DIR = Path(__file__).resolve().parent.parent / "seeds"


class TestMiniLMEmbeddingsStandard(EmbeddingsUnitTests):
    """The embeddings unit suite."""

    @property
    def embeddings_class(self) -> type[MiniLMEmbeddings]:
        return MiniLMEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"batch_size": 8}


@pytest.fixture(scope="module")
def seeded_archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """A real archive with the seed article, shared by the retriever suite."""
    data = tmp_path_factory.mktemp("standard-retriever")
    archive = Archive(load_settings(environ={"NEWSROOM_DATA_DIR": str(data)}, env_file=None), MiniLMEmbeddings())
    assert ingest_paths(archive, [SEED_DIR]).ok
    return archive


class TestNewsroomRetrieverStandard(RetrieversIntegrationTests):
    """The retriever integration suite."""

    @pytest.fixture(autouse=True)
    def _archive(self, seeded_archive: Archive) -> None:
        self.archive = seeded_archive

    @property
    def retriever_constructor(self) -> type[NewsroomRetriever]:
        return NewsroomRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"archive": self.archive, "k": 4}

    @property
    def retriever_query_example(self) -> str:
        return "drone strikes on Moscow"
