"""The journalist dev set against the MultiHop-RAG corpus (when the benchmark data is beside the project): every
answerable case's evidence stands verbatim in one of its source articles."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import TESTS

CASES = TESTS / "eval" / "journalist_cases.jsonl"


def _records() -> list[dict[str, object]]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_answer_is_verbatim_in_its_article(bench_data: Path) -> None:
    corpus = {a["url"]: a for a in json.loads((bench_data / "corpus.json").read_text(encoding="utf-8"))}
    for r in _records():
        if r["expect"] != "answer":
            continue
        bodies = [corpus[str(url)]["body"] for url in r["sources"]]  # type: ignore[attr-defined]
        assert any(str(r["evidence"]) in body for body in bodies), r["id"]
