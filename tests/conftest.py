"""Shared fixtures: real embedding model (loaded once), real Chroma in temp dirs, isolated settings."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from rag.answer.engine import ChatEngine, make_answerer  # noqa: E402
from rag.archive.knowledge import Archive  # noqa: E402
from rag.config import Settings, env_names, load_settings  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
from rag.archive.embeddings import MiniLMEmbeddings  # noqa: E402

SEED_DIR = PROJECT_ROOT / "seeds"
SEED_FILE = SEED_DIR / "000_ce55752093e03f0c.txt"
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data" / "multihop-rag"


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No user configuration leaks into a test: every Newsroom variable unset, cwd in a temp dir."""
    for var in [*env_names().values(), "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"]:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NEWSROOM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture(scope="session")
def embeddings() -> MiniLMEmbeddings:
    """The real bundled embedding model, loaded once per test session."""
    model = MiniLMEmbeddings()
    model.embed_query("warm up")
    return model


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings with a fresh data dir."""
    return load_settings(env_file=None).with_data_dir(tmp_path / "data")


@pytest.fixture
def archive(settings: Settings, embeddings: MiniLMEmbeddings) -> Archive:
    """An empty archive in a temp dir (real Chroma, real model)."""
    return Archive(settings, embeddings)


@pytest.fixture
def seeded(archive: Archive) -> Archive:
    """An archive holding the bundled seed article."""
    from rag.ingest.pipeline import ingest_paths

    report = ingest_paths(archive, [SEED_DIR])
    assert report.ok, report.files
    return archive


def make_engine(settings: Settings, archive: Archive) -> ChatEngine:
    """The chat engine over an archive a test already holds, with the answerer the settings ask for."""
    return ChatEngine(settings, archive, make_answerer(settings, archive))
