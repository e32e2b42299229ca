"""Article status and corrections: drafts and retracted stories never reach a reader, a retraction ingested later
takes effect at once, a corrected article is cited with its correction (real files, real Chroma, real model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_engine, store_environ
from support import write_md

from rag.archive.filters import ArchiveFilter
from rag.archive.knowledge import Archive
from rag.cli import cli
from rag.config import Settings
from rag.errors import LoadError
from rag.ingest.loaders import load_file
from rag.ingest.pipeline import ingest_paths
from rag.ui.render import ChatMessage, export_markdown

BOTH_BACKENDS = True  # each test that uses `settings` runs on the embedded store and on a `chroma run` server

TOLL = "How much will the harbour bridge toll be in May?"


def _story(folder: Path, **meta: str) -> Path:
    return write_md(
        folder / "toll.md",
        "Harbour bridge toll rises",
        "The harbour bridge toll rises to nine pounds in May, the harbour board said.",
        outlet="Port Gazette",
        published_at="2024-03-04",
        url="https://gazette.example/toll",
        **meta,
    )


@pytest.mark.parametrize("status", ["draft", "retracted"])
def test_drafts_and_retracted_stories_never_reach_a_reader(
    archive: Archive, settings: Settings, tmp_path: Path, status: str
) -> None:
    _story(tmp_path / "a", status=status)
    report = ingest_paths(archive, [tmp_path / "a"])
    assert report.ok and report.count("new") == 1
    answer = make_engine(settings, archive).ask(TOLL)
    assert answer.refused and "nine pounds" not in answer.text
    assert archive.stats().articles == 0 and archive.store.recent_passages() == []
    (article_id,) = archive.store.articles()
    assert archive.store.article_body(article_id) is None
    if status == "draft":  # the allow-list is what decides: a filter that allows drafts sees it
        editor = ArchiveFilter(statuses=("published", "draft"))
        assert archive.stats(editor).articles == 1 and archive.store.article_body(article_id, editor) is not None


def test_a_retraction_ingested_later_takes_effect_at_once(archive: Archive, settings: Settings, tmp_path: Path) -> None:
    _story(tmp_path / "a")
    assert ingest_paths(archive, [tmp_path / "a"]).count("new") == 1
    engine = make_engine(settings, archive)
    assert "nine pounds" in engine.ask(TOLL).text
    _story(tmp_path / "a", status="retracted")
    result = CliRunner().invoke(
        cli, ["ingest", str(tmp_path / "a"), "--data-dir", str(settings.data_dir)], env=store_environ(settings)
    )
    assert result.exit_code == 0 and "retracted" in result.output
    answer = engine.ask(TOLL)
    assert answer.refused and "nine pounds" not in answer.text


def test_a_corrected_article_is_cited_with_its_correction(archive: Archive, settings: Settings, tmp_path: Path) -> None:
    _story(tmp_path / "a")
    assert ingest_paths(archive, [tmp_path / "a"]).ok
    write_md(
        tmp_path / "a" / "toll.md",
        "Harbour bridge toll rises",
        "The harbour bridge toll rises to eight pounds in May, the harbour board said.",
        outlet="Port Gazette",
        published_at="2024-03-04",
        url="https://gazette.example/toll",
        corrected_at="2024-03-05",
        correction="An earlier version gave the toll as nine pounds.",
    )
    assert ingest_paths(archive, [tmp_path / "a"]).count("replaced") == 1
    answer = make_engine(settings, archive).ask(TOLL)
    assert "eight pounds" in answer.text and "nine pounds in May" not in answer.text  # no passage of the old version
    cited = answer.citations[0].passage
    assert cited.corrected_at.startswith("2024-03-05") and "nine pounds" in cited.correction
    exported = export_markdown([ChatMessage("assistant", "x", answer=answer, asked=TOLL)])
    assert "corrected on 2024-03-05: An earlier version gave the toll as nine pounds." in exported


@pytest.mark.parametrize(
    ("front", "reason"),
    [
        ('status: "retracetd"', "status 'retracetd' is not one of published, draft, retracted"),
        ("status: true", "status must be text, not true/false (true)"),
        ('corrected_at: "yesterday-ish"', "corrected_at 'yesterday-ish' is not a date"),
    ],
)
def test_a_status_or_correction_date_that_cannot_be_read_is_an_error(tmp_path: Path, front: str, reason: str) -> None:
    path = tmp_path / "bad.md"
    path.write_text(f"---\ntitle: T\n{front}\n---\nThe body of the story.\n", encoding="utf-8")
    with pytest.raises(LoadError) as raised:
        load_file(path)
    assert reason in str(raised.value)


def test_status_comes_from_json_records_too(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    rows = [{"title": "A", "body": "One story.", "status": "Draft"}, {"title": "B", "body": "Another story."}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert [a.status for a in load_file(path).articles] == ["draft", "published"]


def test_status_and_corrections_come_from_html_meta_tags(tmp_path: Path) -> None:
    path = tmp_path / "toll.html"
    path.write_text(
        "<html><head><title>Toll rises</title>"
        '<meta name="newsroom:status" content="retracted">'
        "<meta name='corrected_at' content='2024-03-05'>"
        '<meta name="correction" content="The toll is eight pounds, not &quot;nine&quot;.">'
        "</head><body><article><h1>Toll rises</h1>"
        "<p>The harbour bridge toll rises to nine pounds in May, the harbour board said on Monday.</p>"
        "<p>Drivers were angry about the rise and said so at the meeting on Tuesday evening.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    (article,) = load_file(path).articles
    assert article.status == "retracted" and article.corrected_at is not None
    assert article.correction == 'The toll is eight pounds, not "nine".'
