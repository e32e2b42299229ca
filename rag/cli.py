"""The `newsroom` command: ingest, ask, search, chat, config."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from rag.config import Settings, load_settings
from rag.counts import counted
from rag.errors import NewsroomError

if TYPE_CHECKING:  # the engine's modules load only when a command needs them (`newsroom --help` stays fast)
    from rag.engine import ArchiveFilter, ChatEngine
    from rag.models import Answer, Passage

MULTIHOP_ATTRIBUTION = (
    'Data: MultiHop-RAG (Tang & Yang, 2024, "MultiHop-RAG: Benchmarking Retrieval-Augmented Generation for '
    'Multi-Hop Queries"), ODC-BY 1.0.'
)


def _settings(data_dir: str | None) -> Settings:
    return load_settings().with_data_dir(data_dir)


def _edge(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn Newsroom errors into short messages and a non-zero exit (no tracebacks)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NewsroomError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Archive folder (default: $NEWSROOM_DATA_DIR, else ./.newsroom).",
)
filter_options = [
    click.option("--outlet", "outlets", multiple=True, help="Only this outlet (repeatable)."),
    click.option("--since", help="Only articles published on or after this date (YYYY-MM-DD)."),
    click.option("--until", help="Only articles published on or before this date (YYYY-MM-DD)."),
    click.option(
        "--role",
        type=click.Choice(["reader", "editor"]),
        default="reader",
        show_default=True,
        help="Editors also see drafts and embargoed articles, labelled (needs NEWSROOM_ALLOW_EDITOR_CLI=1).",
    ),
]


def with_filters(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the outlet/date options to a command."""
    for option in reversed(filter_options):
        func = option(func)
    return func


def _progress_bar(desc: str, unit: str) -> Any:
    """A progress bar on stderr (tqdm), so that --json output on stdout stays clean."""
    from tqdm import tqdm

    return tqdm(total=0, unit=unit, desc=desc, file=sys.stderr, dynamic_ncols=True)


def _ingest_progress(bar: Any) -> Callable[[int, int], None]:
    """An ingest progress callback (passages embedded, passages to embed) that moves `bar`; tqdm shows the rate
    in passages per second."""

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)  # update, not an assignment, keeps tqdm's passages/s rate

    return progress


def _engine(settings: Settings, warm: bool = True) -> ChatEngine:
    from rag.engine import open_engine

    opened = open_engine(settings, warm=warm)
    if opened.seeded is not None:
        click.echo(f"First run: loaded the bundled seed articles ({opened.seeded.summary()}).", err=True)
    return opened.engine


def _filters(
    outlets: tuple[str, ...], since: str | None, until: str | None, role: str, settings: Settings
) -> ArchiveFilter:
    """The user's filter from --outlet/--since/--until ("--until 2023-11-30" includes that whole day), once
    --role editor is known to be allowed here (the engine applies the role's access rules)."""
    from rag.engine import EDITOR, ArchiveFilter

    if role == EDITOR:
        _editor_allowed(settings)
    try:
        return ArchiveFilter.of(outlets, since, until)  # the engine applies the role's access rules
    except NewsroomError as exc:
        raise click.BadParameter(str(exc)) from exc


def _known_outlets(engine: ChatEngine, outlets: tuple[str, ...], role: str) -> None:
    """An --outlet the archive does not hold is a usage error (exit 2) that lists the outlets it does hold: a
    search of nothing would print nothing and look like an empty answer."""
    unknown = engine.unknown_outlets(outlets, role)
    if not unknown:
        return
    known = engine.known_outlets(role)
    held = ", ".join(known) if known else "no outlets yet"
    names = ", ".join(f"'{n}'" for n in unknown)
    raise click.BadParameter(
        f"the archive holds no outlet named {names}. Outlets in the archive: {held}.", param_hint="'--outlet'"
    )


