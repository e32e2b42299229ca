"""The test helpers themselves: the deterministic embeddings, passages built from sentences, the benchmark data."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from conftest import BENCH_DATA_SKIP, BENCH_DATA_VAR, locate_bench_data
from langchain_core.embeddings import Embeddings
from support import HashEmbeddings, bow_cosine, make_passage


def test_hash_embeddings_are_unit_bags_of_words() -> None:
    embeddings = HashEmbeddings()
    assert isinstance(embeddings, Embeddings) and embeddings.model_id == "hash-bow-4096"
    texts = ["The harbour bridge reopened.", "Harbour harbour BRIDGE!", "", "  ... "]
    vectors = np.array(embeddings.embed_documents(texts))
    assert vectors.shape == (4, 4096)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert vectors[2].tolist() == vectors[3].tolist() == [1.0] + [0.0] * 4095  # no words
    assert embeddings.embed_query(texts[0]) == vectors[0].tolist() == HashEmbeddings().vector(texts[0])
    # counts, case and punctuation ignored: harbour x2, bridge x1 against harbour, bridge, the, reopened
    assert float(vectors[0] @ vectors[1]) == pytest.approx(3 / (2 * math.sqrt(5)))
    assert bow_cosine(texts[0], texts[1]) == pytest.approx(3 / (2 * math.sqrt(5)))


def test_collisions_are_reported() -> None:
    small = HashEmbeddings(dim=3)  # two usable buckets: three words cannot all be apart
    assert small.collisions(["alpha beta gamma"])
    assert HashEmbeddings().collisions(["alpha beta gamma"]) == {}
    assert HashEmbeddings().collisions(["alpha alpha"]) == {}, "a repeated word is not a collision"


def test_make_passage_records_the_sentence_offsets() -> None:
    passage = make_passage("p", ["First sentence here.", "Second one."], outlet="Gazette")
    assert passage.text == "First sentence here. Second one."
    assert passage.sentence_texts() == ["First sentence here.", "Second one."]
    assert (passage.start, passage.end, passage.outlet, passage.article_id) == (0, 32, "Gazette", "article-p")


def test_bench_data_is_found_through_the_variable_or_next_to_the_checkout(tmp_path: Path) -> None:
    good, default = tmp_path / "good", tmp_path / "default"
    for folder in (good, default):
        folder.mkdir()
        (folder / "corpus.json").write_text("[]")
        (folder / "queries-dev.json").write_text("[]")
    assert locate_bench_data({BENCH_DATA_VAR: str(good)}, default=tmp_path / "absent") == good
    assert locate_bench_data({}, default=default) == default
    assert locate_bench_data({BENCH_DATA_VAR: "  "}, default=default) == default
    assert locate_bench_data({}, default=tmp_path / "absent") is None
    (default / "queries-dev.json").unlink()
    assert locate_bench_data({}, default=default) is None
    with pytest.raises(ValueError, match=rf"^{BENCH_DATA_VAR}=.*default does not hold queries-dev\.json$"):
        locate_bench_data({BENCH_DATA_VAR: str(default)})
    assert "set NEWSROOM_BENCH_DATA=/path/to/multihop-rag" in BENCH_DATA_SKIP
