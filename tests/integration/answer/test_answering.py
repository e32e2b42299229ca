"""Answering end to end (real model, seed archive): quote mode, the OpenAI path against a scripted local server,
fallback, citation checks. Prompts and citations without a model: tests/unit/answer/test_prompts_and_citations.py;
quote-mode scoring in detail: test_quote.py."""

from __future__ import annotations

import dataclasses
import re
import time
from typing import Any

from conftest import SEED_DIR, make_engine
from fake_openai import FakeOpenAIServer
from langchain_core.embeddings import Embeddings

from rag.answer.base import Turn, rule_condense
from rag.answer.citations import cited_share
from rag.answer.llm import REFUSAL_MARKER
from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.config import Settings
from rag.ingest.pipeline import ingest_paths
from rag.models import Passage

DRONES = "How many drones did Sergei Shoigu say Ukraine used?"
OFF_TOPIC = "What did the Bank of England decide about interest rates?"


def llm_settings(settings: Settings, server: FakeOpenAIServer, **extra: object) -> Settings:
    return dataclasses.replace(
        settings, openai_base_url=server.base_url, openai_api_key="test-key", chat_model="fake-model", **extra
    )


def test_quote_mode_answers_with_the_verbatim_cited_sentence(seed_archive: Archive, settings: Settings) -> None:
    engine = make_engine(settings, seed_archive)
    answer = engine.ask(DRONES)
    assert not answer.refused and answer.mode == "quote"
    assert "eight" in answer.text
    assert re.search(r"\[1\]", answer.text)
    first = answer.citations[0]
    assert first.n == 1 and "Shoigu" in first.quote
    article = seed_archive.store.article_body(first.passage.article_id)
    assert article is not None and first.quote in article[0]  # verbatim from the article
    assert cited_share(answer.text) == 1.0


class Recording(Embeddings):
    """The real model, recording the questions it embeds."""

    def __init__(self, model: Embeddings) -> None:
        self.model, self.queries = model, []  # type: list[str]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return self.model.embed_query(text)


def test_a_turn_reads_and_embeds_its_question_once(settings: Settings, embeddings: Embeddings) -> None:
    recording = Recording(embeddings)
    archive = Archive(settings, recording)
    assert ingest_paths(archive, [SEED_DIR]).ok
    engine = make_engine(settings, archive)
    embedded = recording.queries
    turn = engine.turn(DRONES)
    question = turn.found.question
    assert question is not None and question.text == DRONES and len(question.vector) > 100
    answer = turn.answer
    assert not answer.refused and "eight" in answer.text
    assert embedded == [DRONES], "retrieval and the quote answerer share the turn's one embedding"
    assert turn.timings["total_ms"] >= turn.timings["retrieval_ms"] > 0
    assert engine.ask(DRONES).text == answer.text
    assert engine.answer_passages(DRONES, turn.passages, focus=question).text == answer.text


def test_a_refusal_under_the_users_filters_names_them_and_what_the_archive_has_beyond(
    seed_archive: Archive, settings: Settings
) -> None:
    engine = make_engine(settings, seed_archive)
    limited = ArchiveFilter.of(since="2024-01-01")
    answer = engine.ask(DRONES, filters=limited)
    assert answer.refused and not answer.citations
    assert answer.notice == (
        "The search was limited to articles published on or after 1 Jan 2024. Without those limits, the archive "
        "answers it from “Putin vows to retaliate after Ukrainian drone strikes on Moscow” (Financial Times, "
        "30 May 2023)."
    )
    # an article the limits let through is never offered as lying beyond them, and an off-topic one never answers
    inside = engine.ask(OFF_TOPIC, filters=ArchiveFilter.of(["Financial Times"]))
    assert inside.refused and inside.notice.endswith("Without those limits the archive does not answer this either.")
    assert not engine.ask(DRONES).notice  # an answer without limits, or one found within them, carries no such notice


def test_quote_mode_refuses_what_the_archive_does_not_cover(seed_archive: Archive, settings: Settings) -> None:
    answer = make_engine(settings, seed_archive).ask(OFF_TOPIC)
    assert answer.refused and not answer.citations
    assert (
        answer.text
        == "None of the articles found that bear on the question mention “Bank of England” or “interest rates”, so the "
        "archive does not answer this."
    )


