"""The one place that reads configuration: environment variables, then `.env`, then defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from dotenv import dotenv_values

from rag.errors import ConfigError

SECRET_FIELDS = {"openai_api_key", "chroma_token"}


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Effective settings of one Newsroom process."""

    data_dir: Path = Path(".newsroom")
    seed_dir: Path | None = None  # None: the seed articles bundled with Newsroom
    eval_dir: Path = Path("eval-runs")  # where the Evaluation page looks for reports
    collection: str = "newsroom"
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_ssl: bool = False
    chroma_token: str | None = None
    embedding_backend: str = "local"
    openai_embedding_model: str = "text-embedding-3-small"
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    chat_model: str | None = None
    answer_mode: str = "auto"
    llm_timeout: float = 60.0
    top_k: int = 8
    chunk_chars: int = 1200
    chunk_overlap: int = 300
    max_upload_mb: int = 20
    max_article_chars: int = 1_000_000  # longer texts are refused at ingest: no news article is this long
    embed_batch_size: int = 16
    embed_max_tokens: int = 256
    lock_timeout: float = 10.0
    editors: str = ""  # e-mail addresses or "@domain"s of signed-in users who get the editor role
    allow_editor_cli: bool = False  # whether `--role editor` is accepted on the command line
    open_uploads: bool = False  # whether readers of an app others can reach may add (never change) articles
    extra: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def llm_configured(self) -> bool:
        """Whether answers should come from an OpenAI-compatible chat endpoint."""
        if self.answer_mode == "quote":
            return False
        return bool(self.chat_model and (self.openai_api_key or self.openai_base_url))

    @property
    def answer_label(self) -> str:
        """A short human description of how answers are produced."""
        if self.llm_configured:
            where = self.openai_base_url or "OpenAI"
            return f"{self.chat_model} via {where}"
        return "offline quote mode"

    def with_data_dir(self, data_dir: str | Path | None) -> Settings:
        """A copy pointing at another data directory (when one is given)."""
        return self if data_dir is None else replace(self, data_dir=Path(data_dir))

    def public_items(self) -> list[tuple[str, str]]:
        """Every setting as display text, secrets masked."""
        items = []
        for f in fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            if f.name in SECRET_FIELDS and value:
                text = str(value)
                value = f"{text[:3]}…{text[-2:]}" if len(text) > 8 else "****"
            if f.name == "seed_dir" and value is None:
                value = "(bundled seed articles)"
            items.append((f.name, "" if value is None else str(value)))
        items.append(("answer_mode (effective)", self.answer_label))
        return items


_ENV = {
    "data_dir": "NEWSROOM_DATA_DIR",
    "seed_dir": "NEWSROOM_SEED_DIR",
    "eval_dir": "NEWSROOM_EVAL_DIR",
    "collection": "NEWSROOM_COLLECTION",
    "chroma_host": "CHROMA_HOST",
    "chroma_port": "CHROMA_PORT",
    "chroma_ssl": "CHROMA_SSL",
    "chroma_token": "CHROMA_TOKEN",
    "embedding_backend": "NEWSROOM_EMBEDDINGS",
    "openai_embedding_model": "NEWSROOM_EMBEDDING_MODEL",
    "openai_api_key": "OPENAI_API_KEY",
    "openai_base_url": "OPENAI_BASE_URL",
    "chat_model": "NEWSROOM_CHAT_MODEL",
    "answer_mode": "NEWSROOM_ANSWER_MODE",
    "llm_timeout": "NEWSROOM_LLM_TIMEOUT",
    "top_k": "NEWSROOM_TOP_K",
    "chunk_chars": "NEWSROOM_CHUNK_CHARS",
    "chunk_overlap": "NEWSROOM_CHUNK_OVERLAP",
    "max_upload_mb": "NEWSROOM_MAX_UPLOAD_MB",
    "max_article_chars": "NEWSROOM_MAX_ARTICLE_CHARS",
    "embed_batch_size": "NEWSROOM_EMBED_BATCH_SIZE",
    "embed_max_tokens": "NEWSROOM_EMBED_MAX_TOKENS",
    "lock_timeout": "NEWSROOM_LOCK_TIMEOUT",
    "editors": "NEWSROOM_EDITORS",
    "allow_editor_cli": "NEWSROOM_ALLOW_EDITOR_CLI",
    "open_uploads": "NEWSROOM_OPEN_UPLOADS",
}


def env_names() -> dict[str, str]:
    """Setting name -> environment variable that sets it."""
    return dict(_ENV)


def load_settings(environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env") -> Settings:
    """Read settings: real environment first, then `.env`, then defaults.

    Args:
        environ: the environment to read (defaults to `os.environ`).
        env_file: a dotenv file to read; missing files are ignored.
    """
    source: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        source.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    source.update(os.environ if environ is None else environ)
    values: dict[str, object] = {}
    defaults = Settings()
    for name, var in _ENV.items():
        raw = source.get(var)
        if raw is None or raw.strip() == "":
            continue
        default = getattr(defaults, name)
        try:
            if isinstance(default, bool):
                values[name] = _flag(raw)
            elif isinstance(default, int):
                values[name] = int(raw)
            elif isinstance(default, float):
                values[name] = float(raw)
            elif isinstance(default, Path) or name == "seed_dir":
                values[name] = Path(raw).expanduser()
            else:
                values[name] = raw.strip()
        except ValueError as exc:
            raise ConfigError(f"{var}={raw!r} is not a valid value ({exc}).") from exc
    settings = Settings(**values)  # type: ignore[arg-type]
    if settings.openai_api_key and not settings.chat_model and settings.answer_mode != "quote":
        settings = replace(settings, chat_model="gpt-4o-mini")
    _validate(settings)
    return settings


def _validate(settings: Settings) -> None:
    if settings.answer_mode not in {"auto", "llm", "quote"}:
        raise ConfigError("NEWSROOM_ANSWER_MODE must be auto, llm or quote.")
    if settings.answer_mode == "llm" and not settings.llm_configured:
        raise ConfigError("NEWSROOM_ANSWER_MODE=llm needs NEWSROOM_CHAT_MODEL and OPENAI_API_KEY or OPENAI_BASE_URL.")
    if settings.embedding_backend not in {"local", "openai"}:
        raise ConfigError("NEWSROOM_EMBEDDINGS must be local or openai.")
    if settings.embedding_backend == "openai" and not (settings.openai_api_key or settings.openai_base_url):
        raise ConfigError("NEWSROOM_EMBEDDINGS=openai needs OPENAI_API_KEY or OPENAI_BASE_URL.")
    if not 200 <= settings.chunk_chars <= 1200:
        raise ConfigError("NEWSROOM_CHUNK_CHARS must be between 200 and 1200.")
    if not 0 <= settings.chunk_overlap <= settings.chunk_chars // 2:
        raise ConfigError("NEWSROOM_CHUNK_OVERLAP must be between 0 and half of NEWSROOM_CHUNK_CHARS.")
    if not 32 <= settings.embed_max_tokens <= 256:
        raise ConfigError("NEWSROOM_EMBED_MAX_TOKENS must be between 32 and 256.")
    if settings.top_k < 1:
        raise ConfigError("NEWSROOM_TOP_K must be at least 1.")
    if settings.max_article_chars < 1000:
        raise ConfigError("NEWSROOM_MAX_ARTICLE_CHARS must be at least 1000.")
