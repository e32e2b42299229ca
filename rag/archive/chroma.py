"""The Chroma client (embedded, or a Chroma server), collection names, and the store's error boundary."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rag.config import Settings
from rag.errors import NewsroomError, StoreError


def store_location(settings: Settings) -> str:
    """Where the archive lives, for messages: a server address or the data folder."""
    return f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else str(settings.data_dir)


@contextmanager
def chroma_errors(action: str, settings: Settings) -> Iterator[None]:
    """Turn any failure of chromadb (its own errors, HTTP, SQLite, value errors) into a `StoreError`.

    Args:
        action: what was being done, completing "Could not ... the archive".
        settings: where the archive is (named in the message).
    """
    try:
        yield
    except NewsroomError:
        raise
    except Exception as exc:  # chromadb raises many unrelated types; all mean the store failed
        reason = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        raise StoreError(f"Could not {action} the archive at {store_location(settings)}: {reason}") from exc


def make_client(settings: Settings) -> Any:
    """An embedded `PersistentClient`, or an `HttpClient` when CHROMA_HOST is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_host:
            headers = {"Authorization": f"Bearer {settings.chroma_token}"} if settings.chroma_token else None
            return chromadb.HttpClient(
                host=settings.chroma_host,
                port=settings.chroma_port,
                ssl=settings.chroma_ssl,
                headers=headers,
                settings=chroma_settings,
            )
        path = Path(settings.data_dir) / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises plain exceptions for connection and version problems
        raise StoreError(f"Could not open the Chroma store at {store_location(settings)}: {exc}") from exc


def collection_name(base: str, model: str) -> str:
    """A valid Chroma collection name for an archive and its embedding model."""
    name = re.sub(r"[^a-zA-Z0-9._-]+", "-", f"{base}-{model}").strip("-._")
    return name[:500] if len(name) >= 3 else f"{name}-archive"
