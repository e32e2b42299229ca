"""Small typed records passed between the layers: articles, passages, citations, answers."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime


def stable_id(*parts: str, length: int = 16) -> str:
    """A short deterministic id from text parts."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


@dataclass
class Article:
    """One news article as ingested: metadata plus cleaned body text."""

    title: str
    body: str
    source_key: str
    outlet: str = ""
    byline: str = ""
    published_at: datetime | None = None
    url: str = ""
    embargo_until: datetime | None = None
    origin: str = ""
    status: str = "published"  # published, draft or retracted: readers only ever see published articles
    corrected_at: datetime | None = None  # when the article was last corrected (a newer version replaced it)
    correction: str = ""  # the correction note, shown with the citation

    @property
    def article_id(self) -> str:
        """Deterministic id: the same article (URL, or file/record identity) keeps its id."""
        return stable_id(self.source_key)

    @property
    def content_hash(self) -> str:
        """Hash of everything a reader sees; a change means a new version."""
        payload = json.dumps(
            [
                self.title,
                self.body,
                self.outlet,
                self.byline,
                self.published_at.isoformat() if self.published_at else "",
                self.url,
                self.embargo_until.isoformat() if self.embargo_until else "",
                self.status,
                self.corrected_at.isoformat() if self.corrected_at else "",
                self.correction,
            ]
        )
        return stable_id(payload, length=24)


@dataclass(frozen=True)
class Chunk:
    """A passage of whole sentences cut from one article, with offsets into its body."""

    article_id: str
    index: int
    text: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]


@dataclass
class Passage:
    """A retrieved passage with the metadata a citation needs."""

    chunk_id: str
    text: str
    article_id: str
    title: str
    outlet: str = ""
    byline: str = ""
    published_at: str = ""
    url: str = ""
    start: int = 0
    end: int = 0
    sentences: list[tuple[int, int]] = field(default_factory=list)
    score: float = 0.0
    dense_similarity: float | None = None
    corrected_at: str = ""
    correction: str = ""
    status: str = "published"
    embargo_until: str = ""  # ISO time of an embargo (only an editor's search returns a passage still under one)

    def sentence_texts(self) -> list[str]:
        """The passage's sentences, as verbatim text."""
        return [self.text[a - self.start : b - self.start].strip() for a, b in self.sentences]

    def to_public(self) -> dict[str, object]:
        """The JSON shape printed by `newsroom search --json`."""
        return {
            "text": self.text,
            "score": round(self.score, 6),
            "article_id": self.article_id,
            "title": self.title,
            "outlet": self.outlet,
            "published_at": self.published_at,
            "url": self.url,
        }


@dataclass
class Citation:
    """A numbered reference from an answer to a passage, with the quoted sentence(s)."""

    n: int
    passage: Passage
    quote: str = ""

    def to_public(self) -> dict[str, object]:
        """The JSON shape printed by `newsroom ask --json`."""
        p = self.passage
        return {
            "n": self.n,
            "article_id": p.article_id,
            "title": p.title,
            "outlet": p.outlet,
            "byline": p.byline,
            "published_at": p.published_at,
            "url": p.url,
            "text": p.text,
            "quote": self.quote,
            "start": p.start,
            "end": p.end,
        }


@dataclass
class Answer:
    """An answer with its citations; `refused` when the archive does not support one."""

    text: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    mode: str = "quote"
    notice: str = ""
    question: str = ""
    raw_text: str = ""
    confidence: float | None = None  # quote mode: the best sentence's score for the whole question
    support: float | None = None  # quote mode: the probability that the passages answer it (rag/answer/support.py)
    span: str = ""  # quote mode: the words of the first quote that answer what was asked ("Daniel Leventhal")
    span_at: tuple[int, int] | None = None  # where `span` stands in `text` (inside the first quote)

    def to_public(self) -> dict[str, object]:
        """The JSON shape printed by `newsroom ask --json`."""
        data: dict[str, object] = {
            "answer": self.text,
            "refused": self.refused,
            "citations": [c.to_public() for c in self.citations],
            "mode": self.mode,
        }
        if self.notice:
            data["notice"] = self.notice
        if self.support is not None:
            data["support"] = round(self.support, 3)
        if self.span:
            data["span"] = self.span
        return data


def as_dict(obj: object) -> dict[str, object]:
    """Dataclass to plain dict (for JSON)."""
    return asdict(obj)  # type: ignore[call-overload,no-any-return]
