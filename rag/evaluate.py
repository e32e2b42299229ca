"""Run evaluation cases through the chat pipeline and record answers, passages, metrics and timings."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from rag.archive import Archive
from rag.chat import ChatEngine, Filters, Turn
from rag.config import Settings
from rag.errors import NewsroomError
from rag.eval_cases import EvalCase
from rag.eval_metrics import case_failures, case_metrics, summarise, summarise_by
from rag.ingest import IngestReport, ingest_paths
from rag.metadata import parse_date
from rag.models import Answer

CaseProgress = Callable[[int, int, float], None]


def corpus_data_dir(out: Path, corpus: Sequence[str | Path]) -> Path:
    """A store folder under `out` keyed by the corpus files (so a second run reuses it)."""
    parts = []
    for path in sorted(str(Path(p).resolve()) for p in corpus):
        stat = Path(path).stat()
        parts.append(f"{path}:{stat.st_size}:{int(stat.st_mtime)}")
    return out / f"store-{hashlib.sha256(chr(10).join(parts).encode()).hexdigest()[:12]}"


def prepare_corpus(
    settings: Settings, out: Path, corpus: Sequence[str | Path], progress: Any = None
) -> tuple[Settings, IngestReport]:
    """Ingest the corpus into its own store under `out` (unchanged articles are skipped)."""
    eval_settings = replace(settings, data_dir=corpus_data_dir(out, corpus), chroma_host=None)
    report = ingest_paths(Archive(eval_settings), corpus, progress, command="newsroom eval --corpus")
    return eval_settings, report


def case_filters(case: EvalCase) -> Filters:
    """The outlet/date filters a case asks for; `as_of` hides articles published after it."""
    until = parse_date(case.until) if case.until else None
    if case.as_of:
        as_of = parse_date(case.as_of)
        until = min(until, as_of) if until and as_of else as_of
    if until and case.until and len(case.until) <= 10:
        until += timedelta(days=1, seconds=-1)
    return Filters(outlets=list(case.outlet), since=parse_date(case.since) if case.since else None, until=until)


def run_case(engine: ChatEngine, case: EvalCase, k: int) -> dict[str, Any]:
    """One case through exactly the chat pipeline; any failure becomes a failed result."""
    result: dict[str, Any] = {
        "id": case.id,
        "question": case.question,
        "type": case.type,
        "tags": case.tags,
        "expect": case.expect,
        "reference": case.answer,
        "answer": "",
        "refused": None,
        "citations": [],
        "passages": [],
        "metrics": {},
        "timings": {},
    }
    started = time.perf_counter()
    try:
        history = [Turn(t["role"], t["content"]) for t in case.history]
        standalone = engine.standalone(case.question, history)
        t0 = time.perf_counter()
        passages = engine.retrieve(standalone, case_filters(case), k)
        t1 = time.perf_counter()
        answer: Answer = engine.answer_passages(standalone, passages, focus=case.question)
        t2 = time.perf_counter()
    except (NewsroomError, ValueError, RuntimeError, OSError) as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
        result["metrics"] = {"case_pass": 0.0}
        return result
    result.update(
        standalone_question=standalone,
        answer=answer.text,
        refused=answer.refused,
        mode=answer.mode,
        notice=answer.notice,
        confidence=answer.confidence,
        citations=[c.to_public() for c in answer.citations],
        passages=[p.to_public() for p in passages],
        metrics=(metrics := case_metrics(case, answer, passages)),
        failures=case_failures(case, answer, metrics),
        timings={
            "condense_ms": (t0 - started) * 1000,
            "retrieval_ms": (t1 - t0) * 1000,
            "answer_ms": (t2 - t1) * 1000,
            "total_ms": (t2 - started) * 1000,
        },
    )
    return result


def run_eval(
    engine: ChatEngine, cases: Sequence[EvalCase], k: int = 10, progress: CaseProgress | None = None
) -> dict[str, Any]:
    """All cases, then the summary overall, per question type and per tag.

    Args:
        engine: the same engine the chat uses (retriever, answerer, backend).
        cases: the cases to run.
        k: passages retrieved per question.
        progress: called with (cases done, total, running hit rate).
    """
    results: list[dict[str, Any]] = []
    for case in cases:
        results.append(run_case(engine, case, k))
        if progress:
            hits = [r["metrics"].get("hits@10", r["metrics"].get("case_pass", 0.0)) for r in results]
            progress(len(results), len(cases), sum(h or 0.0 for h in hits) / len(hits))
    return {
        "summary": {
            "overall": summarise(results),
            "by_type": summarise_by(results, "type"),
            "by_tag": summarise_by(results, "tags"),
            "config": {"k": k, "answer_mode": engine.mode_label, "collection": engine.archive.store.name},
        },
        "cases": results,
    }


def case_record(case: EvalCase) -> dict[str, Any]:
    """A case as a plain dict (for feedback files and reports)."""
    return {k: v for k, v in asdict(case).items() if v not in ("", [], None)}
