"""The project's own lint and type checks, so CI fails on them too."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import PROJECT_ROOT

TOOLS = [sys.executable, "-m"]


def test_ruff_lint_and_format_are_clean() -> None:
    for args in (
        ["ruff", "check", "rag", "tests", "bench", "app.py"],
        ["ruff", "format", "--check", "rag", "tests", "bench", "app.py"],
    ):
        result = subprocess.run([*TOOLS, *args], cwd=PROJECT_ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_on_rag() -> None:
    result = subprocess.run([*TOOLS, "mypy", "rag"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
