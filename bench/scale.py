"""Scale benchmark: archives of 10k, 100k and 1M passages (synthetic text, random unit vectors: no model time).

Usage:
    uv run python bench/scale.py [--sizes 10000 100000 1000000] [--work bench/work-scale]

Each size runs in a process of its own (so resident memory is that size's alone) and reports: write rate
(passages/s), the time to build the keyword index, hybrid retrieval p50/p95 over 60 queries, the time to make
one new article searchable (written, then found by both the dense and the keyword search), resident memory and
disk. The closing table gives each figure's growth from one size to the next (10x passages each step).
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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from langchain_core.embeddings import Embeddings  # noqa: E402

from rag.archive.knowledge import Archive  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.models import Article, Chunk  # noqa: E402
from rag.retrieval.hybrid import HybridRetriever  # noqa: E402

PER_ARTICLE = 20
DIM = 384
OUTLETS = [f"Outlet {n}" for n in range(20)]


class RandomEmbeddings(Embeddings):
    """Random unit vectors: the scale of the store is measured, not the model."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)

    @property
    def model_id(self) -> str:
        return "random-384"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self.rng.normal(size=(len(texts), DIM)).astype(np.float32)
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def vocabulary(size: int = 20_000, seed: int = 1) -> list[str]:
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnoprstuvwy"))
    return ["".join(rng.choice(letters, size=int(rng.integers(3, 11)))) for _ in range(size)]


def article(n: int, words: list[str], rng: np.random.Generator) -> tuple[Article, list[Chunk]]:
    """One synthetic article of PER_ARTICLE passages of about 60 Zipf-distributed words each."""
    ranks = np.minimum(rng.zipf(1.3, size=PER_ARTICLE * 60), len(words)) - 1
    texts = [" ".join(words[i] for i in ranks[p * 60 : (p + 1) * 60]) + "." for p in range(PER_ARTICLE)]
    body = "\n\n".join(texts)
    day = datetime(2022, 1, 1, tzinfo=UTC) + timedelta(days=int(n % 730))
    a = Article(
        title=f"Report {n} {words[n % 500]} {words[(n * 7) % 500]}",
        body=body,
        source_key=f"scale:{n}",
        outlet=OUTLETS[n % len(OUTLETS)],
        published_at=day,
        url=f"https://scale.example/{n}",
    )
    chunks, start = [], 0
    for i, text in enumerate(texts):
        chunks.append(Chunk(a.article_id, i, text, start, start + len(text), ((start, start + len(text)),)))
        start += len(text) + 2
    return a, chunks


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def disk_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def measure(size: int, work: Path) -> dict[str, Any]:
    """Build an archive of `size` passages and measure it (run in a process of its own)."""
    data_dir = work / f"p{size}"
    shutil.rmtree(data_dir, ignore_errors=True)
    settings = load_settings(environ={"NEWSROOM_DATA_DIR": str(data_dir)}, env_file=None)
    embeddings = RandomEmbeddings()
    archive = Archive(settings, embeddings)
    words = vocabulary()
    rng = np.random.default_rng(size)
    store = archive.store
    started = time.perf_counter()
    batch: list[Any] = []
    for n in range(size // PER_ARTICLE):
        a, chunks = article(n, words, rng)
        batch.append((a, chunks, embeddings.embed_documents([c.text for c in chunks])))
        if len(batch) * PER_ARTICLE >= 2000:
            store.write_articles(batch)
            batch = []
    store.write_articles(batch)
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    archive.rebuild_lexical()
    lexical_s = time.perf_counter() - started
    retriever = HybridRetriever(archive)
    queries = [" ".join(words[int(i)] for i in rng.integers(0, 300, size=4)) for _ in range(60)]
    retriever.search(queries[0], k=10)
    times = []
    for q in queries:
        t0 = time.perf_counter()
        retriever.search(q, k=10)
        times.append((time.perf_counter() - t0) * 1000)
    # one new article, from its write to being found by both searches
    fresh, chunks = article(size // PER_ARTICLE + 1, words, rng)
    marker = "zqxjvkwq"
    chunks = [Chunk(c.article_id, c.index, c.text + f" {marker}", c.start, c.end + 9, c.sentences) for c in chunks]
    vectors = embeddings.embed_documents([c.text for c in chunks])
    t0 = time.perf_counter()
    store.write_articles([(fresh, chunks, vectors)])
    archive.rebuild_lexical()  # what an ingest does after writing
    keyword = archive.lexical().search(marker, 5, retriever_filter())
    found_lexical = any(p.article_id == fresh.article_id for p in keyword)
    found_dense = any(p.article_id == fresh.article_id for p in store.dense(vectors[0], 5, retriever_filter()))
    new_article_s = time.perf_counter() - t0
    return {
        "passages": store.passages.count(),
        "write_per_s": size / write_s,
        "write_s": write_s,
        "lexical_build_s": lexical_s,
        "retrieval_p50_ms": float(np.percentile(times, 50)),
        "retrieval_p95_ms": float(np.percentile(times, 95)),
        "new_article_searchable_s": new_article_s,
        "new_article_found": found_lexical and found_dense,
        "rss_mb": rss_mb(),
        "disk_mb": disk_mb(data_dir),
    }


def retriever_filter() -> Any:
    from rag.archive.filters import ArchiveFilter

    return ArchiveFilter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--work", default=str(ROOT / "bench" / "work-scale"))
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--keep", action="store_true", help="Keep the archives under --work.")
    args = parser.parse_args()
    work = Path(args.work)
    if args.one is not None:
        print(json.dumps(measure(args.one, work)))
        if not args.keep:
            shutil.rmtree(work / f"p{args.one}", ignore_errors=True)
        return
    work.mkdir(parents=True, exist_ok=True)
    rows: dict[int, dict[str, Any]] = {}
    for size in args.sizes:
        command = [
            sys.executable,
            __file__,
            "--one",
            str(size),
            "--work",
            str(work),
            *(["--keep"] if args.keep else []),
        ]
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ})
        if done.returncode != 0:
            print(f"{size}: failed\n{done.stderr[-3000:]}")
            break
        rows[size] = json.loads(done.stdout.strip().splitlines()[-1])
        r = rows[size]
        print(
            f"{size:>9,} passages: write {r['write_per_s']:,.0f}/s, keyword index {r['lexical_build_s']:.1f} s, "
            f"retrieval p50 {r['retrieval_p50_ms']:.0f} ms p95 {r['retrieval_p95_ms']:.0f} ms, new article "
            f"searchable in {r['new_article_searchable_s']:.2f} s "
            f"({'found' if r['new_article_found'] else 'MISSING'}), "
            f"RSS {r['rss_mb']:,.0f} MB, disk {r['disk_mb']:,.0f} MB",
            flush=True,
        )
    sizes = list(rows)
    growth = {
        f"{a}->{b}": {k: rows[b][k] / rows[a][k] for k in rows[a] if isinstance(rows[a][k], float) and rows[a][k]}
        for a, b in zip(sizes, sizes[1:], strict=False)
    }
    for step, ratios in growth.items():
        print(f"growth {step}: " + ", ".join(f"{k} {v:.1f}x" for k, v in ratios.items()))
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "scale.json").write_text(json.dumps({"rows": rows, "growth": growth}, indent=2))


if __name__ == "__main__":
    main()
