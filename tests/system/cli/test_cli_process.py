"""The installed `newsroom` script, run as its own process on a fresh archive, answers with citations."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DRONES = "How many drones did Sergei Shoigu say Ukraine used?"


# --- the installed console script --------------------------------------------------------------------------------


@pytest.mark.slow
def test_installed_newsroom_script_answers_in_a_fresh_process(tmp_path: Path) -> None:
    script = shutil.which("newsroom") or str(Path(sys.executable).parent / "newsroom")
    assert Path(script).is_file()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSROOM_", "OPENAI_", "CHROMA_"))}
    env["NEWSROOM_DATA_DIR"] = str(tmp_path / "script-data")
    done = subprocess.run(
        [script, "ask", DRONES, "--json"], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "First run" in done.stderr
    answer = json.loads(done.stdout)
    assert answer["refused"] is False
    assert "eight" in answer["answer"]
