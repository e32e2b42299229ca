"""The Evaluation page: open a `newsroom eval` report (or run the bundled one from the page), read its figures in
plain words, compare two runs, and open any case: its question, answer, what was expected and the passages read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rag.config import load_settings
from rag.errors import NewsroomError
from rag.eval.bundled import run_bundled
from rag.eval.glossary import explanation, plain_name
from rag.eval.records import CaseResult, EvalReport
from rag.eval.report import TABLE_METRICS, MetricChange, changes
from rag.ui.render import md_escape


def find_reports(root: Path) -> list[Path]:
    """report.json files under a folder, newest first."""
    if not root.is_dir():
        return []
    return sorted(root.glob("**/report.json"), key=lambda p: p.stat().st_mtime, reverse=True)


def load_report(path: Path) -> EvalReport | None:
    """A report, or None when the file is not a readable report."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return EvalReport.from_json(data)


def cell(value: Any) -> str:
    """A table cell: metrics to three decimals, counts as whole numbers, "–" where a metric does not apply."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def table_rows(groups: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for st.dataframe, one per metric that some group has, in plain words with what it tells, and one column
    per group that has any figure beyond its count of questions ("–" where a metric does not apply to a group)."""
    present = [m for m in TABLE_METRICS if any(g.get(m) is not None for g in groups.values())]
    kept = {name: g for name, g in groups.items() if any(g.get(m) is not None for m in present if m != "cases")}

    def shown(metric: str, value: Any) -> str:
        return f"{value:.1f}" if "_ms_" in metric and isinstance(value, (int, float)) else cell(value)

    return [
        {
            "metric": plain_name(m),
            **{name: shown(m, g.get(m)) for name, g in kept.items()},
            "what it tells": explanation(m),
        }
        for m in present
        if any(g.get(m) is not None for g in kept.values())
    ]


CHART_METRICS = ("hits@10", "mrr@10", "facts@10", "must_include", "evidence_quoted_if_found", "case_pass")


def chart_spec(groups: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """A Vega-Lite bar chart of the main figures (each a share, on a 0-1 axis) by question type; None when there is
    nothing to draw."""
    values = [
        {"metric": plain_name(m), "type": name, "value": float(g[m])}
        for m in CHART_METRICS
        for name, g in groups.items()
        if isinstance(g.get(m), (int, float))
    ]
    if not values:
        return None
    return {
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "metric", "type": "nominal", "title": None, "sort": None, "axis": {"labelAngle": 0}},
            "xOffset": {"field": "type"},
            "y": {"field": "value", "type": "quantitative", "title": None, "scale": {"domain": [0, 1]}},
            "color": {"field": "type", "type": "nominal", "title": "question type", "legend": {"orient": "bottom"}},
            "tooltip": [{"field": "metric"}, {"field": "type"}, {"field": "value", "format": ".3f"}],
        },
    }


_MARKS = {
    "better": ("green", "▲ better"),
    "same": ("gray", "no change"),
    "worse": ("orange", "▼ worse"),
    "regression": ("red", "▼ regression"),
}


def _timing(metric: str) -> bool:
    return metric.endswith(("_ms_p50", "_ms_p95"))


def change_cell(change: MetricChange) -> str:
    """The change column of the comparison, coloured: green better, grey unchanged, orange worse within the
    tolerance (or slower), red a regression the `--compare` gate fails on."""
    colour, word = _MARKS[change.verdict]
    delta = f"{change.delta:+.1f}" if _timing(change.metric) else f"{change.delta:+.3f}"
    return f":{colour}[{delta.replace('-', '−')} {word}]"


def comparison_markdown(found: list[MetricChange]) -> str:
    """The `newsroom eval --compare` gate as a Markdown table (metric, before, after, coloured change)."""
    lines = ["| metric | before | after | change |", "|---|---:|---:|---|"]
    for c in found:
        shown = [f"{v:.1f} ms" if _timing(c.metric) else f"{v:.3f}" for v in (c.before, c.after)]
        lines.append(f"| {md_escape(plain_name(c.metric))} | {shown[0]} | {shown[1]} | {change_cell(c)} |")
    return "\n".join(lines)


def verdict_line(found: list[MetricChange], tolerance: float) -> str:
    """One sentence an editor reads first: how many metrics moved which way, and whether the gate passes."""
    counts = {v: sum(c.verdict == v for c in found) for v in _MARKS}
    text = f"{counts['better']} better, {counts['same']} unchanged, {counts['worse']} worse"
    if counts["regression"]:
        return f"{text}, **{counts['regression']} regressed** by more than {tolerance}: the `--compare` gate fails."
    return f"{text}; nothing dropped by more than {tolerance}: the `--compare` gate passes."


def render_comparison(st: Any, before: EvalReport, after: EvalReport, tolerance: float = 0.02) -> None:
    """The comparison of two reports' overall figures, with each metric's change coloured."""
    found = changes(before.summary["overall"], after.summary["overall"], tolerance)
    if not found:
        st.info("These two reports share no headline metric to compare.")
        return
    st.markdown(verdict_line(found, tolerance))
    st.markdown(comparison_markdown(found))


