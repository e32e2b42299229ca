"""LangChain's own standard embeddings suite (from `langchain-tests`) run against the bundled model."""

from __future__ import annotations

from typing import Any

from langchain_tests.unit_tests import EmbeddingsUnitTests

from rag.archive.embeddings import MiniLMEmbeddings


class TestMiniLMEmbeddingsStandard(EmbeddingsUnitTests):
    """The embeddings unit suite."""

    @property
    def embeddings_class(self) -> type[MiniLMEmbeddings]:
        return MiniLMEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"batch_size": 8}
