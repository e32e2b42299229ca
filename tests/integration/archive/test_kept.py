"""What the archive keeps between searches, so a question does not compute again what the last one did: each term's
BM25, the decoded passages, the filter masks and the outlets. Kept results must always equal fresh ones, through
additions, removals, a full cache and a lifting embargo (real files, real Chroma)."""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from support import write_md

import rag.archive.bm25 as bm25
from rag.archive.bm25 import Scorer
from rag.archive.filters import ArchiveFilter, FilterColumns
from rag.archive.kept import KeptRows
from rag.archive.knowledge import Archive
from rag.archive.lexical import tokenize
from rag.ingest.pipeline import ingest_paths
from rag.retrieval.hybrid import HybridRetriever

WORDS = "harbour bridge council budget mayor ferry strike rates bank school flood storm court trial".split()


def _fresh_scores(scorer: Scorer, words: list[str]) -> np.ndarray | None:
    """The same query with nothing kept: what the scorer computes from its postings alone."""
    scorer.forget_kept()
    return scorer.scores(words)


def _reference_bm25(passages: list[list[str]], live: list[bool], terms: list[tuple[str, ...]]) -> np.ndarray:
    """Lucene's BM25 written out for a few passages (k1 1.5, b 0.75), each term a word or a two-word phrase."""
    grams = {1: [p for p in passages], 2: [list(zip(p, p[1:], strict=False)) for p in passages]}
    out = np.zeros(len(passages))
    for term in terms:
        units = grams[len(term)]
        key = term[0] if len(term) == 1 else term
        alive = [u for u, ok in zip(units, live, strict=True) if ok]
        average = sum(len(u) for u in alive) / len(alive)
        df = sum(key in u for u in alive)
        if not df:
            continue
        idf = np.log(1 + (len(alive) - df + 0.5) / (df + 0.5))
        weight = 1.0 if len(term) == 1 else bm25.PHRASE_WEIGHT
        for n, u in enumerate(units):
            f = u.count(key)
            if live[n] and f:
                out[n] += weight * idf * f * 2.5 / (f + 1.5 * (0.25 + 0.75 * len(u) / average))
    return out


def test_kept_scores_equal_bm25_written_out_for_words_and_phrases() -> None:
    rng = random.Random(3)
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(3, 12))) for _ in range(12)]
    scorer = Scorer()
    scorer.add(list(range(12)), tokenize(texts), FilterColumns.of([{}] * 12))
    scorer.remove([4])
    passages = [t.split() for t in tokenize(texts)]
    live = [n != 4 for n in range(12)]
    for question in ("harbour bridge", "council budget strike", "flood storm court trial bank"):
        words = tokenize([question])[0].split()
        expected = _reference_bm25(passages, live, [(w,) for w in words] + list(zip(words, words[1:], strict=False)))
        for _ in range(2):  # computed, then from what was kept
            got = scorer.scores(words)
            assert got is not None and np.allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_kept_term_scores_equal_fresh_ones_through_additions_and_removals() -> None:
    rng = random.Random(11)
    scorer = Scorer()
    rowid = 0
    for step in range(30):
        texts = [" ".join(rng.choices(WORDS, k=rng.randint(3, 15))) for _ in range(rng.randint(1, 4))]
        scorer.add(list(range(rowid, rowid + len(texts))), tokenize(texts), FilterColumns.of([{}] * len(texts)))
        rowid += len(texts)
        if step % 3 == 2:
            scorer.remove([rng.randrange(rowid)])
        for _ in range(3):
            words = tokenize([" ".join(rng.choices(WORDS, k=rng.randint(1, 4)))])[0].split()
            kept = scorer.scores(words)
            again = scorer.scores(words)  # now from what the first call kept
            fresh = _fresh_scores(scorer, words)
            for got in (kept, again):
                assert (got is None) == (fresh is None)
                if got is not None and fresh is not None:
                    assert np.array_equal(got, fresh)


def test_a_full_store_of_term_scores_starts_again_and_still_scores_right(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bm25, "KEPT_ENTRIES", 3)
    scorer = Scorer()
    texts = ["harbour bridge ferry", "harbour council budget", "harbour bridge strike", "bank rates"]
    scorer.add(list(range(4)), tokenize(texts), FilterColumns.of([{}] * 4))
    words = tokenize(["harbour bridge"])[0].split()
    first = scorer.scores(words)
    assert scorer._kept_entries <= 3  # "harbour" holds three passages (4 with its entry): never kept at all
    assert "harbour" not in scorer._kept and len(scorer._kept) == 1  # "bridge", then the phrase in its place
    assert first is not None and np.array_equal(first, _fresh_scores(scorer, words))
    assert first[3] == 0.0 and first[0] > first[1] > 0.0


