"""Start-up time of the `newsroom` command: `--help`, and `search` and `ask` on a small (seed-only) archive; with
`--where`, where a cold `ask` spends its time (`python -X importtime` for imports, then the phases of the turn).

Each checkout is run with its own virtual environment (`<checkout>/.venv/bin/newsroom`), so a baseline checkout
(an earlier commit, `git worktree add /tmp/base <commit> && cd /tmp/base && uv sync --frozen`) is measured in
the same run, and the ratios are printed and saved to `bench/results/startup.json`.

    uv run python bench/startup.py --baseline /tmp/base --runs 7 [--where]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERY = "How many drones did Sergei Shoigu say Ukraine used?"


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    """Wall seconds of one run (it must succeed)."""
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def measure(checkout: Path, runs: int) -> dict[str, object]:
    """Median and all timings of `--help` and `search` for one checkout."""
    script = checkout / ".venv" / "bin" / "newsroom"
    if not script.is_file():
        raise SystemExit(f"{script} is missing: run `uv sync --frozen` in {checkout} first")
    with tempfile.TemporaryDirectory(prefix="newsroom-startup-") as tmp:
        env = {**os.environ, "NEWSROOM_DATA_DIR": str(Path(tmp) / "data")}
        cwd = Path(tmp)
        subprocess.run([str(script), "search", QUERY, "-k", "3"], env=env, cwd=cwd, check=True, capture_output=True)
        help_times = [timed([str(script), "--help"], env, cwd) for _ in range(runs)]
        search_times = [timed([str(script), "search", QUERY, "-k", "3"], env, cwd) for _ in range(runs)]
        ask_times = [timed([str(script), "ask", QUERY], env, cwd) for _ in range(runs)]
    return {
        "checkout": str(checkout),
        "help_s": statistics.median(help_times),
        "search_s": statistics.median(search_times),
        "ask_s": statistics.median(ask_times),
        "help_runs": help_times,
        "search_runs": search_times,
        "ask_runs": ask_times,
    }


PHASES = """
import time
t0 = time.perf_counter()
from rag.config import load_settings
from rag.engine import open_engine
t1 = time.perf_counter()
opened = open_engine(load_settings())
t2 = time.perf_counter()
engine = opened.engine
engine.retrieve("warm up the embedding model")
t3 = time.perf_counter()
from rag.retrieval.entities import pipeline
pipeline()
t4 = time.perf_counter()
engine.ask(QUERY)
t5 = time.perf_counter()
for name, a, b in (("import rag.engine", t0, t1), ("open the archive", t1, t2), ("embedding model", t2, t3),
                   ("spaCy pipeline", t3, t4), ("the turn itself", t4, t5)):
    print(f"  {name:<20} {b - a:6.2f} s")
"""


def where(checkout: Path) -> None:
    """Where a cold `ask` spends its time: the slowest imports (self + children), then the phases of one turn."""
    python = checkout / ".venv" / "bin" / "python"
    with tempfile.TemporaryDirectory(prefix="newsroom-where-") as tmp:
        env = {**os.environ, "NEWSROOM_DATA_DIR": str(Path(tmp) / "data")}
        script = f"QUERY = {QUERY!r}\n{PHASES}"
        subprocess.run([str(python), "-c", script], env=env, cwd=tmp, check=True, capture_output=True)  # seeds it
        done = subprocess.run(
            [str(python), "-X", "importtime", "-c", script],
            env=env,
            cwd=tmp,
            check=True,
            capture_output=True,
            text=True,
        )
    imports = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("  "):  # top-level imports
            imports.append((int(parts[1]) / 1e6, parts[2].strip()))
    print(f"{checkout}: the slowest top-level imports of a cold `ask`")
    for seconds, name in sorted(imports, reverse=True)[:12]:
        print(f"  {name:<40} {seconds:6.2f} s")
    print("and its phases:")
    print(done.stdout, end="")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", action="append", default=[], type=Path, help="another checkout (repeatable)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--compile",
        action="store_true",
        help="byte-compile every checkout's venv first (as Python does on a first run unless PYTHONDONTWRITEBYTECODE)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results" / "startup.json")
    parser.add_argument("--where", action="store_true", help="also show where a cold `ask` spends its time")
    args = parser.parse_args()
    checkouts = [HERE.parent, *(b.resolve() for b in args.baseline)]
    if args.compile:
        for checkout in checkouts:
            venv = checkout / ".venv"
            subprocess.run([str(venv / "bin" / "python"), "-m", "compileall", "-q", "-j", "0", str(venv)], check=False)
            subprocess.run([str(venv / "bin" / "python"), "-m", "compileall", "-q", str(checkout / "rag")], check=False)
    rows = [measure(c, args.runs) for c in checkouts]
    ours = rows[0]
    print(f"{'checkout':<40} {'--help (s)':>11} {'search (s)':>11} {'ask (s)':>8}   ratios to ours (help, search, ask)")
    for row in rows:
        ratios = [float(row[f"{k}_s"]) / float(ours[f"{k}_s"]) for k in ("help", "search", "ask")]  # type: ignore[arg-type]
        row["help_vs_ours"], row["search_vs_ours"], row["ask_vs_ours"] = ratios
        print(
            f"{str(row['checkout'])[-40:]:<40} {row['help_s']:>11.3f} {row['search_s']:>11.3f} {row['ask_s']:>8.3f}   "
            + ", ".join(f"{r:.2f}x" for r in ratios)
        )
    if args.where:
        where(HERE.parent)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    settings = {
        "runs": args.runs,
        "compiled": args.compile,
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE"),
    }
    args.out.write_text(json.dumps({**settings, "results": rows}, indent=1))
    print(f"Wrote {args.out}")


if __name__ == "__main__":
    main()
