"""Turn benchmark: a question read and embedded once for its turn (`ChatEngine.find`, the path every face takes)
against the question passed on as text (retrieval and the quote answerer each read and embed it), on one store.

Usage:
    uv run python bench/turn.py tests/eval/journalist_cases.jsonl --data-dir DIR [--rounds 2]

DIR is a store built by `newsroom eval ... --out OUT` (OUT/store-*), or any archive. The two paths alternate per
question so machine noise hits both alike; the first round warms the caches (sentence vectors, parses) and is not
counted. Prints the p50 and p95 question-to-answer time of each path, their ratio, and whether the answers agree.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.config import load_settings  # noqa: E402
from rag.engine.core import ChatEngine, open_engine  # noqa: E402
from rag.eval.cases import load_cases  # noqa: E402
from rag.models import Answer  # noqa: E402


def as_text(engine: ChatEngine, question: str) -> Answer:
    """The path before the turn's question: retrieval and the answerer each read (and embed) the text."""
    passages = engine.retrieve(question)
    return engine.answer_passages(question, passages, focus=question)


def read_once(engine: ChatEngine, question: str) -> Answer:
    """The turn's path: read and embedded once, shared by retrieval and the answerer."""
    return engine.turn(question).answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=Path)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1 (the first, warming round is not counted)")
    settings = replace(load_settings(), data_dir=args.data_dir, chroma_host=None)
    engine = open_engine(settings, seed=False).engine
    questions = [c.question for c in load_cases(args.cases)]
    times: dict[str, list[float]] = {"text": [], "read once": []}
    differ = 0
    for round_ in range(args.rounds + 1):
        for i, question in enumerate(questions):
            order = [("text", as_text), ("read once", read_once)]
            answers = []
            for name, path in order if i % 2 else order[::-1]:
                started = time.perf_counter()
                answers.append(path(engine, question).text)
                if round_:
                    times[name].append((time.perf_counter() - started) * 1000)
            differ += round_ == 1 and answers[0] != answers[1]
    for name, values in times.items():
        print(f"{name:10s} p50 {np.percentile(values, 50):6.0f} ms  p95 {np.percentile(values, 95):6.0f} ms")
    ratio = np.percentile(times["read once"], 50) / np.percentile(times["text"], 50)
    print(f"read once / text, p50: {ratio:.2f}; answers that differ: {differ} of {len(questions)}")


if __name__ == "__main__":
    main()
