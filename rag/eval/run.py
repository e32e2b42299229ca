"""Run evaluation cases through the chat pipeline and record answers, passages, metrics and timings."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from rag.answer.base import Turn
from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.config import Settings
from rag.dates import day_bounds
from rag.engine.core import ChatEngine
from rag.eval.cases import EvalCase
from rag.eval.metrics import case_failures, case_metrics, summarise, summarise_by
from rag.eval.records import CaseResult, EvalReport
from rag.ingest.pipeline import IngestReport, Progress, ingest_paths

CaseProgress = Callable[[int, int, float], None]


def corpus_data_dir(out: Path, corpus: Sequence[str | Path]) -> Path:
    """A store folder under `out` keyed by the corpus files (so a second run reuses it)."""
    parts = []
    for path in sorted(str(Path(p).resolve()) for p in corpus):
        stat = Path(path).stat()
        parts.append(f"{path}:{stat.st_size}:{int(stat.st_mtime)}")
    return out / f"store-{hashlib.sha256(chr(10).join(parts).encode()).hexdigest()[:12]}"


def prepare_corpus(
    settings: Settings, out: Path, corpus: Sequence[str | Path], progress: Progress | None = None
) -> tuple[Settings, IngestReport]:
    """Ingest the corpus into its own store under `out` (unchanged articles are skipped)."""
    eval_settings = replace(settings, data_dir=corpus_data_dir(out, corpus), chroma_host=None)
    report = ingest_paths(Archive(eval_settings), corpus, progress, command="newsroom eval --corpus")
    return eval_settings, report


def case_filters(case: EvalCase) -> ArchiveFilter:
    """The outlet/date filters a case asks for; `as_of` hides articles published after it."""
    flt = ArchiveFilter.of(case.outlet, case.since or None, case.until or None)
    as_of = day_bounds(case.as_of, end=True, name="as_of") if case.as_of else None  # a bare day: its end
    if as_of is not None and (flt.until is None or as_of < flt.until):
        flt = replace(flt, until=as_of)
    return flt


def run_case(engine: ChatEngine, case: EvalCase, k: int) -> CaseResult:
    """One case through exactly the chat pipeline; any failure becomes a failed result, and the run goes on."""
    result = CaseResult(
        id=case.id,
        question=case.question,
        type=case.type,
        tags=case.tags,
        expect=case.expect,
        reference=case.answer,
    )
    try:
        history = [Turn(t["role"], t["content"]) for t in case.history]
        turn = engine.turn(case.question, history, case_filters(case), k)
        answer, passages = turn.answer, turn.passages
        metrics = case_metrics(case, answer, passages)
    except Exception as exc:  # an evaluation records any failure of one case and goes on with the next
        result.error = f"{type(exc).__name__}: {exc}"
        result.metrics = {"case_pass": 0.0}
        result.failures = [f"the case could not run ({result.error})"]
        return result
    result.standalone_question = turn.standalone
    result.answer = answer.text
    result.refused = answer.refused
    result.mode = answer.mode
    result.notice = answer.notice
    result.confidence = answer.confidence
    result.support = answer.support
    result.citations = [c.to_public() for c in answer.citations]
    result.passages = [p.to_public() for p in passages]
    result.metrics = metrics
    result.failures = case_failures(case, answer, metrics)
    result.timings = dict(turn.timings)
    return result


def run_eval(
    engine: ChatEngine, cases: Sequence[EvalCase], k: int = 10, progress: CaseProgress | None = None
) -> EvalReport:
    """All cases, then the summary overall, per question type and per tag.

    Args:
        engine: the same engine the chat uses (retriever, answerer, backend).
        cases: the cases to run.
        k: passages retrieved per question.
        progress: called with (cases done, total, running hit rate).
    """
    results: list[CaseResult] = []
    hits = 0.0
    for case in cases:
        result = run_case(engine, case, k)
        results.append(result)
        hit = result.metric("hits@10")
        hits += (hit if hit is not None else result.metric("case_pass")) or 0.0
        if progress:
            progress(len(results), len(cases), hits / len(results))
    summary = {
        "overall": summarise(results),
        "by_type": summarise_by(results, "type"),
        "by_tag": summarise_by(results, "tags"),
        "config": {"k": k, "answer_mode": engine.mode_label, "collection": engine.archive.store.name},
    }
    return EvalReport(summary=summary, cases=results)
