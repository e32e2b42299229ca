"""Start-up time of the `newsroom` command: `--help`, and `search` on a small (seed-only) archive.

Each checkout is run with its own virtual environment (`<checkout>/.venv/bin/newsroom`), so a baseline checkout
(an earlier commit, `git worktree add /tmp/base <commit> && cd /tmp/base && uv sync --frozen`) is measured in
the same run, and the ratios are printed and saved to `bench/results/startup.json`.

    uv run python bench/startup.py --baseline /tmp/base --runs 7
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
    return {
        "checkout": str(checkout),
        "help_s": statistics.median(help_times),
        "search_s": statistics.median(search_times),
        "help_runs": help_times,
        "search_runs": search_times,
    }


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
    args = parser.parse_args()
    checkouts = [HERE.parent, *(b.resolve() for b in args.baseline)]
    if args.compile:
        for checkout in checkouts:
            venv = checkout / ".venv"
            subprocess.run([str(venv / "bin" / "python"), "-m", "compileall", "-q", "-j", "0", str(venv)], check=False)
            subprocess.run([str(venv / "bin" / "python"), "-m", "compileall", "-q", str(checkout / "rag")], check=False)
    rows = [measure(c, args.runs) for c in checkouts]
    ours = rows[0]
    print(f"{'checkout':<40} {'--help (s)':>11} {'search (s)':>11} {'help ratio':>11} {'search ratio':>13}")
    for row in rows:
        help_ratio = float(row["help_s"]) / float(ours["help_s"])  # type: ignore[arg-type]
        search_ratio = float(row["search_s"]) / float(ours["search_s"])  # type: ignore[arg-type]
        row["help_vs_ours"], row["search_vs_ours"] = help_ratio, search_ratio
        print(
            f"{str(row['checkout'])[-40:]:<40} {row['help_s']:>11.3f} {row['search_s']:>11.3f} "
            f"{help_ratio:>10.2f}x {search_ratio:>12.2f}x"
        )
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
