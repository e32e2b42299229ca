"""The `newsroom` command end to end through CliRunner: real files, real model, real Chroma (the installed script
in a process of its own: tests/system/cli/test_cli_process.py)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import BACKENDS, SEED_DIR, server_environ
from support import cited_answer, write_md

from rag.archive.knowledge import Archive
from rag.archive.locking import write_lock
from rag.cli import cli, print_answer
from rag.config import load_settings
from rag.ingest.pipeline import ingest_paths
from rag.models import Citation

DRONES = "How many drones did Sergei Shoigu say Ukraine used?"
UNRELATED = "What did the Bank of England decide about interest rates?"
CITATION_FIELDS = {"n", "article_id", "title", "outlet", "published_at", "url", "text"}
PASSAGE_FIELDS = {"text", "score", "article_id", "title", "outlet", "published_at", "url"}


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), prog_name="newsroom", env=env)
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module", params=BACKENDS)
def cli_backend(request: pytest.FixtureRequest) -> int | None:
    """Each test that touches the store runs on the embedded store and on a real `chroma run` server (its port)."""
    return request.getfixturevalue("chroma_server") if request.param == "server" else None


def backend_env(port: int | None, name: str) -> dict[str, str]:
    """The environment that puts a store on the test server, in a collection of its own (none: embedded)."""
    return server_environ(port, name) if port else {}


@pytest.fixture
def cli_env(cli_backend: int | None, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's commands use its backend (on the server, a collection of this test's own)."""
    for key, value in backend_env(cli_backend, request.node.nodeid).items():
        monkeypatch.setenv(key, value)


def _archive(data_dir: Path, embeddings: Any, env: dict[str, str], *folders: Path) -> Archive:
    archive = Archive(load_settings(environ=env, env_file=None).with_data_dir(data_dir), embeddings)
    report = ingest_paths(archive, list(folders))
    assert report.ok, [f.describe() for f in report.files]
    return archive


@dataclass
class Data:
    """A data dir holding articles, and the environment that opens its store."""

    data_dir: str
    env: dict[str, str]
    article_id: str = ""

    def run(self, *args: str) -> Result:
        return run(*args, "--data-dir", self.data_dir, env=self.env)


@pytest.fixture(scope="module")
def seed_dir_data(tmp_path_factory: pytest.TempPathFactory, embeddings: Any, cli_backend: int | None) -> Data:
    """A data dir holding only the seed article, and that article's id."""
    data_dir = tmp_path_factory.mktemp("cli-seed")
    env = backend_env(cli_backend, f"{__name__}-seed")
    archive = _archive(data_dir, embeddings, env, SEED_DIR)
    (article_id,) = archive.store.articles()
    return Data(str(data_dir), env, article_id)


@pytest.fixture(scope="module")
def mixed_data(tmp_path_factory: pytest.TempPathFactory, embeddings: Any, cli_backend: int | None) -> Data:
    """A data dir with the seed and three small drone articles from two outlets and dates."""
    folder = tmp_path_factory.mktemp("cli-mixed-in")
    write_md(
        folder / "a.md",
        "Drones over the harbour",
        "Police drones filmed the harbour regatta from above.",
        outlet="Harbour Gazette",
        published_at="2023-04-02",
        url="https://harbourgazette.example/drones",
    )
    write_md(
        folder / "b.md",
        "Drone ban near the airport",
        "A drone ban now applies within five miles of the airport.",
        outlet="Valley Courier",
        published_at="2023-08-15",
    )
    write_md(
        folder / "c.md",
        "Drone racing club opens",
        "A drone racing club opened in the old mill on Saturday.",
        outlet="Valley Courier",
        published_at="2024-01-10",
    )
    data_dir = tmp_path_factory.mktemp("cli-mixed")
    env = backend_env(cli_backend, f"{__name__}-mixed")
    _archive(data_dir, embeddings, env, SEED_DIR, folder)
    return Data(str(data_dir), env)


# --- ingest ------------------------------------------------------------------------------------------------------