def _article(folder: Path, name: str, title: str, body: str, **meta: str) -> None:
    write_md(folder / f"{name}.md", title, body, outlet=meta.pop("outlet", "Port Gazette"), **meta)


def test_a_full_store_of_passages_still_returns_every_passage(hash_archive: Archive, tmp_path: Path) -> None:
    for n in range(6):
        _article(
            tmp_path / "a", f"s{n}", f"Ferry story {n}", f"The harbour ferry ran late on day {n}, the council said."
        )
    assert ingest_paths(hash_archive, [tmp_path / "a"]).ok
    index = hash_archive.lexical()
    flt = ArchiveFilter(now=datetime.now(UTC))
    whole = index.search("harbour ferry", 6, flt)
    index._passages = KeptRows(4)  # fewer than one search's passages
    first = index.search("harbour ferry", 3, flt)
    second = index.search("harbour ferry", 6, flt)  # the store is full: it starts again, and reads these afresh
    assert [p.chunk_id for p in first] == [p.chunk_id for p in whole[:3]]
    assert [p.chunk_id for p in second] == [p.chunk_id for p in whole] and len(whole) == 6


def test_a_returned_passage_is_a_copy_and_changing_it_changes_no_later_search(
    hash_archive: Archive, tmp_path: Path
) -> None:
    _article(tmp_path / "a", "s", "Bridge reopens", "The harbour bridge reopened on Monday, the mayor said.")
    assert ingest_paths(hash_archive, [tmp_path / "a"]).ok
    index = hash_archive.lexical()
    got = index.search("harbour bridge", 1, ArchiveFilter())[0]
    got.score, got.text = -1.0, "changed"
    got.sentences.append((0, 1))
    again = index.search("harbour bridge", 1, ArchiveFilter())[0]
    assert again.text.startswith("The harbour bridge") and again.score > 0 and (0, 1) not in again.sentences


def test_a_kept_mask_is_not_used_for_the_columns_of_a_later_article(hash_archive: Archive, tmp_path: Path) -> None:
    _article(tmp_path / "a", "s", "Bridge reopens", "The harbour bridge reopened on Monday.")
    assert ingest_paths(hash_archive, [tmp_path / "a"]).ok
    flt = ArchiveFilter(outlets=("Valley Courier",), now=datetime.now(UTC))
    assert hash_archive.lexical().search("harbour bridge", 5, flt) == []  # its mask is kept now
    _article(
        tmp_path / "b", "v", "Bridge fares", "Harbour bridge fares rise, the council said.", outlet="Valley Courier"
    )
    assert ingest_paths(hash_archive, [tmp_path / "b"]).ok
    hash_archive.rebuild_lexical()
    assert [p.title for p in hash_archive.lexical().search("harbour bridge", 5, flt)] == ["Bridge fares"]


def test_an_outlet_is_named_once_its_embargo_lifts_though_the_list_is_kept(
    hash_archive: Archive, tmp_path: Path
) -> None:
    lifts = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=3)
    _article(tmp_path / "a", "p", "Bridge reopens", "The harbour bridge reopened on Monday.")
    _article(
        tmp_path / "a",
        "e",
        "Merger talks",
        "The merger talks collapsed.",
        outlet="Night Desk Wire",
        embargo_until=lifts.isoformat().replace("+00:00", "Z"),
    )
    assert ingest_paths(hash_archive, [tmp_path / "a"]).ok
    assert hash_archive.outlets() == ["Port Gazette"]
    assert hash_archive.outlets() == ["Port Gazette"]  # kept
    while datetime.now(UTC) <= lifts:
        time.sleep(0.2)
    assert hash_archive.outlets() == ["Night Desk Wire", "Port Gazette"]


def test_kept_rows_read_only_what_they_lack_and_start_again_when_full() -> None:
    reads: list[list[int]] = []

    def read(ids: list[int]) -> dict[int, str]:
        reads.append(ids)
        return {i: f"row {i}" for i in ids if i != 99}  # row 99 was deleted

    kept: KeptRows[int, str] = KeptRows(limit=5)
    assert kept.get([1, 2, 99], read) == {1: "row 1", 2: "row 2"}
    assert kept.get([2, 3], read) == {2: "row 2", 3: "row 3"} and reads[-1] == [3]
    assert kept.get([4, 5, 6], read) == {4: "row 4", 5: "row 5", 6: "row 6"}  # 3 kept + 3 > 5: starts again
    assert reads[-1] == [4, 5, 6] and len(kept) == 3


