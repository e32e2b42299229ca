"""Answers from an OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp) via `ChatOpenAI`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from rag.citations import resolve, sanitise_model_text
from rag.config import Settings
from rag.errors import LLMUnavailableError
from rag.models import Answer, Passage
from rag.prompts import render
from rag.quote import refusal

REFUSAL_MARKER = "NOT_IN_ARCHIVE"


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


def format_passages(passages: list[Passage]) -> str:
    """The numbered passages as the model sees them."""
    return "\n\n".join(
        render(
            "passage",
            n=i,
            outlet=p.outlet or "unknown outlet",
            published_at=p.published_at[:10] or "undated",
            title=p.title,
            text=p.text,
        )
        for i, p in enumerate(passages, 1)
    )


def unavailable(settings: Settings, exc: Exception) -> LLMUnavailableError:
    """A user-facing error for a failed call to the chat endpoint."""
    where = settings.openai_base_url or "OpenAI"
    reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return LLMUnavailableError(f"The language model ({settings.chat_model} at {where}) failed: {reason}")


class LLMAnswerer:
    """Grounded answers from a chat model; citations checked against the passages shown."""

    mode = "llm"

    def __init__(self, settings: Settings, chat_model: Any | None = None) -> None:
        self.settings = settings
        self.chat_model = chat_model or make_chat_model(settings)

    def messages(self, question: str, passages: list[Passage]) -> list[BaseMessage]:
        """The chat messages sent for a question."""
        today = datetime.now(UTC).date().isoformat()
        return [
            SystemMessage(render("answer_system", today=today, refusal_marker=REFUSAL_MARKER)),
            HumanMessage(
                render(
                    "answer_user", passages=format_passages(passages), question=question, refusal_marker=REFUSAL_MARKER
                )
            ),
        ]

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        """The model's raw text, piece by piece; raises `LLMUnavailableError` on endpoint failures."""
        try:
            for chunk in self.chat_model.stream(self.messages(question, passages)):
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
        allowed = {c.passage.url for c in citations if c.passage.url}
        text = sanitise_model_text(text, allowed, escape_html=False)
        return Answer(
            text=text,
            refused=False,
            citations=citations,
            passages=passages,
            mode=self.mode,
            question=question,
            raw_text=raw,
        )

    def answer(self, question: str, passages: list[Passage]) -> Answer:
        """Ask the model and check its answer."""
        return self.finish(question, passages, "".join(self.stream(question, passages)))

    def condense(self, question: str, history: str) -> str:
        """Rewrite a follow-up question into a stand-alone one."""
        try:
            reply = self.chat_model.invoke(
                [HumanMessage(render("condense_question", history=history, question=question))]
            )
        except Exception as exc:  # endpoint failure: same handling as answers
            raise unavailable(self.settings, exc) from exc
        text = str(reply.content).strip().strip('"').strip()
        return text.splitlines()[0] if text else question
