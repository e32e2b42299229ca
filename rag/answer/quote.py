"""The offline answerer (the default): the most relevant verbatim sentences from the passages, each cited."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.answer.base import Turn, refusal, rule_condense
from rag.answer.citations import content_words
from rag.models import Answer, Citation, Passage

VECTOR_CACHE_SIZE = 50_000


@dataclass
class ScoredSentence:
    """A candidate sentence with its relevance to the question."""

    passage_rank: int
    text: str
    similarity: float
    overlap: float

    @property
    def score(self) -> float:
        """Combined relevance: meaning (embedding) and shared content words."""
        return 0.75 * self.similarity + 0.25 * self.overlap


class QuoteAnswerer:
    """Answers with up to `max_sentences` verbatim sentences, refusing when the best is below `threshold`."""

    mode = "quote"

    def __init__(self, embeddings: Embeddings, threshold: float = 0.36, max_sentences: int = 3) -> None:
        self.embeddings = embeddings
        self.threshold = threshold
        self.max_sentences = max_sentences
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def sentence_vectors(self, sentences: list[str]) -> np.ndarray:
        """Vectors of sentences, remembered (least recently used first out) since passages recur across questions."""
        with self._lock:
            known = {s: self._vectors[s] for s in sentences if s in self._vectors}
        missing = list(dict.fromkeys(s for s in sentences if s not in known))
        if missing:
            known.update(
                zip(missing, np.asarray(self.embeddings.embed_documents(missing), dtype=np.float32), strict=True)
            )
        with self._lock:  # one update under the lock: other threads' evictions never touch what this call returns
            for s in dict.fromkeys(sentences):
                self._vectors[s] = known[s]
                self._vectors.move_to_end(s)
            while len(self._vectors) > VECTOR_CACHE_SIZE:
                self._vectors.popitem(last=False)
        return np.stack([known[s] for s in sentences])

    def score(self, question: str, passages: list[Passage]) -> list[ScoredSentence]:
        """Every sentence of the passages, scored against the question (best first)."""
        candidates: list[tuple[int, str]] = []
        for rank, passage in enumerate(passages):
            seen = set()
            for sentence in passage.sentence_texts():
                if len(sentence) >= 20 and sentence not in seen:
                    seen.add(sentence)
                    candidates.append((rank, sentence))
        if not candidates:
            return []
        vectors = self.sentence_vectors([s for _, s in candidates])
        query = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        sims = vectors @ query / np.clip(np.linalg.norm(vectors, axis=1) * np.linalg.norm(query), 1e-9, None)
        words = content_words(question)
        scored = [
            ScoredSentence(rank, text, float(sim), len(words & content_words(text)) / max(1, len(words)))
            for (rank, text), sim in zip(candidates, sims, strict=True)
        ]
        return sorted(scored, key=lambda s: (-s.score, s.passage_rank))

    def answer(self, question: str, passages: list[Passage], focus: str | None = None) -> Answer:
        """Quote the best-supported sentences, or refuse.

        Args:
            question: the stand-alone question (recorded in the answer).
            passages: the retrieved passages, best first.
            focus: the user's own words; sentences are scored against them when given (they differ from
                `question` when a follow-up was rewritten by rule).
        """
        answer = self._quote(focus or question, passages)
        answer.question = question
        return answer

    def stream(self, question: str, passages: list[Passage], focus: str | None = None) -> Iterator[str | Answer]:
        """The whole answer at once (quoting is fast), then the `Answer`."""
        answer = self.answer(question, passages, focus)
        yield answer.text
        yield answer

    def condense(self, question: str, history: Sequence[Turn]) -> str:
        """Follow-ups are rewritten by rule (no model)."""
        return rule_condense(question, history)

    def _quote(self, question: str, passages: list[Passage]) -> Answer:
        scored = self.score(question, passages)
        if not scored or scored[0].score < self.threshold:
            answer = refusal(question, passages, self.mode)
            answer.confidence = scored[0].score if scored else 0.0
            return answer
        best = scored[0].score
        chosen = [s for s in scored if s.score >= max(self.threshold, best - 0.08)][: self.max_sentences]
        numbers: dict[int, int] = {}
        citations: list[Citation] = []
        parts = []
        for sentence in chosen:
            if sentence.passage_rank not in numbers:
                numbers[sentence.passage_rank] = len(numbers) + 1
                citations.append(Citation(n=numbers[sentence.passage_rank], passage=passages[sentence.passage_rank]))
            citation = citations[numbers[sentence.passage_rank] - 1]
            citation.quote = f"{citation.quote} {sentence.text}".strip()
            parts.append(f"{sentence.text} [{numbers[sentence.passage_rank]}]")
        return Answer(
            confidence=best,
            text="\n\n".join(parts),
            refused=False,
            citations=citations,
            passages=passages,
            mode=self.mode,
            question=question,
        )