def test_a_replaced_article_never_shows_its_old_passages_though_they_were_kept(
    hash_archive: Archive, tmp_path: Path
) -> None:
    _article(tmp_path / "a", "s", "Bridge reopens", "The harbour bridge reopened on Monday, the mayor said.")
    assert ingest_paths(hash_archive, [tmp_path / "a"]).ok
    retriever = HybridRetriever(hash_archive)
    old = {p.chunk_id for p in retriever.search("harbour bridge reopened", 5)}
    assert old and len(hash_archive.lexical()._passages)  # the keyword search kept the passages it read
    _article(tmp_path / "a", "s", "Bridge reopens", "Correction: the harbour bridge stays shut until June.")
    assert ingest_paths(hash_archive, [tmp_path / "a"]).count("replaced") == 1
    hash_archive.rebuild_lexical()
    now = retriever.search("harbour bridge reopened", 5)
    assert now and not old & {p.chunk_id for p in now}
    assert all("stays shut" in p.text for p in now)


def test_a_row_removed_from_the_file_after_the_scores_were_taken_is_not_shown(
    hash_archive: Archive, tmp_path: Path
) -> None:
    _article(tmp_path / "a", "s", "Bridge reopens", "The harbour bridge reopened on Monday.")
    _article(tmp_path / "a", "t", "Bridge fares", "Harbour bridge fares rise, the council said.")
    assert ingest_paths(hash_archive, [tmp_path / "a"]).ok
    index = hash_archive.lexical()
    flt = ArchiveFilter(now=datetime.now(UTC))
    scores = index.scores("harbour bridge")
    both = index.search("harbour bridge", 5, flt, scores)  # both passages are kept now
    assert len(both) == 2
    index._db().execute("DELETE FROM docs WHERE chunk_id = ?", (both[0].chunk_id,))
    assert [p.chunk_id for p in index.search("harbour bridge", 5, flt, scores)] == [both[1].chunk_id]


def test_a_row_id_that_names_another_passage_now_is_read_afresh(hash_archive: Archive, tmp_path: Path) -> None:
    """A row id used again (the file written afresh by a newer format, say) names another passage: the kept one
    is not returned for it."""
    _article(tmp_path / "a", "s", "Bridge reopens", "The harbour bridge reopened on Monday.")
    assert ingest_paths(hash_archive, [tmp_path / "a"]).ok
    index = hash_archive.lexical()
    first = index.search("harbour bridge", 1, ArchiveFilter())[0]
    db = index._db()
    (rowid,) = db.execute("SELECT id FROM docs WHERE chunk_id = ?", (first.chunk_id,)).fetchone()
    db.execute("UPDATE docs SET chunk_id = 'another', text = 'The harbour bridge stays shut.' WHERE id = ?", (rowid,))
    again = index.search("harbour bridge", 1, ArchiveFilter())[0]
    assert (again.chunk_id, again.text) == ("another", "The harbour bridge stays shut.")


def test_the_outlets_are_listed_again_when_the_article_list_changes(hash_archive: Archive, tmp_path: Path) -> None:
    _article(tmp_path / "a", "p", "Bridge reopens", "The harbour bridge reopened on Monday.")
    _article(tmp_path / "a", "v", "Budget passed", "The council passed its budget.", outlet="Valley Courier")
    assert ingest_paths(hash_archive, [tmp_path / "a"]).ok
    assert hash_archive.outlets() == ["Port Gazette", "Valley Courier"]
    _article(
        tmp_path / "a",
        "v",
        "Budget passed",
        "The council passed its budget.",
        outlet="Valley Courier",
        status="retracted",
    )
    assert ingest_paths(hash_archive, [tmp_path / "a"]).count("replaced") == 1
    assert hash_archive.outlets() == ["Port Gazette"]


def test_the_dense_search_reads_a_copy_only_of_the_registered_version(hash_archive: Archive, tmp_path: Path) -> None:
    """The keyword index's copy of a passage serves the dense search only while it is of the version the
    archive holds as registered; a copy not in step (a re-cut keeps passage ids) is read from the store."""
    _article(tmp_path / "a", "s", "Bridge reopens", "The harbour bridge reopened on Monday.")
    assert ingest_paths(hash_archive, [tmp_path / "a"]).ok
    retriever = HybridRetriever(hash_archive)
    (passage,) = retriever.search("harbour bridge reopened", 1)
    assert set(hash_archive.copied_rows([passage.chunk_id])) == {passage.chunk_id}
    index = hash_archive.lexical()
    (meta,) = index._db().execute("SELECT meta FROM docs WHERE chunk_id = ?", (passage.chunk_id,)).fetchone()
    stale = {**json.loads(meta), "content_hash": "an older cut"}
    index._db().execute(
        "UPDATE docs SET text = 'An older cut of the story.', meta = ? WHERE chunk_id = ?",
        (json.dumps(stale), passage.chunk_id),
    )
    assert hash_archive.copied_rows([passage.chunk_id]) == {}
    vector = hash_archive.embeddings.embed_query("harbour bridge reopened")
    (dense,) = hash_archive.store.dense(vector, 1, ArchiveFilter(), hash_archive.copied_rows)
    assert dense.chunk_id == passage.chunk_id and dense.text == passage.text  # the store's own row
