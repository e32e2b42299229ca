"""Fit the offline answerer's support score (rag/answer/support.py) and print its refusal curve.

For every question of a question file (answerable and unanswerable ones, as `newsroom eval` reads them), the
retrieval runs once over an evaluation store; the five support signals are read from the same code the answerer
uses. A logistic regression (Newton's method, a little L2) is fitted twice on halves of the questions and scored on
the other half (held-out), then once on all of them: those are the coefficients to put in `COEFFICIENTS`.

    uv run python bench/support_fit.py STORE ../shared/data/multihop-rag/queries-dev.json

STORE is the `store-<hash>` folder a `newsroom eval --corpus` run left behind.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np

from rag.answer.support import COEFFICIENTS
from rag.config import load_settings
from rag.engine.core import open_engine
from rag.eval.cases import load_cases
from rag.eval.run import case_filters
from rag.retrieval.question import understand


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    """Logistic regression coefficients by Newton's method."""
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + l2 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        w -= np.linalg.solve(hessian, gradient)
    return w


def auc(score: np.ndarray, y: np.ndarray) -> float:
    """The chance that an answerable question scores above an unanswerable one."""
    pos, neg = score[y == 1], score[y == 0]
    return float(np.mean([(p > neg).mean() + 0.5 * (p == neg).mean() for p in pos]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    settings = replace(load_settings(env_file=None), data_dir=args.store, chroma_host=None)
    engine = open_engine(settings).engine
    quote = engine.quote
    rows, answerable, below, sources, names, every = [], [], [], [], [], []
    for case in load_cases(args.questions):
        passages = engine.retrieve(case.question, case_filters(case), args.k)
        understood = understand(case.question, engine.archive.outlets(), engine.archive.newest)
        scored = quote.score(case.question, passages)
        best = scored[0].score if scored else 0.0
        gaps = quote.gaps(understood, scored, passages)
        rows.append(quote.support(understood, best, passages).features())
        answerable.append(case.expect != "refuse")
        below.append(best < quote.threshold)
        sources.append(gaps.lacks_source)
        names.append(len(gaps.missing_names) >= 2 or gaps.lacks_names)
        every.append(gaps.lacks_names)
    x, y = np.array(rows), np.array(answerable, dtype=float)
    order = np.random.default_rng(0).permutation(len(y))
    a, b = order[: len(y) // 2], order[len(y) // 2 :]
    held = np.empty(len(y))
    held[b], held[a] = x[b] @ fit(x[a], y[a]), x[a] @ fit(x[b], y[b])
    probability = 1 / (1 + np.exp(-held))
    print(f"{len(y)} questions, {int(y.sum())} answerable; held-out AUC {auc(held, y):.3f}")
    print("coefficients (all questions):", ", ".join(f"{c:.2f}" for c in fit(x, y)), f"(in use: {COEFFICIENTS})")
    rule_sets = {
        "threshold + source rules + two or more names absent or every name": np.array(below)
        | np.array(sources)
        | np.array(names),
        "threshold + source rules": np.array(below) | np.array(sources),
        "threshold + source rules + every name absent": np.array(below) | np.array(sources) | np.array(every),
    }
    for label, other in rule_sets.items():
        print(f"\nrefused (held-out) with {label} and the support score below t:")
        print("     t | unanswerable refused | answerable refused")
        for t in (0.0, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9):
            refused = other | (probability < t)
            print(f"{t:6.2f} | {refused[y == 0].mean():20.3f} | {refused[y == 1].mean():.3f}")


if __name__ == "__main__":
    main()
