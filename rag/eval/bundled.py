"""The bundled evaluation: the seed article's questions (shipped with Newsroom) run on a store of the seed articles
of its own, so an editor can see the Evaluation page at work before writing any case, whatever their archive holds.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rag.config import Settings
from rag.engine import open_engine
from rag.eval.cases import load_cases
from rag.eval.records import EvalReport
from rag.eval.report import write_report
from rag.eval.run import CaseProgress, prepare_corpus, run_eval
from rag.resources import shipped_path

BUNDLED_FOLDER = "seed"  # under the evaluation folder (NEWSROOM_EVAL_DIR)


def run_bundled(
    settings: Settings, root: Path | None = None, progress: CaseProgress | None = None, k: int = 10
) -> tuple[Path, EvalReport]:
    """Run the seed questions in quote mode (no model is called) and write their report into `<root>/seed/`
    (`root`: the evaluation folder, `NEWSROOM_EVAL_DIR` by default); returns (report.json, report)."""
    out = (root or settings.eval_dir) / BUNDLED_FOLDER
    store_settings, _ = prepare_corpus(replace(settings, answer_mode="quote"), out, [shipped_path("seeds")])
    engine = open_engine(store_settings, seed=False).engine
    report = run_eval(engine, load_cases(shipped_path("seed_cases.jsonl")), k, progress)
    write_report(report, out)
    return out / "report.json", report
