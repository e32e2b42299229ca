"""The Evaluation page, driven by AppTest over a real report written by `run_eval`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
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
    table = at.dataframe[0].value
    assert list(table.columns) == ["metric", "all questions", "general", "null", "what it tells"]
    metrics = list(table["metric"])
    assert "Answer holds the fact" in metrics and "must_include" not in metrics  # plain names, each explained
    assert all(table["what it tells"])
    assert "1 of 2 passed." in [m.value for m in at.markdown]
    assert at.radio[0].value == "failed cases"
    assert any("wrong-expectation" in str(o) for sb in at.selectbox for o in sb.options)
    shown = " ".join(m.value for m in at.markdown)
    assert "Who is the mayor of Moscow?" in shown and "expected **refuse**" in shown
    assert len(at.expander) == 5  # the failed case's ranked passages
    # the picker shows the newest report; the path box is for another one, empty, with a matching example
    assert at.selectbox[0].label == "Report" and at.selectbox[0].value.endswith("report.json")
    assert at.text_input[0].value == "" and at.text_input[0].placeholder == "eval-runs/seed/report.json"
    cells = [str(v) for table in at.dataframe for v in table.value.to_numpy().ravel()]
    assert "None" not in cells and "nan" not in cells and "–" in cells  # metrics that do not apply show "–"
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # a native, interactive chart
    spec = json.loads(charts[0].proto.spec)
    assert spec["encoding"]["y"]["scale"]["domain"] == [0, 1]  # shares drawn on a 0-1 axis
    at.radio[0].set_value("all cases").run()  # every case can be opened, the passing ones too
    assert any(o.startswith("✓ ok:") for o in at.selectbox[-1].options)


def test_evaluation_page_without_reports_runs_the_bundled_evaluation_from_the_page(
    tmp_path: Path, embeddings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSROOM_EVAL_DIR", str(tmp_path / "runs"))
    script = "import streamlit as st\nfrom rag.ui.evaluation import evaluation_page\nevaluation_page(st)\n"
    at = AppTest.from_string(script, default_timeout=300).run()
    assert not at.exception and "newsroom eval" in at.info[0].value
    at.button[0].click().run()  # runs the seed's questions on a store of the seed articles, then shows the report
    assert not at.exception
    assert (tmp_path / "runs" / "seed" / "report.json").is_file()
    assert at.selectbox[0].value.endswith("seed/report.json") and len(at.dataframe) == 1


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
    assert ":red[−0.500 ▼ regression]" in rows["Answer holds the fact"]  # plain names, as in the table
    assert ":orange[−0.010 ▼ worse]" in rows["Citations valid"]
    typical = "Question to answer, typical \\(ms\\)"
    assert ":green[" in rows[typical] and "▲ better" in rows[typical]
    assert ":gray[+0.000 no change]" in rows["Questions passed"]
