"""Typed records of an evaluation: one case's result, and the whole report as written to report.json."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

Metrics = dict[str, float | None]


@dataclass
class CaseResult:
    """What one case produced: the answer, the ranked passages, metrics, timings, and why it failed."""

    id: str
    question: str
    type: str = "general"
    tags: list[str] = field(default_factory=list)
    expect: str = "answer"
    reference: str = ""
    answer: str = ""
    refused: bool | None = None
    citations: list[dict[str, Any]] = field(default_factory=list)
    passages: list[dict[str, Any]] = field(default_factory=list)
    metrics: Metrics = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    standalone_question: str = ""
    mode: str = ""
    notice: str = ""
    confidence: float | None = None
    support: float | None = None
    failures: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def passed(self) -> bool:
        """Whether the case passed."""
        return bool(self.metrics.get("case_pass"))

    def metric(self, name: str) -> float | None:
        """One metric (None when it does not apply to this case)."""
        return self.metrics.get(name)

    def to_json(self) -> dict[str, Any]:
        """The case as it is stored in report.json."""
        data = asdict(self)
        if not self.error:
            data.pop("error")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CaseResult:
        """A case read back from report.json (unknown keys are ignored, missing ones take defaults)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class EvalReport:
    """An evaluation: the summary (overall, by type, by tag, config) and every case."""

    summary: dict[str, Any]
    cases: list[CaseResult]
    attribution: str = ""

    @property
    def overall(self) -> dict[str, Any]:
        """The metrics over all cases."""
        return self.summary["overall"]  # type: ignore[no-any-return]

    def failed(self) -> list[CaseResult]:
        """The cases that did not pass, in order."""
        return [c for c in self.cases if not c.passed]

    def to_json(self) -> dict[str, Any]:
        """The report as report.json stores it."""
        data: dict[str, Any] = {"summary": self.summary, "cases": [c.to_json() for c in self.cases]}
        if self.attribution:
            data["attribution"] = self.attribution
        return data

    @classmethod
    def from_json(cls, data: Any) -> EvalReport | None:
        """A report from parsed report.json, or None when the data is not a report."""
        if not isinstance(data, dict) or not isinstance(data.get("summary"), dict):
            return None
        summary = data["summary"]
        if not isinstance(data.get("cases"), list) or not all(k in summary for k in ("overall", "by_type", "config")):
            return None
        if not all(isinstance(c, dict) for c in data["cases"]):
            return None
        try:
            cases = [CaseResult.from_json(c) for c in data["cases"]]
        except (TypeError, AttributeError):  # a case lacking its id or question, or of the wrong shape
            return None
        return cls(summary=data["summary"], cases=cases, attribution=str(data.get("attribution") or ""))
