"""Hybrid search: reciprocal-rank fusion, outlets named in the question, and the outlet boost in `search`.

Fusion and outlet matching are pure functions; the boost runs against a real archive (Chroma and BM25) with the
deterministic bag-of-words embeddings, so that a search takes milliseconds and gives the same rankings every time.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from support import make_passage, write_md

import rag.archive.store as store_module
import rag.retrieval.hybrid as hybrid_module
from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.ingest.pipeline import ingest_paths
from rag.models import Passage
from rag.retrieval.hybrid import DENSE_WEIGHT, RRF_K, HybridRetriever, cap_per_article, fuse
from rag.retrieval.wording import MAX_OUTLET_BOOSTS, keywords, mentioned_outlets

BOTH_BACKENDS = True  # each test that uses `settings` runs on the embedded store and on a `chroma run` server


def p(chunk_id: str, dense: float | None = None) -> Passage:
    passage = make_passage(chunk_id, [f"Passage {chunk_id} says something."])
    passage.dense_similarity = dense
    return passage


def ids(passages: list[Passage]) -> list[str]:
    return [x.chunk_id for x in passages]


# --- fuse: reciprocal-rank fusion ---------------------------------------------------------------------------------


def test_fuse_sums_reciprocal_ranks_over_the_rankings() -> None:
    fused = fuse([[p("a"), p("b"), p("c")], [p("b"), p("d")]], k=10)
    assert ids(fused) == ["b", "a", "d", "c"]
    expected = {"a": 1 / 61, "b": 1 / 62 + 1 / 61, "c": 1 / 63, "d": 1 / 62}
    assert {x.chunk_id: x.score for x in fused} == pytest.approx(expected, rel=1e-12)
    assert RRF_K == 60


def test_rrf_k_weighs_agreement_against_a_single_first_place() -> None:
    """x is first in one ranking; y is fourth in two: a small rrf_k favours x, the default 60 favours y."""
    rankings = [[p("x"), p("p"), p("q"), p("y")], [p("z1"), p("z2"), p("z3"), p("y")]]
    assert ids(fuse(rankings, k=2, rrf_k=0)) == ["x", "z1"]
    assert fuse(rankings, k=1, rrf_k=0)[0].score == pytest.approx(1.0)
    default = fuse(rankings, k=2)
    assert ids(default) == ["y", "x"]
    assert default[0].score == pytest.approx(2 / (RRF_K + 4))


def test_fuse_returns_at_most_k_passages() -> None:
    rankings = [[p(str(n)) for n in range(10)], [p(str(n)) for n in range(5, 15)]]
    assert ids(fuse(rankings, k=3)) == ["5", "6", "7"]
    assert len(fuse(rankings, k=100)) == 15
    assert fuse([], k=5) == [] and fuse([[], []], k=5) == []


def test_ties_keep_the_order_of_first_appearance() -> None:
    assert ids(fuse([[p("a")], [p("b")]], k=5)) == ["a", "b"]
    assert ids(fuse([[p("b")], [p("a")]], k=5)) == ["b", "a"]
    # equal sums from different ranks: a is seen first
    assert ids(fuse([[p("a"), p("b")], [p("b"), p("a")]], k=5)) == ["a", "b"]
    assert ids(fuse([[p("b"), p("a")], [p("a"), p("b")]], k=5)) == ["b", "a"]


def test_the_copy_with_a_dense_similarity_is_kept() -> None:
    lexical, dense, later = p("x"), p("x", dense=0.8), p("x", dense=0.3)
    (fused,) = fuse([[lexical], [dense], [later]], k=5)
    assert fused is dense and fused.dense_similarity == 0.8
    assert fused.score == pytest.approx(3 / (RRF_K + 1))
    (first,) = fuse([[p("x", dense=0.5)], [p("x")]], k=5)
    assert first.dense_similarity == 0.5


# --- mentioned_outlets ----------------------------------------------------------------------------------------------

OUTLETS = ["The Guardian", "Reuters", "TechCrunch", "BBC", "FT", "The Verge", "Valley Courier"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("What did Reuters report?", ["Reuters"]),
        ("according to TechCrunch, and the BBC", ["TechCrunch", "BBC"]),
        ("Reuters' take on the strike", ["Reuters"]),
        ("(Reuters) - the port reopened", ["Reuters"]),
        # whole words and phrases only
        ("Reutersville council", []),
        ("the pre-Reuters era", []),
        ("TechCrunches", []),
        ("Valley news from the Courier", []),
        # as written: the query's own capitalisation
        ("what did reuters report?", []),
        ("according to Techcrunch", []),
        ("the valley courier says", []),
        # a leading "The" is optional, in the outlet and in the query
        ("What did the Guardian say?", ["The Guardian"]),
        ("Guardian readers", ["The Guardian"]),
        ("The Guardian and The Verge", ["The Guardian", "The Verge"]),
        # names shorter than three letters never match
        ("The FT reported", []),
        ("FT", []),
    ],
)
def test_mentioned_outlets(query: str, found: list[str]) -> None:
    assert mentioned_outlets(query, OUTLETS) == found


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("What did the NYT report on the strike?", ["The New York Times"]),
        ("the WSJ and the New York Times", ["The New York Times", "The Wall Street Journal"]),
        ("nyt readers", []),  # initials are written in capitals
        ("NYTimes", []),
        ("the SMH said", []),  # not an outlet of this archive
        ("a BW report", []),  # "Business World" has two words: too few for initials
    ],
)
def test_outlets_named_by_their_initials(query: str, found: list[str]) -> None:
    outlets = ["The New York Times", "The Wall Street Journal", "Business World", "TechCrunch"]
    assert mentioned_outlets(query, outlets) == found


def test_a_source_named_by_its_initials_is_an_outlet_of_the_archive_not_an_unknown_one() -> None:
    from rag.retrieval.question import understand

    question = understand("What did a NYT article say about the port strike?", ["The New York Times", "Reuters"])
    assert question.unknown_sources == () and question.outlets == ("The New York Times",)
    assert understand("What did a WSJ article say?", ["The New York Times"]).unknown_sources == ("WSJ",)


def test_mentioned_outlets_come_in_archive_order_once_and_at_most_max() -> None:
    outlets = ["Alpha News", "Beta Times", "Gamma Post", "Delta Daily", "Epsilon Echo", "Zeta Star"]
    query = "Zeta Star, Epsilon Echo, Delta Daily, Gamma Post, Beta Times and Alpha News all covered it"
    assert MAX_OUTLET_BOOSTS == 4
    assert mentioned_outlets(query, outlets) == outlets[:MAX_OUTLET_BOOSTS]
    assert mentioned_outlets("Beta Times", ["Beta Times", "Beta Times", "the Beta Times"]) == [
        "Beta Times",
        "the Beta Times",
    ]


def test_mentioned_outlets_respect_the_filter() -> None:
    query = "Did the Guardian, Reuters and the Valley Courier agree?"
    assert mentioned_outlets(query, OUTLETS) == ["The Guardian", "Reuters", "Valley Courier"]
    only = ArchiveFilter(outlets=("  valley   COURIER ", "reuters"))
    assert mentioned_outlets(query, OUTLETS, only) == ["Reuters", "Valley Courier"]
    assert mentioned_outlets(query, OUTLETS, ArchiveFilter(outlets=("BBC",))) == []


# --- the outlet boost in HybridRetriever.search -----------------------------------------------------------------

BRIDGE = "What did the Valley Courier report about the harbour bridge toll?"


@pytest.fixture
def outlets_archive(hash_archive: Archive, tmp_path: Path) -> Archive:
    """Three Harbour Gazette articles on the bridge toll and one weaker Valley Courier article (one passage each)."""
    folder = tmp_path / "articles"
    gazette = {"outlet": "The Harbour Gazette", "published_at": "2024-03-01"}
    write_md(
        folder / "g1.md",
        "Harbour bridge toll rises",
        "The harbour bridge toll rises to four pounds in May, the harbour board said.",
        **gazette,
    )
    write_md(
        folder / "g2.md",
        "Harbour bridge toll protest",
        "Drivers protested against the harbour bridge toll on Saturday.",
        **gazette,
    )
    write_md(
        folder / "g3.md",
        "Bridge toll revenue",
        "The harbour bridge toll raised more money than expected last year.",
        **gazette,
    )
    write_md(
        folder / "c1.md",
        "Commuters count the cost",
        "Commuters say the new charge is too high.",
        outlet="Valley Courier",
        published_at="2024-03-02",
    )
    report = ingest_paths(hash_archive, [folder])
    assert report.ok and report.count("new") == 4 and report.passages == 4
    return hash_archive


def test_searches_at_once_from_several_threads_match_one_at_a_time(
    outlets_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chat serves several sessions at once, and each search ranks its dense candidates on a pool thread:
    concurrent first searches on a freshly opened archive open one store (one Chroma client, however slowly it
    opens), and give exactly the passages, order and scores of the same searches one at a time."""
    opened: list[object] = []
    real = store_module.make_client

    def slow_client(settings: object) -> object:
        opened.append(settings)
        time.sleep(0.2)  # wide enough for every thread to arrive while the first one opens
        return real(settings)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "make_client", slow_client)
    questions = [
        "What did the Valley Courier say about the harbour bridge toll?",
        "Why did drivers protest on Saturday?",
        "How much money did the toll raise last year?",
        "What will the toll be in May, and what do commuters say?",
    ] * 3
    fresh = Archive(outlets_archive.settings, outlets_archive.embeddings)
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(lambda q: HybridRetriever(fresh).search(q, k=4), questions))
    assert len(opened) == 1
    alone = [HybridRetriever(outlets_archive).search(q, k=4) for q in questions]
    assert [[(x.chunk_id, x.score) for x in got] for got in together] == [
        [(x.chunk_id, x.score) for x in got] for got in alone
    ]
    assert all(together)


