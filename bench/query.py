"""Query benchmark: retrieval latency (p50/p95) and MultiHop-RAG retrieval quality, ours vs the tutorial pipeline.

Usage:
    uv run python bench/query.py ../shared/data/multihop-rag/queries-dev.json \
        --corpus ../shared/data/multihop-rag/corpus.json --work bench/work [--limit 400]

Both stores are built under --work on first use (ours with `newsroom ingest`'s code, the tutorial one with
RecursiveCharacterTextSplitter(1000, 200) + langchain_chroma.Chroma and the same embedding model) and reused
afterwards. Queries alternate between the two pipelines so machine noise hits both alike.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.tutorial import tutorial_store  # noqa: E402
from rag.archive.knowledge import Archive  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.eval.cases import load_cases  # noqa: E402
from rag.eval.metrics import retrieval_metrics  # noqa: E402
from rag.ingest.pipeline import ingest_paths  # noqa: E402
from rag.models import Passage  # noqa: E402
from rag.retrieval.hybrid import HybridRetriever  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queries")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--work", default=str(ROOT / "bench" / "work"))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("-k", type=int, default=10)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args()
    work = Path(args.work)
    settings = load_settings(environ={"NEWSROOM_DATA_DIR": str(work / "ours")}, env_file=None)
    archive = Archive(settings)
    ingest_paths(archive, [args.corpus])  # a no-op when bench/ingest.py built it: every article unchanged
    tutorial = tutorial_store(args.corpus, work / "tutorial")
    cases = [c for c in load_cases(args.queries) if c.evidence][: args.limit]
    hybrid, no_boost = HybridRetriever(archive), HybridRetriever(archive, outlet_boost=False)
    hybrid.search("warm up", k=args.k)
    tutorial.similarity_search("warm up", k=args.k)
    names = ("ours", "ours_no_outlet_boost", "tutorial")
    times: dict[str, list[float]] = {name: [] for name in names}
    quality: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for case in cases:
        t0 = time.perf_counter()
        ours = hybrid.search(case.question, k=args.k)
        t1 = time.perf_counter()
        plain = no_boost.search(case.question, k=args.k)
        t2 = time.perf_counter()
        docs = tutorial.similarity_search(case.question, k=args.k)
        t3 = time.perf_counter()
        times["ours"].append((t1 - t0) * 1000)
        times["ours_no_outlet_boost"].append((t2 - t1) * 1000)
        times["tutorial"].append((t3 - t2) * 1000)
        quality["ours"].append(retrieval_metrics(ours, case.evidence))
        quality["ours_no_outlet_boost"].append(retrieval_metrics(plain, case.evidence))
        theirs = [Passage(chunk_id=str(i), text=d.page_content, article_id="", title="") for i, d in enumerate(docs)]
        quality["tutorial"].append(retrieval_metrics(theirs, case.evidence))
    result: dict[str, dict[str, float]] = {}
    for name in names:
        ms = np.array(times[name])
        result[name] = {"p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95))}
        for metric in ("hits@4", "hits@10", "mrr@10", "map@10"):
            result[name][metric] = float(np.mean([q[metric] for q in quality[name]]))
        print(
            f"{name:<21} p50 {result[name]['p50_ms']:6.1f} ms  p95 {result[name]['p95_ms']:6.1f} ms  "
            + "  ".join(f"{m} {result[name][m]:.4f}" for m in ("hits@4", "hits@10", "mrr@10", "map@10"))
        )
    ratios = {
        "p50_ours_over_tutorial": result["ours"]["p50_ms"] / result["tutorial"]["p50_ms"],
        "p95_ours_over_tutorial": result["ours"]["p95_ms"] / result["tutorial"]["p95_ms"],
    }
    for key, value in ratios.items():
        print(f"{key}: {value:.2f}x")
    print(f"{len(cases)} questions with gold evidence. Data: MultiHop-RAG (Tang & Yang, 2024), ODC-BY 1.0.")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "query.json").write_text(
        json.dumps({"results": result, "ratios": ratios, "questions": len(cases)}, indent=2)
    )


if __name__ == "__main__":
    main()
