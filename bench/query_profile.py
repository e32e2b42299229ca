"""Where one hybrid search spends its time, on an archive built by `bench/scale.py --keep`.

Usage:
    uv run python bench/scale.py --sizes 100000 --work bench/work-scale --keep
    uv run python bench/query_profile.py bench/work-scale/p100000

Times 30 random four-word queries (after one warm-up) and prints the functions that take the most time.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import RandomEmbeddings, vocabulary  # noqa: E402
from rag.archive.knowledge import Archive  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.retrieval.hybrid import HybridRetriever  # noqa: E402


def main() -> None:
    archive = Archive(load_settings(environ={"NEWSROOM_DATA_DIR": sys.argv[1]}, env_file=None), RandomEmbeddings())
    retriever = HybridRetriever(archive)
    words = vocabulary()
    rng = np.random.default_rng(5)
    queries = [" ".join(words[int(i)] for i in rng.integers(0, 300, size=4)) for _ in range(30)]
    started = time.perf_counter()
    archive.lexical()
    print(f"opening the keyword index: {time.perf_counter() - started:.1f} s")
    retriever.search(queries[0], k=10)
    started = time.perf_counter()
    for query in queries:
        retriever.search(query, k=10)
    print(f"hybrid search: {(time.perf_counter() - started) / len(queries) * 1000:.1f} ms per query")
    profile = cProfile.Profile()
    profile.enable()
    for query in queries:
        retriever.search(query, k=10)
    profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