def test_a_search_runs_its_dense_ranking_itself_when_every_pool_thread_is_busy(outlets_archive: Archive) -> None:
    """Many sessions at once can fill the dense pool: a search whose dense ranking has not started when its keyword
    rankings are done runs it on its own thread, with the same results, rather than wait in the queue."""
    question = "What did the Valley Courier say about the harbour bridge toll?"
    expected = [(x.chunk_id, x.score) for x in HybridRetriever(outlets_archive).search(question, k=4)]
    release = threading.Event()
    background = hybrid_module._BACKGROUND
    blockers = [background.submit(release.wait, 30) for _ in range(background._max_workers)]
    try:
        got = HybridRetriever(outlets_archive).search(question, k=4)
        assert not any(b.done() for b in blockers)  # it did not wait for a pool thread to come free
    finally:
        release.set()
    assert [(x.chunk_id, x.score) for x in got] == expected
    assert all(b.result(timeout=30) for b in blockers)


def scores_by_outlet(passages: list[Passage]) -> dict[str, float]:
    return {x.title: x.score for x in passages}


def test_a_named_outlet_moves_up_without_excluding_the_others(outlets_archive: Archive) -> None:
    plain = HybridRetriever(outlets_archive, outlet_boost=False).search(BRIDGE, k=10)
    boosted = HybridRetriever(outlets_archive).search(BRIDGE, k=10)
    courier = "Commuters count the cost"
    assert len(plain) == len(boosted) == 4
    assert [x.title for x in boosted][0] == courier
    assert {x.outlet for x in boosted} == {"The Harbour Gazette", "Valley Courier"}
    # the Courier's passage gained exactly one first place (BM25 within the outlet) ...
    before, after = scores_by_outlet(plain), scores_by_outlet(boosted)
    assert after[courier] - before[courier] == pytest.approx(1 / (RRF_K + 1))
    # ... and the other outlet's passages kept their scores
    assert {t: s for t, s in after.items() if t != courier} == pytest.approx(
        {t: s for t, s in before.items() if t != courier}
    )


