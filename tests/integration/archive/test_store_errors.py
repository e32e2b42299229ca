"""Every chromadb failure leaves the store as a `StoreError` that says what failed and where, never a raw error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import SEED_DIR

from rag.archive.chroma import make_client
from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.archive.store import ArchiveStore
from rag.errors import StoreError
from rag.ingest.chunking import chunk_article
from rag.ingest.pipeline import ingest_paths
from rag.models import Article

CALLS: dict[str, Callable[[ArchiveStore], Any]] = {
    "article_count": lambda s: s.article_count(),
    "articles": lambda s: s.articles(),
    "signature": lambda s: s.signature(),
    "stats": lambda s: s.stats(),
    "recent_passages": lambda s: s.recent_passages(),
    "article_body": lambda s: s.article_body("missing"),
    "iter_passages": lambda s: list(s.iter_passages()),
    "dense": lambda s: s.dense([0.1] * 384, 3, ArchiveFilter()),
    "write_articles": lambda s: s.write_articles(
        [
            (
                article := Article("Headline", "A body sentence that is long enough.", "k"),
                chunk_article(article),
                np.ones((1, 384)),
            )
        ]
    ),
}


@pytest.fixture
def broken_store(archive: Archive) -> ArchiveStore:
    """A real embedded store whose collections were deleted behind its back (as another process could)."""
    assert ingest_paths(archive, [SEED_DIR]).ok
    store = archive.store
    other = make_client(archive.settings)
    other.delete_collection(store.name)
    other.delete_collection(f"{store.name}-articles")
    return store


@pytest.mark.parametrize("call", sorted(CALLS))
def test_a_store_whose_collections_vanished_raises_store_errors(broken_store: ArchiveStore, call: str) -> None:
    with pytest.raises(StoreError, match=r"^Could not .* the archive at .*data") as caught:
        CALLS[call](broken_store)
    assert caught.value.__cause__ is not None and not isinstance(caught.value.__cause__, StoreError)


def test_the_error_names_what_failed(broken_store: ArchiveStore) -> None:
    with pytest.raises(StoreError, match=r"Could not search the archive at "):
        broken_store.dense([0.1] * 384, 3, ArchiveFilter())
    with pytest.raises(StoreError, match=r"Could not write to the archive at "):
        CALLS["write_articles"](broken_store)
