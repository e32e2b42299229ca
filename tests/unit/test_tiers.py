"""The unit tier keeps its promise: what it may not use is refused here (tests/conftest.py `refuse_heavy_parts`)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import _GUARD, HEAVY_FIXTURES, UNIT, pytest_runtest_setup, refuse_heavy_parts

from rag.archive.embeddings import MiniLMEmbeddings
from rag.retrieval.entities import pipeline


def test_this_file_is_in_the_unit_tier() -> None:
    assert UNIT.name == "unit" and "embeddings" in HEAVY_FIXTURES and "seed_archive" in HEAVY_FIXTURES


class _Item:
    """What the tier check reads of a collected test."""

    def __init__(self, folder: str, fixtures: list[str], browser: bool = False) -> None:
        self.path = UNIT.parent / folder / "archive" / "test_x.py"
        self.fixturenames = fixtures
        self.browser = browser
        self.stash = pytest.Stash()

    def get_closest_marker(self, name: str) -> object:
        return object() if name == "browser" and self.browser else None


def _set_up(item: _Item) -> bool:
    """Run the tier check's setup up to the test's own setup; True when it guards the test."""
    next(pytest_runtest_setup(item))  # type: ignore[arg-type]
    guard = item.stash.get(_GUARD, None)
    if guard is not None:
        guard.undo()
    return guard is not None


def test_a_unit_test_asking_for_a_heavy_fixture_fails_before_it_is_built() -> None:
    with pytest.raises(pytest.fail.Exception, match="seed_archive"):
        _set_up(_Item("unit", ["tmp_path", "seed_archive"]))
    with pytest.raises(pytest.fail.Exception, match="browser"):
        _set_up(_Item("unit", ["tmp_path"], browser=True))
    assert _set_up(_Item("unit", ["tmp_path", "hash_embeddings"]))  # guarded from its fixtures' setup on
    assert not _set_up(_Item("integration", ["seed_archive"]))  # allowed a tier up


def test_the_embedding_model_is_refused() -> None:
    with pytest.raises(AssertionError, match="embedding model"):
        MiniLMEmbeddings()


def test_the_spacy_pipeline_is_refused() -> None:
    import rag.retrieval.entities

    with pytest.raises(AssertionError, match="spaCy"):
        rag.retrieval.entities.pipeline()
    assert pipeline is not rag.retrieval.entities.pipeline  # the guard replaced it for this test only


@pytest.fixture(scope="module")
def module_store(tmp_path_factory: pytest.TempPathFactory) -> object:
    """A module-scoped fixture is built inside the guard as well."""
    import chromadb

    try:
        return chromadb.PersistentClient(path=str(tmp_path_factory.mktemp("refused")))
    except AssertionError as exc:
        return exc


def test_a_fixture_of_a_wider_scope_is_refused_too(module_store: object) -> None:
    assert isinstance(module_store, AssertionError) and "Chroma" in str(module_store)


def test_a_chroma_store_is_refused(tmp_path: object) -> None:
    import chromadb

    with pytest.raises(AssertionError, match="Chroma"):
        chromadb.PersistentClient(path=str(tmp_path))


def test_another_process_is_refused() -> None:
    with pytest.raises(AssertionError, match="another process"):
        subprocess.run([sys.executable, "-c", "pass"], check=False)


def test_a_model_built_elsewhere_is_refused_too() -> None:
    model = MiniLMEmbeddings.model_construct()  # as if a session fixture had built it before this test
    with pytest.raises(AssertionError, match="embedding model"):
        model.embed_query("drones")


def test_the_guard_undoes_what_it_patched() -> None:
    import rag.retrieval.entities

    def held() -> tuple[object, ...]:
        return (MiniLMEmbeddings.__init__, rag.retrieval.entities.pipeline, subprocess.Popen.__init__)

    before = held()
    patcher = pytest.MonkeyPatch()
    refuse_heavy_parts(patcher)
    assert rag.retrieval.entities.pipeline is not before[1]
    patcher.undo()
    assert held() == before