def test_empty_archive_refuses(archive: Archive, settings: Settings) -> None:
    assert make_engine(settings, archive).ask(DRONES).refused


def test_llm_answer_streams_and_citations_are_checked(seed_archive: Archive, settings: Settings) -> None:
    shown = make_engine(settings, seed_archive).retrieve(DRONES)
    n = next(i for i, p in enumerate(shown, 1) if "eight drones" in p.text)
    m = next(i for i in range(1, len(shown) + 1) if i != n)  # another passage, cited first: renumbered to [1]
    first = shown[m - 1].sentence_texts()[0].rstrip(".")
    reply = f"{first} [{m}]. Shoigu said Ukraine had used eight drones [{n}][9]."
    with FakeOpenAIServer(reply=reply) as server:
        engine = make_engine(llm_settings(settings, server), seed_archive)
        run = engine.start(DRONES)
        passages = run.passages
        pieces = list(run)
        assert len(pieces) > 3 and "".join(pieces) == reply
        answer = run.record().answer
        assert answer.mode == "llm" and not answer.refused
        # first use numbers the citations: [m] becomes [1] and [n] becomes [2]; [9] was not shown, so it is dropped
        assert answer.text == f"{first} [1]. Shoigu said Ukraine had used eight drones [2]."
        assert [c.n for c in answer.citations] == [1, 2] and not answer.notice
        assert [c.passage.chunk_id for c in answer.citations] == [passages[m - 1].chunk_id, passages[n - 1].chunk_id]
        request = server.requests[-1]
        assert request["stream"] is True and request["model"] == "fake-model"
        user = request["messages"][-1]["content"]
        assert DRONES in user and "[1]" in user and "<<<" in user


def test_llm_refusal_marker_becomes_an_honest_refusal(seed_archive: Archive, settings: Settings) -> None:
    with FakeOpenAIServer(reply=REFUSAL_MARKER) as server:
        answer = make_engine(llm_settings(settings, server), seed_archive).ask(OFF_TOPIC)
    assert answer.refused and not answer.citations and answer.mode == "llm"


def test_llm_answer_without_any_valid_citation_is_refused(seed_archive: Archive, settings: Settings) -> None:
    with FakeOpenAIServer(reply="Ukraine used eight drones, everyone knows that [42].") as server:
        answer = make_engine(llm_settings(settings, server), seed_archive).ask(DRONES)
    assert answer.refused


def test_failing_endpoint_falls_back_to_quote_mode(seed_archive: Archive, settings: Settings) -> None:
    with FakeOpenAIServer(fail_with=500) as server:
        answer = make_engine(llm_settings(settings, server), seed_archive).ask(DRONES)
    assert answer.mode == "quote" and "eight" in answer.text
    assert "fake-model" in answer.notice and "quoted sentences" in answer.notice


def test_a_stream_cut_mid_answer_falls_back_to_quote_mode(seed_archive: Archive, settings: Settings) -> None:
    reply = "Shoigu said Ukraine used eight drones in the attack on Moscow, none of which hit their targets [1]."
    with FakeOpenAIServer(reply=reply, cut_stream_after=3) as server:
        engine = make_engine(llm_settings(settings, server), seed_archive)
        run = engine.start(DRONES)
        shown = "".join(run)
    answer = run.record().answer
    assert shown and len(shown) < len(reply)  # the reader saw the start of the model's text, then it stopped
    assert answer.mode == "quote" and "eight" in answer.text and "quoted sentences" in answer.notice


def test_a_failing_endpoint_while_condensing_falls_back_to_the_rule(seed_archive: Archive, settings: Settings) -> None:
    history = [Turn("user", "What did Putin say about the drone strikes?"), Turn("assistant", "He vowed [1].")]
    with FakeOpenAIServer(fail_with=500) as server:
        engine = make_engine(llm_settings(settings, server), seed_archive)
        question = engine.standalone("and what did he threaten?", history)
        assert server.requests, "the model was asked first"
    assert question == rule_condense("and what did he threaten?", history) and "Putin" in question


