"""The app's colours. Streamlit draws a focused widget's border in the theme's primary colour, and its default
primary colour is the red it also uses for errors, so the chat box looked like an error after every answer (it
keeps the focus). `newsroom chat` passes these to Streamlit; `.streamlit/config.toml` holds the same for
`streamlit run app.py` from a checkout (a test keeps the two equal)."""

from __future__ import annotations

THEME = {
    "primaryColor": "#1f5f99",  # newsroom blue: focus rings, buttons, links; red stays for errors only
}


def streamlit_flags() -> list[str]:
    """The theme as `streamlit run` command-line flags."""
    return [part for name, value in THEME.items() for part in (f"--theme.{name}", value)]
