"""Configuration: environment over `.env` over defaults; validation; secrets masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import load_settings
from rag.errors import ConfigError


def test_defaults_are_offline_quote_mode() -> None:
    s = load_settings(environ={}, env_file=None)
    assert s.data_dir == Path(".newsroom") and not s.llm_configured and s.answer_label == "offline quote mode"
    assert s.chroma_host is None and s.embedding_backend == "local"


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("NEWSROOM_TOP_K=5\nOPENAI_BASE_URL=http://localhost:11434/v1\nNEWSROOM_CHAT_MODEL=llama3\n")
    s = load_settings(environ={"NEWSROOM_TOP_K": "7"}, env_file=env)
    assert s.top_k == 7 and s.chat_model == "llama3" and s.llm_configured
    assert s.answer_label == "llama3 via http://localhost:11434/v1"


def test_a_key_alone_selects_a_default_model_and_quote_mode_overrides_it() -> None:
    assert load_settings(environ={"OPENAI_API_KEY": "sk-x"}, env_file=None).chat_model == "gpt-4o-mini"
    assert not load_settings(
        environ={"OPENAI_API_KEY": "sk-x", "NEWSROOM_ANSWER_MODE": "quote"}, env_file=None
    ).llm_configured


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NEWSROOM_TOP_K": "many"}, "NEWSROOM_TOP_K='many'"),
        ({"NEWSROOM_TOP_K": "0"}, "at least 1"),
        ({"NEWSROOM_CHUNK_CHARS": "5000"}, "between 200 and 1200"),
        ({"NEWSROOM_ANSWER_MODE": "guess"}, "auto, llm or quote"),
        ({"NEWSROOM_ANSWER_MODE": "llm"}, "needs NEWSROOM_CHAT_MODEL"),
        ({"NEWSROOM_EMBEDDINGS": "torch"}, "local or openai"),
        ({"NEWSROOM_EMBED_MAX_TOKENS": "512"}, "between 32 and 256"),
    ],
)
def test_bad_values_are_explained(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        load_settings(environ=env, env_file=None)


def test_secrets_are_masked() -> None:
    s = load_settings(environ={"OPENAI_API_KEY": "sk-secret-value-123", "CHROMA_TOKEN": "tok"}, env_file=None)
    shown = dict(s.public_items())
    assert "sk-secret-value-123" not in str(shown) and shown["openai_api_key"] == "sk-…23"
    assert shown["chroma_token"] == "****"