def test_ingest_with_a_bad_file_prints_the_report_and_exits_1(tmp_path: Path, cli_env: None) -> None:
    folder = tmp_path / "in"
    write_md(folder / "good.md", "Harbour wall repaired", "Engineers repaired the harbour wall on Friday.")
    (folder / "bad.json").write_text("[{]")

    result = run("ingest", str(folder), "--data-dir", str(tmp_path / "d"))

    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert any(line.startswith("ingested") and "good.md" in line and "1 new article" in line for line in lines)
    assert any(line.startswith("failed") and "bad.json" in line for line in lines)
    assert "invalid JSON" in result.stdout
    assert "1 file with errors" in result.stdout


def test_ingest_all_good_exits_0_and_again_reports_unchanged(tmp_path: Path, cli_env: None) -> None:
    folder = tmp_path / "in"
    write_md(folder / "good.md", "Harbour wall repaired", "Engineers repaired the harbour wall on Friday.")
    (folder / "other.txt").write_text("Ferry timetable\n\nThe winter ferry timetable starts on Monday.\n")

    first = run("ingest", str(folder))  # NEWSROOM_DATA_DIR from the environment
    assert first.exit_code == 0, first.output
    assert "2 new" in first.stdout and "0 files with errors" in first.stdout

    second = run("ingest", str(folder))
    assert second.exit_code == 0, second.output
    assert all(line.startswith("unchanged") for line in second.stdout.splitlines()[:2])
    assert "0 passages written" in second.stdout


def test_ingest_of_a_folder_without_articles_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run("ingest", str(tmp_path / "empty"))
    assert result.exit_code == 1
    assert "No supported files found" in result.output


def test_ingest_while_locked_exits_with_the_holder_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_env: None
) -> None:
    monkeypatch.setenv("NEWSROOM_LOCK_TIMEOUT", "0.2")
    data_dir = tmp_path / "locked"
    with write_lock(data_dir, "newsroom ingest elsewhere", timeout=1):
        result = run("ingest", str(SEED_DIR), "--data-dir", str(data_dir))
    assert result.exit_code == 1
    assert f"process {os.getpid()}" in result.stderr
    assert "newsroom ingest elsewhere" in result.stderr


# --- ask -------------------------------------------------------------------------------------------------------


def test_ask_json_answers_with_citations(seed_dir_data: Data) -> None:
    result = seed_dir_data.run("ask", DRONES, "--json")

    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["refused"] is False
    assert "eight" in answer["answer"]
    assert answer["citations"]
    for n, citation in enumerate(answer["citations"], 1):
        assert CITATION_FIELDS <= citation.keys()
        assert citation["n"] == n
        assert citation["article_id"] == seed_dir_data.article_id
        assert citation["text"] and citation["title"]
    assert any("eight drones" in c["text"] for c in answer["citations"])
    assert "[1]" in answer["answer"]
    assert 0.75 <= answer["support"] <= 1.0  # the archive supports this answer


def test_ask_plain_prints_numbered_sources(seed_dir_data: Data) -> None:
    result = seed_dir_data.run("ask", DRONES)
    assert result.exit_code == 0, result.output
    assert "eight" in result.stdout
    assert "[1]" in result.stdout
    assert "Sources" in result.stdout
    assert "Financial Times" in result.stdout and "2023-05-30" in result.stdout  # from the seed's sidecar