def test_unreachable_endpoint_does_not_hang(seed_archive: Archive, settings: Settings) -> None:
    with FakeOpenAIServer(delay=5.0) as server:
        slow = llm_settings(settings, server, llm_timeout=0.5)
        engine = make_engine(slow, seed_archive)
        started = time.monotonic()
        answer = engine.ask(DRONES)
        elapsed = time.monotonic() - started
    assert answer.mode == "quote" and "eight" in answer.text
    assert "fake-model" in answer.notice and "quoted sentences" in answer.notice
    # two attempts of 0.5 s (one retry), not a wait for the server's 5 s reply
    assert elapsed < 4.0, f"the answer took {elapsed:.1f} s"


def test_llm_condenses_follow_up_questions(seed_archive: Archive, settings: Settings) -> None:
    def reply(messages: list[dict[str, object]]) -> str:
        text = str(messages[-1]["content"])
        if "Stand-alone question" in text:
            return "What did Moscow mayor Sergei Sobyanin say about the drone attack?"
        # cite the passage that quotes the mayor, as a model reading the numbered passages would
        blocks = re.split(r"\n(?=\[\d+\] )", text)
        n = next(re.match(r"\[(\d+)\]", b).group(1) for b in blocks if re.match(r"\[\d+\] ", b) and "Sobyanin" in b)
        return f"Two people suffered minor injuries, mayor Sergei Sobyanin said [{n}]."

    with FakeOpenAIServer(reply=reply) as server:
        engine = make_engine(llm_settings(settings, server), seed_archive)
        history = [Turn("user", "What happened in Moscow?"), Turn("assistant", "Drones hit buildings [1].")]
        answer = engine.ask("and what did the mayor say?", history)
    assert answer.question.startswith("What did Moscow mayor Sergei Sobyanin say")
    assert not answer.refused and "Sobyanin" in answer.citations[0].quote


def _llm_answer(settings: Settings, seed_archive: Archive, reply: str) -> tuple[Any, list[Passage]]:
    with FakeOpenAIServer(reply=reply) as server:
        engine = make_engine(llm_settings(settings, server), seed_archive)
        passages = engine.retrieve(DRONES)
        return engine.answer_passages(DRONES, passages), passages


def test_llm_claims_are_checked_against_the_passages_they_cite(seed_archive: Archive, settings: Settings) -> None:
    passages = make_engine(settings, seed_archive).retrieve(DRONES)
    n = next(i for i, p in enumerate(passages, 1) if "eight drones" in p.text)
    supported = f"Russia's defence minister Sergei Shoigu said Ukraine had used eight drones in the attack [{n}]."
    answer, _ = _llm_answer(settings, seed_archive, supported)
    assert not answer.refused and answer.text == supported.replace(f"[{n}]", "[1]") and not answer.notice

    wrong_number = supported.replace("eight drones", "eighty drones")
    answer, _ = _llm_answer(settings, seed_archive, f"{supported} Shoigu said 80 drones were shot down [{n}].")
    assert not answer.refused and "80 drones" not in answer.text and "1 sentence" in answer.notice
    assert _llm_answer(settings, seed_archive, wrong_number.replace("eighty", "80"))[0].refused

    invented = f"{supported} Defence analyst Olga Petrenko said the drones came from Kyiv [{n}]."
    answer, _ = _llm_answer(settings, seed_archive, invented)
    assert not answer.refused and "Petrenko" not in answer.text and "removed" in answer.notice

    unshown = f"{supported} The drones were made of cheese [{len(passages) + 5}]."
    answer, _ = _llm_answer(settings, seed_archive, unshown)
    assert "cheese" not in answer.text and [c.n for c in answer.citations] == [1]  # no uncited claim survives

    mostly_wrong = (
        f"Shoigu said 300 drones were used [{n}]. Olga Petrenko led the attack [{n}]. It happened in 1999 [{n}]."
    )
    answer, _ = _llm_answer(settings, seed_archive, mostly_wrong)
    assert answer.refused and "withheld" in answer.notice


def test_brackets_that_are_not_citations_do_not_break_the_claim_check(
    seed_archive: Archive, settings: Settings
) -> None:
    passages = make_engine(settings, seed_archive).retrieve(DRONES)
    n = next(i for i, p in enumerate(passages, 1) if "eight drones" in p.text)
    reply = f"Russia's defence minister Sergei Shoigu said Ukraine had used eight drones in the attack [{n}] [2023]."
    answer, _ = _llm_answer(settings, seed_archive, reply)
    assert not answer.refused and "eight drones" in answer.text
