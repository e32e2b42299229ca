"""Article fields written by a hostile source stay inert on every face: the chat page (AppTest), the Evaluation
page, the Markdown export and the terminal. Real files, real Chroma, real model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, make_engine
from streamlit.testing.v1 import AppTest
from support import write_md

from rag.archive.knowledge import Archive
from rag.cli import print_answer
from rag.config import Settings, load_settings
from rag.eval.cases import EvalCase
from rag.eval.report import write_report
from rag.eval.run import run_eval
from rag.ingest.pipeline import ingest_paths
from rag.ui.render import ChatMessage, export_markdown, safe_url

IMAGE = "![a](http://evil.example/leak?q=1)"
HOSTILE = {
    "title": f"Harbour bridge reopens {IMAGE} <img src=x onerror=alert(1)>",
    "outlet": "Port\x1b]0;pwned\x07 Gazette\x1b[2J",
    "url": "https://gazette.example/bridge) ![b](http://evil.example/b)",
    "byline": "[click](javascript:alert(1))",
}
BODY = (
    "The harbour bridge reopened on Monday after a two-year refit, Mayor Alice Brennan said. "
    f"Engineers said the {IMAGE} cables were replaced."
)
QUESTION = "When did the harbour bridge reopen after the refit?"


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://gazette.example/a?b=1#c", "https://gazette.example/a?b=1#c"),
        ("http://gazette.example/a(b)", "http://gazette.example/a%28b%29"),
        ("https://gazette.example/x) ![b](http://evil.example/b)", ""),  # spaces: not one URL
        (
            "https://gazette.example/x)![b](http://evil.example/b)",
            "https://gazette.example/x%29!%5Bb%5D%28http://evil.example/b%29",
        ),
        ("javascript:alert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("//evil.example/x", ""),
        ("/relative/path", ""),
        ("https://", ""),
        ("https://gazette.example/\x1b[2J", ""),
    ],
)
def test_only_well_formed_web_urls_become_links(url: str, safe: str) -> None:
    assert safe_url(url) == safe


def _hostile_archive(archive: Archive, folder: Path) -> Archive:
    write_md(
        folder / "hostile.md",
        HOSTILE["title"],
        BODY,
        published_at="2024-03-04",
        **{k: v for k, v in HOSTILE.items() if k != "title"},
    )
    write_md(  # a short headline is quoted whole in an example question: the button must show it as text
        folder / "short.md",
        f"Toll {IMAGE}",
        "The harbour toll stays at four pounds, the board said.",
        published_at="2024-03-05",
    )
    assert ingest_paths(archive, [folder]).ok
    return archive


def _live_markup(text: str) -> bool:
    """Markdown or HTML that would render as an image, a link to the attacker or a tag (escaped characters,
    shown literally, are taken out first)."""
    live = re.sub(r"\\.", "", text)
    return any(m in live for m in ("![", "](http://evil", "<img", "](javascript", "\x1b", "\x07"))


def test_the_chat_page_shows_hostile_fields_as_text(tmp_path: Path) -> None:
    _hostile_archive(Archive(load_settings()), tmp_path / "articles")
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    labels = [b.label for b in at.button]
    assert any("Alice Brennan" in label for label in labels)  # example questions drawn from the hostile articles
    assert any("Toll" in label and "evil" in label for label in labels)  # the headline, whole
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception
    rendered = [m.value for m in at.markdown] + labels + [e.label for e in at.expander]
    rendered += [m.value for m in at.sidebar.markdown] + [s.label for s in at.status]
    assert any("reopened on Monday" in r for r in rendered)
    assert not [r for r in rendered if _live_markup(r)]
    assert not any("\x1b" in r or "\x07" in r for r in rendered)


def test_the_export_and_the_terminal_keep_hostile_fields_inert(
    archive: Archive, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = make_engine(settings, _hostile_archive(archive, tmp_path / "articles")).ask(QUESTION)
    assert not answer.refused and answer.citations
    exported = export_markdown([ChatMessage("assistant", "x", answer=answer, asked=QUESTION)])
    assert not _live_markup(exported) and "evil.example/b)" not in exported
    assert "[Harbour bridge reopens" not in exported  # the URL has spaces: the headline is no link
    print_answer(answer)
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err and "\x07" not in out.out + out.err
    assert "Port Gazette" in out.out and "pwned" not in out.out  # whole escape sequences go, the text stays
    assert answer.citations[0].passage.outlet == "Port Gazette"  # and ingest already dropped them


def test_the_evaluation_page_shows_hostile_fields_as_text(archive: Archive, settings: Settings, tmp_path: Path) -> None:
    engine = make_engine(settings, _hostile_archive(archive, tmp_path / "articles"))
    cases = [EvalCase(id="x", question=f"{QUESTION} {IMAGE}", expect="refuse", answer=IMAGE)]
    write_report(run_eval(engine, cases, k=3), tmp_path / "runs" / "hostile")
    script = (
        "import streamlit as st\nfrom pathlib import Path\nfrom rag.ui.evaluation import evaluation_page\n"
        f"evaluation_page(st, Path({str(tmp_path / 'runs')!r}))\n"
    )
    at = AppTest.from_string(script, default_timeout=60).run()
    assert not at.exception
    rendered = [m.value for m in at.markdown] + [e.label for e in at.expander] + [w.value for w in at.warning]
    assert any("Harbour bridge" in r for r in rendered)
    assert not [r for r in rendered if _live_markup(r)]
