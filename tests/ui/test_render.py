"""What the chat page shows, without Streamlit: escaping, highlighting, article context, examples, export."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from support import cited_answer

from rag.models import Citation
from rag.ui.render import (
    ChatMessage,
    answer_markdown,
    context_paragraphs,
    example_questions,
    export_markdown,
    highlight,
    md_escape,
    plain_escape,
)

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


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
    assert "- \\[1\\] [Drones \\*hit\\* Moscow](https://ft.example/drones) — FT, by Jane Doe, 2023-05-30" in text
    assert "   > Shoigu said eight drones were used." in text  # readable as plain text: no needless escapes


def test_holdings_line_says_what_the_archive_holds() -> None:
    from rag.archive.store import ArchiveStats
    from rag.ui.chat import holdings_line

    stats = ArchiveStats(
        articles=609, outlets=["A", "B", "C", "D", "E"], first_date="2023-09-26", last_date="2023-12-25"
    )
    assert holdings_line(stats).startswith(
        "**609** articles in your archive from A, B, C and 2 more outlets, published 26 Sep 2023 to 25 Dec 2023. "
    )
    assert holdings_line(ArchiveStats(articles=1)).startswith("**1** article in your archive. Ask anything")


def test_export_lists_an_article_cited_twice_once_with_both_quotes() -> None:
    answer = cited_answer()
    first = answer.citations[0].passage
    second = replace(first, chunk_id="c2", text="None hit.", start=36, end=45)
    answer.citations.append(Citation(n=2, passage=second, quote="None hit."))
    text = export_markdown([ChatMessage("assistant", "x", answer=answer, asked="q")], NOW)
    assert text.count("[Drones \\*hit\\* Moscow]") == 1 and "- \\[1\\] \\[2\\] [Drones" in text
    assert "   > Shoigu said eight drones were used." in text and "   > None hit." in text


def test_example_questions_are_whole_short_questions_never_cut_off() -> None:
    long_title = (
        "Vladimir Putin has vowed to respond after Moscow was hit by a wave of drone attacks overnight, in the "
        "first strikes on residential areas of the Russian capital"
    )
    texts = [(long_title, "No one quoted."), ("Ports reopen after strike", "Nothing quotable here.")]
    questions = example_questions(texts)
    assert questions == [
        "What do the articles say about Vladimir Putin?",
        "What does the archive report about “Ports reopen after strike”?",
    ]
    assert not any("…" in q for q in questions) and all(len(q) <= 90 for q in questions)


def test_the_export_escapes_only_what_could_become_markup() -> None:
    text = "Rates rose 0.25% on 2023-10-04, to $A5.\n# not a heading\n1. not a list *nor bold* <b>x</b> [a](b)"
    escaped = plain_escape(text)
    assert escaped.splitlines()[0] == "Rates rose 0.25% on 2023-10-04, to $A5."
    assert escaped.splitlines()[1] == "\\# not a heading"
    assert escaped.splitlines()[2] == "1\\. not a list \\*nor bold\\* \\<b\\>x\\</b\\> \\[a\\](b)"
    assert plain_escape("see https://evil.example/x") == "see https\\://evil.example/x"  # no bare autolink
