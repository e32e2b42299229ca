"""Answers from an OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp) via `ChatOpenAI`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from rag.answer.base import Turn, final_answer, refusal, rule_condense
from rag.answer.citations import resolve, sanitise_model_text
from rag.answer.prompts import render
from rag.config import Settings
from rag.errors import LLMUnavailableError
from rag.models import Answer, Passage

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

    def pieces(self, question: str, passages: list[Passage]) -> Iterator[str]:
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

    def stream(self, question: str, passages: list[Passage], focus: str | None = None) -> Iterator[str | Answer]:
        """The model's text as it arrives, then the checked `Answer` (`focus` is not needed: the model reads
        the whole stand-alone question)."""
        raw: list[str] = []
        for piece in self.pieces(question, passages):
            raw.append(piece)
            yield piece
        yield self.finish(question, passages, "".join(raw))

    def answer(self, question: str, passages: list[Passage], focus: str | None = None) -> Answer:
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