@click.group()
@click.version_option(package_name="newsroom")
def cli() -> None:
    """Newsroom: question your article archive, with cited answers."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@data_dir_option
@_edge
def ingest(paths: tuple[str, ...], data_dir: str | None) -> None:
    """Add articles from files and folders (.txt .md .html .json .jsonl) to the archive."""
    from rag.engine import Desk, WriteRights

    desk = Desk.open(_settings(data_dir))
    bar = _progress_bar("Ingesting", "passage")
    try:
        report = desk.ingest(paths, _ingest_progress(bar), rights=WriteRights(True, True, _who("ingest")))
    finally:
        bar.close()
    for file_report in report.files:
        _say(file_report.describe())
    _say(report.summary())
    if not report.files:
        raise click.ClickException("No supported files found (.txt .md .html .htm .json .jsonl).")
    if not report.ok:
        sys.exit(1)


def _who(command: str) -> str:
    """How a command's writes are recorded in an article's history: the command, the user and the machine."""
    import getpass
    import socket

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name known to the system (some containers)
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown user"
    return f"newsroom {command} ({user}@{socket.gethostname()})"


def _editor_allowed(settings: Settings) -> None:
    """Refuse `--role editor` unless `NEWSROOM_ALLOW_EDITOR_CLI` allows it."""
    if not settings.allow_editor_cli:
        raise click.UsageError("--role editor is switched off here: set NEWSROOM_ALLOW_EDITOR_CLI=1 to allow it.")


def _editor_only(role: str, settings: Settings, what: str) -> None:
    """Refuse a command that shows or changes what only editors may (retracted, draft and embargoed versions)."""
    if role != "editor":
        raise click.UsageError(
            f"{what} is for editors (it shows retracted, draft and embargoed versions): add --role editor."
        )
    _editor_allowed(settings)


# C0/C1 control codes (ESC and CSI start terminal escape sequences) and bidi overrides, never printed from an
# article or a model; a small class, so printing costs nothing (ingest's full Unicode table takes 0.1 s to build)


def _say(text: str, **style: Any) -> None:
    """Print text that came from an article or a model, inert: its control codes removed."""
    from rag.engine import strip_controls

    click.secho(strip_controls(text), **style)


def print_answer(answer: Answer) -> None:
    """The answer, then each cited article once: its numbers, outlet, date, headline, URL and every quote."""
    if answer.notice:
        _say(answer.notice, fg="yellow", err=True)
    from rag.engine import access_label, correction_label, shown, sources

    text, span_at = shown(answer)  # one number per article, as in the sources below
    if span_at is not None:  # the words that answer what was asked stand out inside their quote
        start, end = span_at
        _say(text[:start], nl=False)
        _say(text[start:end], bold=True, nl=False)
        _say(text[end:])
    else:
        _say(text)
    if answer.citations:
        click.echo("\nSources")
    for source in sources(answer.citations):
        p = source.passage
        when = p.published_at[:10] or "undated"
        if correction := correction_label(p):
            when += f" ({correction})"
        head = " · ".join(x for x in (p.outlet or "Unknown outlet", when, p.title) if x)
        if label := access_label(p):
            head += f" [{label.upper()}]"
        _say(f"{source.label} {head}")
        if p.url:
            _say(f"    {p.url}")
        for _, quote in source.quotes:  # every quote of the article, under its one number
            # a quote that holds quotation marks of its own is printed as it is, never in doubled marks
            _say(f"    {quote}" if any(m in quote for m in '“”"') else f"    “{quote}”")


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("-k", "k", type=click.IntRange(1, 50), default=None, help="Passages to read.")
@with_filters
@data_dir_option
@_edge
def ask(
    question: str,
    as_json: bool,
    k: int | None,
    outlets: tuple[str, ...],
    since: str | None,
    until: str | None,
    role: str,
    data_dir: str | None,
) -> None:
    """Answer a question from the archive, with numbered citations."""
    settings = _settings(data_dir)
    filters = _filters(outlets, since, until, role, settings)
    engine = _engine(settings)
    _known_outlets(engine, outlets, role)
    answer = engine.ask(question, filters=filters, k=k, role=role)
    if as_json:
        click.echo(json.dumps(answer.to_public(), ensure_ascii=False, indent=2))
    else:
        print_answer(answer)


@cli.command()
@click.argument("query")
@click.option("-k", "k", type=click.IntRange(1, 100), default=10, show_default=True, help="Passages to return.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--verbose", "-v", is_flag=True, help="Also show each passage's retrieval score.")
@with_filters
@data_dir_option
@_edge
def search(
    query: str,
    k: int,
    as_json: bool,
    verbose: bool,
    outlets: tuple[str, ...],
    since: str | None,
    until: str | None,
    role: str,
    data_dir: str | None,
) -> None:
    """Show the ranked passages for a query."""
    settings = _settings(data_dir)
    filters = _filters(outlets, since, until, role, settings)
    engine = _engine(settings, warm=False)  # a search reads no question with spaCy
    _known_outlets(engine, outlets, role)
    passages = engine.retrieve(query, filters, k, role)
    if as_json:
        click.echo(json.dumps([p.to_public() for p in passages], ensure_ascii=False, indent=2))
        return
    if not passages:
        _say("No passages found.")
    for rank, p in enumerate(passages, 1):
        _say(passage_header(rank, p))
        for line in excerpt_lines(p.text):
            _say(f"    {line}")
        if verbose:
            _say(f"    score {p.score:.4f} (fused rank of keyword and meaning search)")


EXCERPT_WIDTH = 100
EXCERPT_LINES = 3


def passage_header(rank: int, passage: Passage) -> str:
    """One line per passage: rank, outlet, date, headline (and "[draft]" or "[embargoed until …]" for an editor)."""
    from rag.engine import access_label

    label = f" [{access}]" if (access := access_label(passage)) else ""
    when = passage.published_at[:10] or "undated"
    outlet = " ".join(passage.outlet.split()) or "Unknown outlet"
    return f"{rank:>2}. {outlet} · {when} · {' '.join(passage.title.split())}{label}"  # one line, whatever the title


def excerpt_lines(text: str, width: int = EXCERPT_WIDTH, lines: int = EXCERPT_LINES) -> list[str]:
    """A passage's start as a few wrapped lines (its paragraphs run together), ending in "…" when cut."""
    import textwrap

    wrapped = textwrap.wrap(" ".join(text.split()), width=width, break_long_words=True)
    if len(wrapped) <= lines:
        return wrapped
    return [*wrapped[: lines - 1], textwrap.shorten(" ".join(wrapped[lines - 1 :]), width - 1, placeholder="") + " …"]


