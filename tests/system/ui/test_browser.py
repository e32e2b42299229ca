"""End to end in a real browser: `streamlit run app.py` headless, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"  # untracked: what a failed run looked like
# The docs' screenshots are taken on purpose, never by a plain test run (which leaves tracked files alone):
#   NEWSROOM_SCREENSHOTS=docs/screenshots uv run pytest tests/system/ui/test_browser.py
SCREENSHOTS = Path(os.environ.get("NEWSROOM_SCREENSHOTS") or ARTIFACTS / "screenshots").resolve()

NO_CHAT_BOX = (
    "[data-testid='stBottom'], [data-testid='stHeader'] { display: none !important; }"  # they float over a long answer
)
pytestmark = [pytest.mark.slow, pytest.mark.browser]
if not CHROMIUM:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium for the browser test (.ci/run installs it).")
    pytestmark.append(pytest.mark.skip(reason="no chromium on this machine (apt-get install chromium)"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _add_articles(page: Any, *files: str) -> None:
    """Open "Add articles" in the sidebar, choose the files and add them to the archive."""
    from playwright.sync_api import expect

    expect(page.get_by_text("Add articles")).to_be_visible(timeout=90_000)
    page.get_by_text("Add articles").click()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(list(files))
    page.get_by_role("button", name="Add to the archive").click()


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """A real Streamlit server on a free port with a temp archive; stopped afterwards."""
    port = free_port()
    env = {**os.environ, "NEWSROOM_DATA_DIR": str(tmp_path / "data"), "NEWSROOM_EVAL_DIR": str(tmp_path / "eval-runs")}
    log = (tmp_path / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(PROJECT_ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "streamlit.log").read_text()) from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture
def page(app_url: str) -> Iterator[object]:
    """A headless Chromium page (Debian's browser, driven by Playwright), closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 1000})
        finally:
            browser.close()


def test_browser_asks_a_seed_question_and_sees_the_cited_answer(app_url: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(app_url, wait_until="domcontentloaded")
    box = page.get_by_test_id("stChatInputTextArea")
    expect(box).to_be_visible(timeout=90_000)
    expect(page.get_by_text("article in your archive")).to_be_visible(timeout=90_000)
    expect(page.get_by_text("covers up to 30 May 2023")).to_be_visible()  # the seed's sidecar metadata
    box.fill("How many drones did Sergei Shoigu say Ukraine used?")
    box.press("Enter")
    answer = page.get_by_test_id("stChatMessage").filter(has_text="eight drones").last
    expect(answer).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Sources", exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("[1] Putin vows to retaliate", exact=False).first).to_be_visible()
    expect(answer.get_by_text("Financial Times · 2023-05-30").first).to_be_visible()  # the source card
    expect(answer.locator("strong", has_text="eight").first).to_be_visible()  # the answer, highlighted in its quote
    expect(page.get_by_text("Show in the article").first).to_be_visible()
    expect(answer.get_by_text("When the cited articles appeared: [1] 30 May 2023").first).to_be_visible()
    # one number for the one article however many of its passages are quoted; each quote marked, with a sentence
    # of context either side instead of the whole passage
    words = answer.inner_text().split("Sources")[0]  # the answer above its source cards
    assert "[1]" in words and "[2]" not in words, words
    expect(answer.locator("strong").filter(has_text="Shoigu said Ukraine had used eight drones").first).to_be_visible()
    card = answer.inner_text().split("Sources", 1)[1].split("Show in the article")[0]
    assert card.count("[1]") == 1 and "[2]" not in card and "Pantsir" in card, card  # the next sentence, as context
    expect(page.get_by_test_id("stStatusWidget").or_(page.get_by_text("Searched the archive:")).first).to_be_visible()
    # the chat box keeps the focus after an answer: its border is the theme's blue, not the red of an error
    page.wait_for_timeout(500)
    border = page.get_by_test_id("stChatInput").evaluate(
        "el => [el, ...el.querySelectorAll('*')].map(e => getComputedStyle(e).borderTopColor)"
    )
    assert "rgb(255, 75, 75)" not in border and "rgb(31, 95, 153)" in border, border
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat-answer.png"), full_page=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    answer.screenshot(path=str(SCREENSHOTS / "seed-answer.png"), style=NO_CHAT_BOX)
    assert (SCREENSHOTS / "seed-answer.png").stat().st_size > 10_000
    # the seed reports injuries in Moscow and a death in Kyiv, no deaths from the strikes on Moscow: a near-miss
    box.fill("How many people died in the strikes?")
    box.press("Enter")
    refusal = page.get_by_test_id("stChatMessage").filter(has_text="none of the articles found gives how many people")
    expect(refusal.last).to_be_visible(timeout=90_000)
    expect(refusal.last).to_contain_text("The archive has “Putin vows to retaliate")
    expect(refusal.last).not_to_contain_text("suffered minor injuries")


STORY = [  # a story that develops over six weeks in three outlets
    (
        "2024-01-08",
        "Port Gazette",
        "Harbour bridge to close for a two-year refit",
        "The harbour bridge will close on 15 January for a two-year refit, the city council said on Monday.",
    ),
    (
        "2024-01-10",
        "Coast Courier",
        "Ferry operators add crossings as bridge closes",
        "Two ferry operators will add early crossings while the harbour bridge is closed, the port authority said.",
    ),
    (
        "2024-01-15",
        "Port Gazette",
        "Harbour bridge closes to traffic",
        "The harbour bridge closed to traffic at six on Monday morning, and the first barriers went up at noon.",
    ),
    (
        "2024-01-17",
        "Daily Tide",
        "Shopkeepers fear lost trade during bridge refit",
        "Shopkeepers on the north quay said trade fell by a third in the first days after the bridge closed.",
    ),
    (
        "2024-01-24",
        "Coast Courier",
        "Council publishes refit budget",
        "The council said the refit of the harbour bridge will cost 40 million euros, paid from the roads budget.",
    ),
    (
        "2024-01-30",
        "Daily Tide",
        "Refit cost questioned by opposition",
        "Opposition councillors questioned the 40 million euro cost of the refit at Tuesday's meeting.",
    ),
    (
        "2024-02-06",
        "Port Gazette",
        "Divers inspect bridge piers",
        "Divers inspected the six piers of the harbour bridge and found corrosion on two of them, engineers said.",
    ),
    (
        "2024-02-14",
        "Coast Courier",
        "Refit schedule holds, engineers say",
        "Engineers said the refit of the harbour bridge remains on schedule despite the corrosion found on two piers.",
    ),
]


def test_browser_timelines_show_the_archive_by_week_and_when_cited_articles_appeared(
    app_url: str, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    story = tmp_path / "harbour-story.jsonl"
    story.write_text(
        "\n".join(
            json.dumps({"published_at": day, "source": outlet, "title": title, "body": body})
            for day, outlet, title, body in STORY
        )
        + "\n"
    )
    page.goto(app_url, wait_until="domcontentloaded")
    _add_articles(page, str(story))
    expect(page.get_by_role("cell", name="8 added", exact=True).first).to_be_visible(timeout=90_000)
    expect(page.get_by_text("covers up to 14 Feb 2024").first).to_be_visible()  # the newest date stays in view
    expect(page.get_by_text("The archive at a glance")).to_be_visible()
    chart = page.get_by_test_id("stMainBlockContainer").get_by_test_id("stVegaLiteChart").first
    expect(chart).to_be_visible(timeout=30_000)
    page.wait_for_timeout(1500)  # the chart draws after it appears
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_test_id("stMainBlockContainer").screenshot(path=str(SCREENSHOTS / "archive-timeline.png"))
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("How has the harbour bridge refit gone so far?")
    box.press("Enter")
    answer = page.get_by_test_id("stChatMessage").filter(has_text="When the cited articles appeared").last
    expect(answer).to_be_visible(timeout=90_000)
    caption = answer.get_by_text("When the cited articles appeared").inner_text()
    assert "[1]" in caption and "[2]" in caption and "older than the archive's newest article" not in caption
    expect(answer.get_by_test_id("stVegaLiteChart")).to_be_visible()
    page.wait_for_timeout(1500)
    answer.screenshot(path=str(SCREENSHOTS / "answer-timeline.png"), style=NO_CHAT_BOX)
    assert (SCREENSHOTS / "answer-timeline.png").stat().st_size > 10_000


def test_browser_evaluation_page_compares_two_reports(app_url: str, page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from rag.config import load_settings
    from rag.engine.core import open_engine
    from rag.eval.cases import load_cases
    from rag.eval.report import write_report
    from rag.eval.run import run_eval

    settings = load_settings(env_file=None).with_data_dir(tmp_path / "eval-data")
    cases = load_cases(PROJECT_ROOT / "tests" / "eval" / "seed_cases.jsonl")
    write_report(run_eval(open_engine(settings).engine, cases, k=8), tmp_path / "eval-runs" / "after")
    data = json.loads((tmp_path / "eval-runs" / "after" / "report.json").read_text())
    overall = data["summary"]["overall"]  # an earlier run, as it would have read: weaker on two metrics
    overall["must_include"] = round(overall["must_include"] - 0.12, 3)
    overall["refusal_recall"] = round(overall["refusal_recall"] - 0.01, 3)
    (tmp_path / "eval-runs" / "before").mkdir(parents=True)
    (tmp_path / "eval-runs" / "before" / "report.json").write_text(json.dumps(data))
    os.utime(tmp_path / "eval-runs" / "before" / "report.json", (1_000_000_000, 1_000_000_000))
    page.goto(f"{app_url}/evaluation", wait_until="domcontentloaded")
    expect(page.get_by_text("Compare with an earlier report")).to_be_visible(timeout=90_000)
    page.get_by_test_id("stSelectbox").filter(has_text="Compare with an earlier report").click()
    page.get_by_role("option", name=str(tmp_path / "eval-runs" / "before" / "report.json")).click()
    expect(page.get_by_text("Change from the earlier report")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("+0.120 ▲ better").first).to_be_visible()
    expect(page.get_by_text("the --compare gate passes", exact=False).first).to_be_visible()
    expect(page.get_by_text("Every case passed.")).to_be_visible(timeout=30_000)  # the whole page is drawn
    page.wait_for_timeout(1500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_test_id("stMainBlockContainer").screenshot(path=str(SCREENSHOTS / "eval-comparison.png"))
    page.set_viewport_size({"width": 1280, "height": 2800})  # the whole page, tables and chart included
    page.wait_for_timeout(1500)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "evaluation-page.png"))
    assert (SCREENSHOTS / "eval-comparison.png").stat().st_size > 10_000


def test_browser_upload_adds_an_article_that_can_then_be_asked_about(app_url: str, page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    article = tmp_path / "bridge.md"
    article.write_text(
        "---\ntitle: Harbour bridge reopens\noutlet: Port Gazette\npublished_at: 2024-03-04\n"
        "url: https://gazette.example/bridge\n---\n\nThe harbour bridge reopened on Monday after a two-year refit "
        "costing 40 million euros, the city council said.\n"
    )
    page.goto(app_url, wait_until="domcontentloaded")
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"%PDF-1.7 not an article")
    _add_articles(page, str(article), str(bad))
    expect(page.get_by_role("cell", name="1 added", exact=True).first).to_be_visible(timeout=90_000)
    expect(page.get_by_role("cell", name="refused", exact=True).first).to_be_visible()
    # the reason in a column of its own, whole (wrapped, never clipped), and the upload summed up in plain words
    reason = page.get_by_role("cell", name="the content is a PDF, not .txt text", exact=True).first
    expect(reason).to_be_visible()
    assert reason.evaluate("cell => cell.scrollWidth <= cell.clientWidth + 1"), "the reason is clipped"
    expect(page.get_by_text("1 article added · 1 file refused", exact=True)).to_be_visible()
    assert str(tmp_path) not in page.get_by_test_id("stSidebar").inner_text()  # no server path in the report
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_test_id("stSidebar").screenshot(path=str(SCREENSHOTS / "upload-report.png"))
    expect(page.get_by_text("2** article", exact=False).or_(page.get_by_text("2 articles from")).first).to_be_visible()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("How much did the harbour bridge refit cost?")
    box.press("Enter")
    expect(page.get_by_test_id("stChatMessage").filter(has_text="40 million euros").last).to_be_visible(timeout=90_000)
    expect(page.get_by_text("[1] Harbour bridge reopens")).to_be_visible()


def test_browser_a_deeply_nested_upload_is_refused_and_the_good_file_ingests(
    app_url: str, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    good = tmp_path / "good.md"
    good.write_text(
        "---\ntitle: Ferry fares hold\noutlet: Port Gazette\npublished_at: 2024-03-04\n---\n\nFerry fares stay at "
        "two pounds this summer, the council said on Friday.\n"
    )
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 10_000 + "]" * 10_000)
    page.goto(app_url, wait_until="domcontentloaded")
    _add_articles(page, str(good), str(deep))
    expect(page.get_by_role("cell", name="1 added", exact=True).first).to_be_visible(timeout=90_000)
    expect(page.get_by_role("cell").filter(has_text="nested more than 64 levels deep").first).to_be_visible()
    assert "RecursionError" not in page.content() and "Something went wrong" not in page.content()


def test_browser_a_hostile_article_runs_no_script_and_sends_no_request_elsewhere(
    app_url: str, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    hosts: set[str] = set()
    dialogs: list[str] = []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    leak = "![a](http://evil.example/leak.png)"
    fields = {
        "title": f"Harbour bridge reopens {leak} <img src=x onerror=alert(1)>",
        "outlet": "Port Gazette <script>alert(2)</script>",
        "published_at": "2024-03-04",
        "url": "https://gazette.example/bridge)![b](http://evil.example/b.png)",
    }
    article = tmp_path / "hostile.md"
    front = "\n".join(f"{k}: {json.dumps(v)}" for k, v in fields.items())
    article.write_text(
        f"---\n{front}\n---\n\nThe harbour bridge reopened on Monday after a two-year refit costing 40 million "
        f"euros, the city council said. {leak} <script>alert(3)</script>\n"
    )
    page.goto(app_url, wait_until="domcontentloaded")
    _add_articles(page, str(article))
    expect(page.get_by_role("cell", name="1 added", exact=True).first).to_be_visible(timeout=90_000)
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("How much did the harbour bridge refit cost?")
    box.press("Enter")
    expect(page.get_by_test_id("stChatMessage").filter(has_text="40 million euros").last).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Show in the article").first).to_be_visible()
    page.get_by_text("Show in the article").first.click()
    page.wait_for_timeout(1500)
    assert "<img src=x" in page.content() or "&lt;img src=x" in page.content()  # shown as text
    assert not dialogs  # no script ran
    assert hosts <= {"127.0.0.1"}, hosts  # nothing was fetched from any other host


# Every <a> the page ever holds, recorded as it is added or changed (streamed answers included), with where it is:
# Streamlit's page navigation, a heading's own anchor, content (the page and the sidebar: anything drawn from
# article, model or report text), Streamlit's frame around them ("Skip to main content"), or gone already.
RECORD_LINKS = """
window.__links = [];
const note = (a) => window.__links.push({
  href: a.getAttribute('href'),
  text: a.textContent.slice(0, 80),
  where: !a.isConnected ? 'gone'
    : a.closest('[data-testid=stSidebarNav]') ? 'nav'
    : a.closest('[data-testid=stHeaderActionElements]') ? 'heading'
    : a.closest('[data-testid=stMainBlockContainer], [data-testid=stSidebar]') ? 'content' : 'frame',
});
new MutationObserver((changes) => {
  for (const change of changes) {
    if (change.type === 'attributes' && change.target.tagName === 'A') note(change.target);
    for (const node of change.addedNodes) {
      if (node.nodeType !== 1) continue;
      if (node.tagName === 'A') note(node);
      node.querySelectorAll('a').forEach(note);
    }
  }
}).observe(document, {childList: true, subtree: true, attributes: true, attributeFilter: ['href']});
"""
BARE_LINKS = (  # as an article from the open web may write them; none may become a link
    "https://evil.example/x",
    "HTTP://EVIL.EXAMPLE/Y",
    "www.evil.example",
    "tips@evil.example",
    "mailto:desk@evil.example",
    "[x](https://evil.example/md)",
    '<a href="https://evil.example/a">a</a>',
    "<https://evil.example/angle>",
)


def stray_links(page: Any, app_url: str, allowed: set[str]) -> list[dict[str, str]]:
    """The links ever on the page that are neither Streamlit's own (its page navigation, heading anchors, links
    within the page in its frame, or such a link re-drawn before it was seen) nor in `allowed`."""
    return [
        link
        for link in page.evaluate("window.__links")
        if not (
            link["href"] in allowed
            or (link["where"] in ("nav", "gone") and str(link["href"]).startswith(app_url))
            or (link["where"] in ("heading", "frame", "gone") and str(link["href"]).startswith("#"))
        )
    ]


def test_browser_bare_urls_in_an_article_become_no_links(app_url: str, page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    own = "https://gazette.example/bridge"
    article = tmp_path / "www.evil.example.txt"  # the upload report shows the file's name
    article.write_text(
        f"---\ntitle: Harbour bridge reopens, see www.evil.example\noutlet: Port Gazette\npublished_at: 2024-03-04\n"
        f"url: {own}\n---\n\nThe harbour bridge reopened on Monday after a two-year refit costing 40 million euros, "
        "the city council said at https://evil.example/x and www.evil.example, or write to tips@evil.example.\n\n"
        f"Readers sent their views on the refit to the council: {' and '.join(BARE_LINKS)}, the council said.\n"
    )
    page.add_init_script(RECORD_LINKS)
    page.goto(app_url, wait_until="domcontentloaded")
    _add_articles(page, str(article))
    expect(page.get_by_role("cell", name="1 added", exact=True).first).to_be_visible(timeout=90_000)
    expect(page.get_by_role("cell", name="www.evil.example.txt", exact=True).first).to_be_visible()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("How much did the harbour bridge refit cost?")
    box.press("Enter")
    answer = page.get_by_test_id("stChatMessage").filter(has_text="40 million euros").last
    expect(answer).to_be_visible(timeout=90_000)
    expect(answer.get_by_text("Show in the article").first).to_be_visible(timeout=30_000)
    answer.get_by_text("Show in the article").first.click()
    answer.get_by_text("Searched the archive:").first.click()  # the passages read
    expect(answer.get_by_text("Readers sent their views").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(1500)
    shown = answer.inner_text()
    assert "council said at https://evil.example/x and www.evil.example, or write to tips@evil.example." in shown
    assert all(text in shown for text in BARE_LINKS), shown  # every character as it is, no backslash
    links = page.evaluate("window.__links")
    assert answer.locator(f"a[href='{own}']").count() == 1  # the source card's link
    assert not stray_links(page, app_url, {own}), links


def test_browser_the_evaluation_page_makes_no_links_from_a_report(app_url: str, page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from rag.eval.records import CaseResult, EvalReport

    text = " ".join(BARE_LINKS)
    case = CaseResult(
        id="links",
        question=f"Who runs www.evil.example? {text}",
        standalone_question=f"Who runs tips@evil.example? {text}",
        type="www.evil.example",
        reference=text,
        answer=text,
        refused=False,
        passages=[
            {"title": f"Bridge {text}", "outlet": "www.evil.example", "published_at": "2024-03-04", "text": text}
        ],
        metrics={"case_pass": 0.0, "www.evil.example": 0.5},
        failures=[f"expected a refusal: {text}"],
    )
    overall = {"cases": 1, "hits@10": 0.5, "refused": 0.0}
    summary = {"overall": overall, "by_type": {"www.evil.example": overall}, "config": {"answer_mode": text, "k": 3}}
    (tmp_path / "eval-runs" / "links").mkdir(parents=True)
    report = EvalReport(summary, [case], attribution=text).to_json()
    (tmp_path / "eval-runs" / "links" / "report.json").write_text(json.dumps(report), encoding="utf-8")
    page.add_init_script(RECORD_LINKS)
    page.goto(f"{app_url}/evaluation", wait_until="domcontentloaded")
    expect(page.get_by_text("0 of 1 passed.")).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Who runs www.evil.example?").first).to_be_visible(timeout=30_000)
    page.get_by_test_id("stExpander").first.click()  # the ranked passage
    page.wait_for_timeout(1500)
    shown = page.get_by_test_id("stMainBlockContainer").inner_text()
    assert f"Who runs tips@evil.example? {text}" in shown and f"reference: {text}" in shown
    assert "www.evil.example 0.5" in shown, shown  # the metric a report names
    assert not stray_links(page, app_url, set()), page.evaluate("window.__links")


def _ask(page: Any, question: str, expect_text: str) -> Any:
    """Ask in the chat box and wait for the newest answer holding `expect_text`."""
    from playwright.sync_api import expect

    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    answer = page.get_by_test_id("stChatMessage").filter(has_text=expect_text).last
    expect(answer).to_be_visible(timeout=90_000)
    return answer


def test_browser_a_refusal_under_a_filter_names_it_and_what_lies_beyond(
    app_url: str, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    article = tmp_path / "bridge.md"
    article.write_text(
        "---\ntitle: Harbour bridge reopens\noutlet: Port Gazette\npublished_at: 2024-03-04\n---\n\n"
        "The harbour bridge reopened on Monday after a two-year refit costing 40 million euros.\n"
    )
    page.goto(app_url, wait_until="domcontentloaded")
    _add_articles(page, str(article))
    expect(page.get_by_role("cell", name="1 added", exact=True).first).to_be_visible(timeout=90_000)
    page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").click()
    page.get_by_role("option", name="Port Gazette").click()
    page.keyboard.press("Escape")
    answer = _ask(page, "How many drones did Sergei Shoigu say Ukraine used?", "The search was limited to")
    notice = answer.get_by_text("The search was limited to articles from Port Gazette", exact=False)
    expect(notice).to_be_visible()
    assert "answers it from “Putin vows to retaliate after Ukrainian drone strikes on Moscow”" in notice.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    answer.screenshot(path=str(SCREENSHOTS / "filtered-refusal.png"), style=NO_CHAT_BOX)


SESSION_QUESTIONS = (
    "How many drones did Sergei Shoigu say Ukraine used?",
    "What did Putin say about the drone strikes?",
    "Where did the drones hit?",
    "When did the drone attack on Moscow happen?",
    "Who is Yuriy Ignat?",
    "How many people were injured?",
    "What did Ukraine say about the attack?",
    "Which suburb did a drone explode over?",
    "What is the Bank of England's interest rate?",
    "What happened in Kyiv on Sunday?",
)


def test_browser_a_session_of_ten_questions_logs_no_warnings(app_url: str, page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page.goto(app_url, wait_until="domcontentloaded")
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=90_000)
    for n, question in enumerate(SESSION_QUESTIONS, 1):
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill(question)
        box.press("Enter")
        expect(page.get_by_role("radio", name="Thumbs up")).to_have_count(n, timeout=90_000)  # one per answer
    page.wait_for_timeout(1000)
    log = (tmp_path / "streamlit.log").read_text(encoding="utf-8")
    warnings = [line for line in log.splitlines() if "warn" in line.lower() or "deprecat" in line.lower()]
    assert warnings == [], warnings


def test_browser_the_evaluation_page_runs_the_bundled_evaluation_and_opens_a_case(app_url: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{app_url}/evaluation", wait_until="domcontentloaded")
    expect(page.get_by_text("No evaluation report yet", exact=False)).to_be_visible(timeout=90_000)
    page.get_by_role("button", name="Run the bundled evaluation").click()
    expect(page.get_by_text("passed.", exact=False).first).to_be_visible(timeout=300_000)
    expect(page.get_by_text("Figures, overall and by question type")).to_be_visible()  # in plain names (AppTest)
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    page.get_by_text("all cases", exact=True).click()
    expect(page.get_by_text("Question:", exact=False).first).to_be_visible(timeout=30_000)  # the case drill-down
    expect(page.get_by_text("expected", exact=False).first).to_be_visible()
    page.wait_for_timeout(1500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_test_id("stMainBlockContainer").screenshot(path=str(SCREENSHOTS / "evaluation-first-run.png"))
