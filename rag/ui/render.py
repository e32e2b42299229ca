"""What the chat page shows, without Streamlit code: safe Markdown, highlights, article context, examples, export."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from rag.engine import (
    Quote,
    Source,
    Turn,
    access_label,
    correction_label,
    named_entities,
    paragraph_spans,
    shown,
    sources,
    strip_controls,
)
from rag.models import Answer

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|$<>~:=])")
_SPEAKER = re.compile(
    r"(?:(?:mayor|minister|secretary|president|spokesperson|chief|analyst|director|official)\s+)?"
    r"((?:[A-Z][a-zà-ÿ]+)(?:\s+[A-Z][a-zà-ÿ]+){1,2})\s*(?:,[^,]{1,60},\s*)?(?:said|says|wrote|told|claimed|warned)\b"
)


@dataclass
class ChatMessage:
    """One message of the conversation on the page: the user's question, or an answer to `asked`."""

    role: str
    content: str
    answer: Answer | None = None
    asked: str = ""

    def turn(self) -> Turn:
        """The message as the answerers see it."""
        return Turn(self.role, self.content)


# Streamlit's Markdown (react-markdown with remark-gfm, and Streamlit's own plugins) rewrites text after it has
# been parsed, when the backslash escapes are already gone: remark-gfm's autolink literals turn `http://`,
# `https://`, `www.` and e-mail addresses in a text node into links; Streamlit turns `:smile:` into an emoji,
# `:material/name:` into an icon, `:streamlit:` into its logo and " -> ", " -- ", " <= " into arrows and dashes.
# No escape stops a rewrite of a text node, so the text is cut into separate nodes where one could start: between
# the two halves goes `:red[]`, the "null Markdown directive" Streamlit's documentation suggests, drawn as an
# empty <span>. The reader sees, and copies, the text as it is.
_CUTS = re.compile(
    r"(?=://)|(?<=www)(?=\.)|(?=@)"  # links: a scheme's "://", "www.", an e-mail address's "@"
    r"|(?<=:)(?=[\w+-][\w/+-]*:)|(?<=:material)(?=/)"  # shortcodes (emoji, icons, the logo)
    r"|(?<=<)(?=[-=])|(?<=-)(?=[->])|(?<=[>~])(?==)",  # "<-", "<=", "->", "--", ">=", "~="
    re.IGNORECASE,
)
_CUT = ":red[]"


def md_escape(text: str) -> str:
    """Text shown literally by Streamlit's Markdown: no emphasis, links (bare URLs and e-mail addresses
    included), HTML, math, headings, icons or typographic replacements from it, and no control characters."""
    return _CUT.join(_MD_SPECIAL.sub(r"\\\1", piece) for piece in _CUTS.split(strip_controls(text)))


def safe_url(url: str) -> str:
    """A URL that is safe to emit as a Markdown link target: a well-formed http(s) URL with a host, with the
    characters that could end the link or start markup percent-encoded; empty for anything else
    (`javascript:`, `data:`, relative paths, URLs with spaces or control characters)."""
    url = url.strip()
    if not url or any(c.isspace() or ord(c) < 32 or 127 <= ord(c) < 160 for c in url):
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host:
        return ""
    return quote(url, safe=":/?#&=%+@,;~!$*-._")


_PLAIN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_WWW = re.compile(r"(?<![a-z0-9])(www)\.", re.IGNORECASE)
_LINE_MARKER = re.compile(r"^([ \t]*)([#>+=-])", re.MULTILINE)
_LINE_NUMBER = re.compile(r"^([ \t]*\d+)([.)])", re.MULTILINE)


