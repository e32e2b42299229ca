"""Chunking every article of the MultiHop-RAG corpus: each passage holds the invariants the unit tests check
(`support.check_chunks`)."""

from __future__ import annotations

import json
from pathlib import Path

from support import check_chunks

from rag.ingest.chunking import chunk_article
from rag.ingest.loaders import load_file


def test_chunk_property_on_the_multihop_corpus(bench_data: Path) -> None:
    loaded = load_file(bench_data / "corpus.json")
    assert len(loaded.articles) == len(json.loads((bench_data / "corpus.json").read_text()))
    for article in loaded.articles:
        check_chunks(article, chunk_article(article), 1000)
