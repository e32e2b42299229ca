"""The retrieval pipelines `bench/retrieval_steps.py` measures: the `Variant` settings, the shipped steps of
docs/lab/2026-retrieval-notebook.md in order (`STEPS`), and the variants tried beside them (`TRIED`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

FRAMING = frozenset(
    """article articles report reports reported according suggest suggests suggested published piece story coverage
    covered mention mentions mentioned indicate indicates indicated""".split()
)


@dataclass(frozen=True)
class Variant:
    """One retrieval pipeline: index, weights and caps."""

    name: str
    dates: bool = True  # BM25 text carries the date forms
    dense: float = 0.2  # dense weight against BM25's 1.0
    outlet_dense: bool = False  # dense rankings within named outlets too
    parts: float = 0.5  # weight of per-part BM25 rankings (0: none)
    per_article: int = 4
    outlets: bool = True
    rrf_k: int = 60
    pool: int = 40
    days: float = 0.0  # weight of a BM25 ranking within each publication day the question names (0: none)
    part_days: float = 1.0  # weight of a BM25 ranking within each (outlet, day) pair a part names (0: none)
    articles_first: bool = False  # rank articles by their two best passages, then passages round-robin
    part_dense: float = 0.0  # weight of a dense ranking for each part of a several-part question (0: none)
    feedback: float = 0.0  # weight of a BM25 ranking for the question and the top passages' distinctive words
    feedback_terms: int = 10  # how many words the feedback adds
    feedback_docs: int = 3  # from how many of the first fused passages
    narrow_pool: int = 10  # candidates of the rankings within an outlet, a day or a part
    part_pool: int = 0  # candidates of a part's ranking when not narrow_pool (0: narrow_pool)
    dense_pool: int = 0  # candidates of the whole question's dense ranking when not pool (0: pool)
    part_outlet: float = 0.0  # weight of a BM25 ranking for each part within each outlet it names (0: none)
    part_outlet_pool: int = 10  # candidates of that ranking
    part_outlet_only: bool = False  # a part that names an outlet gets only that ranking, not the plain one too
    part_slots: bool = False  # each part's best passage is sure of a place in the results
    outlet_slots: bool = False  # so is each named outlet's best passage
    framing: bool = False  # the words that frame a question about reports ("article", "reported") leave its keywords
    framing_words: frozenset[str] = frozenset()  # which words (the shipped `keywords` when empty)
    headline: float = 0.0  # weight of a ranking of articles by their headline, each by its best passage (0: none)
    article_vote: float = 0.0  # weight of a ranking of articles by their two best passages' keyword scores (0: none)
    dense_keywords: bool = False  # the dense model reads the question without its framing words too
    bm25_score: float = 0.0  # weight of the passage's BM25 score (over the best one's) added to its fused score
    top_spread: int = 0  # at most this many passages of one article among the first four (0: no limit)
    cap_by_parts: bool = False  # at most 3 passages per article for a question of 3 parts, 2 for 4 or more
    outlet_by_part: bool = False  # an outlet that one part alone names is searched with that part, not the question
    k1: float = 1.5  # BM25's term-frequency saturation
    b: float = 0.75  # BM25's length normalisation
    names: float = 0.0  # weight of BM25 over the names the question holds, added to its BM25 (0: none)
    bigrams: float = 0.0  # weight of BM25 over two-word phrases (adjacent keywords) added to the words' BM25 (0: none)
    bigrams_whole: bool = False  # the phrases of the headline, outlet and date forms too, not the passage text alone
    bigram_gap: int = 1  # pairs of keywords up to this far apart (1: adjacent only)
    bridge: float = 0.0  # weight of rankings for the question and a name its first passages share (0: none)
    bridge_docs: int = 5  # from how many of the first results
    bridge_pool: int = 2  # candidates of each such ranking
    bridge_names: int = 1  # how many shared names
    neighbours: float = 0.0  # weight of a ranking of the passages next to the first results' (0: none)
    neighbour_side: int = 1  # 1: the next passage; -1: the one before; 0: both


STEPS: Sequence[Variant] = (
    Variant(
        "1 before: dense 1 + BM25 1, outlets dense+BM25, no date forms, no parts, no cap",
        dates=False,
        dense=1.0,
        outlet_dense=True,
        parts=0,
        per_article=10,
        part_days=0,
    ),
    Variant("2 + date forms in BM25", dense=1.0, outlet_dense=True, parts=0, per_article=10, part_days=0),
    Variant("3 + dense weight 0.2", outlet_dense=True, parts=0, per_article=10, part_days=0),
    Variant("4 + at most 4 passages per article", outlet_dense=True, parts=0, part_days=0),
    Variant("5 + per-part BM25 rankings (0.5)", outlet_dense=True, part_days=0),
    Variant("6 - dense within named outlets", part_days=0),
    Variant("7 + BM25 within the outlet and publication day a part names (1.0)"),
    Variant("8 + a part's keyword ranking keeps its 2 best passages (was 10)", part_pool=2),
    Variant("BM25 alone, with everything else of row 8", dense=0.0, part_pool=2),
    Variant(
        "9 + a part that names an outlet is searched within it",
        part_pool=2,
        part_outlet=0.5,
        part_outlet_pool=2,
        part_outlet_only=True,
    ),
    Variant(
        "10 + the words that frame a question about reports leave its keywords",
        part_pool=2,
        part_outlet=0.5,
        part_outlet_pool=2,
        part_outlet_only=True,
        framing=True,
    ),
    Variant(
        "11 (shipped) + two-word phrases of headline, outlet, dates and text in BM25 (0.25)",
        part_pool=2,
        part_outlet=0.5,
        part_outlet_pool=2,
        part_outlet_only=True,
        framing=True,
        bigrams=0.25,
        bigrams_whole=True,
    ),
)
TRIED: Sequence[Variant] = (
    Variant("row 7, for reference"),
    Variant("row 6 + BM25 within each publication day the question names (1.0)", part_days=0, days=1.0),
    Variant("row 6 + the same at weight 2", part_days=0, days=2.0),
    Variant("row 7 with the outlet-and-day ranking at weight 2", part_days=2.0),
    Variant("row 7 + BM25 within each day the question names (1.0)", days=1.0),
    Variant("articles first, then passages round-robin", articles_first=True),
    Variant("BM25 for each part at weight 1", parts=1.0),
    Variant("parts 1 and dense weight 0.1", parts=1.0, dense=0.1),
    Variant("parts 1 and at most 3 per article", parts=1.0, per_article=3),
    Variant("parts 1 and at most 5 per article", parts=1.0, per_article=5),
    Variant("parts 1 and reciprocal-rank constant 20", parts=1.0, rrf_k=20),
    Variant("60 candidates per ranking", pool=60),
    Variant("row 7 with 40 candidates (not 10) in the rankings within an outlet, a day or a part", narrow_pool=40),
    Variant("row 7 with 20 candidates in the rankings within an outlet, a day or a part", narrow_pool=20),
    Variant("row 7 with 5 candidates in the rankings within an outlet, a day or a part", narrow_pool=5),
    Variant("row 7 with 3 candidates in the rankings within an outlet, a day or a part", narrow_pool=3),
    Variant("row 7 with 7 candidates in the rankings within an outlet, a day or a part", narrow_pool=7),
    Variant("row 7 with 5 candidates within an outlet or a day, 10 for a part", narrow_pool=5, part_pool=10),
    Variant("row 7 with 10 candidates within an outlet or a day, 5 for a part", narrow_pool=10, part_pool=5),
    Variant("row 7 with 10 candidates within an outlet or a day, 3 for a part", narrow_pool=10, part_pool=3),
    Variant("row 7 with 10 candidates within an outlet or a day, 4 for a part", narrow_pool=10, part_pool=4),
    Variant("row 7 with 10 candidates within an outlet or a day, 6 for a part", narrow_pool=10, part_pool=6),
    Variant("row 7 with 10 candidates within an outlet or a day, 2 for a part", narrow_pool=10, part_pool=2),
    Variant("row 7 with 10 candidates within an outlet or a day, 1 for a part", narrow_pool=10, part_pool=1),
    Variant("row 7 with 2 candidates for a part at weight 1", part_pool=2, parts=1.0),
    Variant("row 7 with 3 candidates for a part at weight 1", part_pool=3, parts=1.0),
    Variant("row 7 with 3 candidates for a part at weight 0.25", part_pool=3, parts=0.25),
    Variant("row 8, for reference", part_pool=2),
    Variant("row 8 with 20 candidates for the whole question's rankings", part_pool=2, pool=20),
    Variant("row 8 with dense weight 0.1", part_pool=2, dense=0.1),
    Variant("row 8 with dense weight 0.3", part_pool=2, dense=0.3),
    Variant("row 8 with at most 3 passages per article", part_pool=2, per_article=3),
    Variant("row 8 with at most 5 passages per article", part_pool=2, per_article=5),
    Variant("row 8 with reciprocal-rank constant 30", part_pool=2, rrf_k=30),
    Variant("row 8 with 10 dense candidates", part_pool=2, dense_pool=10),
    Variant("row 8 with 20 dense candidates", part_pool=2, dense_pool=20),
    Variant("row 8 with 10 dense candidates at weight 0.5", part_pool=2, dense_pool=10, dense=0.5),
    Variant("row 8 + each part within the outlets it names (0.5, 2)", part_pool=2, part_outlet=0.5, part_outlet_pool=2),
    Variant("row 8 + each part within the outlets it names (0.5, 5)", part_pool=2, part_outlet=0.5, part_outlet_pool=5),
    Variant("row 8 + each part within the outlets it names (1, 5)", part_pool=2, part_outlet=1.0, part_outlet_pool=5),
    Variant("row 8 + each part within the outlets it names (1, 10)", part_pool=2, part_outlet=1.0, part_outlet_pool=10),
    Variant(
        "row 8 + each part within the outlets it names instead (0.5, 2)",
        part_pool=2,
        part_outlet=0.5,
        part_outlet_pool=2,
        part_outlet_only=True,
    ),
    Variant(
        "row 8 + each part within the outlets it names instead (1, 2)",
        part_pool=2,
        part_outlet=1.0,
        part_outlet_pool=2,
        part_outlet_only=True,
    ),
    Variant(
        "row 8 + each part within the outlets it names instead (0.5, 3)",
        part_pool=2,
        part_outlet=0.5,
        part_outlet_pool=3,
        part_outlet_only=True,
    ),
    Variant(
        "row 8 + each part within the outlets it names instead (0.5, 1)",
        part_pool=2,
        part_outlet=0.5,
        part_outlet_pool=1,
        part_outlet_only=True,
    ),
    *(
        Variant(
            f"row 9 with BM25 k1 {k1} and b {b}",
            part_pool=2,
            part_outlet=0.5,
            part_outlet_pool=2,
            part_outlet_only=True,
            k1=k1,
            b=b,
        )
        for k1, b in ((1.2, 0.75), (2.0, 0.75), (1.5, 0.5), (1.5, 0.9))
    ),
    *(
        Variant(name, part_pool=2, part_outlet=0.5, part_outlet_pool=2, part_outlet_only=True, **kw)
        for name, kw in (
            ("row 9 + each part's best passage sure of a place", {"part_slots": True}),
            ("row 9 + each named outlet's best passage sure of a place", {"outlet_slots": True}),
            ("row 9 + both sure of a place", {"part_slots": True, "outlet_slots": True}),
            ("row 9 + more framing words left out of the keywords", {"framing": True, "framing_words": FRAMING}),
            ("row 10 + its BM25 score over the best, weight 0.005", {"framing": True, "bm25_score": 0.005}),
            ("row 10 + its BM25 score over the best, weight 0.01", {"framing": True, "bm25_score": 0.01}),
            ("row 10 + its BM25 score over the best, weight 0.02", {"framing": True, "bm25_score": 0.02}),
            (
                "row 10 + the dense model reads the question without its framing words too",
                {"framing": True, "dense_keywords": True},
            ),
            (
                "row 10 + at most 2 passages of one article among the first four",
                {"framing": True, "top_spread": 2},
            ),
            (
                "row 10 + at most 1 passage of one article among the first four",
                {"framing": True, "top_spread": 1},
            ),
            (
                "row 10 + articles by headline, each by its best passage (0.5)",
                {"framing": True, "headline": 0.5},
            ),
            (
                "row 10 + articles by headline, each by its best passage (1)",
                {"framing": True, "headline": 1.0},
            ),
            (
                "row 10 + articles by their two best passages (0.5)",
                {"framing": True, "article_vote": 0.5},
            ),
            (
                "row 10 + fewer passages per article for questions of 3 or more parts",
                {"framing": True, "cap_by_parts": True},
            ),
            (
                "row 9 + fewer framing words left out, an outlet one part names searched with that part",
                {"framing": True, "outlet_by_part": True},
            ),
            ("row 9 + fewer framing words left out", {"framing": True}),
            ("row 10 + two-word phrases of the passage text in BM25 (0.25)", {"framing": True, "bigrams": 0.25}),
            ("row 10 + the question's names weigh more in BM25 (0.5)", {"framing": True, "names": 0.5}),
            ("row 10 + the question's names weigh more in BM25 (1)", {"framing": True, "names": 1.0}),
            ("row 10 + two-word phrases of the passage text in BM25 (0.5)", {"framing": True, "bigrams": 0.5}),
            ("row 10 + two-word phrases of the passage text in BM25 (0.1)", {"framing": True, "bigrams": 0.1}),
            (
                "row 10 + two-word phrases of headline, outlet, dates and text in BM25 (0.5)",
                {"framing": True, "bigrams": 0.5, "bigrams_whole": True},
            ),
            (
                "row 10 + pairs of keywords up to two apart, of headline, outlet, dates and text in BM25 (0.25)",
                {"framing": True, "bigrams": 0.25, "bigrams_whole": True, "bigram_gap": 2},
            ),
            (
                "row 10 + two-word phrases of headline, outlet, dates and text in BM25 (0.15)",
                {"framing": True, "bigrams": 0.15, "bigrams_whole": True},
            ),
            ("row 10 + two-word phrases of the passage text in BM25 (0.15)", {"framing": True, "bigrams": 0.15}),
            ("row 10 + two-word phrases of the passage text in BM25 (0.35)", {"framing": True, "bigrams": 0.35}),
            ("row 10 + two-word phrases of the passage text in BM25 (1)", {"framing": True, "bigrams": 1.0}),
            (
                "row 9 + fewer framing words left out, outlets' and parts' best sure of a place",
                {"framing": True, "part_slots": True, "outlet_slots": True},
            ),
        )
    ),
    *(
        replace(
            STEPS[-1],
            name=f"row 11 + bridge names from {d} results, {nn} name(s), weight {w}, {pool} per outlet",
            bridge=w,
            bridge_docs=d,
            bridge_pool=pool,
            bridge_names=nn,
        )
        for d, nn, w, pool in ((5, 1, 0.5, 2), (5, 1, 1.0, 2), (8, 2, 0.5, 2), (5, 1, 0.5, 5))
    ),
    *(
        replace(
            STEPS[-1],
            name=f"row 11 + the passages next to the first ten (side {side}), weight {w}",
            neighbours=w,
            neighbour_side=side,
        )
        for side, w in ((1, 0.25), (1, 0.5), (0, 0.25), (-1, 0.25))
    ),
    *(replace(STEPS[-1], name=f"row 11 with at most {n} passages per article", per_article=n) for n in (3, 5, 6)),
    Variant("row 7 + a dense ranking for each part (0.2)", part_dense=0.2),
    Variant("row 7 + a dense ranking for each part (0.5)", part_dense=0.5),
    Variant("row 7 + keyword feedback from the first 3 passages (0.5)", feedback=0.5),
    Variant("row 7 + keyword feedback from the first 3 passages (1.0)", feedback=1.0),
    Variant(
        "row 7 + keyword feedback from the first 5 passages, 20 words (0.5)",
        feedback=0.5,
        feedback_docs=5,
        feedback_terms=20,
    ),
)