def test_without_the_boost_no_passage_gets_extra_rankings(outlets_archive: Archive) -> None:
    plain = HybridRetriever(outlets_archive, outlet_boost=False).search(BRIDGE, k=10)
    # two rankings (dense at its weight, BM25 at 1): no passage can score more than a first place in each
    assert all(x.score <= (1 + DENSE_WEIGHT) / (RRF_K + 1) + 1e-12 for x in plain)
    boosted = HybridRetriever(outlets_archive).search(BRIDGE, k=10)
    assert max(x.score for x in boosted) > (1 + DENSE_WEIGHT) / (RRF_K + 1)


@pytest.mark.parametrize(
    ("query", "flt"),
    [
        ("What did the papers report about the harbour bridge toll?", None),  # no outlet named
        ("What did the valley courier report about the harbour bridge toll?", None),  # not as written
        (BRIDGE, ArchiveFilter(outlets=("the harbour gazette",))),  # named, but filtered out
    ],
)
def test_no_boost_when_no_outlet_of_the_filter_is_named(
    outlets_archive: Archive, query: str, flt: ArchiveFilter | None
) -> None:
    plain = HybridRetriever(outlets_archive, outlet_boost=False).search(query, k=10, flt=flt)
    boosted = HybridRetriever(outlets_archive).search(query, k=10, flt=flt)
    assert plain, "the query finds passages"
    assert [(x.chunk_id, x.score) for x in boosted] == [(x.chunk_id, x.score) for x in plain]
    if flt is not None:
        assert {x.outlet for x in boosted} == {"The Harbour Gazette"}


