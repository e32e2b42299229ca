"""Retrieval latency of the shipped `HybridRetriever` against the previous pipeline, in one run on one store.

The previous pipeline (before the steps of docs/lab/2026-retrieval-notebook.md) is rebuilt here from today's parts:
Chroma's filtered query for the whole question and again within each named outlet, BM25 likewise, plain
reciprocal-rank fusion. The arms run alternately over the same questions, so the machine's state is the same for
all. The shipped search keeps what it computed between searches (each term's BM25, decoded passages, filter masks,
the outlets), so the arms keep that honest: every arm but "shipped" starts each question with nothing kept
(`Archive.forget_kept`), so none profits from another's work on the same question; "shipped" runs first and finds
only what the last arm left of the question before (a chat or `newsroom eval` keeps more, from every earlier
question), and "shipped, nothing kept" is the same search from cold (a question about nothing asked before, on an
archive of any size). With `--phrases`, a fourth arm runs the shipped search with keyword phrases off (words alone,
as before run P).
Usage:

    uv run python bench/retrieval_latency.py eval-runs/dev/store-<hash> \
        ../shared/data/multihop-rag/queries-dev.json [N] [--phrases]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.archive.store import passage_from
from rag.config import load_settings
from rag.eval.cases import load_cases
from rag.models import Passage
from rag.retrieval.hybrid import HybridRetriever, fuse
from rag.retrieval.wording import mentioned_outlets


def previous(archive: Archive, query: str, k: int) -> list[Passage]:
    """The pipeline before: filtered dense + BM25 for the question and for each named outlet, fused 1:1."""
    flt = ArchiveFilter(now=datetime.now(UTC))
    vector = archive.embeddings.embed_query(query)
    lexical = archive.lexical()
    scores = lexical.scores(query)
    store = archive.store

    def dense(n: int, f: ArchiveFilter) -> list[Passage]:
        return [passage_from(c, t, m) for c, t, m, _ in store._rows(store._query(vector, n, f.where()))]

    rankings = [dense(40, flt), lexical.search(query, 40, flt, scores)]
    for outlet in mentioned_outlets(query, archive.outlets(), flt):
        rankings += [dense(k, flt.narrowed(outlet)), lexical.search(query, k, flt.narrowed(outlet), scores)]
    return fuse(rankings, k)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    archive = Archive(replace(load_settings(env_file=None), data_dir=Path(args[0]), chroma_host=None))
    questions = [c.question for c in load_cases(args[1])][: int(args[2]) if len(args) > 2 else 300]
    shipped = HybridRetriever(archive)
    lexical = archive.lexical()
    phrases = lexical.phrase_weight

    def nothing() -> None:
        pass

    # name: (phrase weight, untimed step before each question, the timed search)
    arms: dict[str, tuple[float, Callable[[], None], Callable[[str], object]]] = {
        "shipped": (phrases, nothing, lambda q: shipped.search(q, k=10)),  # first: finds what earlier questions left
        "previous": (0.0, archive.forget_kept, lambda q: previous(archive, q, 10)),  # words alone, as it was
        "shipped, nothing kept": (phrases, archive.forget_kept, lambda q: shipped.search(q, k=10)),
    }
    if "--phrases" in sys.argv:
        arms["no phrases"] = (0.0, archive.forget_kept, lambda q: shipped.search(q, k=10))
    for q in questions[:20]:  # warm every path (model, index)
        for weight, before, run in arms.values():
            lexical.phrase_weight = weight
            before()
            run(q)
    times: dict[str, list[float]] = {name: [] for name in arms}
    for q in questions:
        for name, (weight, before, run) in arms.items():
            lexical.phrase_weight = weight
            before()
            start = time.perf_counter()
            run(q)
            times[name].append((time.perf_counter() - start) * 1000)
    for name, values in times.items():
        values.sort()
        p50, p95 = statistics.median(values), values[int(0.95 * len(values))]
        print(f"{name:22s} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({len(values)} questions)")
    for name in (n for n in arms if n != "previous"):
        ratio = statistics.median(times[name]) / statistics.median(times["previous"])
        print(f"{name} / previous, p50: {ratio:.2f}x")


if __name__ == "__main__":
    main()
