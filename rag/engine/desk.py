"""The archive's upkeep for the faces: adding articles, checking and repairing the store, backing it up, and an
article's versions and their restoring. The faces call these and never the archive or ingest modules themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rag.archive import health
from rag.archive.access import WriteRights
from rag.archive.health import CheckReport
from rag.archive.history import Version
from rag.archive.knowledge import Archive
from rag.config import Settings
from rag.ingest.pipeline import IngestReport, Progress, ingest_paths
from rag.ingest.restore import Restored, article_versions, restore_version


class Desk:
    """What an editor does to the archive (each write is recorded with `rights.who`).

    Args:
        archive: the archive to keep; a new one from the settings when built with `Desk.open`.
    """

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    @classmethod
    def open(cls, settings: Settings) -> Desk:
        """The desk of the archive the settings name (the embedding model loads only when a write needs it)."""
        return cls(Archive(settings))

    def ingest(
        self,
        paths: Iterable[str | Path],
        progress: Progress | None = None,
        command: str = "newsroom ingest",
        rights: WriteRights | None = None,
    ) -> IngestReport:
        """Add or update the articles in files and folders, each file reported on its own; the archive is read
        afresh afterwards, so the next question sees them."""
        try:
            return ingest_paths(self.archive, paths, progress, command, rights)
        finally:
            self.archive.refresh()

    def check(self, repair: bool = False) -> CheckReport:
        """Every article's passages present, no orphans, indexes current; with `repair`, fix what is not."""
        return health.repair(self.archive) if repair else health.check(self.archive)

    def backup(self, destination: Path) -> CheckReport:
        """A consistent, checked copy of the archive in `destination`."""
        return health.backup(self.archive, destination)

    def versions(self, reference: str) -> list[Version]:
        """Every version of an article (by URL, id or source file), oldest first."""
        return article_versions(self.archive, reference)

    def restore(self, reference: str, number: int, rights: WriteRights) -> Restored:
        """Make an earlier version current again (the one it replaces is kept)."""
        return restore_version(self.archive, reference, number, rights)
