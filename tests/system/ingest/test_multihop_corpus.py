"""The MultiHop-RAG corpus through the real loaders: all 609 articles load, and every one reads as prose."""

from __future__ import annotations

import json
from pathlib import Path

from rag.ingest.loaders import load_file

# --- .json / .jsonl ----------------------------------------------------------------------------------------------


def test_multihop_corpus_loads_609_articles(bench_data: Path) -> None:
    loaded = load_file(bench_data / "corpus.json")
    assert loaded.errors == []
    assert len(loaded.articles) == 609
    assert len({a.article_id for a in loaded.articles}) == 609
    assert all(a.title and a.body and a.outlet and a.url and a.published_at for a in loaded.articles)
    assert len({a.outlet for a in loaded.articles}) == 49


# --- wrong-typed fields, oversized and non-prose articles ------------------------------------------------------


def test_every_multihop_article_reads_as_prose(bench_data: Path) -> None:
    from rag.ingest.screening import prose_problem

    corpus = json.loads((bench_data / "corpus.json").read_text(encoding="utf-8"))
    assert [a["title"] for a in corpus if prose_problem(a["body"])] == []
