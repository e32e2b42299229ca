"""Load benchmark: many askers against one engine (threads, as Streamlit serves sessions), offline answerer.

Usage:
    uv run python bench/load.py --data-dir eval-runs/dev/store-<hash> \
        --questions ../shared/data/multihop-rag/queries-dev.json [--askers 20] [--seconds 60]

Without --data-dir it uses the bundled seed in a temporary archive (and its seed evaluation questions). One asker
runs first for the same time as the baseline, then N askers together; every answer is compared with the single
asker's answer to the same question (they must be identical), and errors are counted (there must be none).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.config import load_settings  # noqa: E402
from rag.engine.core import ChatEngine, open_engine  # noqa: E402
from rag.eval.cases import load_cases  # noqa: E402


def run(engine: ChatEngine, questions: list[str], askers: int, seconds: float) -> dict[str, object]:
    """Each asker cycles through the questions (from its own offset) until time is up."""
    latencies: list[list[float]] = [[] for _ in range(askers)]
    answers: dict[str, set[str]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def asker(n: int) -> None:
        i = n * 7
        while time.monotonic() < stop:
            question = questions[i % len(questions)]
            i += 1
            t0 = time.perf_counter()
            try:
                text = engine.ask(question).text
            except Exception as exc:  # a benchmark counts every failure, whatever it is
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies[n].append((time.perf_counter() - t0) * 1000)
            with lock:
                answers.setdefault(question, set()).add(text)

    threads = [threading.Thread(target=asker, args=(n,)) for n in range(askers)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    ms = np.array([x for per in latencies for x in per])
    return {
        "askers": askers,
        "answers": int(ms.size),
        "per_second": float(ms.size / elapsed),
        "p50_ms": float(np.percentile(ms, 50)) if ms.size else 0.0,
        "p95_ms": float(np.percentile(ms, 95)) if ms.size else 0.0,
        "errors": len(errors),
        "first_errors": errors[:5],
        "_answers": answers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None, help="An archive (default: the bundled seed in a temp dir).")
    parser.add_argument("--questions", default=str(ROOT / "tests" / "eval" / "seed_cases.jsonl"))
    parser.add_argument("--askers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--limit", type=int, default=200, help="Distinct questions cycled through.")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="newsroom-load-")
    settings = load_settings(
        environ={"NEWSROOM_DATA_DIR": str(data_dir), "NEWSROOM_ANSWER_MODE": "quote"}, env_file=None
    )
    engine = open_engine(settings, seed=args.data_dir is None).engine
    questions = [c.question for c in load_cases(args.questions)][: args.limit]
    engine.ask(questions[0])  # warm up: model, indexes
    single = run(engine, questions, 1, args.seconds)
    many = run(engine, questions, args.askers, args.seconds)
    reference: dict[str, set[str]] = single.pop("_answers")  # type: ignore[assignment]
    together: dict[str, set[str]] = many.pop("_answers")  # type: ignore[assignment]
    differing = [q for q, texts in together.items() if len(texts) > 1 or (q in reference and texts != reference[q])]
    ratios = {
        "throughput_many_over_one": many["per_second"] / single["per_second"],  # type: ignore[operator]
        "p50_many_over_one": many["p50_ms"] / single["p50_ms"],  # type: ignore[operator]
        "p95_many_over_one": many["p95_ms"] / single["p95_ms"],  # type: ignore[operator]
    }
    for row in (single, many):
        print(
            f"{row['askers']:>3} asker(s): {row['answers']} answers, {row['per_second']:.1f}/s, "
            f"p50 {row['p50_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms, errors {row['errors']}"
        )
    print("  ".join(f"{k} {v:.2f}x" for k, v in ratios.items()))
    print(f"questions answered differently under load than alone: {len(differing)}")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "load.json").write_text(
        json.dumps({"single": single, "many": many, "ratios": ratios, "differing": differing[:20]}, indent=2)
    )
    if many["errors"] or differing:
        sys.exit(1)


if __name__ == "__main__":
    main()
