"""Thumbs up/down from the chat, kept as evaluation cases (the format `newsroom eval` reads)."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.answer.base import Turn
from rag.models import Answer, stable_id

_FEEDBACK_LOCK = threading.Lock()


def feedback_case(
    question: str, answer: Answer, history: Sequence[Turn], rating: str, now: datetime | None = None
) -> dict[str, Any]:
    """A thumbs up/down turned into an evaluation case (the format `newsroom eval` reads)."""
    now = now or datetime.now(UTC)
    case: dict[str, Any] = {
        "id": f"feedback-{stable_id(question, now.isoformat(), length=10)}",
        "question": question,
        "expect": "refuse" if rating == "up" and answer.refused else "answer",
        "tags": ["feedback", f"thumbs-{rating}"],
        "feedback": rating,
        "given_answer": answer.text,
        "refused": answer.refused,
        "created_at": now.isoformat(),
    }
    if history:
        case["history"] = [{"role": t.role, "content": t.content} for t in history]
    if rating == "up" and not answer.refused:
        case["answer"] = answer.text
        case["sources"] = sorted({c.passage.url or c.passage.article_id for c in answer.citations})
    return case


def save_feedback(path: Path, case: dict[str, Any]) -> None:
    """Append one feedback case to a JSONL file (created with its folder when missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _FEEDBACK_LOCK, path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(case, ensure_ascii=False) + "\n")
