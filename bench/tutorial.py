"""The LangChain tutorial pipeline, as the baseline: RecursiveCharacterTextSplitter(1000, 200) + langchain_chroma."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings


def chroma_default_function(directory: Path) -> Any:
    """Chroma's own default embedding function (ONNXMiniLM_L6_V2: fixed 256-token padding, batches of 32,
    input order), pointed at the bundled model files instead of its run-time download."""
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    from rag.archive.embeddings import MODEL_SHA256, TOKENIZER_SHA256, model_files, verify_file

    model, tokenizer = model_files()
    verify_file(model, MODEL_SHA256)
    verify_file(tokenizer, TOKENIZER_SHA256)
    folder = directory / ONNXMiniLM_L6_V2.EXTRACTED_FOLDER_NAME
    folder.mkdir(parents=True, exist_ok=True)
    for name, target in (("model.onnx", model), ("tokenizer.json", tokenizer)):
        link = folder / name
        if not link.exists():
            link.symlink_to(target)
    for name in ("config.json", "special_tokens_map.json", "tokenizer_config.json", "vocab.txt"):
        (folder / name).touch()  # present so the class does not download; it reads only the two files above
    function = ONNXMiniLM_L6_V2(preferred_providers=["CPUExecutionProvider"])
    function.DOWNLOAD_PATH = directory
    return function


def via_chroma_function(directory: Path) -> Embeddings:
    """The same model as LangChain `Embeddings`, computed through Chroma's embedding-function path."""
    function = chroma_default_function(directory)

    class ViaChroma(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return [list(map(float, v)) for v in function(list(texts))]

        def embed_query(self, text: str) -> list[float]:
            return self.embed_documents([text])[0]

    return ViaChroma()


def split_corpus(corpus: str | Path) -> list[Any]:
    """The corpus (MultiHop-RAG JSON) split as the tutorial does."""
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    records = json.loads(Path(corpus).read_text())
    docs = [Document(page_content=r["body"], metadata={"title": r["title"], "source": r["source"]}) for r in records]
    return RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)


def tutorial_store(corpus: str | Path, directory: Path) -> Any:
    """A persisted tutorial Chroma store of the corpus (built on first use)."""
    from langchain_chroma import Chroma

    embeddings = via_chroma_function(directory / "model")
    if (directory / "chroma.sqlite3").exists():
        return Chroma(persist_directory=str(directory), embedding_function=embeddings)
    return Chroma.from_documents(split_corpus(corpus), embeddings, persist_directory=str(directory))
