"""The keyword index: the stored passages' tokens in an SQLite file beside the store, kept in step with the
store's article registry one article at a time, and scored by BM25 in memory (`rag.archive.bm25`).

Adding or replacing an article writes only that article's rows, so the cost of a change does not grow with the
archive; a process that opens the archive (or re-checks it) applies just the articles that changed since, on
disk and in memory, so processes sharing one Chroma server each catch up with the others' writes. Text is
tokenised by bm25s' rules (English stopwords out, Snowball stems).
"""

from __future__ import annotations

import copy
import json
import sqlite3
import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.archive.article_record import ArticleRecord
from rag.archive.bm25 import PHRASE_WEIGHT, Scorer
from rag.archive.filters import ArchiveFilter, FilterColumns, outlet_key
from rag.archive.kept import KeptMasks, KeptRows
from rag.archive.store import ArchiveStore, passage_from
from rag.dates import date_forms
from rag.models import Passage

FORMAT = "4: sqlite, bm25s tokens of headline, outlet, date forms, text"  # an index of another format is rebuilt
SYNC_ARTICLES = 200  # articles whose passages are fetched from the store in one read
KEPT_PASSAGES = 4096  # passages kept decoded between searches (a row never changes: a new version is a new row)
KEPT_MASKS = 64  # filter masks kept (one search asks for the same few filters again and again)


def _stemmer() -> Any:
    try:
        import Stemmer

        return Stemmer.Stemmer("english")
    except ImportError:  # PyStemmer is optional; BM25 works on surface forms without it
        return None


_STEMMER = _stemmer()


def tokenize(texts: Sequence[str]) -> list[str]:
    """Each text as the space-separated tokens BM25 counts: bm25s' rules, English stopwords out, Snowball stems."""
    import bm25s

    tokenized = bm25s.tokenize(list(texts), stopwords="en", stemmer=_STEMMER, show_progress=False, return_ids=False)
    return [" ".join(words) for words in tokenized]


def lexical_text(title: str, outlet: str, text: str, published_at: str = "") -> str:
    """What BM25 indexes for a passage: its article's headline, outlet and publication date in several written
    forms, then its text (the plain text is what is returned and cited)."""
    return f"{title}\n{outlet}\n{date_forms(published_at)}\n{text}"


@dataclass
class Scores:
    """BM25 of every passage position for one query, with the row ids and filter columns of those positions."""

    rows: np.ndarray
    scores: np.ndarray
    columns: FilterColumns


_SCHEMA = """
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (article_id TEXT PRIMARY KEY, version TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, chunk_id TEXT UNIQUE NOT NULL, article_id TEXT NOT NULL, text TEXT NOT NULL,
    meta TEXT NOT NULL, embargo_ts INTEGER NOT NULL, published_ts INTEGER NOT NULL, outlet_key TEXT NOT NULL,
    status TEXT NOT NULL, tokens TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS docs_article ON docs(article_id);
"""


