"""What the archive's registry knows of each stored article, a record shared by the store and the registry feed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ArticleRecord:
    """What the registry knows of a stored article."""

    article_id: str
    content_hash: str
    passages: int
    metadata: dict[str, Any] = field(default_factory=dict)
