"""`newsroom eval` end to end: cases -> (corpus store) -> engine -> report files, with progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rag.archive import Archive
from rag.chat import ChatEngine
from rag.config import Settings
from rag.errors import LoadError
from rag.eval_cases import load_cases
from rag.eval_metrics import HEADLINE
from rag.eval_report import compare, write_report
from rag.evaluate import prepare_corpus, run_eval
from rag.ingest import ensure_seeded

MULTIHOP_ATTRIBUTION = (
    'Data: MultiHop-RAG (Tang & Yang, 2024, "MultiHop-RAG: Benchmarking Retrieval-Augmented Generation for '
    'Multi-Hop Queries"), ODC-BY 1.0.'
)


def _read_report(path: str) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError) as exc:
        raise LoadError(f"cannot read the report ({exc})", where=path) from exc


def compare_reports(old: str, new: str, tolerance: float = 0.02) -> tuple[list[str], bool]:
    """Compare two report.json files."""
    return compare(_read_report(old), _read_report(new), tolerance)


def run_cli_eval(
    settings: Settings, cases_path: str, corpus: Sequence[str], out: Path, k: int, limit: int | None
) -> str:
    """Run an evaluation as the CLI does and return the closing summary text."""
    from tqdm import tqdm

    cases = load_cases(cases_path)[:limit]
    if corpus:
        bar = tqdm(total=0, unit="article", desc="Corpus", file=sys.stderr)

        def ingest_progress(done: int, total: int) -> None:
            bar.total, bar.n = total, done
            bar.refresh()

        settings, report = prepare_corpus(settings, out, corpus, ingest_progress)
        bar.close()
        print(report.summary(), file=sys.stderr)
    archive = Archive(settings)
    if not corpus:
        ensure_seeded(archive)
    engine = ChatEngine(settings, archive)
    bar = tqdm(total=len(cases), unit="case", desc="Evaluating", file=sys.stderr)

    def progress(done: int, total: int, hit_rate: float) -> None:
        bar.n = done
        bar.set_postfix_str(f"hit rate {hit_rate:.3f}")

    result = run_eval(engine, cases, k, progress)
    bar.close()
    if "multihop" in cases_path.lower() or any(c.id.startswith("mh-") for c in cases):
        result["attribution"] = MULTIHOP_ATTRIBUTION
    files = write_report(result, out)
    o = result["summary"]["overall"]
    shown = [name for name in HEADLINE if name not in ("answer_f1", "citations_valid")]
    figures = ", ".join(f"{name} {o[name]:.3f}" for name in shown if o.get(name) is not None)
    latency = f"latency p50 {o.get('total_ms_p50', 0):.0f} ms, p95 {o.get('total_ms_p95', 0):.0f} ms"
    return f"{o['cases']} cases: {figures}; {latency}\nWrote {', '.join(str(f) for f in files)}"
