"""The journalist dev set (`tests/eval/journalist_cases.jsonl`): questions written by reading the MultiHop-RAG
corpus's articles, in a reporter's words, with near-misses verified absent by searches recorded in each case. Its
shape is checked everywhere; its evidence against the corpus when the benchmark data is beside the project."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import urlsplit

import pytest
from conftest import TESTS

from rag.eval.cases import load_cases

CASES = TESTS / "eval" / "journalist_cases.jsonl"
TYPES = {
    "person",
    "organisation",
    "place",
    "date",
    "number",
    "quantity",
    "money",
    "percentage",
    "quote",
    "yesno",
    "reason",
}


def _records() -> list[dict[str, object]]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_dev_set_has_every_form_many_outlets_and_verified_near_misses() -> None:
    records = _records()
    cases = load_cases(CASES)  # the eval reads it as it is
    assert len(cases) == len(records) >= 150
    assert len({c.id for c in cases}) == len(cases)
    answerable = [r for r in records if r["expect"] == "answer"]
    near = [r for r in records if r["expect"] == "refuse"]
    assert len(near) >= 50
    forms = Counter(str(r["type"]) for r in answerable)
    assert set(forms) <= TYPES and all(forms[t] >= 3 for t in ("person", "place", "date", "number", "money", "quote"))
    assert len({urlsplit(str(r["sources"][0])).netloc for r in answerable}) >= 25  # type: ignore[index]
    for r in answerable:
        evidence = str(r["evidence"]).lower()
        for wanted in r["must_include"]:  # type: ignore[attr-defined]
            assert wanted.lower() in evidence and wanted.lower() not in str(r["question"]).lower(), r["id"]
    for r in near:
        assert r["must_include"] == [] and "near-miss" in r["tags"]  # type: ignore[operator]
        assert "->" in str(r["note"]) or "→" in str(r["note"]), r["id"]  # each search with its count


@pytest.mark.parametrize("name", ["journalist_cases.jsonl", "journalist_dev_cases.jsonl", "seed_cases.jsonl"])
def test_case_files_load(name: str) -> None:
    assert load_cases(TESTS / "eval" / name)