def test_k_limits_a_boosted_search_too(outlets_archive: Archive) -> None:
    top = HybridRetriever(outlets_archive).search(BRIDGE, k=2)
    assert len(top) == 2 and top[0].title == "Commuters count the cost"


def test_a_part_naming_an_outlet_is_searched_within_that_outlet(outlets_archive: Archive) -> None:
    retriever = HybridRetriever(outlets_archive)
    parts = ["What did the Harbour Gazette say about commuters", "what did commuters say about the charge"]
    outlets = outlets_archive.outlets()
    by_part = [(part, keywords(part, outlets)) for part in parts]
    within, anywhere = retriever._part_rankings(by_part, outlets, ArchiveFilter())
    # the Valley Courier's article is the one about commuters, but the first part asks the Gazette
    assert anywhere[1][0].outlet == "Valley Courier"
    assert within[1] and {x.outlet for x in within[1]} == {"The Harbour Gazette"}
    assert all(len(ranking) <= 2 for _, ranking in (within, anywhere))  # a part offers only its best passages
    # without the outlet boost, a part is searched in the whole archive like any other
    plain = HybridRetriever(outlets_archive, outlet_boost=False)._part_rankings(by_part, outlets, ArchiveFilter())
    assert plain[0][1][0].outlet == "Valley Courier"


def test_words_that_frame_a_question_about_reports_are_no_keywords(hash_archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    write_md(
        folder / "framing.md",
        "Reports on reports",
        "According to officials, the report reported what earlier reports had reported, according to the article.",
        outlet="The Harbour Gazette",
        published_at="2024-03-01",
    )
    write_md(
        folder / "toll.md",
        "Bridge toll",
        "The bridge toll rises to four pounds in May.",
        outlet="The Harbour Gazette",
        published_at="2024-03-02",
    )
    assert ingest_paths(hash_archive, [folder]).ok
    top = HybridRetriever(hash_archive).search("What was reported about the toll, according to the article?", k=2)
    assert top[0].title == "Bridge toll"
    assert keywords("Does the TechCrunch article suggest that Binance was fined, as reported by The Verge?") == (
        "Does the TechCrunch that Binance was fined, as by The Verge?"
    )
    assert keywords("What was reported?") == "What was reported?"  # nothing else to search for
    assert keywords("What did they report?") == "What did they report?"
    # words inside an outlet's name or a quotation are no framing
    assert keywords("What did U.S. News & World Report say?", ["U.S. News & World Report"]) == (
        "What did U.S. News & World Report say?"
    )
    quoted = 'Was "Reported Missing" reviewed, according to the article?'
    assert keywords(quoted) == 'Was "Reported Missing" reviewed, to the ?'
    assert keywords("What did the reporters say about the report's findings?") == (
        "What did the reporters say about the report's findings?"
    )


def test_empty_archive_searches_return_nothing(archive: Archive) -> None:
    assert HybridRetriever(archive).search("anything at all") == []
    assert archive.stats().articles == 0


def test_weighted_rankings_count_by_their_weight() -> None:
    fused = fuse([(0.2, [p("dense-first"), p("b")]), (1.0, [p("b"), p("dense-first")])], k=5, rrf_k=0)
    assert ids(fused) == ["b", "dense-first"]
    assert fused[0].score == pytest.approx(1.0 + 0.2 / 2)


def test_at_most_per_article_passages_of_one_article_leave_room_for_others() -> None:
    ranked = [replace(p(f"a{i}"), article_id="A") for i in range(6)] + [replace(p("b0"), article_id="B")]
    assert ids(cap_per_article(ranked, k=5, per_article=4)) == ["a0", "a1", "a2", "a3", "b0"]
    assert ids(cap_per_article(ranked, k=3, per_article=4)) == ["a0", "a1", "a2"]
    # with no other article left to offer, the same article fills the results
    assert ids(cap_per_article(ranked, k=7, per_article=4)) == ["a0", "a1", "a2", "a3", "a4", "a5", "b0"]
    assert ids(cap_per_article(ranked[:6], k=5, per_article=4)) == ["a0", "a1", "a2", "a3", "a4"]
