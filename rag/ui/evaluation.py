"""The Evaluation page: open a `newsroom eval` report, see its tables and charts, browse failed cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rag.config import load_settings
from rag.errors import NewsroomError
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
    """Rows for st.dataframe, one per metric present and one column per group, so the table fits the page
    however many metrics there are ("–" where a metric does not apply to a group)."""
    present = [m for m in TABLE_METRICS if any(g.get(m) is not None for g in groups.values())]

    def shown(metric: str, value: Any) -> str:
        return f"{value:.1f}" if "_ms_" in metric and isinstance(value, (int, float)) else cell(value)

    return [{"metric": m, **{name: shown(m, g.get(m)) for name, g in groups.items()}} for m in present]


CHART_METRICS = ("hits@10", "mrr@10", "facts@10", "reference_in_answer", "evidence_quoted_if_found", "refused")


def chart_rows(groups: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """metric -> {group: value} for a native bar chart of the main metrics by question type."""
    return {
        m: {name: float(g[m]) for name, g in groups.items() if isinstance(g.get(m), (int, float))}
        for m in CHART_METRICS
        if any(isinstance(g.get(m), (int, float)) for g in groups.values())
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
        lines.append(f"| {md_escape(c.metric)} | {shown[0]} | {shown[1]} | {change_cell(c)} |")
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
    metrics = {k: round(v, 3) for k, v in case.metrics.items() if v is not None}
    st.caption(md_escape(" · ".join(f"{k} {v}" for k, v in metrics.items())))  # names from the report file
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
        st.info("No report yet. Run `uv run newsroom eval tests/eval/seed_cases.jsonl --out eval-runs/seed`.")
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
    st.subheader("Metrics, overall and by question type")
    rows = table_rows({"all questions": summary["overall"], **summary["by_type"]})
    st.dataframe(rows, hide_index=True, width="stretch", height=36 * (len(rows) + 1) + 2)  # no scrolling
    if bars := chart_rows(summary["by_type"]):
        st.bar_chart(bars, stack=False, width="stretch")
    failed = report.failed()
    st.subheader(f"Failed cases ({len(failed)} of {len(report.cases)})")
    if not failed:
        st.success("Every case passed.")
        return
    types = sorted({c.type for c in failed})
    kind = st.selectbox("Question type", ["all", *types])
    shown = [c for c in failed if kind == "all" or c.type == kind]
    labels = [f"{c.id}: {c.question[:100]}" for c in shown]
    picked = st.selectbox("Case", labels)
    if picked:
        render_case(st, shown[labels.index(picked)])
    if report.attribution:
        st.caption(md_escape(report.attribution))
