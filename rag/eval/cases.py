"""Evaluation cases: our JSONL/YAML format, and the MultiHop-RAG query format recognised automatically."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rag.errors import LoadError


@dataclass
class EvalCase:
    """One scripted question with what a good answer and good retrieval look like."""

    id: str
    question: str
    answer: str = ""
    must_include: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    expect: str = "answer"
    history: list[dict[str, str]] = field(default_factory=list)
    as_of: str = ""
    outlet: list[str] = field(default_factory=list)
    since: str = ""
    until: str = ""
    type: str = "general"
    tags: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def case_from_record(record: dict[str, Any], index: int, where: str) -> EvalCase:
    """One case of our own format."""
    question = record.get("question")
    if not isinstance(question, str) or not question.strip():
        raise LoadError("a case needs a non-empty 'question'", where=f"{where} case {index}")
    expect = str(record.get("expect", "answer"))
    if expect not in ("answer", "refuse"):
        raise LoadError("'expect' must be answer or refuse", where=f"{where} case {index}")
    history = record.get("history") or []
    if not isinstance(history, list) or not all(isinstance(t, dict) and "content" in t for t in history):
        raise LoadError("'history' must be a list of {role, content} turns", where=f"{where} case {index}")
    return EvalCase(
        id=str(record.get("id") or f"case-{index}"),
        question=question.strip(),
        answer=str(record.get("answer") or ""),
        must_include=_as_list(record.get("must_include")),
        sources=_as_list(record.get("sources")),
        expect=expect,
        history=[{"role": str(t.get("role", "user")), "content": str(t["content"])} for t in history],
        as_of=str(record.get("as_of") or ""),
        outlet=_as_list(record.get("outlet")),
        since=str(record.get("since") or ""),
        until=str(record.get("until") or ""),
        type=str(record.get("type") or "general"),
        tags=_as_list(record.get("tags")),
        evidence=_as_list(record.get("evidence")),
    )


def case_from_multihop(record: dict[str, Any], index: int) -> EvalCase:
    """A MultiHop-RAG query: gold facts become evidence, null questions expect a refusal."""
    qtype = str(record.get("question_type", "general")).removesuffix("_query")
    evidence = record.get("evidence_list") or []
    is_null = qtype == "null" or not evidence
    return EvalCase(
        id=f"mh-{index:04d}",
        question=str(record["query"]),
        answer="" if is_null else str(record.get("answer", "")),
        sources=[str(e.get("url") or e.get("title")) for e in evidence],
        expect="refuse" if is_null else "answer",
        type=qtype,
        evidence=[str(e["fact"]) for e in evidence if e.get("fact")],
    )


def load_cases(path: str | Path) -> list[EvalCase]:
    """Read a case file (.jsonl, .json, .yaml/.yml); MultiHop-RAG files are detected by their fields."""
    path = Path(path)
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"cannot read the case file ({exc})", where=where) from exc
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            data = yaml.safe_load(text)
            records = data.get("cases", data) if isinstance(data, dict) else data
        elif path.suffix.lower() == ".jsonl":
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            records = json.loads(text)
    except RecursionError as exc:  # a case file is the user's own, but one nested absurdly deep is still a message
        raise LoadError("the case file is nested too deeply to be read", where=where) from exc
    except (ValueError, yaml.YAMLError) as exc:
        raise LoadError(f"the case file is not valid {path.suffix.lstrip('.').upper()} ({exc})", where=where) from exc
    if not isinstance(records, list) or not records:
        raise LoadError("the case file holds no list of cases", where=where)
    if all(isinstance(r, dict) and "query" in r and "evidence_list" in r for r in records):
        return [case_from_multihop(r, i) for i, r in enumerate(records, 1)]
    return [case_from_record(r if isinstance(r, dict) else {}, i, where) for i, r in enumerate(records, 1)]
