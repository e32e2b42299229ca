"""Conversation helpers the chat page needs but that hold no Streamlit code: examples, export, feedback, escaping."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.models import Answer, Citation, stable_id
from rag.text import paragraph_spans

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|$<>~:])")
_SPEAKER = re.compile(
    r"(?:(?:mayor|minister|secretary|president|spokesperson|chief|analyst|director|official)\s+)?"
    r"((?:[A-Z][a-zà-ÿ]+)(?:\s+[A-Z][a-zà-ÿ]+){1,2})\s*(?:,[^,]{1,60},\s*)?(?:said|says|wrote|told|claimed|warned)\b"
)
_FEEDBACK_LOCK = threading.Lock()


def md_escape(text: str) -> str:
    """Text shown literally by Markdown: no emphasis, links, HTML, math or headings from it."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def answer_markdown(text: str) -> str:
    """An answer's text for Markdown: escaped, but its [n] citations kept readable."""
    return re.sub(r"\\\[(\d+)\\\]", r"[\1]", md_escape(text))


def highlight(passage_text: str, quote: str) -> str:
    """The passage as Markdown with the quoted sentence(s) highlighted."""
    escaped = md_escape(passage_text)
    for sentence in sorted(
        {q.strip() for q in re.split(r"(?<=[.!?”\"])\s+", quote) if len(q.strip()) > 10}, key=len, reverse=True
    ):
        target = md_escape(sentence)
        if target in escaped:
            escaped = escaped.replace(target, f":orange-background[{target}]", 1)
    return escaped


def context_paragraphs(body: str, start: int, end: int, around: int = 1) -> tuple[list[str], list[str], list[str]]:
    """The paragraphs before, of, and after a passage at body[start:end] (`around` on each side)."""
    spans = paragraph_spans(body)
    inside = [i for i, (a, b) in enumerate(spans) if a < end and b > start]
    if not inside:
        return [], [body[start:end]], []
    first, last = inside[0], inside[-1]
    before = [body[a:b] for a, b in spans[max(0, first - around) : first]]
    after = [body[a:b] for a, b in spans[last + 1 : last + 1 + around]]
    return before, [body[a:b] for a, b in spans[first : last + 1]], after


def example_questions(texts: Iterable[tuple[str, str]], limit: int = 3) -> list[str]:
    """Questions drawn from the archive: people quoted in it first, then its headlines.

    Args:
        texts: (headline, passage text) pairs, newest articles first.
        limit: how many questions.
    """
    pairs = list(texts)
    questions: list[str] = []
    seen_titles: set[str] = set()
    for _, text in pairs:
        for name in _SPEAKER.findall(text):
            question = f"What did {name} say?"
            if question not in questions and not name.startswith(("The ", "A ", "In ", "But ")):
                questions.append(question)
    for title, _ in pairs:
        if len(questions) >= limit:
            break
        if title not in seen_titles:
            seen_titles.add(title)
            short = title if len(title) <= 70 else title[:67].rsplit(" ", 1)[0] + "…"
            questions.append(f"What does the archive report about “{short}”?")
    return questions[:limit]


def source_line(c: Citation) -> str:
    """One Markdown line describing a cited article."""
    p = c.passage
    title = md_escape(p.title)
    head = f"[{title}]({p.url})" if p.url else title
    meta = ", ".join(x for x in (p.outlet, p.byline and f"by {p.byline}", p.published_at[:10]) if x)
    return f"{c.n}. {head}" + (f" — {md_escape(meta)}" if meta else "")


def export_markdown(messages: Sequence[dict[str, Any]], now: datetime | None = None) -> str:
    """The conversation as a Markdown document with citations, quotes and links."""
    now = now or datetime.now(UTC)
    lines = [f"# Newsroom conversation — {now.strftime('%Y-%m-%d %H:%M UTC')}", ""]
    for message in messages:
        answer: Answer | None = message.get("answer")
        if message["role"] == "user":
            lines += [f"**You:** {md_escape(message['content'])}", ""]
            continue
        lines += [f"**Newsroom:** {answer_markdown(answer.text if answer else message['content'])}", ""]
        if answer and answer.question and message.get("asked") and answer.question != message["asked"]:
            lines += [f"_Searched as: {md_escape(answer.question)}_", ""]
        if answer and answer.citations:
            lines.append("Sources:")
            for c in answer.citations:
                lines.append(source_line(c))
                lines.append(f"   > {md_escape(c.quote or c.passage.text)}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def feedback_case(
    question: str, answer: Answer, history: Sequence[dict[str, str]], rating: str, now: datetime | None = None
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
        case["history"] = [{"role": t["role"], "content": t["content"]} for t in history]
    if rating == "up" and not answer.refused:
        case["answer"] = answer.text
        case["sources"] = sorted({c.passage.url or c.passage.article_id for c in answer.citations})
    return case


def save_feedback(path: Path, case: dict[str, Any]) -> None:
    """Append one feedback case to a JSONL file (created with its folder when missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _FEEDBACK_LOCK, path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(case, ensure_ascii=False) + "\n")
