"""Chat helpers: escaping, highlighting, examples, export, feedback cases and upload checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rag.answer.base import Turn
from rag.errors import LoadError
from rag.eval.cases import load_cases
from rag.eval.feedback import feedback_case, save_feedback
from rag.ingest.uploads import check_upload, safe_name, save_upload
from rag.models import Answer, Citation, Passage
from rag.ui.render import (
    ChatMessage,
    answer_markdown,
    context_paragraphs,
    example_questions,
    export_markdown,
    highlight,
    md_escape,
)

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def cited_answer() -> Answer:
    passage = Passage(
        chunk_id="c",
        text="Shoigu said eight drones were used. None hit.",
        article_id="a1",
        title="Drones *hit* Moscow",
        outlet="FT",
        byline="Jane Doe",
        published_at="2023-05-30T08:00:00Z",
        url="https://ft.example/drones",
    )
    return Answer(
        text="Shoigu said eight drones were used. [1]",
        refused=False,
        citations=[Citation(n=1, passage=passage, quote="Shoigu said eight drones were used.")],
        question="q",
    )


def test_markdown_escaping_keeps_text_literal() -> None:
    assert md_escape("<b>$5 *bold* [x](y)</b>") == r"\<b\>\$5 \*bold\* \[x\]\(y\)\</b\>"
    assert answer_markdown("Eight drones [1]. Cost $5 [2].") == r"Eight drones [1]\. Cost \$5 [2]\."


def test_highlight_marks_the_cited_sentence() -> None:
    marked = highlight("First one. Shoigu said eight drones. Last.", "Shoigu said eight drones.")
    assert marked == r"First one\. :orange-background[Shoigu said eight drones\.] Last\."


def test_context_paragraphs_around_a_passage() -> None:
    body = "P one.\n\nP two.\n\nP three.\n\nP four."
    start = body.index("P three")
    assert context_paragraphs(body, start, start + 8) == (["P two."], ["P three."], ["P four."])


def test_example_questions_prefer_people_quoted_then_headlines() -> None:
    texts = [
        ("Moscow hit by drones", "In Moscow, mayor Sergei Sobyanin said two were hurt. Sergei Shoigu said eight."),
        ("Ports reopen after strike", "Nothing quotable here."),
    ]
    assert example_questions(texts) == [
        "What did Sergei Sobyanin say?",
        "What did Sergei Shoigu say?",
        "What does the archive report about “Moscow hit by drones”?",
    ]


def test_export_markdown_has_citations_quotes_and_links() -> None:
    messages = [
        ChatMessage("user", "How many drones?"),
        ChatMessage("assistant", "x", answer=cited_answer(), asked="How many drones?"),
    ]
    text = export_markdown(messages, NOW)
    assert text.startswith("# Newsroom conversation — 2026-11-26 09:30 UTC")
    assert "**You:** How many drones?" in text
    assert "1. [Drones \\*hit\\* Moscow](https://ft.example/drones) — FT, by Jane Doe, 2023\\-05\\-30" in text
    assert "   > Shoigu said eight drones were used\\." in text


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


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("notes.txt", b"\x89PNG\r\n\x1a\nrest", "PNG image"),
        ("report.txt", b"%PDF-1.7 ...", "PDF"),
        ("articles.json", b"this is not json", "not JSON"),
        ("articles.jsonl", b"{oops\n", "first line is not JSON"),
        ("page.html", b"just some words, no markup", "not an HTML page"),
        ("story.txt", b"<!doctype html><html><body><p>Hi</p></body></html>", "rename it to .html"),
        ("story.md", b'[{"title": "x", "body": "y"}]', "rename it to .json"),
        ("story.txt", "caf\xe9".encode("latin-1") + b" au lait", "not UTF-8"),
        ("story.exe", b"MZ...", "unsupported file type"),
        ("big.txt", b"x" * 2048, "limit is"),
    ],
)
def test_uploads_are_checked_by_content(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(LoadError, match=reason):
        check_upload(name, data, max_bytes=1024)


def test_good_uploads_are_saved_under_a_safe_name(tmp_path: Path) -> None:
    path = save_upload(tmp_path, "../../etc/My story?.md", b"# Title\n\nBody text here.", 1024)
    assert path == tmp_path / "My story_.md" and path.read_bytes().startswith(b"# Title")
    assert safe_name("..") == "upload.txt"
    check_upload("a.jsonl", b'{"title": "t", "body": "b"}\n', 1024)
    check_upload("a.html", b"<html><body><p>Text</p></body></html>", 1024)


def test_holdings_line_says_what_the_archive_holds() -> None:
    from rag.archive.store import ArchiveStats
    from rag.ui.chat import holdings_line

    stats = ArchiveStats(
        articles=609, outlets=["A", "B", "C", "D", "E"], first_date="2023-09-26", last_date="2023-12-25"
    )
    assert holdings_line(stats).startswith(
        "**609** articles in your archive from A, B, C and 2 more outlets, published 2023-09-26 to 2023-12-25. "
    )
    assert holdings_line(ArchiveStats(articles=1)).startswith("**1** article in your archive. Ask anything")
