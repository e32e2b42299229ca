"""Prompts are files under `prompts/` (shipped as package data), rendered strictly: a missing or unknown variable
is an error."""

from __future__ import annotations

import string
from functools import cache

from rag.errors import ConfigError
from rag.resources import shipped_path


@cache
def _template(name: str) -> str:
    path = shipped_path("prompts") / f"{name}.md"
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"Prompt file {path} is missing: reinstall Newsroom.") from exc


def variables(name: str) -> set[str]:
    """The variables a prompt expects."""
    return {field for _, field, _, _ in string.Formatter().parse(_template(name)) if field}


def prompt_names() -> list[str]:
    """Every prompt shipped under `prompts/`."""
    return sorted(p.stem for p in shipped_path("prompts").glob("*.md"))


def render(name: str, **values: object) -> str:
    """Render `prompts/<name>.md` with exactly the variables it declares."""
    expected = variables(name)
    missing, unknown = expected - values.keys(), values.keys() - expected
    if missing or unknown:
        raise ConfigError(f"Prompt '{name}': missing {sorted(missing)}, unexpected {sorted(unknown)}.")
    return _template(name).format(**values)
