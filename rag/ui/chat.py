"""The chat page: streamed, cited answers with their sources (called by the thin `app.py`)."""

from __future__ import annotations

from typing import Any

from rag.config import Settings, load_settings
from rag.engine import (
    READER,
    ArchiveFilter,
    ArchiveStats,
    ChatEngine,
    Source,
    access_label,
    correction_label,
    open_engine,
    shown,
    sources,
)
from rag.errors import NewsroomError
from rag.eval.feedback import feedback_case, save_feedback
from rag.models import Passage
from rag.ui.render import (
    ChatMessage,
    answer_markdown,
    context_paragraphs,
    example_questions,
    highlight,
    md_escape,
    quote_markdown,
    safe_url,
)
from rag.ui.sidebar import current_role, session_rights, sidebar
from rag.ui.timeline import MIN_CHART_ARTICLES, draw_archive_timeline, draw_cited_timeline, human_day


def get_engine(st: Any, settings: Settings) -> ChatEngine:
    """One engine per configuration, shared by sessions (it holds no per-user state)."""

    @st.cache_resource(show_spinner="Opening the archive…")
    def shared_engine(settings: Settings) -> ChatEngine:
        return open_engine(settings).engine

    return shared_engine(settings)  # type: ignore[no-any-return]


def render_source(st: Any, engine: ChatEngine, source: Source) -> None:
    """A source card for one cited article: its citation numbers, headline, outlet, byline, date and link, then
    the cited passages with every quoted sentence highlighted."""
    p = source.passage
    with st.container(border=True):
        meta = " · ".join(
            md_escape(x)
            for x in (
                p.outlet or "Unknown outlet",
                p.byline and f"by {p.byline}",
                p.published_at[:10] or "undated",
                correction_label(p),
                access_label(p).upper(),
            )
            if x
        )
        url = safe_url(p.url)
        link = f" · [original article]({url})" if url else ""
        st.markdown(f"**{source.label} {md_escape(p.title)}**  \n{meta}{link}")
        quotes = source.in_context
        for quote in quotes:  # each quoted stretch, marked, with a sentence of context either side
            st.markdown(quote_markdown(quote))
        if not quotes:  # a citation without a quote stands for its whole passage
            st.markdown(highlight(source.text(), source.quote))
        with st.expander("Show in the article"):
            stored = engine.article_body(p.article_id, st.session_state.get("access_role", READER))
            if stored is None:
                st.caption("This article is no longer in the archive.")
                return
            before, middle, after = context_paragraphs(stored[0], source.start, source.end)
            for paragraph in before:
                st.markdown(md_escape(paragraph))
            st.markdown("\n\n".join(highlight(m, source.quote) for m in middle))
            for paragraph in after:
                st.markdown(md_escape(paragraph))


def render_answer(st: Any, engine: ChatEngine, index: int, message: ChatMessage, stats: ArchiveStats) -> None:
    """An assistant message: answer, notice, rewritten question, sources and their timeline, feedback."""
    answer = message.answer
    if answer is None:
        st.markdown(answer_markdown(message.content))
        return
    with st.status(retrieval_label(answer.passages), state="complete", expanded=False):
        st.markdown(retrieved_markdown(answer.passages))
    if answer.notice:
        st.warning(md_escape(answer.notice), icon="⚠️")  # it may quote the question or an endpoint's error
    st.markdown(answer_markdown(*shown(answer)))  # one number per article, as on the source cards
    if answer.question and answer.question != message.asked:
        st.caption(f"Searched the archive for: {md_escape(answer.question)}")
    if answer.citations:
        st.markdown("**Sources**")
        cited = sources(answer.citations)
        for source in cited:
            render_source(st, engine, source)
        draw_cited_timeline(st, cited, stats)
    st.feedback("thumbs", key=f"feedback-{index}", on_change=_record_feedback, args=(st, engine, index))


def _record_feedback(st: Any, engine: ChatEngine, index: int) -> None:
    rating = st.session_state.get(f"feedback-{index}")
    if rating is None:
        return
    messages: list[ChatMessage] = st.session_state["messages"]
    message = messages[index]
    if message.answer is None:
        return
    if any(access_label(p) for p in message.answer.passages):  # evaluation cases are open to every reader
        st.toast("Not saved: this answer drew on drafts or embargoed articles, and evaluation cases are public.")
        return
    history = [m.turn() for m in messages[: max(0, index - 1)]]
    case = feedback_case(message.asked, message.answer, history, "up" if rating == 1 else "down")
    save_feedback(engine.settings.data_dir / "feedback.jsonl", case)
    st.toast("Thanks — saved as an evaluation case.")


def holdings_line(stats: ArchiveStats) -> str:
    """What the archive holds, in one line."""
    text = f"**{stats.articles}** article{'s' * (stats.articles != 1)} in your archive"
    if stats.outlets:
        names = ", ".join(md_escape(o) for o in stats.outlets[:3])
        more = len(stats.outlets) - 3
        text += f" from {names}" + (f" and {more} more outlet{'s' * (more != 1)}" if more > 0 else "")
    if stats.first_date:
        span = human_day(stats.first_date)
        span += f" to {human_day(stats.last_date)}" if stats.last_date != stats.first_date else ""
        text += f", published {span}"
    return (
        text + ". Ask anything about it: every answer cites the exact article and sentence, "
        "and says so when the archive has no answer."
    )


