"""The Evaluation page, driven by AppTest over a real report written by `run_eval`."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import make_engine
from streamlit.testing.v1 import AppTest

from rag.archive.knowledge import Archive
from rag.config import Settings
from rag.eval.cases import EvalCase
from rag.eval.report import write_report
from rag.eval.run import run_eval


def test_evaluation_page_shows_tables_charts_and_failed_cases(
    seed_archive: Archive, settings: Settings, tmp_path: Path
) -> None:
    cases = [
        EvalCase(id="ok", question="How many drones did Sergei Shoigu say Ukraine used?", must_include=["eight"]),
        EvalCase(id="wrong-expectation", question="Who is the mayor of Moscow?", expect="refuse", type="null"),
    ]
    write_report(run_eval(make_engine(settings, seed_archive), cases, k=5), tmp_path / "runs" / "seed")
    script = (
        "import streamlit as st\nfrom pathlib import Path\nfrom rag.ui.evaluation import evaluation_page\n"
        f"evaluation_page(st, Path({str(tmp_path / 'runs')!r}))\n"
    )
    at = AppTest.from_string(script, default_timeout=60).run()
    assert not at.exception
    assert len(at.dataframe) == 1  # one metric per row, overall and each question type as columns: it fits
    assert list(at.dataframe[0].value.columns) == ["metric", "all questions", "general", "null"]
    assert "Failed cases (1 of 2)" in [h.value for h in at.subheader]
    assert any("wrong-expectation" in str(o) for sb in at.selectbox for o in sb.options)
    shown = " ".join(m.value for m in at.markdown)
    assert "Who is the mayor of Moscow?" in shown and "expected **refuse**" in shown
    assert len(at.expander) == 5  # the failed case's ranked passages
    # the picker shows the newest report; the path box is for another one, empty, with a matching example
    assert at.selectbox[0].label == "Report" and at.selectbox[0].value.endswith("report.json")
    assert at.text_input[0].value == "" and at.text_input[0].placeholder == "eval-runs/seed/report.json"
    cells = [str(v) for table in at.dataframe for v in table.value.to_numpy().ravel()]
    assert "None" not in cells and "nan" not in cells and "–" in cells  # metrics that do not apply show "–"
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # a native, interactive chart


def test_evaluation_page_without_reports_explains_how_to_make_one(tmp_path: Path) -> None:
    script = (
        "import streamlit as st\nfrom pathlib import Path\nfrom rag.ui.evaluation import evaluation_page\n"
        f"evaluation_page(st, Path({str(tmp_path / 'none')!r}))\n"
    )
    at = AppTest.from_string(script, default_timeout=30).run()
    assert not at.exception and "newsroom eval" in at.info[0].value


def test_evaluation_page_compares_two_reports_with_each_change_coloured(
    seed_archive: Archive, settings: Settings, tmp_path: Path
) -> None:
    cases = [EvalCase(id="ok", question="How many drones did Sergei Shoigu say Ukraine used?", must_include=["eight"])]
    write_report(run_eval(make_engine(settings, seed_archive), cases, k=5), tmp_path / "runs" / "before")
    data = json.loads((tmp_path / "runs" / "before" / "report.json").read_text())
    overall = data["summary"]["overall"]
    overall["must_include"] -= 0.5  # a regression the gate fails on
    overall["citations_valid"] = round(overall["citations_valid"] - 0.01, 6)  # worse, within the tolerance
    overall["total_ms_p50"] = overall["total_ms_p50"] / 2  # faster: better
    (tmp_path / "runs" / "after").mkdir()
    (tmp_path / "runs" / "after" / "report.json").write_text(json.dumps(data))
    os.utime(tmp_path / "runs" / "before" / "report.json", (1_000_000_000, 1_000_000_000))  # the older one
    script = (
        "import streamlit as st\nfrom pathlib import Path\nfrom rag.ui.evaluation import evaluation_page\n"
        f"evaluation_page(st, Path({str(tmp_path / 'runs')!r}))\n"
    )
    at = AppTest.from_string(script, default_timeout=60).run()
    assert at.selectbox[0].value.endswith("after/report.json")
    compare = at.selectbox(key="compare_with")
    assert compare.value == "(none)" and [o for o in compare.options if o != "(none)"] == [
        str(tmp_path / "runs" / "before" / "report.json")
    ]
    compare.select_index(1).run()
    assert not at.exception
    assert "Change from the earlier report" in [h.value for h in at.subheader]
    shown = "\n".join(m.value for m in at.markdown)
    assert "1 regressed" in shown and "the `--compare` gate fails" in shown
    rows = {line.split("|")[1].strip(): line for line in shown.splitlines() if line.startswith("| ")}
    assert ":red[−0.500 ▼ regression]" in rows["must\\_include"]
    assert ":orange[−0.010 ▼ worse]" in rows["citations\\_valid"]
    assert ":green[" in rows["total\\_ms\\_p50"] and "▲ better" in rows["total\\_ms\\_p50"]
    assert ":gray[+0.000 no change]" in rows["case\\_pass"]