def render_case(st: Any, case: CaseResult) -> None:
    """One case: question, expected outcome, answer and the ranked passages."""
    st.markdown(f"**Question:** {md_escape(case.question)}")
    if case.standalone_question and case.standalone_question != case.question:
        st.caption(f"Searched as: {md_escape(case.standalone_question)}")
    reference = f" — reference: {md_escape(case.reference)}" if case.reference else ""
    st.markdown(f"expected **{md_escape(case.expect)}**{reference}")
    if case.error:
        st.error(md_escape(case.error))
        return
    for reason in case.failures:
        st.warning(md_escape(reason))
    st.markdown(f"**{'Refused' if case.refused else 'Answer'}:**")
    st.text(case.answer)
    metrics = {plain_name(k): round(v, 3) for k, v in case.metrics.items() if v is not None}
    st.caption(md_escape(" · ".join(f"{k} {v}" for k, v in metrics.items())))  # names may come from the report file
    for rank, p in enumerate(case.passages, 1):
        label = f"{rank}. {p['title'][:90]} — {p['outlet'] or 'Unknown outlet'}, {p['published_at'][:10] or 'undated'}"
        with st.expander(md_escape(label)):
            st.text(p["text"])


def evaluation_page(st: Any, root: Path | None = None) -> None:
    """Draw the Evaluation page over the reports under `root` (default: the `NEWSROOM_EVAL_DIR` setting)."""
    if root is None:
        try:
            root = load_settings().eval_dir
        except NewsroomError as exc:
            st.error(md_escape(str(exc)))
            return
    st.title("Evaluation")
    st.caption(f"Reports written by `newsroom eval CASES --out DIR`, found under {md_escape(str(root))}/.")
    reports = find_reports(root)
    options = [str(p) for p in reports]
    chosen = st.selectbox("Report", options, index=0) if options else None
    typed = st.text_input("Or open another report file", value="", placeholder="eval-runs/seed/report.json")
    path: Path | None = Path(typed) if typed else Path(chosen) if chosen else None
    if path is None:
        first_run(st, root)
        return
    report = load_report(path)
    if report is None:
        st.error(f"{md_escape(str(path))} is not a readable evaluation report.")
        return
    others = [o for o in options if Path(o).resolve() != path.resolve()]
    if others:
        baseline = st.selectbox("Compare with an earlier report", ["(none)", *others], key="compare_with")
        if baseline != "(none)":
            earlier = load_report(Path(baseline))
            st.subheader("Change from the earlier report")
            st.caption(f"before: {md_escape(baseline)} · after: {md_escape(str(path))}")
            if earlier is None:
                st.error(f"{md_escape(baseline)} is not a readable evaluation report.")
            else:
                render_comparison(st, earlier, report)
    summary = report.summary
    st.markdown(
        f"Answer mode: **{md_escape(str(summary['config']['answer_mode']))}** · "
        f"k = {md_escape(str(summary['config']['k']))} · {md_escape(str(summary['overall']['cases']))} cases"
    )
    st.subheader("Figures, overall and by question type")
    rows = table_rows({"all questions": summary["overall"], **summary["by_type"]})
    st.dataframe(rows, hide_index=True, width="stretch", height=36 * (len(rows) + 1) + 2)  # no scrolling
    if spec := chart_spec(summary["by_type"]):
        st.vega_lite_chart(spec, width="stretch")
    failed = report.failed()
    st.subheader("Cases")
    st.markdown(f"{len(report.cases) - len(failed)} of {len(report.cases)} passed.")
    if not failed:
        st.success("Every case passed.")
    which = st.radio("Show", ["failed cases", "all cases"], horizontal=True, index=0 if failed else 1)
    cases = failed if which == "failed cases" else report.cases
    types = sorted({c.type for c in cases})
    kind = st.selectbox("Question type", ["all", *types])
    shown = [c for c in cases if kind == "all" or c.type == kind]
    labels = [f"{'✗' if c in failed else '✓'} {c.id}: {c.question[:100]}" for c in shown]
    picked = st.selectbox("Case", labels) if labels else None
    if picked:
        render_case(st, shown[labels.index(picked)])
    if report.attribution:
        st.caption(md_escape(report.attribution))


def first_run(st: Any, root: Path) -> None:
    """No report yet: what the page shows, and the bundled evaluation (the seed's questions) run from here."""
    st.info(
        "No evaluation report yet. Run the seed article's questions now (in quote mode, about a minute; the "
        f"report and a store of the seed articles go under {md_escape(str(root))}/seed), or run your own cases "
        "with `newsroom eval CASES --out DIR`."
    )
    if not st.button("Run the bundled evaluation", type="primary"):
        return
    bar = st.progress(0.0, text="Preparing the seed articles…")

    def progress(done: int, total: int, hit_rate: float) -> None:
        bar.progress(done / total if total else 1.0, text=f"Question {done} of {total}")

    try:
        run_bundled(load_settings(), root, progress)
    except NewsroomError as exc:
        st.error(md_escape(str(exc)))
        return
    except OSError as exc:  # a folder it may not write to, a full disk
        st.error(md_escape(f"Could not write the evaluation under {root}: {exc.strerror or exc}."))
        return
    st.rerun()
