"""Files that ship with Newsroom (prompts, seed articles, the Streamlit app), found with `importlib.resources`.

An installed wheel carries them as package data under `rag/_data/` (see `pyproject.toml`); a source checkout
keeps them at the top of the project, where the layout of the product puts them.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from rag.errors import ConfigError

PACKAGE_DATA = "_data"
SHIPPED = ("prompts", "seeds", "app.py")
_CHECKOUT = Path(__file__).resolve().parent.parent


def shipped_path(name: str) -> Path:
    """The path of a shipped file or folder: `prompts`, `seeds` or `app.py`.

    Raises:
        ConfigError: the installation lacks it.
    """
    if name not in SHIPPED:
        raise ValueError(f"{name!r} is not shipped with Newsroom; expected one of {SHIPPED}")
    packaged = Path(str(files("rag").joinpath(PACKAGE_DATA, name)))
    if packaged.exists():
        return packaged
    checkout = _CHECKOUT / name
    if checkout.exists() and (_CHECKOUT / "pyproject.toml").is_file():
        return checkout
    raise ConfigError(f"Newsroom's '{name}' is missing from this installation (looked in {packaged}). Reinstall it.")