def empty_state(st: Any, engine: ChatEngine, stats: ArchiveStats) -> None:
    """What the archive holds and three example questions to click."""
    st.markdown(holdings_line(stats))
    if "examples" not in st.session_state:
        st.session_state["examples"] = example_questions(engine.recent_passages())
    columns = st.columns(max(1, len(st.session_state["examples"])))
    for column, question in zip(columns, st.session_state["examples"], strict=False):
        if column.button(md_escape(question), key=f"example-{question}", width="stretch"):
            st.session_state["pending_question"] = question
            st.rerun()
    if stats.last_date and stats.articles >= MIN_CHART_ARTICLES:  # the line above says what a small archive holds
        st.subheader("The archive at a glance")
        draw_archive_timeline(st, engine.records())


def answer_question(st: Any, engine: ChatEngine, question: str, filters: ArchiveFilter, role: str = READER) -> None:
    """Retrieve (shown in a status box), stream the answer, then keep it in the session history."""
    messages: list[ChatMessage] = st.session_state["messages"]
    turns = [m.turn() for m in messages]
    with st.chat_message("user"):
        st.markdown(md_escape(question))
    with st.chat_message("assistant"):
        with st.status("Searching the archive…", expanded=False) as status:
            run = engine.start(question, turns, filters, role=role)
            status.update(label=retrieval_label(run.passages), state="complete")
        placeholder = st.empty()
        text = ""
        for piece in run:
            text += piece
            placeholder.markdown(answer_markdown(text) + " ▌")
        placeholder.empty()
    answer = run.record().answer
    messages.append(ChatMessage("user", question))
    messages.append(ChatMessage("assistant", answer.text, answer=answer, asked=question))


def retrieval_label(passages: list[Passage]) -> str:
    """The retrieval step for people: how many passages from how many articles."""
    articles = len({p.article_id for p in passages})
    found = f"{len(passages)} passage{'s' if len(passages) != 1 else ''}"
    return f"Searched the archive: {found} from {articles} article{'s' if articles != 1 else ''}"


def retrieved_markdown(passages: list[Passage], words: int = 12) -> str:
    """The passages read, grouped by article: each article once (headline, outlet, date), then each of its
    passages by rank with its own first words."""
    by_article: dict[str, list[tuple[int, Passage]]] = {}
    for rank, p in enumerate(passages, 1):
        by_article.setdefault(p.article_id, []).append((rank, p))
    lines = []
    for group in by_article.values():
        p = group[0][1]
        lines.append(
            f"**{md_escape(p.title)}** — {md_escape(p.outlet or 'Unknown outlet')}, "
            f"{md_escape(p.published_at[:10] or 'undated')}"
        )
        for rank, passage in group:
            head = passage.text.split()
            opening = " ".join(head[:words]) + (" …" if len(head) > words else "")
            lines.append(f"- {rank}\\. “{md_escape(opening)}”")
    return "\n".join(lines)


def chat_page(st: Any) -> None:
    """Draw the chat page; errors become short messages, never tracebacks."""
    try:
        engine = get_engine(st, load_settings())
        stats = engine.stats()
    except NewsroomError as exc:
        st.error(md_escape(str(exc)))
        return
    st.session_state.setdefault("messages", [])
    try:
        asked = draw_conversation(st, engine, stats)
    except NewsroomError as exc:  # e.g. a Chroma server that went away after the page loaded
        st.error(md_escape(str(exc)))
        return
    except Exception as exc:  # the page's last line of defence: a message, never a traceback
        st.error(f"Something went wrong ({type(exc).__name__}). Please try again.")
        return
    if asked:
        st.rerun()  # outside the guard: Streamlit's rerun is an exception of its own


def draw_conversation(st: Any, engine: ChatEngine, stats: ArchiveStats) -> bool:
    """The sidebar, the conversation so far and the chat box; True when a new question was answered."""
    role, email = current_role(st, engine.settings)
    st.session_state["access_role"] = role  # this session's own: never in a cache shared across sessions
    rights = session_rights(st, engine.settings, role, email)  # decided anew on every run, never from the client
    filters = sidebar(st, engine, stats, role, email, rights)  # the user's own; the engine applies the role's rules
    st.title("Newsroom")
    messages = st.session_state["messages"]
    if not messages:
        empty_state(st, engine, stats)
    for index, message in enumerate(messages):
        with st.chat_message(message.role):
            if message.role == "user":
                st.markdown(md_escape(message.content))
            else:
                render_answer(st, engine, index, message, stats)
    question = st.chat_input("Ask the archive a question") or st.session_state.pop("pending_question", None)
    if not question:
        return False
    answer_question(st, engine, question.strip(), filters, role)
    return True
