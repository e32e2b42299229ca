"""Shared fixtures: real embedding model (loaded once), real Chroma in temp dirs, isolated settings.

Tests live in three tiers, each in folders that mirror `rag/`:
- `tests/unit`: no embedding model, no spaCy pipeline, no Chroma store, no server or other process, no browser.
  `refuse_heavy_parts` below refuses each of them there, so a test that needs one fails and belongs a tier up;
  `uv run pytest tests/unit` is the quick loop;
- `tests/integration`: the real embedding model, spaCy and real Chroma in temp dirs;
- `tests/system`: whole processes: the browser test, a real `chroma run` server, the CLI, the benchmark data.
`uv run pytest` runs all three (it is the CI command). This folder is put on `sys.path`, so every test file can
`from conftest import ...`, `from support import ...` and `from fake_openai import ...`; test file names are
unique across the folders (pytest imports them by their base name).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

sys.path.insert(0, str(Path(__file__).parent))

from support import HashEmbeddings  # noqa: E402

from rag.archive.embeddings import MiniLMEmbeddings  # noqa: E402
from rag.archive.knowledge import Archive  # noqa: E402
from rag.config import Settings, env_names, load_settings  # noqa: E402
from rag.engine.core import ChatEngine, make_answerer  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TESTS = PROJECT_ROOT / "tests"
FIXTURES = TESTS / "fixtures"
SEED_CASES = TESTS / "eval" / "seed_cases.jsonl"
SEED_DIR = PROJECT_ROOT / "seeds"
SEED_FILE = SEED_DIR / "000_ce55752093e03f0c.txt"

# The MultiHop-RAG benchmark data (corpus.json, queries-dev.json): $NEWSROOM_BENCH_DATA, else next to the checkout.
BENCH_DATA_VAR = "NEWSROOM_BENCH_DATA"
BENCH_DATA_FILES = ("corpus.json", "queries-dev.json")
DEFAULT_BENCH_DATA = PROJECT_ROOT.parent / "shared" / "data" / "multihop-rag"

# Property tests: no per-example deadline (a loaded CI machine is slow, not wrong), no example database on disk.
hypothesis_settings.register_profile("newsroom", deadline=None, database=None)
hypothesis_settings.load_profile("newsroom")


UNIT = TESTS / "unit"
# fixtures that bring what the unit tier must not use: the model, a Chroma store, a server, the benchmark data
HEAVY_FIXTURES = frozenset(
    {"embeddings", "archive", "hash_archive", "seeded", "seed_archive", "chroma_server", "bench_data"}
)


_GUARD = pytest.StashKey[pytest.MonkeyPatch]()


def _refused(what: str) -> object:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a unit test may not use {what}: move the test to tests/integration or tests/system")

    return refuse


def refuse_heavy_parts(patcher: pytest.MonkeyPatch) -> None:
    """What the unit tier may not use, whether it builds it or finds it built (a session fixture): the embedding
    model, spaCy's pipeline, Chroma (its clients and its collections), new processes."""
    import chromadb
    from chromadb.api.models.Collection import Collection

    import rag.retrieval.entities

    for method in ("__init__", "_encode_batch"):
        patcher.setattr(MiniLMEmbeddings, method, _refused("the embedding model"))
    patcher.setattr(rag.retrieval.entities, "pipeline", _refused("spaCy's pipeline"))
    for client in ("PersistentClient", "HttpClient", "EphemeralClient"):
        patcher.setattr(chromadb, client, _refused("a Chroma store"), raising=False)
    for method in ("add", "get", "query", "upsert", "update", "delete", "count", "peek"):
        patcher.setattr(Collection, method, _refused("a Chroma store"))
    patcher.setattr(subprocess.Popen, "__init__", _refused("another process"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    """In tests/unit: a test that asks for a heavy fixture or the browser fails before anything is built, and the
    heavy parts are refused from its setup (fixtures of every scope) to its teardown (`refuse_heavy_parts`)."""
    if UNIT in item.path.parents:
        heavy = sorted(HEAVY_FIXTURES.intersection(getattr(item, "fixturenames", ())))
        if heavy or item.get_closest_marker("browser"):
            pytest.fail(f"a unit test may not use {heavy or 'the browser'}: move it to tests/integration or system")
        patcher = item.stash[_GUARD] = pytest.MonkeyPatch()  # stashed first: a patch that fails is still undone
        refuse_heavy_parts(patcher)
    return (yield)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """The unit guard ends with its test's teardown; for the session's last test, before the session's own
    fixtures are finalised (they belong to the tiers that built them)."""
    patcher = item.stash.get(_GUARD, None)
    if patcher is not None and nextitem is None:
        patcher.undo()
    try:
        return (yield)
    finally:
        if patcher is not None:
            patcher.undo()


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No user configuration leaks into a test: every Newsroom variable unset, cwd in a temp dir."""
    for var in [*env_names().values(), "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"]:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NEWSROOM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    yield


BENCH_DATA_SKIP = (
    f"needs the MultiHop-RAG benchmark data: set {BENCH_DATA_VAR}=/path/to/multihop-rag "
    f"(a folder holding {' and '.join(BENCH_DATA_FILES)}), or put that folder at ../shared/data/multihop-rag "
    "next to the checkout"
)


def locate_bench_data(environ: Mapping[str, str], default: Path = DEFAULT_BENCH_DATA) -> Path | None:
    """The MultiHop-RAG data folder: $NEWSROOM_BENCH_DATA when set, else `default`; None when there is none.

    Raises:
        ValueError: NEWSROOM_BENCH_DATA names a folder without corpus.json and queries-dev.json.
    """
    configured = environ.get(BENCH_DATA_VAR, "").strip()
    folder = Path(configured).expanduser() if configured else default
    missing = [name for name in BENCH_DATA_FILES if not (folder / name).is_file()]
    if configured and missing:
        raise ValueError(f"{BENCH_DATA_VAR}={configured} does not hold {' and '.join(missing)}")
    return None if missing else folder


@pytest.fixture(scope="session")
def bench_data() -> Path:
    """The MultiHop-RAG benchmark data folder; without one the test is skipped, saying how to enable it.

    A NEWSROOM_BENCH_DATA that names a folder without the data is an error, not a skip.
    """
    try:
        folder = locate_bench_data(os.environ)
    except ValueError as exc:
        pytest.fail(str(exc))
    if folder is None:
        pytest.skip(BENCH_DATA_SKIP)
    return folder


@pytest.fixture(scope="session")
def embeddings() -> MiniLMEmbeddings:
    """The real bundled embedding model, loaded once per test session."""
    model = MiniLMEmbeddings()
    model.embed_query("warm up")
    return model


@pytest.fixture(scope="session")
def hash_embeddings() -> HashEmbeddings:
    """Deterministic bag-of-words embeddings (see `support.HashEmbeddings`) for fast tests of logic."""
    return HashEmbeddings()


BACKENDS = ["embedded", pytest.param("server", marks=pytest.mark.slow)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test module with `BOTH_BACKENDS = True` runs each of its tests that uses `settings` (or an archive made
    from them) twice: on the embedded store and on a real `chroma run` server."""
    if "backend" in metafunc.fixturenames and getattr(metafunc.module, "BOTH_BACKENDS", False):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """One `chroma run` server for the session, started on first use; yields its port."""
    from chroma_server import running_chroma_server

    with running_chroma_server(tmp_path_factory.mktemp("chroma-server")) as port:
        yield port


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """embedded (the default) or server."""
    return str(getattr(request, "param", "embedded"))


def server_environ(port: int, name: str) -> dict[str, str]:
    """The environment that points Newsroom at the test server, in a collection of its own."""
    collection = "t-" + hashlib.sha256(name.encode()).hexdigest()[:20]
    return {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port), "NEWSROOM_COLLECTION": collection}


def store_environ(settings: Settings) -> dict[str, str]:
    """The environment a subprocess needs to open the same store as `settings` (a server and its collection)."""
    if not settings.chroma_host:
        return {"NEWSROOM_COLLECTION": settings.collection}
    return {
        "CHROMA_HOST": settings.chroma_host,
        "CHROMA_PORT": str(settings.chroma_port),
        "NEWSROOM_COLLECTION": settings.collection,
    }


@pytest.fixture
def settings(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Settings:
    """Default settings with a fresh data dir; on the server backend, a collection of this test's own there."""
    if backend == "server":
        environ = server_environ(request.getfixturevalue("chroma_server"), request.node.nodeid)
        return load_settings(environ=environ, env_file=None).with_data_dir(tmp_path / "data")
    return load_settings(env_file=None).with_data_dir(tmp_path / "data")


@pytest.fixture
def archive(settings: Settings, embeddings: MiniLMEmbeddings) -> Archive:
    """An empty archive in a temp dir (real Chroma, real model)."""
    return Archive(settings, embeddings)


@pytest.fixture
def hash_archive(settings: Settings, hash_embeddings: HashEmbeddings) -> Archive:
    """An empty archive in a temp dir (real Chroma, real BM25) with the deterministic embeddings."""
    return Archive(settings, hash_embeddings)


@pytest.fixture
def seeded(archive: Archive) -> Archive:
    """An archive of this test's own holding the bundled seed article: for tests that write to it."""
    from rag.ingest.pipeline import ingest_paths

    report = ingest_paths(archive, [SEED_DIR])
    assert report.ok, report.files
    return archive


@pytest.fixture(scope="session")
def seed_archive(tmp_path_factory: pytest.TempPathFactory, embeddings: MiniLMEmbeddings) -> Iterator[Archive]:
    """The bundled seed article in one archive shared by the whole session: for tests that only read it.

    A test that writes to it breaks the others; the session ends with an error if its contents changed.
    """
    from rag.ingest.pipeline import ingest_paths

    data_dir = tmp_path_factory.mktemp("seed-archive")
    archive = Archive(load_settings(environ={}, env_file=None).with_data_dir(data_dir), embeddings)
    report = ingest_paths(archive, [SEED_DIR])
    assert report.ok, report.files
    signature = archive.store.signature()
    yield archive
    assert archive.store.signature() == signature, "a test wrote to the shared read-only seed archive"


def make_engine(settings: Settings, archive: Archive) -> ChatEngine:
    """The chat engine over an archive a test already holds, with the answerer the settings ask for."""
    return ChatEngine(settings, archive, make_answerer(settings, archive))
