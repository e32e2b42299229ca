"""Ingest benchmark: our pipeline vs the bare embedding model (floor) vs the LangChain tutorial pipeline.

Usage:
    uv run python bench/ingest.py ../shared/data/multihop-rag/corpus.json [--skip-tutorial] [--out bench/results]

All three are measured in the same run on the same machine; the report gives wall time, passages/s, peak
memory (RSS of a fresh subprocess per pipeline) and the ratios. The stores stay under --work (default
bench/work/ours and bench/work/tutorial) for bench/query.py.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_ours(corpus: str, data_dir: str) -> dict[str, object]:
    """Our `ingest_paths` into a fresh store."""
    from rag.archive.knowledge import Archive
    from rag.config import load_settings
    from rag.ingest.pipeline import ingest_paths

    settings = load_settings(environ={**os.environ, "NEWSROOM_DATA_DIR": data_dir}, env_file=None)
    archive = Archive(settings)
    archive.embeddings.embed_query("warm up")
    started = time.perf_counter()
    report = ingest_paths(archive, [corpus])
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "passages": report.passages, "articles": report.count("new"), "ok": report.ok}


def run_floor(corpus: str, data_dir: str) -> dict[str, object]:
    """The bare embedding model on exactly the texts our pipeline embeds (no load, chunk or store cost)."""
    from rag.archive.embeddings import make_embeddings
    from rag.config import load_settings
    from rag.ingest.chunking import chunk_article
    from rag.ingest.loaders import load_file
    from rag.ingest.pipeline import embedding_text

    texts = [embedding_text(a, c) for a in load_file(Path(corpus)).articles for c in chunk_article(a)]
    model = make_embeddings(load_settings(env_file=None))  # the same settings (e.g. NEWSROOM_EMBED_MAX_TOKENS) as ours
    model.embed_query("warm up")
    started = time.perf_counter()
    model.embed_documents(texts)
    return {"seconds": time.perf_counter() - started, "passages": len(texts)}


def run_tutorial(corpus: str, data_dir: str) -> dict[str, object]:
    """LangChain tutorial: RecursiveCharacterTextSplitter(1000, 200) + langchain_chroma.Chroma, the same model
    through Chroma's default embedding function."""
    from bench.tutorial import split_corpus, tutorial_store, via_chroma_function

    via_chroma_function(Path(data_dir) / "model").embed_query("warm up")
    started = time.perf_counter()
    tutorial_store(corpus, Path(data_dir))
    return {"seconds": time.perf_counter() - started, "passages": len(split_corpus(corpus))}


PIPELINES = {"ours": run_ours, "floor": run_floor, "tutorial": run_tutorial}


def child(name: str, corpus: str, work: str) -> None:
    """Run one pipeline into a fresh store under `work/<name>` and print its figures with peak RSS as JSON."""
    target = Path(work) / name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    result = PIPELINES[name](corpus, str(target))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--skip-tutorial", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument(
        "--work", default=str(ROOT / "bench" / "work"), help="Where the stores are built (kept for bench/query.py)."
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.corpus, args.work)
        return
    names = ["floor", "ours"] + ([] if args.skip_tutorial else ["tutorial"])
    results: dict[str, dict[str, float]] = {}
    for name in names:
        out = subprocess.run(
            [sys.executable, __file__, args.corpus, "--child", name, "--work", args.work],
            capture_output=True,
            text=True,
            check=True,
        )
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
        r = results[name]
        r["passages_per_s"] = r["passages"] / r["seconds"]
        print(
            f"{name:<9} {r['seconds']:8.1f} s  {r['passages']:6} passages  {r['passages_per_s']:6.1f}/s  "
            f"peak RSS {r['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    ratios = {"ours_over_floor": results["ours"]["seconds"] / results["floor"]["seconds"]}
    if "tutorial" in results:
        ratios["tutorial_over_ours"] = results["tutorial"]["seconds"] / results["ours"]["seconds"]
    for key, value in ratios.items():
        print(f"{key}: {value:.2f}x")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "ingest.json").write_text(json.dumps({"results": results, "ratios": ratios}, indent=2))


if __name__ == "__main__":
    main()