class LexicalIndex:
    """A BM25 index of every registered passage, with the metadata needed to filter and cite."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stemmer = _STEMMER
        self.phrase_weight = PHRASE_WEIGHT  # a query's two-word phrases against its words (0: words alone)
        self._local = threading.local()
        self._memory_lock = threading.Lock()
        self._scorer = Scorer()
        self._held: dict[str, tuple[str, list[int]]] = {}  # article id -> (version, row ids) scored in memory
        self._memory_version: tuple[str, str | None] = ("", None)  # (signature, generation) held in memory
        # (row id, passage id) -> the passage, decoded (no score); and the filter masks of the current columns
        self._passages: KeptRows[tuple[int, str], Passage] = KeptRows(KEPT_PASSAGES)
        self._masks = KeptMasks(KEPT_MASKS)

    def _db(self) -> sqlite3.Connection:
        """This thread's connection (SQLite connections are not shared between threads). A file that is not a
        database, or a damaged one, is derived data: it is removed and the index starts afresh. A busy one is
        waited for, never removed."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            try:
                db = self._open()
            except sqlite3.DatabaseError as exc:
                if getattr(exc, "sqlite_errorname", "") not in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
                    raise
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                db = self._open()
        return db

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
            if self._state("format") != FORMAT:  # new, or made by another version: start afresh
                db.execute("BEGIN IMMEDIATE")
                if self._state("format") != FORMAT:  # unless another process did meanwhile
                    for table in ("docs", "articles", "state"):
                        db.execute(f"DROP TABLE IF EXISTS {table}")
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute("INSERT INTO state VALUES ('format', ?), ('generation', ?)", (FORMAT, _generation()))
                db.execute("COMMIT")
        except sqlite3.DatabaseError:
            if db.in_transaction:
                db.execute("ROLLBACK")
            self._local.db = None
            db.close()
            raise
        return db

    def reset(self) -> None:
        """Empty the index (it is derived from the store; the next sync writes it again) under a new generation,
        so every process holding it in memory loads it afresh."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM docs")
            db.execute("DELETE FROM articles")
            db.execute("DELETE FROM state WHERE key = 'signature'")
            db.execute("UPDATE state SET value = ? WHERE key = 'generation'", (_generation(),))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _has(self, table: str) -> bool:
        got = self._local.db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        return got is not None

    def _state(self, key: str) -> str | None:
        if not self._has("state"):
            return None
        row = self._local.db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @property
    def signature(self) -> str:
        """The store signature this index was last brought in step with ("" when never)."""
        self._db()
        return self._state("signature") or ""

    def count(self) -> int:
        """Passages in the index."""
        return int(self._db().execute("SELECT COUNT(*) FROM docs").fetchone()[0])

    def chunk_ids(self) -> set[str]:
        """Every passage id in the index."""
        return {str(r[0]) for r in self._db().execute("SELECT chunk_id FROM docs")}

    def tokens(self, texts: Sequence[str]) -> list[str]:
        """Each text as the space-separated tokens BM25 counts (stopwords out, words stemmed)."""
        return tokenize(texts)

    def idf(self, terms: Iterable[str]) -> dict[str, float]:
        """How rare each term (a token) is among the live passages, as BM25 weighs it (a term no passage holds
        weighs most); from the passages in memory, as the last search or re-check left them."""
        return self._scorer.idf(terms)

    def sync(self, store: ArchiveStore, records: Mapping[str, ArticleRecord], signature: str) -> int:
        """Bring the index in step with the store's registry (`records`, by article id): remove the articles
        that went or changed, add the ones that came or changed. Returns how many articles were written.

        Passages are read from the store and tokenised outside any lock; each batch of articles is then written
        in one short transaction that first re-checks what the file holds, so a reader never sees half an
        article and two processes syncing at once never write one article twice. An article whose passages are
        not all in the store yet (a write in progress, or an interrupted one) is left out until they are.
        """
        versions = {aid: r.content_hash for aid, r in records.items()}
        db = self._db()
        held = dict(db.execute("SELECT article_id, version FROM articles").fetchall())
        gone = [aid for aid in held if aid not in versions]  # a changed article is replaced with the ones that came
        came = [aid for aid, version in versions.items() if held.get(aid) != version]
        written, partial = 0, False
        if gone:
            self._write(db, gone, [], versions)
        for first in range(0, len(came), SYNC_ARTICLES):
            batch = came[first : first + SYNC_ARTICLES]
            rows = [
                (cid, text, meta)
                for cid, text, meta in store.passages_of(batch)
                if versions.get(str(meta.get("article_id"))) == str(meta.get("content_hash"))  # never an orphan
            ]
            counts = Counter(str(meta.get("article_id")) for _, _, meta in rows)
            whole = {aid for aid in batch if counts[aid] == records[aid].passages}
            partial = partial or len(whole) < len(batch)
            rows = [row for row in rows if str(row[2].get("article_id")) in whole]
            tokens = self.tokens(
                [
                    lexical_text(m.get("title", ""), m.get("outlet", ""), t, m.get("published_at", ""))
                    for _, t, m in rows
                ]
            )
            written += self._write(
                db, [aid for aid in batch if aid in whole], list(zip(rows, tokens, strict=True)), versions
            )
        if not partial:  # with an article left out, the next re-check tries again
            db.execute("INSERT OR REPLACE INTO state VALUES ('signature', ?)", (signature,))
        self.catch_up()
        return written

    def _write(
        self,
        db: sqlite3.Connection,
        article_ids: Sequence[str],
        rows: Sequence[tuple[tuple[str, str, dict[str, Any]], str]],
        versions: Mapping[str, str],
    ) -> int:
        """In one transaction: replace these articles' rows by `rows` (none: remove them), skipping any article
        another process has already brought to its registered version."""
        if not article_ids:
            return 0
        db.execute("BEGIN IMMEDIATE")
        try:
            marks = ",".join("?" * len(article_ids))
            done = dict(
                db.execute(f"SELECT article_id, version FROM articles WHERE article_id IN ({marks})", list(article_ids))
            )
            todo = [aid for aid in article_ids if aid not in versions or done.get(aid) != versions[aid]]
            if todo:
                marks = ",".join("?" * len(todo))
                db.execute(f"DELETE FROM docs WHERE article_id IN ({marks})", todo)
                db.execute(f"DELETE FROM articles WHERE article_id IN ({marks})", todo)
                wanted = set(todo)
                db.executemany(
                    "INSERT INTO docs (chunk_id, article_id, text, meta, embargo_ts, published_ts, outlet_key, status,"
                    " tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (cid, str(meta.get("article_id")), text, json.dumps(meta), *_filter_values(meta), words)
                        for (cid, text, meta), words in rows
                        if str(meta.get("article_id")) in wanted
                    ],
                )
                db.executemany(
                    "INSERT INTO articles VALUES (?, ?)", [(aid, versions[aid]) for aid in todo if aid in versions]
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return sum(1 for aid in todo if aid in versions)

    def catch_up(self) -> None:
        """Bring the in-memory scorer in step with the file, from one consistent snapshot of it: drop the
        articles that went or changed, load the ones that came or changed (all of them on first use, after the
        file was emptied by a repair, or once dropped passages outnumber live ones)."""
        db = self._db()
        with self._memory_lock:
            db.execute("BEGIN")  # a read transaction: one snapshot, whatever other processes commit meanwhile
            try:
                signature, generation = self._state("signature") or "", self._state("generation")
                if (signature, generation) == self._memory_version:
                    return
                if generation != self._memory_version[1] or self._scorer.dead() > max(1000, len(self._scorer)):
                    self._scorer, self._held = Scorer(), {}
                    self._passages.clear()
                on_disk = dict(db.execute("SELECT article_id, version FROM articles").fetchall())
                gone = [aid for aid, (version, _) in self._held.items() if on_disk.get(aid) != version]
                came = [aid for aid, v in on_disk.items() if aid not in self._held or self._held[aid][0] != v]
                self._scorer.remove([r for aid in gone for r in self._held.pop(aid)[1]])
                for first in range(0, len(came), 500):
                    self._load(db, came[first : first + 500])
                self._memory_version = (signature, generation)
            finally:
                db.execute("COMMIT")

    def _load(self, db: sqlite3.Connection, article_ids: Sequence[str]) -> None:
        marks = ",".join("?" * len(article_ids))
        rows = db.execute(
            "SELECT d.id, d.article_id, d.tokens, d.embargo_ts, d.published_ts, d.outlet_key, d.status, a.version "
            f"FROM docs d JOIN articles a USING(article_id) WHERE d.article_id IN ({marks})",
            list(article_ids),
        ).fetchall()
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        self._scorer.add(
            columns[0],
            columns[2],
            FilterColumns(
                embargo=np.array(columns[3], dtype=np.int64),
                published=np.array(columns[4], dtype=np.int64),
                outlets=np.array(columns[5], dtype=str),
                status=np.array(columns[6], dtype=str),
            ),
        )
        for rowid, aid, version in zip(columns[0], columns[1], columns[7], strict=True):
            self._held.setdefault(aid, (version, []))[1].append(int(rowid))

    def scores(self, query: str) -> Scores | None:
        """BM25 scores of every passage for a query (None when the index or the query is empty)."""
        self.catch_up()
        words = self.tokens([query])[0].split()
        scorer = self._scorer
        with scorer.lock:
            rows, columns = scorer.rowids, scorer.columns
        totals = scorer.scores(words, self.phrase_weight) if words else None
        if totals is None:
            return None
        return Scores(rows=rows, scores=totals[: len(rows)], columns=columns)

    def search(self, query: str, n: int, flt: ArchiveFilter, scores: Scores | None = None) -> list[Passage]:
        """The `n` best passages by BM25 score within the filter (`scores` from `scores(query)` may be reused)."""
        scores = self.scores(query) if scores is None else scores
        if scores is None:
            return []
        allowed = np.flatnonzero(self._masks.mask(flt, scores.columns) & (scores.scores > 0))
        if allowed.size > n:
            allowed = allowed[np.argpartition(-scores.scores[allowed], n - 1)[:n]]
        ranked = allowed[np.argsort(-scores.scores[allowed], kind="stable")]
        rowids = [int(scores.rows[i]) for i in ranked]
        found = self._passages_of(rowids)
        return [
            _scored(found[r], float(scores.scores[i]))
            for r, i in zip(rowids, ranked, strict=True)
            if r in found  # a row removed since these scores were taken is not shown
        ]

    def rows(self, chunk_ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """(text, metadata) of those of these passages the index holds, by passage id, as the store held them when
        the index last caught up (a `RowSource` for the dense search, `ArchiveStore.dense`)."""
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        got = self._db().execute(f"SELECT chunk_id, text, meta FROM docs WHERE chunk_id IN ({marks})", list(chunk_ids))
        return {str(c): (str(t), json.loads(m)) for c, t, m in got}

    def forget_kept(self) -> None:
        """Drop what searches kept (each term's BM25, decoded passages, masks): for measuring a search from cold."""
        self._scorer.forget_kept()
        self._passages.clear()
        self._masks.clear()

    def _passages_of(self, rowids: Sequence[int]) -> dict[int, Passage]:
        """The passages of those rows that the file still holds (a row removed since is left out), decoded once
        and then kept, by row id and passage id: a row is never rewritten (an article's new version gets new
        rows), and a row id used again after the file was written afresh names another passage."""
        if not rowids:
            return {}
        db = self._db()
        marks = ",".join("?" * len(rowids))
        got = db.execute(f"SELECT id, chunk_id FROM docs WHERE id IN ({marks})", list(rowids))
        present = [(int(r), str(c)) for r, c in got]

        def read(keys: list[tuple[int, str]]) -> dict[tuple[int, str], Passage]:
            found = _fetch(db, [r for r, _ in keys])
            return {(r, c): passage_from(*found[r]) for r, c in keys if r in found and found[r][0] == c}

        return {r: passage for (r, _), passage in self._passages.get(present, read).items()}


def _generation() -> str:
    return uuid.uuid4().hex


def _scored(passage: Passage, score: float) -> Passage:
    """A copy of a kept passage with its score (callers set scores and may change a copy, never the kept one)."""
    copied = copy.copy(passage)
    copied.sentences = list(passage.sentences)
    copied.score = score
    return copied


def _filter_values(meta: dict[str, Any]) -> tuple[int, int, str, str]:
    """The filter columns of a passage, failing closed as `FilterColumns.of` does."""
    columns = FilterColumns.of([meta])
    return int(columns.embargo[0]), int(columns.published[0]), str(columns.outlets[0]), str(columns.status[0])


def _fetch(db: sqlite3.Connection, rowids: Iterable[int]) -> dict[int, tuple[str, str, dict[str, Any]]]:
    ids = list(rowids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    got = db.execute(f"SELECT id, chunk_id, text, meta FROM docs WHERE id IN ({marks})", ids).fetchall()
    return {int(r): (str(c), str(t), json.loads(m)) for r, c, t, m in got}


__all__ = ["FORMAT", "LexicalIndex", "Scores", "lexical_text", "outlet_key", "tokenize"]
