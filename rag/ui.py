"""The Streamlit chat page: cited answers from the archive (called by the thin `app.py`)."""

from __future__ import annotations

import html
from typing import Any

from rag.archive import Archive
from rag.chat import ChatEngine, Turn
from rag.config import Settings, load_settings
from rag.errors import NewsroomError
from rag.ingest import ensure_seeded
from rag.models import Answer


def _engine(st: Any) -> ChatEngine:
    @st.cache_resource(show_spinner="Opening the archive…")
    def open_engine(settings: Settings) -> ChatEngine:
        archive = Archive(settings)
        ensure_seeded(archive)
        return ChatEngine(settings, archive)

    return open_engine(load_settings())  # type: ignore[no-any-return]


def render_sources(st: Any, answer: Answer) -> None:
    """Each cited article: headline, outlet, date, link and the quoted sentence."""
    if answer.notice:
        st.warning(answer.notice)
    if not answer.citations:
        return
    st.markdown("**Sources**")
    for c in answer.citations:
        p = c.passage
        label = f"[{c.n}] {p.title} — {p.outlet or 'Unknown outlet'}, {p.published_at[:10] or 'undated'}"
        with st.expander(label, expanded=False):
            if p.byline:
                st.caption(f"By {p.byline}")
            if p.url:
                st.markdown(f"[{html.escape(p.url)}]({p.url})")
            st.markdown(f"> {html.escape(c.quote or p.text)}")


def run_app(st: Any) -> None:
    """Draw the page."""
    st.set_page_config(page_title="Newsroom", page_icon="📰")
    st.title("Newsroom")
    try:
        engine = _engine(st)
        stats = engine.archive.stats()
    except NewsroomError as exc:
        st.error(str(exc))
        return
    st.caption(f"{stats.articles} articles · {len(stats.outlets)} outlets · answers: {engine.mode_label}")
    history: list[dict[str, Any]] = st.session_state.setdefault("history", [])
    for message in history:
        with st.chat_message(message["role"]):
            st.markdown(message["content"])
            if message.get("answer"):
                render_sources(st, message["answer"])
    question = st.chat_input("Ask the archive a question")
    if not question:
        return
    with st.chat_message("user"):
        st.markdown(html.escape(question))
    turns = [Turn(m["role"], m["content"]) for m in history]
    with st.chat_message("assistant"):
        try:
            answer = engine.ask(question, turns)
        except NewsroomError as exc:
            st.error(str(exc))
            return
        st.markdown(html.escape(answer.text))
        render_sources(st, answer)
    history.append({"role": "user", "content": html.escape(question)})
    history.append({"role": "assistant", "content": html.escape(answer.text), "answer": answer})
