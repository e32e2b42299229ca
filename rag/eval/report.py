"""Evaluation outputs: report.json, report.md, PNG charts, and the comparison of two reports."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.eval.metrics import HEADLINE
from rag.eval.records import EvalReport

TABLE_METRICS = [
    "cases",
    "hits@4",
    "hits@10",
    "mrr@10",
    "map@10",
    "facts@10",
    "all_facts@10",
    "source_recall",
    "must_include",
    "answer_f1",
    "answer_contained",
    "reference_in_answer",
    "evidence_quoted",
    "all_evidence_quoted",
    "evidence_quoted_if_found",
    "all_evidence_quoted_if_all_found",
    "sentences_supported",
    "refusal_precision",
    "refusal_recall",
    "citations_valid",
    "sentences_cited",
    "case_pass",
    "retrieval_ms_p50",
    "retrieval_ms_p95",
    "total_ms_p50",
    "total_ms_p95",
]
LOWER_IS_BETTER = {"retrieval_ms_p50", "retrieval_ms_p95", "total_ms_p50", "total_ms_p95"}


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.3f}"
    return str(value)


def markdown_table(rows: dict[str, dict[str, Any]], metrics: list[str]) -> str:
    """A Markdown table: one row per group, one column per metric present."""
    present = [m for m in metrics if any(r.get(m) is not None for r in rows.values())]
    lines = ["| group | " + " | ".join(present) + " |", "|---" * (len(present) + 1) + "|"]
    for name, row in rows.items():
        lines.append(f"| {name} | " + " | ".join(_fmt(row.get(m)) for m in present) + " |")
    return "\n".join(lines)


def write_markdown(report: EvalReport, path: Path) -> None:
    """report.md: summary tables, charts and the failed cases."""
    s = report.summary
    failed = report.failed()
    parts = [
        "# Newsroom evaluation report",
        "",
        f"Answer mode: {s['config']['answer_mode']} · k = {s['config']['k']} · {s['overall']['cases']} cases",
        "",
        "## Overall",
        "",
        markdown_table({"all": s["overall"]}, TABLE_METRICS),
        "",
        "## By question type",
        "",
        markdown_table(s["by_type"], TABLE_METRICS),
        "",
    ]
    if s.get("by_tag"):
        parts += ["## By tag", "", markdown_table(s["by_tag"], TABLE_METRICS), ""]
    parts += [
        "## Charts",
        "",
        "![metrics by type](metrics_by_type.png)",
        "",
        "![latency](latency.png)",
        "",
        f"## Failed cases ({len(failed)})",
        "",
    ]
    for case in failed[:200]:
        why = case.error or "; ".join(case.failures) or "did not pass"
        parts.append(f"- **{case.id}** ({case.type}): {case.question} — {why}")
    if report.attribution:
        parts += ["", report.attribution]
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def write_charts(report: EvalReport, out: Path) -> list[Path]:
    """metrics_by_type.png and latency.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_type = report.summary["by_type"]
    metrics = [
        m
        for m in ("hits@4", "hits@10", "mrr@10", "map@10", "must_include", "case_pass")
        if any(g.get(m) is not None for g in by_type.values())
    ]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    width = 0.8 / max(1, len(by_type))
    for i, (name, group) in enumerate(by_type.items()):
        ax.bar([j + i * width for j in range(len(metrics))], [group.get(m) or 0 for m in metrics], width, label=name)
    ax.set_xticks([j + width * (len(by_type) - 1) / 2 for j in range(len(metrics))], metrics)
    ax.set_ylim(0, 1)
    ax.set_title("Metrics by question type")
    ax.legend(fontsize=8)
    fig.tight_layout()
    paths = [out / "metrics_by_type.png", out / "latency.png"]
    fig.savefig(paths[0], dpi=110)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(9, 4))
    for key, label in (("retrieval_ms", "retrieval"), ("total_ms", "total")):
        values = [c.timings[key] for c in report.cases if key in c.timings]
        if values:
            ax.hist(values, bins=40, alpha=0.6, label=label)
    ax.set_xlabel("milliseconds per question")
    ax.set_ylabel("questions")
    ax.set_title("Latency distribution")
    ax.legend()
    fig.tight_layout()
    fig.savefig(paths[1], dpi=110)
    plt.close(fig)
    return paths


def write_report(report: EvalReport, out: Path) -> list[Path]:
    """Write report.json, report.md and the charts into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    charts = write_charts(report, out)
    write_markdown(report, out / "report.md")
    return [out / "report.json", out / "report.md", *charts]


@dataclass(frozen=True)
class MetricChange:
    """How one headline metric moved between two reports."""

    metric: str
    before: float
    after: float
    verdict: str  # better, same, worse (within the tolerance, or any slower timing) or regression

    @property
    def delta(self) -> float:
        """after - before."""
        return self.after - self.before


def changes(a: dict[str, Any], b: dict[str, Any], tolerance: float = 0.02) -> list[MetricChange]:
    """Each headline metric (and the answer timings) present in both overall summaries: before, after and a
    verdict; a quality metric that drops by more than `tolerance` is a regression."""
    out = []
    for metric in [*HEADLINE, "total_ms_p50", "total_ms_p95"]:
        if a.get(metric) is None or b.get(metric) is None:
            continue
        before, after = float(a[metric]), float(b[metric])
        gain = before - after if metric in LOWER_IS_BETTER else after - before
        if abs(gain) < 1e-9:
            verdict = "same"
        elif gain > 0:
            verdict = "better"
        elif metric not in LOWER_IS_BETTER and -gain > tolerance:
            verdict = "regression"
        else:
            verdict = "worse"
        out.append(MetricChange(metric, before, after, verdict))
    return out


def compare(a: dict[str, Any], b: dict[str, Any], tolerance: float = 0.02) -> tuple[list[str], bool]:
    """Lines describing the change of each headline metric between two reports' overall summaries, and whether
    any dropped by more than `tolerance`."""
    found = changes(a, b, tolerance)
    lines = [
        f"{c.metric:<18} {_fmt(c.before):>8} -> {_fmt(c.after):>8}  ({c.delta:+.3f})"
        + ("  REGRESSION" if c.verdict == "regression" else "")
        for c in found
    ]
    return lines, any(c.verdict == "regression" for c in found)
