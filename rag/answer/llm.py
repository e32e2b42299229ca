"""Answers from an OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp) via `ChatOpenAI`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from rag.answer.base import Focus, Turn, final_answer, refusal, rule_condense
from rag.answer.citations import answer_sentences, resolve, sanitise_model_text
from rag.answer.claims import claim_supported
from rag.answer.prompts import render
from rag.config import Settings
from rag.errors import LLMUnavailableError
from rag.models import Answer, Citation, Passage
from rag.retrieval.question import understand

REFUSAL_MARKER = "NOT_IN_ARCHIVE"
MIN_SUPPORTED_SHARE = 0.5  # below this share of supported sentences the model's answer becomes a refusal


def _shown_number(match: re.Match[str], by_number: dict[int, Passage], index: dict[int, int]) -> str:
    """A citation [n] as the number of its passage as shown; anything else in brackets ("[2023]") stays."""
    passage = by_number.get(int(match.group(1)))
    return f"[{index[id(passage)]}]" if passage is not None else match.group(0)


def keep_supported(text: str, citations: list[Citation], shown: list[Passage]) -> tuple[str, list[Citation], int, int]:
    """Drop the sentences of a checked model answer that cite nothing or that their cited passages do not
    support (numbers, names, negations and words are checked), then number the citations afresh.

    Returns:
        the kept text, its citations, how many sentences were dropped, and how many there were.
    """
    by_number = {c.n: c.passage for c in citations}
    index = {id(p): i for i, p in enumerate(shown, 1)}
    sentences = answer_sentences(text) or [text]
    kept: list[str] = []
    for sentence in sentences:
        cited = [by_number[int(n)] for n in re.findall(r"\[(\d+)\]", sentence) if int(n) in by_number]
        if cited and claim_supported(sentence, cited):
            # back to the numbers of the passages as shown, so that `resolve` can number them afresh
            kept.append(re.sub(r"\[(\d+)\]", lambda m: _shown_number(m, by_number, index), sentence))
    if not kept:
        return "", [], len(sentences), len(sentences)
    renumbered, fresh = resolve(" ".join(kept), shown)
    return renumbered, fresh, len(sentences) - len(kept), len(sentences)


def make_chat_model(settings: Settings, streaming: bool = True) -> Any:
    """A `ChatOpenAI` client for the configured endpoint, with bounded timeouts and retries."""
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    return ChatOpenAI(
        model=settings.chat_model or "gpt-4o-mini",
        api_key=SecretStr(settings.openai_api_key or "not-needed"),
        base_url=settings.openai_base_url,
        temperature=0,
        timeout=settings.llm_timeout,
        max_retries=1,
        streaming=streaming,
    )


_DELIMITER = re.compile(r"<{3,}|>{3,}")


def inert_block(text: str) -> str:
    """Article text that cannot close the passage block it is quoted in: runs of three or more angle brackets
    (the block's delimiters) become guillemets of the same length."""
    return _DELIMITER.sub(lambda m: ("‹" if m.group()[0] == "<" else "›") * len(m.group()), text)


def inert_line(text: str) -> str:
    """A header field on one line: no line breaks, no delimiters, no double quotes to end the quoted title."""
    return inert_block(" ".join(text.split())).replace('"', "”")


def format_passages(passages: list[Passage]) -> str:
    """The numbered passages as the model sees them: one header line each (number, outlet, date, headline),
    then the text between <<< and >>>, which nothing in an article can imitate or close."""
    return "\n\n".join(
        render(
            "passage",
            n=i,
            outlet=inert_line(p.outlet) or "unknown outlet",
            published_at=inert_line(p.published_at[:10]) or "undated",
            title=inert_line(p.title),
            text=inert_block(p.text),
        )
        for i, p in enumerate(passages, 1)
    )


def question_parts(question: str, outlets: Sequence[str] = ()) -> str:
    """The parts of the question as a list the model is asked to answer one by one."""
    parts = understand(question, outlets).parts
    if len(parts) < 2:
        return "(one part: the question itself)"
    return "\n".join(f"- {part.text}" for part in parts)


def unavailable(settings: Settings, exc: Exception) -> LLMUnavailableError:
    """A user-facing error for a failed call to the chat endpoint."""
    where = settings.openai_base_url or "OpenAI"
    reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return LLMUnavailableError(f"The language model ({settings.chat_model} at {where}) failed: {reason}")


class LLMAnswerer:
    """Grounded answers from a chat model; citations checked against the passages shown."""

    mode = "llm"

    def __init__(
        self, settings: Settings, chat_model: Any | None = None, outlets: Callable[[], Sequence[str]] = tuple
    ) -> None:
        self.settings = settings
        self.chat_model = chat_model or make_chat_model(settings)
        self.outlets = outlets  # the archive's outlet names, so the question's parts are read right

    def messages(self, question: str, passages: list[Passage]) -> list[BaseMessage]:
        """The chat messages sent for a question."""
        today = datetime.now(UTC).date().isoformat()
        return [
            SystemMessage(render("answer_system", today=today, refusal_marker=REFUSAL_MARKER)),
            HumanMessage(
                render(
                    "answer_user",
                    passages=format_passages(passages),
                    question=question,
                    parts=question_parts(question, self.outlets()),
                    refusal_marker=REFUSAL_MARKER,
                )
            ),
        ]

    def pieces(self, question: str, passages: list[Passage]) -> Iterator[str]:
        """The model's raw text, piece by piece; raises `LLMUnavailableError` on endpoint failures."""
        messages = self.messages(question, passages)  # archive errors stay archive errors, not model failures
        try:
            for chunk in self.chat_model.stream(messages):
                if chunk.content:
                    yield str(chunk.content)
        except Exception as exc:  # openai/httpx raise many types; all mean the endpoint failed
            raise unavailable(self.settings, exc) from exc

    def finish(self, question: str, passages: list[Passage], raw: str) -> Answer:
        """Turn the model's text into a checked `Answer` (refusal when unsupported or uncited)."""
        text = raw.strip()
        if not text or REFUSAL_MARKER in text:
            return refusal(question, passages, self.mode)
        text, citations = resolve(text, passages)
        if not citations:
            return refusal(question, passages, self.mode)
        text, citations, dropped, total = keep_supported(text, citations, passages)
        if not citations or (total - dropped) / total < MIN_SUPPORTED_SHARE:
            answer = refusal(question, passages, self.mode)
            answer.raw_text = raw
            answer.notice = (
                "The model's answer was withheld: the articles it cited do not support enough of it." if dropped else ""
            )
            return answer
        allowed = {c.passage.url for c in citations if c.passage.url}
        text = sanitise_model_text(text, allowed, escape_html=False)
        notice = ""
        if dropped:
            notice = (
                f"{dropped} sentence{'s' * (dropped != 1)} of the model's answer "
                f"{'were' if dropped != 1 else 'was'} removed: the articles cited do not support "
                f"{'them' if dropped != 1 else 'it'}, or {'they' if dropped != 1 else 'it'} cited none."
            )
        return Answer(
            text=text,
            refused=False,
            citations=citations,
            passages=passages,
            mode=self.mode,
            question=question,
            raw_text=raw,
            notice=notice,
        )

    def stream(self, question: str, passages: list[Passage], focus: Focus = None) -> Iterator[str | Answer]:
        """The model's text as it arrives, then the checked `Answer` (`focus` is not needed: the model reads
        the whole stand-alone question)."""
        raw: list[str] = []
        for piece in self.pieces(question, passages):
            raw.append(piece)
            yield piece
        yield self.finish(question, passages, "".join(raw))

    def answer(self, question: str, passages: list[Passage], focus: Focus = None) -> Answer:
        """Ask the model and check its answer."""
        return final_answer(self.stream(question, passages, focus))

    def condense(self, question: str, history: Sequence[Turn]) -> str:
        """Rewrite a follow-up question into a stand-alone one (by rule when the endpoint fails)."""
        transcript = "\n".join(f"{t.role}: {t.content[:600]}" for t in history[-6:])
        try:
            reply = self.chat_model.invoke(
                [HumanMessage(render("condense_question", history=transcript, question=question))]
            )
        except Exception:  # openai/httpx raise many types; a failed rewrite falls back to the rule
            return rule_condense(question, history)
        text = str(reply.content).strip().strip('"').strip()
        return text.splitlines()[0] if text else question
