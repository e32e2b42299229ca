"""The chat page's sidebar: the archive at a glance, filters, answer mode, uploads, new conversation, export."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any

from rag.config import Settings
from rag.counts import counted
from rag.engine import (
    EDITOR,
    READER,
    UPLOAD_TYPES,
    ArchiveFilter,
    ArchiveStats,
    ChatEngine,
    FileReport,
    WriteRights,
    is_loopback,
    role_for,
    save_upload,
    write_rights,
)
from rag.errors import AccessDeniedError, LoadError, NewsroomError
from rag.ui.render import export_markdown, md_escape
from rag.ui.timeline import MIN_CHART_ARTICLES, coverage, draw_archive_timeline


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def archive_summary(stats: ArchiveStats) -> str:
    """One line on what the archive holds."""
    articles, outlets = stats.articles, len(stats.outlets)
    text = f"**{articles}** article{'s' * (articles != 1)}"
    if outlets:
        text += f" from **{outlets}** outlet{'s' * (outlets != 1)}"
    if reach := coverage(stats):
        text += f"  \n{reach}"
    return text


def filters_box(st: Any, stats: ArchiveStats) -> ArchiveFilter:
    """Outlet and date-range filters (kept per browser session)."""
    st.subheader("Filters")
    outlets = st.multiselect("Outlets", stats.outlets, key="filter_outlets", placeholder="All outlets")
    since = until = None
    first, last = _day(stats.first_date), _day(stats.last_date)
    if first and last and st.checkbox("Only articles published between", key="filter_by_date"):
        picked = st.date_input("Publication dates", value=(first, last), key="filter_dates")
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            since, until = picked
    return ArchiveFilter.of(outlets, since, until)


def upload_row(report: FileReport) -> dict[str, Any]:
    """One row of the upload table: the file's own name (never the server's path), what happened, and why."""
    articles = report.new + report.replaced + report.unchanged
    folder = str(Path(report.path).parent) + "/"  # the server's upload folder, never shown
    reasons = [e.replace(folder, "") for e in report.errors]
    name = Path(report.path).name
    if Path(report.path).parent.name == "open":  # a reader's upload, saved under its content's hash and its name
        name = re.sub(r"^[0-9a-f]{12}-", "", name)
    return {
        "file": name,
        "status": report.status,
        "articles": articles,
        "new": report.new,
        "replaced": report.replaced,
        "unchanged": report.unchanged,
        "retracted": report.retracted,
        "reason": "; ".join([*reasons, *([report.skipped] if report.skipped else [])]),
    }


_COUNTS = (("new", "added"), ("replaced", "replaced"), ("unchanged", "unchanged"), ("retracted", "retracted"))


def upload_outcome(row: dict[str, Any]) -> str:
    """What happened to a file, every count in words: "7 added, 1 unchanged", "refused", "2 added, with errors"
    (its reasons have a column of their own)."""
    counts = [f"{int(row.get(key, 0))} {word}" for key, word in _COUNTS if int(row.get(key, 0))]
    if row["status"] == "skipped":
        return "skipped"
    if row["status"] == "failed":
        return f"{', '.join(counts)}, with errors" if counts else "refused"
    return ", ".join(counts) or str(row["status"])


def upload_summary(rows: list[dict[str, Any]]) -> str:
    """One plain line for a whole upload, counts summed over its files: "9 articles added · 8 unchanged · 2 files
    refused"."""
    totals = {word: sum(int(r.get(key, 0)) for r in rows) for key, word in _COUNTS}
    parts = [f"{n} {word}" for word, n in totals.items() if n]
    if parts:
        first = parts[0].split(" ", 1)
        parts[0] = f"{counted(int(first[0]), 'article')} {first[1]}"
    refused = sum(1 for r in rows if r["status"] == "failed" and not any(int(r.get(k, 0)) for k, _ in _COUNTS))
    partial = sum(1 for r in rows if r["status"] == "failed") - refused
    skipped = sum(1 for r in rows if r["status"] == "skipped")
    for n, what in ((refused, "refused"), (partial, "with errors"), (skipped, "skipped")):
        if n:
            parts.append(f"{counted(n, 'file')} {what}")
    return " · ".join(parts)


def session_rights(st: Any, settings: Settings, role: str, email: str) -> WriteRights:
    """What this session may write, decided on the server from its sign-in and how the app is served: an app only
    this machine reaches, without sign-in, serves its one local user; any other app lets editors write, and
    readers only add new articles, and only when `NEWSROOM_OPEN_UPLOADS` is set."""
    shared = _sign_in_configured(st) or not is_loopback(_server_address(st))
    return write_rights(role, email, shared=shared, open_uploads=settings.open_uploads)


def _server_address(st: Any) -> str | None:
    try:
        return str(st.get_option("server.address") or "") or None
    except Exception:  # an option Streamlit does not know: treat the app as reachable by others
        return None


