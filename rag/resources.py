"""Files that ship with Newsroom (prompts, seed articles and their evaluation questions, the Streamlit app), found
with `importlib.resources`.

An installed wheel carries them as package data under `rag/_data/` (see `pyproject.toml`); a source checkout
keeps them where the layout of the product puts them (the seed questions with the other evaluation sets, in
tests/eval/).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from rag.errors import ConfigError

PACKAGE_DATA = "_data"
# name -> where a source checkout keeps it
SHIPPED = {
    "prompts": "prompts",
    "seeds": "seeds",
    "app.py": "app.py",
    "seed_cases.jsonl": "tests/eval/seed_cases.jsonl",  # the seed's evaluation questions, run from the app
}
_CHECKOUT = Path(__file__).resolve().parent.parent


def shipped_path(name: str) -> Path:
    """The path of a shipped file or folder: `prompts`, `seeds`, `app.py` or `seed_cases.jsonl`.

    Raises:
        ConfigError: the installation lacks it.
    """
    if name not in SHIPPED:
        raise ValueError(f"{name!r} is not shipped with Newsroom; expected one of {tuple(SHIPPED)}")
    packaged = Path(str(files("rag").joinpath(PACKAGE_DATA, name)))
    if packaged.exists():
        return packaged
    checkout = _CHECKOUT / SHIPPED[name]
    if checkout.exists() and (_CHECKOUT / "pyproject.toml").is_file():
        return checkout
    raise ConfigError(f"Newsroom's '{name}' is missing from this installation (looked in {packaged}). Reinstall it.")