def plain_escape(text: str) -> str:
    """Text kept literal in a Markdown file that people also read as plain text (the export): only what could
    start markup is escaped (emphasis, code, links and images, HTML, tables, headings, lists, quotes, bare
    links: "https\\://", "www\\."), so "rates." and "2023-10-04" stay as they are; no control characters.

    A viewer that finds bare links after parsing (remark-gfm, and GitHub for e-mail addresses) still links them:
    no escape stops that in a file meant to be read as plain text too."""
    text = _WWW.sub(r"\1\\.", _PLAIN_SPECIAL.sub(r"\\\1", strip_controls(text)).replace("://", "\\://"))
    return _LINE_NUMBER.sub(r"\1\\\2", _LINE_MARKER.sub(r"\1\\\2", text))


def answer_markdown(text: str, span_at: tuple[int, int] | None = None) -> str:
    """An answer's text for Markdown: escaped, but its [n] citations kept readable (not one followed by a colon,
    which Markdown would read as a link definition: "[1]:" at the start of a line); the words that answer what
    was asked (at `span_at`, inside the first quote) highlighted, each piece escaped on its own."""
    if span_at is not None and 0 <= span_at[0] < span_at[1] <= len(text) and text[span_at[0] : span_at[1]].strip():
        start, end = span_at
        marked = f":orange-background[**{md_escape(text[start:end])}**]"
        escaped = f"{md_escape(text[:start])}{marked}{md_escape(text[end:])}"
    else:
        escaped = md_escape(text)
    return re.sub(r"\\\[(\d+)\\\](?!:)", r"[\1]", escaped)


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


def quote_markdown(quote: Quote) -> str:
    """A quoted stretch marked (highlighted and bold) between the sentences before and after it, all escaped."""
    marked = f":orange-background[**{md_escape(quote.text)}**]"
    return " ".join(x for x in (md_escape(quote.before), marked, md_escape(quote.after)) if x)


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


HEADLINE_QUESTION_CHARS = 60


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
        if title in seen_titles:
            continue
        seen_titles.add(title)
        if len(title) <= HEADLINE_QUESTION_CHARS:  # a short headline is quoted whole
            question = f"What does the archive report about “{title}”?"
        else:  # a long one by who or what it leads with, never a headline cut off with "…"
            names = [n for n in named_entities(title, sentence_starts=True) if len(n) <= 40 and len(n.split()) <= 4]
            if not names:
                continue
            question = f"What do the articles say about {names[0]}?"
        if question not in questions:
            questions.append(question)
    return questions[:limit]


def source_line(source: Source) -> str:
    """One Markdown line of the export describing a cited article, with its citation numbers."""
    p = source.passage
    title = plain_escape(p.title)
    url = safe_url(p.url)
    head = f"[{title}]({url})" if url else title
    meta = ", ".join(x for x in (p.outlet, p.byline and f"by {p.byline}", p.published_at[:10]) if x)
    # the citation numbers ("[1] [3]") are written as in the answer above them: numbers, nothing to escape
    line = f"- {source.label} {head}" + (f" — {plain_escape(meta)}" if meta else "")
    line += f" ({plain_escape(correction_label(p))})" if p.corrected_at else ""
    return line + (f" **{plain_escape(access.upper())}**" if (access := access_label(p)) else "")


def export_markdown(messages: Sequence[ChatMessage], now: datetime | None = None) -> str:
    """The conversation as a Markdown document with citations, quotes and links."""
    now = now or datetime.now(UTC)
    lines = [f"# Newsroom conversation — {now.strftime('%Y-%m-%d %H:%M UTC')}", ""]
    for message in messages:
        answer = message.answer
        if message.role == "user":
            lines += [f"**You:** {plain_escape(message.content)}", ""]
            continue
        text = re.sub(r"\\\[(\d+)\\\]", r"[\1]", plain_escape(shown(answer)[0] if answer else message.content))
        lines += [f"**Newsroom:** {text}", ""]
        if answer and answer.question and message.asked and answer.question != message.asked:
            lines += [f"_Searched as: {plain_escape(answer.question)}_", ""]
        if answer and answer.citations:
            lines.append("Sources:")
            for source in sources(answer.citations):
                lines.append(source_line(source))
                lines += [f"   > {plain_escape(' '.join(quote.split()))}" for _, quote in source.quotes]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
