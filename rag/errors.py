"""Errors with messages a journalist can act on; shown to users only by the CLI and the app."""

from __future__ import annotations


class NewsroomError(Exception):
    """Base class of every error Newsroom reports to a user."""


class ConfigError(NewsroomError):
    """A setting is missing or has a value that cannot be used."""


class LoadError(NewsroomError):
    """A file or record could not be read as an article."""

    def __init__(self, reason: str, *, where: str | None = None) -> None:
        super().__init__(f"{where}: {reason}" if where else reason)
        self.reason = reason
        self.where = where


class ModelFileError(NewsroomError):
    """The bundled embedding model is missing or fails its checksum."""


class StoreLockedError(NewsroomError):
    """Another process is writing to the archive."""


class StoreError(NewsroomError):
    """The vector store could not be opened or written."""


class LLMUnavailableError(NewsroomError):
    """The configured language-model endpoint failed or could not be reached."""


class AccessDeniedError(NewsroomError):
    """The user's role does not allow what they asked for (a reader writing to the archive)."""
