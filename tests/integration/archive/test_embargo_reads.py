"""The embargo on every read path, not only retrieval: the archive's counts and outlets, example questions, the
article shown under "Show in the article", and the app before any question is asked (real Chroma, real files)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PROJECT_ROOT
from streamlit.testing.v1 import AppTest
from support import write_md

from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.config import load_settings
from rag.ingest.pipeline import ingest_paths
from rag.ui.render import example_questions

BOTH_BACKENDS = True  # each test that uses `settings` runs on the embedded store and on a `chroma run` server
SECRET = ("Zebulon Quartermaine", "Merger talks collapse at Quartermaine Holdings", "Night Desk Wire")


def _articles(folder: Path) -> Path:
    write_md(
        folder / "public.md",
        "Harbour bridge reopens",
        "The harbour bridge reopened on Monday after a two-year refit, Mayor Alice Brennan said.",
        outlet="Port Gazette",
        published_at="2024-03-04",
    )
    write_md(
        folder / "embargoed.md",
        SECRET[1],
        f"{SECRET[0]} said the merger talks had collapsed. The announcement is due next week.",
        outlet=SECRET[2],
        published_at="2024-03-05",
        embargo_until="2999-01-01T00:00:00Z",
    )
    write_md(
        folder / "lifted.md",
        "Council budget passed",
        "The council passed its budget on Friday, Treasurer Omar Haddad said.",
        outlet="Valley Courier",
        published_at="2024-03-01",
        embargo_until="2024-03-02T00:00:00Z",
    )
    return folder


@pytest.fixture
def mixed(hash_archive: Archive, tmp_path: Path) -> Archive:
    report = ingest_paths(hash_archive, [_articles(tmp_path / "articles")])
    assert report.ok and report.count("new") == 3
    return hash_archive


def _leaks(text: str) -> bool:
    return any(s in text for s in (*SECRET, "Quartermaine", "merger"))


def test_counts_outlets_and_dates_leave_embargoed_articles_out(mixed: Archive) -> None:
    stats = mixed.stats()
    assert stats.articles == 2 and stats.outlets == ["Port Gazette", "Valley Courier"]
    assert stats.passages == 2 and stats.last_date == "2024-03-04"  # not the embargoed article's 2024-03-05
    assert mixed.outlets() == ["Port Gazette", "Valley Courier"]
    assert len(mixed.store.articles()) == 3  # the registry still holds it: ingest must see it to keep it current
    assert mixed.stats(ArchiveFilter(outlets=("Valley Courier",))).articles == 1


def test_example_questions_and_recent_passages_never_come_from_an_embargoed_article(mixed: Archive) -> None:
    recent = mixed.store.recent_passages()
    assert recent and not any(_leaks(f"{title} {text}") for title, text in recent)
    questions = example_questions(recent)
    assert questions and not any(_leaks(q) for q in questions)


def test_the_article_view_refuses_an_embargoed_article(mixed: Archive) -> None:
    ids = {r.metadata["title"]: r.article_id for r in mixed.store.articles().values()}
    assert mixed.store.article_body(ids[SECRET[1]]) is None
    public = mixed.store.article_body(ids["Harbour bridge reopens"])
    assert public is not None and "reopened on Monday" in public[0]
    assert mixed.store.article_body(ids["Council budget passed"]) is not None  # its embargo has lifted


def test_an_embargo_that_is_not_a_date_is_rejected_and_the_rest_ingest(hash_archive: Archive, tmp_path: Path) -> None:
    folder = _articles(tmp_path / "articles")
    write_md(folder / "bool.md", "Flagged", "A story flagged as embargoed.", embargo_until=True)  # type: ignore[arg-type]
    report = ingest_paths(hash_archive, [folder])
    bad = [f for f in report.files if f.errors]
    assert len(bad) == 1 and bad[0].path.endswith("bool.md")
    assert "embargo_until 'true' is not a date" in " ".join(bad[0].errors)
    assert report.count("new") == 3
    assert "Flagged" not in {r.metadata["title"] for r in hash_archive.store.articles().values()}


def test_the_app_shows_nothing_of_an_embargoed_article_before_any_question(tmp_path: Path) -> None:
    assert ingest_paths(Archive(load_settings()), [_articles(tmp_path / "articles")]).ok
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    shown = "\n".join(
        [m.value for m in at.markdown]
        + [m.value for m in at.sidebar.markdown]
        + [c.value for c in at.sidebar.caption]
        + [b.label for b in at.button]
        + [str(o) for ms in at.sidebar.multiselect for o in ms.options]
    )
    assert "Port Gazette" in shown and "**2** articles" in shown
    assert not _leaks(shown)
