"""What the chat page shows, without Streamlit: escaping, highlighting, article context, examples, export."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from support import ANY_TEXT, cited_answer

from rag.ingest.text import strip_controls
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
    assert "- [1] [Drones \\*hit\\* Moscow](https://ft.example/drones) — FT, by Jane Doe, 2023-05-30" in text
    assert "\\[" not in text  # citation numbers read the same in the answer and in its sources
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
    assert text.count("[Drones \\*hit\\* Moscow]") == 1 and "- [1] [Drones" in text  # one number per article
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


# What Streamlit's Markdown rewrites inside one text node, after the escapes are gone (its bundled remark-gfm
# autolink literals, remark-emoji, and its own icon, logo and arrow plugins), a little stricter than the real thing.
REWRITTEN = {
    "link": re.compile(r"https?://|www\.", re.IGNORECASE),
    "e-mail link": re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+"),
    "emoji, icon or logo": re.compile(r":\+1:|:-1:|:[\w-]+:|:material_\w+:"),
    "arrow or dash": re.compile(r"(?:^|\s)(?:<->|->|<-|--|>=|<=|~=)(?:\s|$)"),
}
CUT = ":red[]"
HOSTILE_TEXT = (
    "see https://evil.example/x or HTTP://EVIL.EXAMPLE/Y or www.evil.example or write to tips@evil.example, "
    'mailto:a@evil.example, [x](https://evil.example/md) <a href="https://evil.example/a">a</a> '
    "<https://evil.example/angle> https://a.example/?u=http://b.example :smile: :+1: :material/home: :streamlit: "
    "a -> b -- c <= d at 10:30."
)


def text_nodes(markdown: str) -> list[str]:
    """The text nodes Streamlit's Markdown makes of md_escape's output: split at the empty directive, unescaped."""
    return [re.sub(r"\\(.)", r"\1", piece) for piece in markdown.split(CUT)]


def assert_inert(text: str, markdown: str) -> None:
    nodes = text_nodes(markdown)
    assert "".join(nodes) == strip_controls(text)  # the reader sees the text as it is, and copies it so
    assert ":material/" not in markdown  # Streamlit rewrites this in the source, before parsing
    for node in nodes:
        found = {what: m.group() for what, pattern in REWRITTEN.items() if (m := pattern.search(node))}
        assert not found, (node, found)


def test_bare_urls_and_e_mail_addresses_are_cut_where_streamlit_would_link_them() -> None:
    assert md_escape("see https://evil.example/x") == r"see https:red[]\://evil\.example/x"
    assert md_escape("www.evil.example") == r"www:red[]\.evil\.example"
    assert md_escape("write to tips@evil.example") == r"write to tips:red[]@evil\.example"
    assert md_escape(":smile: a -> b") == r"\::red[]smile\: a \-:red[]\> b"
    assert md_escape("Rates rose 0.25% at 10:30.") == r"Rates rose 0\.25% at 10\:30\."  # nothing cut needlessly
    assert_inert(HOSTILE_TEXT, md_escape(HOSTILE_TEXT))


_LINKY = st.sampled_from(
    [
        " ",
        *"https:// http:// HTTPS:// www. WWW. @ evil.example /x . : :: mailto: :+1: smile material material/".split(),
        *"material_ streamlit - -> <- -- <= >= ~= \\ [x]( ) <a href= _ *".split(),
    ]
)


@given(st.lists(st.one_of(_LINKY, ANY_TEXT), max_size=30).map("".join))
def test_no_text_becomes_a_link_an_emoji_or_an_arrow(text: str) -> None:
    assert_inert(text, md_escape(text))
    assert re.sub(r"\[(\d+)\]", r"\\[\1\\]", answer_markdown(text)) == md_escape(text)  # only [n] differs


def test_answers_and_highlights_keep_citations_and_marks_around_cut_urls() -> None:
    assert answer_markdown("Write to tips@evil.example [1].") == r"Write to tips:red[]@evil\.example [1]\."
    # "[1]" right before a cut would read as a link definition ("[1]:red[]...") and turn every [1] into a link
    for text in ("[1]://evil.example/x and [1].", "[1]@evil.example says [1].", "Fees rose.\n[2]://x.example [2]"):
        shown = answer_markdown(text)
        assert not re.search(r"^\s*\[\d+\]:", shown, re.MULTILINE), shown
    marked = highlight("First one. See www.evil.example now. Last.", "See www.evil.example now.")
    assert marked == r"First one\. :orange-background[See www:red[]\.evil\.example now\.] Last\."


def test_the_export_escapes_bare_web_addresses() -> None:
    assert plain_escape("see www.evil.example or WWW.EVIL.EXAMPLE") == "see www\\.evil.example or WWW\\.EVIL.EXAMPLE"
    assert plain_escape("awww.example and tips@paper.example") == "awww.example and tips@paper.example"
