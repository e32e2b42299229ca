"""Thirty hostile inputs in one folder, through `newsroom ingest` with the real model and a real Chroma store:
every good article ingested, every bad file reported with its reason, a non-zero exit, a store that passes
`newsroom check`, and a re-run that changes nothing."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from hostile import ESC, hostile_folder

from rag.cli import cli


def test_a_folder_of_hostile_inputs_ingests_every_good_article_and_reports_every_bad_file(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    expect = hostile_folder(folder)
    assert len(expect) >= 25
    data_dir = str(tmp_path / "data")
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", str(folder), "--data-dir", data_dir], prog_name="newsroom")
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output  # nothing from a file reaches the terminal
    blocks: dict[str, str] = {}  # each file's report line and its reasons
    current = ""
    for line in result.stdout.splitlines():
        if line.startswith(("ingested", "failed", "unchanged", "replaced", "retracted", "skipped")):
            current = str(Path(line.split(None, 1)[1].split("  (")[0]).relative_to(folder))
            blocks[current] = line
        elif current:
            blocks[current] += "\n" + line
    assert set(blocks) == set(expect), set(blocks) ^ set(expect)
    for name, reason in expect.items():
        if reason is None:
            assert blocks[name].startswith("ingested"), blocks[name]
        else:
            status = "skipped" if name.endswith(".docx") else "failed"  # another type: passed over, but said
            assert blocks[name].startswith(status) and reason in blocks[name], (name, blocks[name])
    assert "record 2: byline must be text" in blocks["wrong-types.json"]  # every bad record, with its number
    assert "record 4: title must be text, not a list" in blocks["wrong-types.json"]
    good = sum(1 for r in expect.values() if r is None) + 1  # and the good line of mixed.jsonl
    check = runner.invoke(cli, ["check", "--data-dir", data_dir])
    assert check.exit_code == 0 and f"{good} articles" in check.output, check.output
    search = runner.invoke(cli, ["search", "tram old town", "--json", "--data-dir", data_dir])
    assert "Tram returns" in search.output and ESC not in search.output and "\\u001b" not in search.output
    again = runner.invoke(cli, ["ingest", str(folder), "--data-dir", data_dir])
    assert again.exit_code == 1 and "0 new, 0 replaced" in again.output  # safe to re-run: nothing changes
