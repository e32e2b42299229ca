"""Newsroom chat (Streamlit): a thin face over `rag/` — the chat page and the evaluation page."""

from __future__ import annotations

import streamlit as st

from rag.ui.chat import chat_page
from rag.ui.evaluation import evaluation_page


def chat() -> None:
    """Ask the archive."""
    chat_page(st)


def evaluation() -> None:
    """Evaluation reports."""
    evaluation_page(st)


st.set_page_config(page_title="Newsroom", page_icon="📰", layout="wide")
st.navigation(
    [
        st.Page(chat, title="Chat", icon=":material/chat:", default=True),
        st.Page(evaluation, title="Evaluation", icon=":material/analytics:"),
    ]
).run()
