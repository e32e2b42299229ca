"""Prove FakeOpenAIServer works with the real openai and langchain_openai clients."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import openai
import pytest
from fake_openai import FakeOpenAIServer
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

REPLY = "The archive says the mayor resigned on Tuesday."


def _client(server: FakeOpenAIServer, **kwargs: Any) -> openai.OpenAI:
    """Build an openai client pointed at the fake server."""
    return openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0, **kwargs)


def _chat(server: FakeOpenAIServer) -> ChatOpenAI:
    """Build a ChatOpenAI pointed at the fake server."""
    return ChatOpenAI(
        base_url=server.base_url,
        api_key=SecretStr("test"),
        model="fake-model",
        max_retries=0,
    )


def test_openai_non_streaming() -> None:
    """A plain completion returns the reply, a usage block, and records the request."""
    with FakeOpenAIServer(reply=REPLY) as server:
        resp = _client(server).chat.completions.create(
            model="fake-model", messages=[{"role": "user", "content": "who resigned?"}]
        )
    assert resp.choices[0].message.content == REPLY
    assert resp.choices[0].finish_reason == "stop"
    assert resp.usage is not None
    assert resp.usage.prompt_tokens == 2
    assert resp.usage.completion_tokens == len(REPLY.split())
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens
    assert len(server.requests) == 1
    assert server.requests[0]["messages"][0]["content"] == "who resigned?"


def test_openai_streaming() -> None:
    """Streamed deltas come in several pieces and concatenate to the reply."""
    with FakeOpenAIServer(reply=REPLY) as server:
        stream = _client(server).chat.completions.create(
            model="fake-model",
            messages=[{"role": "user", "content": "hi"}],
            stream=True,
        )
        chunks = list(stream)
    deltas = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(deltas) > 3
    assert "".join(deltas) == REPLY
    assert chunks[-1].object == "chat.completion.chunk"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert server.requests[0]["stream"] is True


def test_models_endpoint() -> None:
    """GET /v1/models lists the default model and models used in requests."""
    with FakeOpenAIServer() as server:
        client = _client(server)
        client.chat.completions.create(model="other-model", messages=[{"role": "user", "content": "x"}])
        ids = [m.id for m in client.models.list()]
        with urllib.request.urlopen(f"{server.base_url}/models", timeout=2) as resp:
            raw = json.load(resp)
    assert ids == ["fake-model", "other-model"]
    assert raw["object"] == "list"


def test_langchain_invoke_and_stream() -> None:
    """ChatOpenAI.invoke and .stream both work against the fake server."""
    with FakeOpenAIServer(reply=REPLY) as server:
        llm = _chat(server)
        msg = llm.invoke("who resigned?")
        pieces = [c.content for c in llm.stream("who resigned?")]
    assert msg.content == REPLY
    assert len([p for p in pieces if p]) > 3
    assert "".join(str(p) for p in pieces) == REPLY
    assert [r.get("stream", False) for r in server.requests] == [False, True]
    assert server.requests[0]["model"] == "fake-model"


def test_callable_reply_chosen_by_user_message() -> None:
    """A callable reply can script answers from the last user message."""

    def reply(messages: list[dict[str, Any]]) -> str:
        """Answer according to the last user message."""
        question = messages[-1]["content"]
        return "Paris is the capital." if "France" in question else "I don't know."

    with FakeOpenAIServer(reply=reply) as server:
        client = _client(server)
        answers = [
            client.chat.completions.create(
                model="fake-model",
                messages=[
                    {"role": "system", "content": "be brief"},
                    {"role": "user", "content": q},
                ],
            )
            .choices[0]
            .message.content
            for q in ("Capital of France?", "Capital of Atlantis?")
        ]
        assert _chat(server).invoke("Tell me about France").content == "Paris is the capital."
    assert answers == ["Paris is the capital.", "I don't know."]
    assert len(server.requests) == 3


def test_fail_with_500_raises_internal_server_error() -> None:
    """fail_with=500 yields an OpenAI-style error that the client maps to InternalServerError."""
    with (
        FakeOpenAIServer(fail_with=500) as server,
        pytest.raises(openai.InternalServerError) as info,
    ):
        _client(server).chat.completions.create(model="fake-model", messages=[{"role": "user", "content": "x"}])
    assert info.value.status_code == 500
    body = info.value.body
    assert isinstance(body, dict) and "Fake failure" in body["message"]
    assert len(server.requests) == 1


def test_delay_triggers_client_timeout() -> None:
    """A delay longer than the client timeout raises APITimeoutError, and shutdown stays quick."""
    start = time.monotonic()
    with (
        FakeOpenAIServer(delay=1.0) as server,
        pytest.raises(openai.APITimeoutError),
    ):
        _client(server, timeout=0.2).chat.completions.create(
            model="fake-model", messages=[{"role": "user", "content": "x"}]
        )
    assert time.monotonic() - start < 1.0