@cli.command()
@click.option("--port", type=int, default=8501, show_default=True)
@click.option(
    "--host", default="localhost", show_default=True, help="Address to serve on (0.0.0.0 to share on the network)."
)
@data_dir_option
@_edge
def chat(port: int, host: str, data_dir: str | None) -> None:
    """Start the chat app in the browser (Streamlit)."""
    from rag.resources import shipped_path
    from rag.ui.theme import streamlit_flags

    env = dict(os.environ)
    settings = _settings(data_dir)
    if data_dir:
        env["NEWSROOM_DATA_DIR"] = str(Path(data_dir).resolve())
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(shipped_path("app.py")),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.maxUploadSize",
        str(settings.max_upload_mb),
        *streamlit_flags(),
    ]
    click.echo(
        f"Newsroom chat: open http://{'localhost' if host in ('0.0.0.0', '::') else host}:{port} (Ctrl+C to stop)"
    )
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "nt":  # Windows has no exec: run the server as a child and pass on its exit code
        import subprocess

        sys.exit(subprocess.call(command, env=env))
    # streamlit replaces this process, so a signal to `newsroom chat` (Ctrl+C, or a service manager's SIGTERM)
    # reaches the server itself and never leaves it running orphaned
    os.execve(sys.executable, command, env)


@cli.command()
@click.option("--repair", is_flag=True, help="Delete orphan passages, unregister incomplete articles, rebuild indexes.")
@data_dir_option
@_edge
def check(repair: bool, data_dir: str | None) -> None:
    """Verify the archive: every article's passages present, no orphans, indexes current, no leftovers."""
    from rag.engine import Desk

    report = Desk.open(_settings(data_dir)).check(repair)
    for action in report.repaired:
        _say(f"repaired: {action}")
    for problem in report.problems:
        _say(f"problem:  {problem.kind}: {problem.detail}")
    _say(
        f"{counted(report.articles, 'article')}, {counted(report.passages, 'passage')}, "
        f"{counted(report.versions, 'earlier version')} kept: " + ("OK" if report.ok else "NOT OK")
    )
    if not report.ok:
        raise click.ClickException(
            f"{counted(len(report.problems), 'problem')} found"
            + ("" if repair else "; `newsroom check --repair` fixes them")
        )