def test_ask_unrelated_question_is_refused(seed_dir_data: Data) -> None:
    result = seed_dir_data.run("ask", UNRELATED, "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["refused"] is True
    assert answer["citations"] == []
    assert 0.0 <= answer["support"] < 0.75


def test_ask_with_a_filter_that_excludes_everything_refuses_and_says_what_lies_beyond(seed_dir_data: Data) -> None:
    result = seed_dir_data.run("ask", DRONES, "--json", "--since", "2030-01-01")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["refused"] is True
    assert answer["notice"].startswith("The search was limited to articles published on or after 1 Jan 2030.")
    assert (
        "answers it from “Putin vows to retaliate after Ukrainian drone strikes on Moscow” (Financial"
        in answer["notice"]
    )


def test_ask_first_run_seeds_an_empty_archive(tmp_path: Path, cli_env: None) -> None:
    result = run("ask", DRONES, "--json")  # NEWSROOM_DATA_DIR is an empty temp dir
    assert result.exit_code == 0, result.output
    assert "First run" in result.stderr
    assert "eight" in json.loads(result.stdout)["answer"]


def test_bad_date_is_a_usage_error(seed_dir_data: Data) -> None:
    result = seed_dir_data.run("ask", DRONES, "--since", "not-a-date")
    assert result.exit_code == 2
    assert "not a date" in result.output


# --- search ----------------------------------------------------------------------------------------------------


def _search(data: Data, *args: str) -> list[dict[str, Any]]:
    result = data.run("search", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_search_json_returns_k_ranked_passages(mixed_data: Data) -> None:
    passages = _search(mixed_data, "drones", "-k", "3")
    assert len(passages) == 3
    for p in passages:
        assert PASSAGE_FIELDS <= p.keys()
        assert p["text"] and p["article_id"]
    scores = [p["score"] for p in passages]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > 0


def test_search_outlet_filter(mixed_data: Data) -> None:
    passages = _search(mixed_data, "drones", "--outlet", "valley courier")
    assert {p["title"] for p in passages} == {"Drone ban near the airport", "Drone racing club opens"}
    two = _search(mixed_data, "drones", "--outlet", "Valley Courier", "--outlet", "HARBOUR GAZETTE")
    assert {p["outlet"] for p in two} == {"Valley Courier", "Harbour Gazette"}


SEED_TITLE = "Putin vows to retaliate after Ukrainian drone strikes on Moscow"  # 30 May 2023, from its sidecar


def test_search_since_until_filter(mixed_data: Data) -> None:
    since = _search(mixed_data, "drones", "--since", "2023-08-15")
    assert {p["title"] for p in since} == {"Drone ban near the airport", "Drone racing club opens"}
    until = _search(mixed_data, "drones", "--until", "2023-08-15")  # the whole day is included
    assert {p["title"] for p in until} == {"Drones over the harbour", "Drone ban near the airport", SEED_TITLE}
    window = _search(mixed_data, "drones", "--since", "2023-06-01", "--until", "2023-12-31")
    assert {p["title"] for p in window} == {"Drone ban near the airport"}
    assert all(p["published_at"].startswith("2023-08-15") for p in window)


def test_search_plain_text(mixed_data: Data) -> None:
    result = mixed_data.run("search", "drone ban airport", "-k", "2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == " 1. Valley Courier · 2023-08-15 · Drone ban near the airport"  # rank, outlet, date, headline
    headers = [line for line in lines if re.match(r" ?\d+\. ", line)]
    excerpts = [line for line in lines if line not in headers]
    assert len(headers) == 2 and excerpts and all(line.startswith("    ") and len(line) <= 104 for line in excerpts)
    assert "score" not in result.stdout  # fusion scores mean nothing to a reader; --verbose shows them
    verbose = mixed_data.run("search", "drone ban airport", "-k", "1", "--verbose")
    assert verbose.exit_code == 0 and "    score 0." in verbose.stdout


def test_an_outlet_the_archive_lacks_is_a_usage_error_naming_those_it_has(mixed_data: Data) -> None:
    for command in (("search", "drones"), ("ask", "How many drones?")):
        result = mixed_data.run(*command, "--outlet", "Nowhere", "--outlet", "valley courier")
        assert result.exit_code == 2, result.output
        assert "no outlet named 'Nowhere'" in result.output and "valley courier" not in result.output.split(".")[0]
        assert "Harbour Gazette" in result.output and "Valley Courier" in result.output


# --- config ----------------------------------------------------------------------------------------------------


def test_config_masks_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value-123")
    monkeypatch.setenv("CHROMA_TOKEN", "chroma-token-abcdef")
    result = run("config")
    assert result.exit_code == 0, result.output
    assert "sk-secret-value-123" not in result.output
    assert "secret-value" not in result.output
    assert "chroma-token-abcdef" not in result.output
    assert "openai_api_key" in result.output and "sk-…23" in result.output
    assert "gpt-4o-mini" in result.output


def test_config_reads_dotenv_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("NEWSROOM_TOP_K=5\nOPENAI_API_KEY=sk-from-dotenv-file-99\n")
    result = run("config")
    assert result.exit_code == 0, result.output
    assert any(line.split() == ["top_k", "5"] for line in result.stdout.splitlines())
    assert "sk-from-dotenv-file-99" not in result.output


def test_bad_setting_is_a_short_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSROOM_TOP_K", "lots")
    result = run("ask", DRONES)
    assert result.exit_code != 0
    assert "NEWSROOM_TOP_K" in result.output


# --- the installed console script --------------------------------------------------------------------------------


def test_article_fields_reach_the_terminal_without_their_control_codes(tmp_path: Path, cli_env: None) -> None:
    """An outlet, headline or body carrying escape sequences (window title, clear screen) prints inert."""
    write_md(
        tmp_path / "in" / "hostile.md",
        "Harbour \x1b[2Jferry strike ends",
        "The harbour ferry strike ended on Tuesday after the union accepted a 4% pay rise, the port said. "
        "\x1b]0;pwned\x07Crews return to work on Wednesday morning.",
        outlet="Port \x1b[31mGazette\u202e",
        published_at="2024-03-04",
    )
    data = str(tmp_path / "data")
    assert run("ingest", str(tmp_path / "in"), "--data-dir", data).exit_code == 0
    for args in (("ask", "How big was the pay rise that ended the harbour ferry strike?"), ("search", "ferry strike")):
        result = run(*args, "--data-dir", data)
        assert result.exit_code == 0 and "ferry strike" in result.output
        assert not any(c in result.output for c in "\x1b\x07\u202e"), repr(result.output)


def test_the_sources_list_shows_an_article_cited_twice_once_under_one_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer = cited_answer()
    second = replace(answer.citations[0].passage, chunk_id="c2", text="None hit.", start=36, end=45)
    answer.citations.append(Citation(n=2, passage=second, quote="None hit."))
    answer.text += " None hit. [2]"
    print_answer(answer)
    out = capsys.readouterr().out
    assert out.startswith("Shoigu said eight drones were used. [1] None hit. [1]\n")  # the article's one number
    assert out.count("Drones *hit* Moscow") == 1 and "[1] FT · 2023-05-30 · Drones *hit* Moscow" in out
    assert "    “Shoigu said eight drones were used.”\n    “None hit.”" in out and "[2]" not in out


# --- ingest: limits and every file accounted for ---------------------------------------------------------------


def test_ingest_of_a_file_nested_too_deep_reports_it_and_ingests_the_rest(tmp_path: Path, cli_env: None) -> None:
    good = write_md(tmp_path / "good.md", "Harbour wall repaired", "Engineers repaired the harbour wall on Friday.")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 10_000 + "]" * 10_000)  # 20 KB: past Python's recursion limit

    result = run("ingest", str(good), str(deep), "--data-dir", str(tmp_path / "d"))

    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # the report's exit, not a RecursionError
    lines = result.stdout.splitlines()
    assert any(line.startswith("ingested") and "good.md" in line and "1 new article" in line for line in lines)
    assert any(line.startswith("failed") and "deep.json" in line for line in lines)
    assert "the JSON is nested more than 64 levels deep at line 1 (record 1)" in result.stdout
    assert "1 file with errors" in result.stdout and "Traceback" not in result.output + result.stderr


def test_ingest_of_a_folder_reports_hidden_files_and_other_types(tmp_path: Path, cli_env: None) -> None:
    folder = tmp_path / "in"
    write_md(folder / "good.md", "Harbour wall repaired", "Engineers repaired the harbour wall on Friday.")
    write_md(folder / "..dots..md", "Dots", "A story whose name starts with dots.")
    write_md(folder / ".hidden.md", "Hidden", "A story whose name starts with a dot.")
    (folder / "notes.xyz").write_text("shopping list")

    result = run("ingest", str(folder), "--data-dir", str(tmp_path / "d"))

    assert result.exit_code == 0, result.output  # passed over with a reason, not failed
    blocks = result.stdout.split("\n")
    for name, reason in (
        ("..dots..md", "a hidden file (its name starts with a dot); not read"),
        (".hidden.md", "a hidden file (its name starts with a dot); not read"),
        ("notes.xyz", "unsupported file type '.xyz'"),
    ):
        [at] = [n for n, line in enumerate(blocks) if line.startswith("skipped") and line.endswith(name)]
        assert reason in blocks[at + 1], (name, blocks[at : at + 2])
    assert any(line.startswith("ingested") and line.split()[1].endswith("good.md") for line in blocks)
    assert "1 new" in result.stdout and "0 files with errors" in result.stdout
