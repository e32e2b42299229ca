"""How likely it is that the retrieved passages can answer a question at all: one calibrated probability from
the retrieval's evidence, which the offline answerer refuses below.

Four signals, each cheap and each meaningful on its own:
- the best sentence's score for the whole question (meaning and shared words, the refusal threshold's scale);
- the dense model's top similarity among the passages (how close in meaning the nearest passage is);
- how many of the names the question is about no retrieved passage mentions (counted up to three);
- whether the question relies on a source the archive does not carry.

They are combined by logistic regression (`bench/support_fit.py` fits the coefficients on the MultiHop-RAG dev
questions, answerable against unanswerable, and reports the held-out figures; the refusal curve is in
docs/lab/2026-answers-notebook.md). Every signal comes from what the reader was shown, never from the whole index,
so a refusal cannot depend on embargoed articles. The probability is calibrated on that benchmark's mix (one
question in nine unanswerable), so it ranks questions well on any archive but its exact value is a benchmark's
estimate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rag.models import Passage

# logistic regression, fitted by `bench/support_fit.py` on the MultiHop-RAG dev questions (1,330: 1,182 answerable,
# 148 not); order: best sentence, dense top, missing names (0-3), unknown source (0/1), intercept
COEFFICIENTS = (24.29, 3.27, -2.67, -7.31, -8.24)
REFUSE_BELOW = 0.75  # the offline answer refuses when the probability is lower (the refusal curve: docs/lab/)
MAX_MISSING = 3


@dataclass(frozen=True)
class Support:
    """The evidence for answering a question at all, and the probability it gives."""

    best_sentence: float
    dense_top: float
    missing_names: int
    unknown_source: bool

    def features(self) -> tuple[float, ...]:
        """The signals as the regression reads them (with a 1 for the intercept)."""
        missing = float(min(self.missing_names, MAX_MISSING))
        return (self.best_sentence, self.dense_top, missing, float(self.unknown_source), 1.0)

    @property
    def probability(self) -> float:
        """The calibrated probability that the passages answer the question."""
        z = sum(c * f for c, f in zip(COEFFICIENTS, self.features(), strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    @property
    def enough(self) -> bool:
        """Whether the evidence is strong enough to answer."""
        return self.probability >= REFUSE_BELOW


def dense_top(passages: Sequence[Passage]) -> float:
    """The best dense similarity among the passages (0 when retrieval recorded none)."""
    return max((p.dense_similarity for p in passages if p.dense_similarity is not None), default=0.0)