@cli.command()
@click.argument("destination", type=click.Path(file_okay=False))
@data_dir_option
@_edge
def backup(destination: str, data_dir: str | None) -> None:
    """Write a consistent, checked copy of the archive into DESTINATION (open it with --data-dir DESTINATION)."""
    from rag.engine import Desk

    report = Desk.open(_settings(data_dir)).backup(Path(destination))
    _say(
        f"Backed up {counted(report.articles, 'article')}, {counted(report.passages, 'passage')} and "
        f"{counted(report.versions, 'earlier version')} to {destination}: checked, OK"
    )


role_option = click.option(
    "--role",
    type=click.Choice(["reader", "editor"]),
    default="reader",
    show_default=True,
    help="Only editors see an article's history (needs NEWSROOM_ALLOW_EDITOR_CLI=1).",
)


@cli.command()
@click.argument("reference", metavar="URL")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@role_option
@data_dir_option
@_edge
def history(reference: str, as_json: bool, role: str, data_dir: str | None) -> None:
    """List every version of the article at URL (or with that id, or ingested from that file): who wrote it, when,
    its status."""
    from rag.engine import Desk

    settings = _settings(data_dir)
    _editor_only(role, settings, "newsroom history")
    found = Desk.open(settings).versions(reference)
    if as_json:
        rows = [
            {
                "version": v.number,
                "current": v.current,
                "written_at": _moment(v.written_at),
                "written_by": v.written_by,
                "status": v.status,
                "title": v.title,
                "published_at": str(v.metadata.get("published_at", "")),
                "content_hash": v.content_hash,
                "characters": len(v.body),
            }
            for v in found
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    _say(f"{found[-1].title} ({found[-1].article_id}): {counted(len(found), 'version')}, oldest first")
    for v in found:
        mark = "current" if v.current else f"restore with: --version {v.number}"
        _say(f"{v.number:>3}. {_moment(v.written_at) or 'time not recorded'} · {v.status} · by {v.written_by}")
        _say(f"     {v.title} · {len(v.body):,} characters · {mark}")


def _moment(seconds: float) -> str:
    """A write's moment for people, in UTC to the second; empty when not recorded."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if seconds > 0 else ""


@cli.command()
@click.argument("reference", metavar="URL")
@click.option("--version", "number", type=click.IntRange(1), required=True, help="The version to bring back.")
@role_option
@data_dir_option
@_edge
def restore(reference: str, number: int, role: str, data_dir: str | None) -> None:
    """Make an earlier version of the article at URL current again (the version it replaces is kept)."""
    from rag.engine import Desk, WriteRights

    settings = _settings(data_dir)
    _editor_only(role, settings, "newsroom restore")
    done = Desk.open(settings).restore(reference, number, WriteRights(True, True, _who("restore")))
    _say(
        f"Restored version {done.version.number} ({done.version.status}) of '{done.version.title}': "
        f"{counted(done.passages, 'passage')} written; version {done.replaced.number} is kept in the history."
    )


@cli.command(name="eval")
@click.argument("cases", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--corpus", multiple=True, type=click.Path(exists=True), help="Ingest these into a fresh store under --out first."
)
@click.option("--out", default="eval-runs/latest", show_default=True, type=click.Path(file_okay=False))
@click.option("-k", "k", type=click.IntRange(1, 50), default=10, show_default=True, help="Passages per question.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N cases.")
@click.option("--compare", nargs=2, type=click.Path(exists=True, dir_okay=False), help="Compare two report.json files.")
@click.option("--tolerance", type=float, default=0.02, show_default=True, help="Allowed drop of a headline metric.")
@data_dir_option
@_edge
def evaluate(
    cases: str | None,
    corpus: tuple[str, ...],
    out: str,
    k: int,
    limit: int | None,
    compare: tuple[str, str] | None,
    tolerance: float,
    data_dir: str | None,
) -> None:
    """Run scripted questions and write a report (report.json, report.md, charts)."""
    if compare:
        lines, regressed = _compare_reports(*compare, tolerance=tolerance)
        click.echo("\n".join(lines))
        if regressed:
            raise click.ClickException(f"A headline metric dropped by more than {tolerance}.")
        return
    if not cases:
        raise click.UsageError("Give a case file, or --compare A/report.json B/report.json.")
    click.echo(_run_eval(_settings(data_dir), cases, corpus, Path(out), k, limit))


def _compare_reports(old: str, new: str, tolerance: float) -> tuple[list[str], bool]:
    from rag.errors import LoadError
    from rag.eval.report import compare

    summaries = []
    for path in (old, new):
        try:
            summaries.append(json.loads(Path(path).read_text(encoding="utf-8"))["summary"]["overall"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise LoadError(f"not a readable evaluation report ({exc})", where=path) from exc
    return compare(summaries[0], summaries[1], tolerance)


def _run_eval(settings: Settings, cases_path: str, corpus: Sequence[str], out: Path, k: int, limit: int | None) -> str:
    """Run an evaluation with progress bars and return the closing summary text."""
    from rag.engine import open_engine
    from rag.eval.cases import load_cases
    from rag.eval.metrics import HEADLINE
    from rag.eval.report import write_report
    from rag.eval.run import prepare_corpus, run_eval

    cases = load_cases(cases_path)[:limit]
    if corpus:
        bar = _progress_bar("Corpus", "passage")
        try:
            settings, ingested = prepare_corpus(settings, out, corpus, _ingest_progress(bar))
        finally:
            bar.close()
        click.echo(ingested.summary(), err=True)
    engine = open_engine(settings, seed=not corpus).engine
    bar = _progress_bar("Evaluating", "case")
    bar.total = len(cases)

    def progress(done: int, total: int, hit_rate: float) -> None:
        bar.n = done
        bar.set_postfix_str(f"hit rate {hit_rate:.3f}")

    try:
        report = run_eval(engine, cases, k, progress)
    finally:
        bar.close()
    if "multihop" in cases_path.lower() or any(c.id.startswith("mh-") for c in cases):
        report.attribution = MULTIHOP_ATTRIBUTION
    files = write_report(report, out)
    o = report.overall
    shown = [name for name in HEADLINE if name not in ("answer_f1", "citations_valid")]
    figures = ", ".join(f"{name} {o[name]:.3f}" for name in shown if o.get(name) is not None)
    latency = f"latency p50 {o.get('total_ms_p50', 0):.0f} ms, p95 {o.get('total_ms_p95', 0):.0f} ms"
    return f"{o['cases']} cases: {figures}; {latency}\nWrote {', '.join(str(f) for f in files)}"


@cli.command()
@data_dir_option
@_edge
def config(data_dir: str | None) -> None:
    """Show the effective settings (secrets masked)."""
    for name, value in _settings(data_dir).public_items():
        click.echo(f"{name:<24} {value}")


def main() -> None:
    """Entry point of the `newsroom` script."""
    cli(prog_name="newsroom")
