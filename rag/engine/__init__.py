"""The engine: what the faces (the CLI, the Streamlit chat) may use, and all they may use below the evaluation.

A face opens an engine (`open_engine`), runs turns with it (`ChatEngine.start` / `ChatEngine.turn`, records in
`rag/engine/turn.py`), keeps the archive through its `Desk`, and renders the records and value types listed here.
It never imports the archive, ingest, retrieval or answer modules itself, nor reaches them through the engine's
attributes (tests/unit/test_layers.py holds it to both), so they can change without the faces noticing. Access
rules are applied by the engine: a face passes the user's role, never a filter it widened itself.

Names load on first use, so that `newsroom --help` does not load the models.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# name -> the module that defines it
_PUBLIC = {
    # running turns
    "ChatEngine": "rag.engine.core",
    "OpenedEngine": "rag.engine.core",
    "open_engine": "rag.engine.core",
    "TurnRecord": "rag.engine.turn",
    "TurnRun": "rag.engine.turn",
    "Turn": "rag.answer.base",
    # keeping the archive
    "Desk": "rag.engine.desk",
    "FileReport": "rag.ingest.pipeline",
    "UPLOAD_TYPES": "rag.ingest.uploads",
    "save_upload": "rag.ingest.uploads",
    # who may see and change what
    "EDITOR": "rag.archive.access",
    "READER": "rag.archive.access",
    "WriteRights": "rag.archive.access",
    "access_label": "rag.archive.access",
    "is_loopback": "rag.archive.access",
    "role_for": "rag.archive.access",
    "write_rights": "rag.archive.access",
    # what a face shows
    "ArchiveFilter": "rag.archive.filters",
    "ArchiveStats": "rag.archive.store",
    "ArticleRecord": "rag.archive.article_record",
    "Source": "rag.answer.sources",
    "Quote": "rag.answer.sources",
    "shown": "rag.answer.sources",
    "correction_label": "rag.answer.sources",
    "sources": "rag.answer.sources",
    "named_entities": "rag.retrieval.names",
    "paragraph_spans": "rag.ingest.text",
    "strip_controls": "rag.ingest.text",
}
__all__ = [
    "ArchiveFilter",
    "ArchiveStats",
    "ArticleRecord",
    "ChatEngine",
    "Desk",
    "EDITOR",
    "FileReport",
    "OpenedEngine",
    "Quote",
    "READER",
    "Source",
    "Turn",
    "TurnRecord",
    "TurnRun",
    "UPLOAD_TYPES",
    "WriteRights",
    "access_label",
    "correction_label",
    "is_loopback",
    "named_entities",
    "open_engine",
    "paragraph_spans",
    "role_for",
    "save_upload",
    "shown",
    "sources",
    "strip_controls",
    "write_rights",
]

if TYPE_CHECKING:
    from rag.answer.base import Turn
    from rag.answer.sources import Quote, Source, correction_label, shown, sources
    from rag.archive.access import (
        EDITOR,
        READER,
        WriteRights,
        access_label,
        is_loopback,
        role_for,
        write_rights,
    )
    from rag.archive.article_record import ArticleRecord
    from rag.archive.filters import ArchiveFilter
    from rag.archive.store import ArchiveStats
    from rag.engine.core import ChatEngine, OpenedEngine, open_engine
    from rag.engine.desk import Desk
    from rag.engine.turn import TurnRecord, TurnRun
    from rag.ingest.pipeline import FileReport
    from rag.ingest.text import paragraph_spans, strip_controls
    from rag.ingest.uploads import UPLOAD_TYPES, save_upload
    from rag.retrieval.names import named_entities


if not TYPE_CHECKING:  # type checkers read the imports above, so a misspelt name is an error there too

    def __getattr__(name: str) -> Any:
        if name not in _PUBLIC:
            raise AttributeError(f"module 'rag.engine' has no attribute {name!r}")
        value = getattr(import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
