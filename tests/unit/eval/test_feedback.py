"""Thumbs up/down from the chat, kept as evaluation cases that `newsroom eval` reads back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from support import cited_answer

from rag.answer.base import Turn
from rag.eval.cases import load_cases
from rag.eval.feedback import feedback_case, save_feedback
from rag.models import Answer

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def test_feedback_becomes_an_eval_case(tmp_path: Path) -> None:
    path = tmp_path / "data" / "feedback.jsonl"
    history = [Turn("user", "What happened?"), Turn("assistant", "Drones [1].")]
    save_feedback(path, feedback_case("How many drones?", cited_answer(), history, "up", NOW))
    refused = Answer(text="The archive does not cover this.", refused=True)
    save_feedback(path, feedback_case("Who won?", refused, [], "down", NOW))
    up, down = load_cases(path)
    assert up.expect == "answer" and up.sources == ["https://ft.example/drones"] and "thumbs-up" in up.tags
    assert up.history == [{"role": t.role, "content": t.content} for t in history] and up.answer.startswith("Shoigu")
    assert down.expect == "answer" and down.answer == "" and "thumbs-down" in down.tags
    assert json.loads(path.read_text().splitlines()[1])["refused"] is True
