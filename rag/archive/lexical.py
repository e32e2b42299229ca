"""BM25 (bm25s) over the stored passages, persisted beside the store and rebuilt when the archive changes."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag.archive.filters import ArchiveFilter, FilterColumns
from rag.archive.store import ArchiveStore, passage_from
from rag.dates import date_forms
from rag.models import Passage


def _stemmer() -> Any:
    try:
        import Stemmer

        return Stemmer.Stemmer("english")
    except ImportError:  # PyStemmer is optional; BM25 works on surface forms without it
        return None


FORMAT = "2: headline, outlet, date forms, text"  # a saved index of another format is rebuilt


def lexical_text(title: str, outlet: str, text: str, published_at: str = "") -> str:
    """What BM25 indexes for a passage: its article's headline, outlet and publication date in several written
    forms, then its text (the plain text is what is returned and cited)."""
    return f"{title}\n{outlet}\n{date_forms(published_at)}\n{text}"


STALE_BUILD_SECONDS = 600.0  # a temporary build folder this old was left by a process that died mid-build


def _remove_stale_builds(folder: Path) -> None:
    """Remove the temporary folders of builds that were killed before they finished (never a live one)."""
    now = time.time()
    for path in folder.glob(".bm25-*"):
        try:
            if now - path.stat().st_mtime > STALE_BUILD_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:  # removed by another process meanwhile
            continue


class LexicalIndex:
    """A BM25 index of every passage, with the passage metadata needed to filter and cite."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.stemmer = _stemmer()
        self.signature = ""
        self.retriever: Any = None
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.metas: list[dict[str, Any]] = []
        self._cols: FilterColumns | None = None

    def load(self) -> bool:
        """Load a saved index; False when none is saved or it is unreadable."""
        import bm25s

        try:
            manifest = json.loads((self.directory / "manifest.json").read_text())
            payload = json.loads((self.directory / "passages.json").read_text())
            retriever = bm25s.BM25.load(str(self.directory / "bm25"), mmap=False)
        except (OSError, ValueError, KeyError):
            return False
        # the three files must be of one build (another process may have swapped the folder while we read)
        count = len(payload["ids"])
        if (
            manifest.get("format") != FORMAT
            or payload.get("signature", manifest["signature"]) != manifest["signature"]
            or manifest.get("passages", count) != count
            or int(getattr(retriever, "scores", {}).get("num_docs", count)) != count
        ):
            return False
        self.signature = manifest["signature"]
        self.ids, self.texts, self.metas = payload["ids"], payload["texts"], payload["metas"]
        self._cols = None
        self.retriever = retriever if self.ids else None
        return True

    def build(self, store: ArchiveStore, signature: str) -> None:
        """Rebuild from the store and save atomically (write to a temp dir, then swap)."""
        import bm25s

        rows = list(store.registered_passages())  # an orphan passage is never searchable
        self.ids = [r[0] for r in rows]
        self.texts = [r[1] for r in rows]
        self.metas = [r[2] for r in rows]
        self._cols = None
        self.signature = signature
        self.retriever = None
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".bm25-", dir=self.directory.parent))
        if rows:
            corpus = [
                lexical_text(m.get("title", ""), m.get("outlet", ""), t, m.get("published_at", ""))
                for t, m in zip(self.texts, self.metas, strict=True)
            ]
            tokens = bm25s.tokenize(corpus, stopwords="en", stemmer=self.stemmer, show_progress=False)
            self.retriever = bm25s.BM25()
            self.retriever.index(tokens, show_progress=False)
            self.retriever.save(str(tmp / "bm25"))
        payload = {"signature": signature, "ids": self.ids, "texts": self.texts, "metas": self.metas}
        (tmp / "passages.json").write_text(json.dumps(payload))
        (tmp / "manifest.json").write_text(
            json.dumps({"signature": signature, "passages": len(rows), "format": FORMAT})
        )
        old = tmp.with_name(tmp.name + ".old")  # unique: concurrent builders never share a folder
        try:
            if self.directory.exists():
                os.replace(self.directory, old)
            os.replace(tmp, self.directory)
        except OSError:  # another process swapped its own build in meanwhile: keep ours in memory only
            pass
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)
            _remove_stale_builds(self.directory.parent)

    def _columns(self) -> FilterColumns:
        """The filter's metadata columns of every passage (built once per index)."""
        if self._cols is None:
            self._cols = FilterColumns.of(self.metas)
        return self._cols

    def scores(self, query: str) -> np.ndarray | None:
        """BM25 scores of every passage for a query (None when the index or the query is empty)."""
        if self.retriever is None or not self.ids:
            return None
        import bm25s

        tokens = bm25s.tokenize([query], stopwords="en", stemmer=self.stemmer, show_progress=False, return_ids=False)
        if not tokens or not tokens[0]:
            return None
        return np.asarray(self.retriever.get_scores(tokens[0]), dtype=np.float32)

    def search(self, query: str, n: int, flt: ArchiveFilter, scores: np.ndarray | None = None) -> list[Passage]:
        """The `n` best passages by BM25 score within the filter (`scores` from `scores(query)` may be reused)."""
        scores = self.scores(query) if scores is None else scores
        if scores is None:
            return []
        filtered = np.where(flt.mask(self._columns()), scores, -1.0)
        top = (
            np.argpartition(-filtered, min(n, len(filtered) - 1))[:n] if len(filtered) > n else np.arange(len(filtered))
        )
        top = top[np.argsort(-filtered[top], kind="stable")]
        return [
            passage_from(self.ids[i], self.texts[i], self.metas[i], float(filtered[i])) for i in top if filtered[i] > 0
        ]
