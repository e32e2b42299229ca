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
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"

pytestmark = [pytest.mark.slow, pytest.mark.browser]
if not CHROMIUM:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium for the browser test (.ci/run installs it).")
    pytestmark.append(pytest.mark.skip(reason="no chromium on this machine (apt-get install chromium)"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """A real Streamlit server on a free port with a temp archive; stopped afterwards."""
    port = free_port()
    env = {**os.environ, "NEWSROOM_DATA_DIR": str(tmp_path / "data")}
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
    box.fill("How many drones did Sergei Shoigu say Ukraine used?")
    box.press("Enter")
    answer = page.get_by_test_id("stChatMessage").filter(has_text="eight drones").last
    expect(answer).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Sources", exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("[1] Vladimir Putin has vowed", exact=False).first).to_be_visible()
    expect(page.get_by_text("Show in the article").first).to_be_visible()
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat-answer.png"), full_page=True)
    assert (ARTIFACTS / "chat-answer.png").stat().st_size > 10_000


def test_browser_upload_adds_an_article_that_can_then_be_asked_about(app_url: str, page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    article = tmp_path / "bridge.md"
    article.write_text(
        "---\ntitle: Harbour bridge reopens\noutlet: Port Gazette\npublished_at: 2024-03-04\n"
        "url: https://gazette.example/bridge\n---\n\nThe harbour bridge reopened on Monday after a two-year refit "
        "costing 40 million euros, the city council said.\n"
    )
    page.goto(app_url, wait_until="domcontentloaded")
    expect(page.get_by_text("Add articles")).to_be_visible(timeout=90_000)
    page.get_by_text("Add articles").click()
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"%PDF-1.7 not an article")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(article), str(bad)])
    page.get_by_role("button", name="Add to the archive").click()
    expect(page.get_by_role("cell", name="ingested: 1 article", exact=True).first).to_be_visible(timeout=90_000)
    expect(page.get_by_role("cell", name="failed: the content is a PDF, not .txt text").first).to_be_visible()
    assert str(tmp_path) not in page.get_by_test_id("stSidebar").inner_text()  # no server path in the report
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_test_id("stSidebar").screenshot(path=str(SCREENSHOTS / "upload-report.png"))
    expect(page.get_by_text("2** article", exact=False).or_(page.get_by_text("2 articles from")).first).to_be_visible()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("How much did the harbour bridge refit cost?")
    box.press("Enter")
    expect(page.get_by_test_id("stChatMessage").filter(has_text="40 million euros").last).to_be_visible(timeout=90_000)
    expect(page.get_by_text("[1] Harbour bridge reopens")).to_be_visible()


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
    expect(page.get_by_text("Add articles")).to_be_visible(timeout=90_000)
    page.get_by_text("Add articles").click()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(article))
    page.get_by_role("button", name="Add to the archive").click()
    expect(page.get_by_role("cell", name="ingested: 1 article", exact=True).first).to_be_visible(timeout=90_000)
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
