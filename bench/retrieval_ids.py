"""Every answerable question's ten passages through `HybridRetriever`, as `newsroom eval` asks for them, with the
retrieval figures and the search's p50 / p95: to show that a change meant to be faster returns the same passages.

Save the passage ids of one version of the code, then compare another version's with them, id by id:

    uv run python bench/retrieval_ids.py STORE ../shared/data/multihop-rag/queries-dev.json --out before.json
    (change the code)
    uv run python bench/retrieval_ids.py STORE ../shared/data/multihop-rag/queries-dev.json --compare before.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import replace
from pathlib import Path

from rag.archive.knowledge import Archive
from rag.config import load_settings
from rag.eval.cases import load_cases
from rag.eval.metrics import retrieval_metrics
from rag.eval.run import case_filters
from rag.retrieval.hybrid import HybridRetriever

FIGURES = ("hits@4", "hits@10", "mrr@10", "map@10", "facts@10", "all_facts@10")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="an evaluation store folder (eval-runs/dev/store-<hash>)")
    parser.add_argument("queries", type=Path)
    parser.add_argument("--out", type=Path, help="write each question's passage ids here")
    parser.add_argument("--compare", type=Path, help="a file written by --out: count the questions that differ")
    args = parser.parse_args()
    archive = Archive(replace(load_settings(env_file=None), data_dir=args.store, chroma_host=None))
    retriever = HybridRetriever(archive)
    cases = [c for c in load_cases(args.queries) if c.expect == "answer" and c.evidence]
    retriever.search("warm up", 10)  # the model, the store and the keyword index opened
    ids: dict[str, list[str]] = {}
    sums: dict[str, list[float]] = {name: [] for name in FIGURES}
    took: list[float] = []
    for case in cases:
        start = time.perf_counter()
        got = retriever.search(case.question, 10, case_filters(case))
        took.append((time.perf_counter() - start) * 1000)
        ids[case.id] = [p.chunk_id for p in got]
        metrics = retrieval_metrics(got, case.evidence)
        for name in FIGURES:
            sums[name].append(metrics[name])
    print(" ".join(f"{name} {statistics.fmean(values):.3f}" for name, values in sums.items()))
    took.sort()
    p50, p95 = statistics.median(took), took[int(0.95 * len(took))]
    print(f"search p50 {p50:.1f} ms, p95 {p95:.1f} ms ({len(took)} questions)")
    if args.out:
        args.out.write_text(json.dumps(ids))
    if args.compare:
        before: dict[str, list[str]] = json.loads(args.compare.read_text())
        differ = sorted(q for q in ids if before.get(q) != ids[q])
        print(f"{len(differ)} of {len(ids)} questions get other passages than in {args.compare}: {differ[:20]}")


if __name__ == "__main__":
    main()
