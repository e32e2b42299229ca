"""Evaluation metrics: MultiHop-RAG retrieval metrics, answer, refusal, citation and latency figures."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from rag.answer.citations import answer_sentences, cited_share
from rag.answer.claims import claim_supported
from rag.eval.cases import EvalCase
from rag.eval.records import CaseResult, Metrics
from rag.ingest.metadata import normalise_url
from rag.ingest.text import split_sentences
from rag.models import Answer, Passage

HEADLINE = [
    "hits@4",
    "hits@10",
    "mrr@10",
    "map@10",
    "facts@10",
    "all_facts@10",
    "reference_in_answer",
    "evidence_quoted_if_found",
    "all_evidence_quoted_if_all_found",
    "must_include",
    "refusal_recall",
    "refusal_precision",
    "answer_f1",
    "citations_valid",
    "case_pass",
]


def squash(text: str) -> str:
    """Text without spaces and newlines (the benchmark's matching rule)."""
    return re.sub(r"\s+", "", text)


def retrieval_metrics(passages: Sequence[Passage], facts: Sequence[str]) -> dict[str, float]:
    """Hits@4, Hits@10, MRR@10, MAP@10 as defined by MultiHop-RAG (a passage is relevant if it holds a gold fact),
    and the share of gold facts in the top 10 and whether all of them are."""
    gold = [squash(f) for f in facts if f.strip()]
    found: set[int] = set()
    first_rank = 0
    ap = 0.0
    for rank, passage in enumerate(passages[:10], 1):
        text = squash(passage.text)
        new = {i for i, fact in enumerate(gold) if i not in found and fact in text}
        if any(fact in text for fact in gold) and not first_rank:
            first_rank = rank
        found |= new
        ap += len(new) / rank
    return {
        "hits@4": float(0 < first_rank <= 4),
        "hits@10": float(0 < first_rank <= 10),
        "mrr@10": 1.0 / first_rank if first_rank else 0.0,
        "map@10": ap / min(len(gold), 10) if gold else 0.0,
        "facts@10": len(found) / len(gold) if gold else 0.0,  # share of gold facts a top-10 passage holds
        "all_facts@10": float(bool(gold) and len(found) == len(gold)),  # every gold fact is in the top 10
    }


def source_recall(passages: Sequence[Passage], sources: Sequence[str]) -> float:
    """Share of expected articles (id, URL or headline) that appear among the passages."""
    if not sources:
        return 0.0
    seen = {p.article_id for p in passages} | {normalise_url(p.url) for p in passages if p.url}
    seen |= {p.title.strip().lower() for p in passages}
    return sum(1 for s in sources if {s, normalise_url(s), s.strip().lower()} & seen) / len(sources)


def normalise_answer(text: str) -> str:
    """SQuAD normalisation: lower case, no punctuation, articles or citation marks, single spaces."""
    text = re.sub(r"\[\d+\]", " ", text.lower())
    text = "".join(ch for ch in text if ch not in set(string.punctuation) | {"“", "”", "’", "‘"})
    return " ".join(w for w in text.split() if w not in ("a", "an", "the"))


def token_f1(prediction: str, reference: str) -> float:
    """Token-level F1 between normalised answer and reference."""
    pred, ref = normalise_answer(prediction).split(), normalise_answer(reference).split()
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or not common:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def citation_validity(raw: str, shown: int) -> float | None:
    """Share of [n] in the model's text that point at a shown passage (None when there are none)."""
    numbers = [int(n) for group in re.findall(r"\[(\d+(?:\s*,\s*\d+)*)\]", raw) for n in re.split(r"\s*,\s*", group)]
    if not numbers:
        return None
    return sum(1 for n in numbers if 1 <= n <= shown) / len(numbers)


YES_NO = frozenset("yes no true false agree disagree consistent inconsistent".split())


def quoted_sentences(answer: Answer) -> list[str]:
    """The sentences an answer quotes from its sources (its citations' quotes, split into sentences)."""
    return [s for c in answer.citations for s in split_sentences(c.quote) if s.strip()]


def evidence_metrics(facts: Sequence[str], answer: Answer, passages: Sequence[Passage]) -> Metrics:
    """How much of the gold evidence the answer quotes. A fact counts as quoted when a quoted sentence lies
    inside it or it lies inside a quoted sentence (whitespace ignored); `*_if_found` only count cases whose
    facts the retrieval found (at least one, or all of them)."""
    gold = [squash(f) for f in facts if f.strip()]
    if not gold:
        return {}
    quotes = [squash(q) for q in ([] if answer.refused else quoted_sentences(answer)) if len(squash(q)) >= 20]
    quoted = [any(q in fact or fact in q for q in quotes) for fact in gold]
    retrieved = [any(fact in squash(p.text) for p in passages[:10]) for fact in gold]
    m: Metrics = {"evidence_quoted": sum(quoted) / len(gold), "all_evidence_quoted": float(all(quoted))}
    if any(retrieved):
        m["evidence_quoted_if_found"] = float(any(q and r for q, r in zip(quoted, retrieved, strict=True)))
    if all(retrieved):
        m["all_evidence_quoted_if_all_found"] = float(all(quoted))
    return m


def supported_share(answer: Answer) -> float | None:
    """Share of the answer's sentences whose claim its cited passages support (None for a refusal)."""
    if answer.refused:
        return None
    sentences = answer_sentences(answer.text)
    if not sentences:
        return 0.0
    by_number = {c.n: c.passage for c in answer.citations}
    supported = 0
    for sentence in sentences:
        cited = [by_number[int(n)] for n in re.findall(r"\[(\d+)\]", sentence) if int(n) in by_number]
        supported += claim_supported(sentence, cited)
    return supported / len(sentences)


def case_metrics(case: EvalCase, answer: Answer, passages: Sequence[Passage]) -> Metrics:
    """Every per-case metric (None where it does not apply)."""
    m: Metrics = {}
    answerable = case.expect == "answer"
    if answerable and case.evidence:
        m.update(retrieval_metrics(passages, case.evidence))
        m.update(evidence_metrics(case.evidence, answer, passages))
    if answerable and case.sources:
        m["source_recall"] = source_recall(passages, case.sources)
    text = "" if answer.refused else answer.text
    if case.must_include:
        m["must_include"] = float(all(s.lower() in text.lower() for s in case.must_include))
    if answerable and case.answer:
        m["answer_em"] = float(normalise_answer(text) == normalise_answer(case.answer))
        m["answer_f1"] = token_f1(text, case.answer)
        m["answer_contained"] = float(
            bool(normalise_answer(case.answer)) and normalise_answer(case.answer) in normalise_answer(text)
        )
        if normalise_answer(case.answer) not in YES_NO:
            m["reference_in_answer"] = m["answer_contained"]
    m["refused"] = float(answer.refused)
    m["citations_valid"] = None if answer.refused else citation_validity(answer.raw_text or answer.text, len(passages))
    m["sentences_cited"] = None if answer.refused else cited_share(answer.text)
    m["sentences_supported"] = supported_share(answer)
    passed = (answer.refused == (case.expect == "refuse")) and m.get("must_include", 1.0) == 1.0
    if answerable and case.sources:
        passed = passed and (m.get("source_recall") or 0.0) > 0
    m["case_pass"] = float(passed)
    return m


def case_failures(case: EvalCase, answer: Answer, metrics: Metrics) -> list[str]:
    """Why a case did not pass, in words (empty when it passed)."""
    reasons = []
    if case.expect == "refuse" and not answer.refused:
        reasons.append("answered, but the archive should not support an answer")
    if case.expect == "answer" and answer.refused:
        reasons.append("refused, but the archive holds the answer")
    if metrics.get("must_include") == 0.0:
        missing = [s for s in case.must_include if s.lower() not in ("" if answer.refused else answer.text).lower()]
        reasons.append("answer lacks " + ", ".join(repr(m) for m in missing))
    if metrics.get("source_recall") == 0.0:
        reasons.append("none of the expected articles was retrieved")
    return reasons


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def summarise(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Averages of each metric, refusal precision/recall and latency percentiles over case results."""
    keys = sorted({k for r in results for k, v in r.metrics.items() if v is not None})
    out: dict[str, Any] = {"cases": len(results), "failed_to_run": sum(1 for r in results if r.error)}
    for key in keys:
        out[key] = _mean([v for r in results if (v := r.metric(key)) is not None])
    refused = [r for r in results if r.metric("refused")]
    should = [r for r in results if r.expect == "refuse"]
    hit = [r for r in refused if r.expect == "refuse"]
    out["refusal_precision"] = len(hit) / len(refused) if refused else None
    out["refusal_recall"] = len(hit) / len(should) if should else None
    out["false_refusals"] = sum(1 for r in refused if r.expect == "answer")
    out["false_answers"] = sum(1 for r in should if not r.metric("refused"))
    for timing in ("retrieval_ms", "total_ms"):
        values = [r.timings[timing] for r in results if timing in r.timings]
        if values:
            out[f"{timing}_p50"] = float(np.percentile(values, 50))
            out[f"{timing}_p95"] = float(np.percentile(values, 95))
    return out


def summarise_by(results: Sequence[CaseResult], key: str = "type") -> dict[str, dict[str, Any]]:
    """`summarise` per question type (key="type") or per tag (key="tags")."""
    groups: dict[str, list[CaseResult]] = {}
    for r in results:
        labels = r.tags if key == "tags" else [r.type]
        for label in labels:
            groups.setdefault(str(label), []).append(r)
    return {label: summarise(rs) for label, rs in sorted(groups.items())}
