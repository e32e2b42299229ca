"""The bundled embedding model (real ONNX weights) and the OpenAI embeddings option."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from conftest import SEED_DIR, make_engine
from fake_openai import FakeOpenAIServer

from rag.archive.embeddings import MODEL_SHA256, MiniLMEmbeddings, make_embeddings, model_files, verify_file
from rag.archive.knowledge import Archive
from rag.config import Settings, load_settings
from rag.errors import ConfigError, ModelFileError
from rag.ingest.pipeline import ingest_paths


def test_vectors_are_normalised_and_meaningful(embeddings: MiniLMEmbeddings) -> None:
    docs = np.array(
        embeddings.embed_documents(
            [
                "Russia's defence minister said Ukraine had used eight drones in the attack.",
                "The harbour bridge reopened after a two-year refit.",
            ]
        )
    )
    query = np.array(embeddings.embed_query("How many drones did Ukraine use?"))
    assert docs.shape == (2, 384)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    assert docs[0] @ query > 0.5 > docs[1] @ query


def test_dynamic_padding_and_length_sorting_do_not_change_vectors(embeddings: MiniLMEmbeddings) -> None:
    texts = [
        "short",
        "a much longer sentence about drones over Moscow and air defences " * 5,
        "medium length text here",
    ]
    together = np.array(embeddings.embed_documents(texts))
    alone = np.array([embeddings.embed_query(t) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)  # same order back, padding masked out
    assert embeddings.embed_documents([]) == []


def test_a_shorter_token_limit_is_a_different_model_id_so_collections_stay_apart() -> None:
    assert MiniLMEmbeddings().model_id == "all-MiniLM-L6-v2-onnx-int8"
    short = make_embeddings(load_settings(environ={"NEWSROOM_EMBED_MAX_TOKENS": "128"}, env_file=None))
    assert isinstance(short, MiniLMEmbeddings) and short.model_id == "all-MiniLM-L6-v2-onnx-int8-128"


def test_model_files_are_bundled_and_checksummed(tmp_path: Path) -> None:
    model, tokenizer = model_files()
    assert model.is_file() and tokenizer.is_file()
    verify_file(model, MODEL_SHA256)
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not the model")
    with pytest.raises(ModelFileError, match="damaged"):
        verify_file(fake, MODEL_SHA256)
    with pytest.raises(ModelFileError, match="missing"):
        verify_file(tmp_path / "absent.onnx", MODEL_SHA256)


def test_openai_embeddings_are_selectable_and_work_end_to_end(settings: Settings) -> None:
    with FakeOpenAIServer() as server:
        chosen = load_settings(
            environ={
                "NEWSROOM_EMBEDDINGS": "openai",
                "OPENAI_BASE_URL": server.base_url,
                "NEWSROOM_EMBEDDING_MODEL": "fake-embed",
                "NEWSROOM_ANSWER_MODE": "quote",
                "NEWSROOM_DATA_DIR": str(settings.data_dir),
            },
            env_file=None,
        )
        archive = Archive(chosen)
        assert type(make_embeddings(chosen)).__name__ == "OpenAIEmbeddings"
        assert ingest_paths(archive, [SEED_DIR]).ok
        assert archive.store.name == "newsroom-fake-embed"  # kept apart from the bundled model's vectors
        passages = make_engine(chosen, archive).retrieve("Sergei Shoigu drones", k=3)
        assert passages and server.embedding_requests >= 2


def test_openai_embeddings_need_an_endpoint() -> None:
    with pytest.raises(ConfigError, match="NEWSROOM_EMBEDDINGS=openai"):
        load_settings(environ={"NEWSROOM_EMBEDDINGS": "openai"}, env_file=None)


def test_settings_are_frozen(settings: Settings) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.top_k = 3  # type: ignore[misc]
