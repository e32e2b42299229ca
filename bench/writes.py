"""What keeping every version and checking every parser's limits cost: this checkout against another one (a
commit before them), in the same run on the same machine.

Usage:
    git worktree add /tmp/newsroom-base 1188628
    uv run python bench/writes.py --baseline /tmp/newsroom-base [--articles 120] [--export-mb 30] [--repeat 3]

For each code tree, in a fresh subprocess each time (so nothing is cached between them): ingest N synthetic
articles into a new store (all new), then the same N articles with every body changed (all replaced: the new code
copies each replaced version into the history), and read a JSON export of about M MB with `load_file` (the new
code scans its nesting depth before parsing). The real bundled embedding model and embedded Chroma are used.
Reported: the median seconds of each phase, its ratio to the baseline, and peak memory (RSS) of the subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "council harbour bridge toll mayor budget vote police court report minister election hospital school river "
    "storm flood company shares investors market inflation rates workers strike union contract energy prices "
    "airport flights tourism museum festival football club season coach players record fans stadium"
).split()

CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path
from rag.archive.knowledge import Archive
from rag.config import load_settings
from rag.ingest.loaders import load_file
from rag.ingest.pipeline import ingest_paths

first, second, export, data = sys.argv[1:5]
archive = Archive(load_settings(environ={"NEWSROOM_DATA_DIR": data}, env_file=None))
archive.embeddings.embed_query("warm up")
out = {}
for name, path in (("ingest_new", first), ("ingest_replace", second)):
    started = time.perf_counter()
    report = ingest_paths(archive, [path])
    out[name] = time.perf_counter() - started
    assert report.ok, [f.errors for f in report.files]
started = time.perf_counter()
loaded = load_file(Path(export))
out["read_export"] = time.perf_counter() - started
out["export_articles"] = len(loaded.articles)
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def _body(seed: int, sentences: int = 12) -> str:
    words = [WORDS[(seed * 7 + i * 13) % len(WORDS)] for i in range(sentences * 11)]
    return " ".join(
        " ".join(words[i : i + 11]).capitalize() + f", officials said on day {seed + i}."
        for i in range(0, len(words), 11)
    )


def _articles(n: int, version: int) -> list[dict[str, str]]:
    return [
        {
            "title": f"Story {i} of the harbour desk",
            "body": _body(i + 1000 * version),
            "outlet": f"Gazette {i % 7}",
            "published_at": f"2024-03-{1 + i % 28:02d}",
            "url": f"https://gazette.example/story/{i}",
        }
        for i in range(n)
    ]


def _inputs(folder: Path, n: int, export_mb: int) -> tuple[Path, Path, Path]:
    first, second, export = folder / "v1.json", folder / "v2.json", folder / "export.json"
    first.write_text(json.dumps(_articles(n, 1)))
    second.write_text(json.dumps(_articles(n, 2)))
    records, size = [], 0
    while size < export_mb * 2**20:
        record = {**_articles(1, len(records) + 3)[0], "url": f"https://gazette.example/export/{len(records)}"}
        records.append(record)
        size += len(json.dumps(record))
    export.write_text(json.dumps(records))
    return first, second, export


def _run(root: Path, inputs: tuple[Path, Path, Path]) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as data:
        env = {**os.environ, "PYTHONPATH": str(root)}
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *map(str, inputs), data],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", required=True, type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--export-mb", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsroom-inputs-") as folder:
        inputs = _inputs(Path(folder), args.articles, args.export_mb)
        runs: dict[str, list[dict[str, float]]] = {"baseline": [], "this": []}
        for _ in range(args.repeat):  # interleaved, so a busy moment of the machine falls on both
            runs["baseline"].append(_run(args.baseline.resolve(), inputs))
            runs["this"].append(_run(ROOT, inputs))
    print(
        f"{args.articles} articles, an export of {runs['this'][0]['export_articles']:.0f} articles, {args.repeat} runs"
    )
    print(f"{'phase':<16} {'baseline s':>11} {'this s':>9} {'ratio':>7}")
    for phase in ("ingest_new", "ingest_replace", "read_export", "peak_rss_mb"):
        base = statistics.median(r[phase] for r in runs["baseline"])
        this = statistics.median(r[phase] for r in runs["this"])
        print(f"{phase:<16} {base:>11.2f} {this:>9.2f} {this / base:>7.3f}")


if __name__ == "__main__":
    main()