def save_uploads(
    settings: Settings, rights: WriteRights, files: list[tuple[str, bytes]]
) -> tuple[list[Path], list[dict[str, Any]]]:
    """Save uploaded (name, bytes) for ingest: the saved paths, and a report row for each file refused.

    An editor's upload is saved under its own name, so uploading a file again replaces its article. A writer who
    may only add (a reader, with open uploads) saves into a folder of its own under a name that carries the
    content's hash, so no upload of theirs can overwrite another file or change a stored article."""
    if not rights.add:
        raise AccessDeniedError(rights.why_not)
    folder = settings.data_dir / "uploads" / ("" if rights.change else "open")
    saved, refused = [], []
    for name, data in files:
        stored_as = name if rights.change else f"{hashlib.sha256(data).hexdigest()[:12]}-{name}"
        try:
            saved.append(save_upload(folder, stored_as, data, settings.max_upload_mb * 2**20))
        except LoadError as exc:
            refused.append({"file": name, "status": "failed", "articles": 0, "reason": exc.reason})
    return saved, refused


def upload_box(st: Any, engine: ChatEngine, rights: WriteRights) -> None:
    """Upload articles, check them by content, ingest with a progress bar and show the per-file report; a session
    that may not write sees why instead (and is refused on the server whatever it sends)."""
    settings = engine.settings
    if not rights.add:
        sign_in = " Sign in with an editor's account to add some." if _sign_in_configured(st) else ""
        st.caption(md_escape(rights.why_not + sign_in))
        return
    generation = st.session_state.setdefault("upload_generation", 0)
    with st.expander("Add articles", expanded=bool(st.session_state.get("upload_report"))):
        if not rights.change:
            st.caption("You can add new articles; only an editor can change or retract one already in the archive.")
        files = st.file_uploader(
            f"Article files (up to {settings.max_upload_mb} MB each)",
            type=UPLOAD_TYPES,
            accept_multiple_files=True,
            key=f"uploads-{generation}",
        )
        if files and st.button("Add to the archive", key="ingest_uploads"):
            saved, rows = save_uploads(settings, rights, [(f.name, f.getvalue()) for f in files])
            bar = st.progress(0.0, text="Ingesting…")

            def progress(done: int, total: int) -> None:
                bar.progress(done / total if total else 1.0, text=f"Ingesting… {done}/{total} passages")

            problem = ""
            if saved:
                try:
                    report = engine.desk.ingest(saved, progress, "newsroom chat upload", rights)
                    rows += [upload_row(r) for r in report.files]
                except NewsroomError as exc:
                    problem = str(exc)
            summary = problem or upload_summary(rows)
            bar.empty()
            st.session_state["upload_report"] = {"rows": rows, "summary": summary}
            st.session_state["upload_generation"] = generation + 1
            st.rerun()
        if report := st.session_state.get("upload_report"):
            if report["summary"]:
                st.markdown(md_escape(report["summary"]))
            # st.table wraps its cells (reasons are read in full); it renders Markdown in them, so all is escaped
            st.table(
                [
                    {
                        "file": md_escape(row["file"]),
                        "outcome": md_escape(upload_outcome(row)),
                        "reason": md_escape(row["reason"]),
                    }
                    for row in report["rows"]
                ]
            )


def current_role(st: Any, settings: Settings) -> tuple[str, str]:
    """(role, e-mail) of this session: a signed-in user's address mapped by `NEWSROOM_EDITORS`; a reader when
    nobody is signed in or sign-in is not configured."""
    try:
        user = st.user
        verified = user.get("email_verified") is not False  # an address the provider says it did not verify
        email = str(user.get("email") or "") if user.is_logged_in and verified else ""
    except Exception:  # no sign-in configured, or a Streamlit without st.user: everyone is a reader
        email = ""
    return role_for(email, settings.editors), email


def _sign_in_configured(st: Any) -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no .streamlit/secrets.toml: sign-in is not configured
        return False


def access_box(st: Any, role: str, email: str) -> None:
    """Which role is in force, and the sign-in or sign-out button when sign-in is configured."""
    who = f" ({md_escape(email)})" if email else ""
    st.caption(f"Role: **{role}**{who}" + ("" if role == EDITOR else " · published articles only"))
    if not _sign_in_configured(st):
        return
    if email:
        if st.button("Sign out", key="sign_out"):
            st.logout()
    elif st.button("Sign in", key="sign_in"):
        st.login()


def sidebar(
    st: Any,
    engine: ChatEngine,
    stats: ArchiveStats,
    role: str = READER,
    email: str = "",
    rights: WriteRights | None = None,
) -> ArchiveFilter:
    """Draw the sidebar and return the filters the user chose; `rights` (default: none) decides the uploads."""
    with st.sidebar:
        st.header("Archive")
        st.markdown(archive_summary(stats))
        st.caption(f"Answers: {engine.mode_label}")
        access_box(st, role, email)
        if stats.last_date and stats.articles >= MIN_CHART_ARTICLES:
            with st.expander("Timeline"):
                draw_archive_timeline(st, engine.records())
        filters = filters_box(st, stats)
        if st.button("New conversation", icon=":material/add_comment:", width="stretch"):
            st.session_state["messages"] = []
            st.session_state.pop("pending_question", None)
            st.rerun()
        messages = st.session_state.get("messages", [])
        if messages:
            st.download_button(
                "Download conversation (Markdown)",
                export_markdown(messages),
                file_name="newsroom-conversation.md",
                mime="text/markdown",
                width="stretch",
            )
        upload_box(st, engine, rights or write_rights(READER, "", shared=True, open_uploads=False))
    return filters
