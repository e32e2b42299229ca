"""Read article files (.txt, .md, .html, .json, .jsonl) into `Article` records, reporting bad input."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.dates import parse_date
from rag.errors import LoadError
from rag.ingest.encoding import read_html
from rag.ingest.encoding import read_text as read_text
from rag.ingest.fields import (
    field_value,
    front_matter,
    meta_fields,
    sidecar_fields,
    status_value,
    text_field,
)
from rag.ingest.folders import NOT_A_FILE, unsupported
from rag.ingest.folders import SUPPORTED as SUPPORTED
from rag.ingest.folders import Skip as Skip
from rag.ingest.folders import iter_files as iter_files
from rag.ingest.folders import walk as walk
from rag.ingest.limits import check_html_tree, check_json, too_deep
from rag.ingest.metadata import normalise_url, outlet_from_url
from rag.ingest.screening import check_prose, check_size
from rag.ingest.text import clean_body, normalise, split_sentences
from rag.models import Article

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ARTICLE_CHARS = 1_000_000  # the default of NEWSROOM_MAX_ARTICLE_CHARS: a long feature is under 100,000


@dataclass
class LoadedFile:
    """The articles read from one file, and the records of it that could not be read."""

    path: Path
    articles: list[Article] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)


def _headline_from(text: str) -> tuple[str, str]:
    """(headline, body): a short first line that reads like a headline, else the first sentence."""
    lines = text.split("\n")
    first = lines[0].strip()
    rest = "\n".join(lines[1:]).strip()
    looks_like_headline = (
        rest
        and 3 <= len(first) <= 150
        and len(first.split()) <= 25
        and not re.search(r"[.,;:]$", first)
        and len(split_sentences(first)) == 1
    )
    if looks_like_headline:
        return first.strip("#").strip(), rest
    sentences = split_sentences(text)
    title = sentences[0].strip() if sentences else first
    if len(title) > 200:
        title = title[:197].rsplit(" ", 1)[0] + "…"
    return title, text


def _finish(title: Any, body: str, *, key: str, where: str, max_chars: int = MAX_ARTICLE_CHARS, **meta: Any) -> Article:
    check_size(len(body), max_chars, where)
    body = clean_body(body)
    if not body:
        raise LoadError("no article text left after removing page furniture", where=where)
    check_prose(body, where)
    title = normalise(text_field(title, "title", where))
    if not title:
        title = _headline_from(body)[0]
    url = normalise_url(normalise(text_field(meta.get("url"), "url", where)))
    outlet = normalise(" ".join(text_field(meta.get("outlet"), "outlet", where).split())) or outlet_from_url(url)
    byline = text_field(meta.get("byline"), "byline", where)
    return Article(
        title=title,
        body=body,
        source_key=f"url:{url}" if url else key,
        outlet=outlet,
        byline=normalise(byline),
        published_at=parse_date(meta.get("published_at"), where=where, name="published_at"),
        url=url,
        embargo_until=parse_date(meta.get("embargo_until"), where=where, name="embargo_until"),
        origin=where,
        status=status_value(meta.get("status"), where),
        corrected_at=parse_date(meta.get("corrected_at"), where=where, name="corrected_at"),
        correction=normalise(" ".join(text_field(meta.get("correction"), "correction", where).split())),
    )


def load_txt(
    text: str, key: str, where: str, meta: dict[str, Any] | None = None, max_chars: int = MAX_ARTICLE_CHARS
) -> Article:
    """Plain text: front matter or sidecar fields when given, else a headline line if there is one, else the first
    sentence as headline."""
    fields, text = front_matter(text, where)
    fields = {**(meta or {}), **fields}
    check_size(len(text), max_chars, where)  # before any work on it
    title, body = _headline_from(clean_body(text))  # a headline line is never body text, even when a title is given
    given = field_value(fields, "title")
    return _finish(
        title if given is None else given, body, key=key, where=where, max_chars=max_chars, **meta_fields(fields)
    )


# Markdown syntax, each pattern linear on any text (an article may be a megabyte, and a hostile one a megabyte of
# openers that never close). A code block runs to the next ``` (only the last ```, if never closed, scans to the
# end). Link and image text stops at the next bracket and their address at the next bracket or line end, so
# the scans from different openers never overlap. Emphasis closes within its line and 300 characters, so each
# opener costs at most that much.
_CODE_BLOCK = re.compile(r"```.*?```", flags=re.S)
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^)\[\]\n]*\)")
_LINK = re.compile(r"\[([^\[\]]+)\]\([^)\[\]\n]*\)")
_BLOCK_MARK = re.compile(r"^[ \t]{0,3}(#{1,6}|>|[-*+]|\d+\.)[ \t]+", flags=re.M)
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(\S(?:[^\n]{0,300}?\S)?)\1")
# A "# Headline" first line; the headline starts at a non-space, so the spaces before it are matched one way only.
_HEADING = re.compile(r"\s*#\s+(\S.*)\n")


def _markdown_to_text(text: str) -> str:
    text = _CODE_BLOCK.sub("", text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _BLOCK_MARK.sub("", text)
    return _EMPHASIS.sub(r"\2", text)


def load_md(
    text: str, key: str, where: str, meta: dict[str, Any] | None = None, max_chars: int = MAX_ARTICLE_CHARS
) -> Article:
    """Markdown with optional YAML front matter (title, outlet, byline, published_at, url, embargo_until)."""
    check_size(len(text), max_chars, where)  # before any work on it
    fields, text = front_matter(text, where)
    fields = {**(meta or {}), **fields}
    heading = _HEADING.match(text)
    title = text_field(field_value(fields, "title"), "title", where) or (heading.group(1) if heading else "")
    if heading and title == heading.group(1):
        text = text[heading.end() :]
    body = _markdown_to_text(text)
    if not title:
        title, body = _headline_from(clean_body(body))
    return _finish(title, body, key=key, where=where, max_chars=max_chars, **meta_fields(fields))


HTML_OVERHEAD = 20  # a saved web page may hold this many times its article text in markup and scripts


def load_html(text: str, key: str, where: str, max_chars: int = MAX_ARTICLE_CHARS) -> Article:
    """HTML page: main text, headline, byline, date and site extracted with trafilatura."""
    check_size(len(text) // HTML_OVERHEAD, max_chars, where)  # before the extraction, which is the slow part
    import trafilatura

    tree = trafilatura.load_html(text)  # parsed once, as trafilatura parses it, and checked before extraction
    doc = None
    if tree is not None:
        check_html_tree(tree, where)
        try:
            doc = trafilatura.bare_extraction(
                tree, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
            )
        except RecursionError as exc:  # the backstop: check_html_tree refuses pages deep enough for this
            raise too_deep(where, "the page's HTML") from exc
    fields: dict[str, Any] = {} if doc is None else doc if isinstance(doc, dict) else doc.as_dict()
    body = str(fields.get("text") or "")
    if not body.strip():
        raise LoadError("no article text found in this HTML page", where=where)
    title = without_site(str(fields.get("title") or ""), str(fields.get("sitename") or ""))
    first, _, rest = body.partition("\n")
    if title and first.strip() == title.strip() and rest.strip():
        body = rest  # the headline is metadata, not the first paragraph
    return _finish(
        title,
        body,
        key=key,
        where=where,
        max_chars=max_chars,
        outlet=fields.get("sitename") or "",
        byline=fields.get("author") or "",
        published_at=fields.get("date"),
        url=fields.get("url") or "",
        **{name: _html_meta(text, name) for name in ("status", "corrected_at", "correction", "embargo_until")},
    )


# Linear on any page: a tag never closed runs to the end (not a scan to the end from every "<meta"), and an
# attribute name is matched from its first character only (not again from each character of a long name).
_META = re.compile(r"<meta\b[^>]*>?", flags=re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""(?<![\w:-])([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


_SITE_SUFFIX = re.compile(r"^(.*?\S)\s+[-|–—·:]\s+([^-|–—·:]{1,60})$")


def without_site(title: str, site: str) -> str:
    """A page's headline without the site's name that pages append to it ("Germany's economy shrinks - DW",
    "Fed holds rates | Reuters"); a suffix that is not the site's name stays ("Biden's plan - explained")."""
    found = _SITE_SUFFIX.match(title.strip())
    if not found or not site.strip():
        return title
    tail, name = found.group(2).strip().lower(), site.strip().lower()
    return found.group(1) if tail == name or tail in name or name in tail else title


def _html_meta(html_text: str, name: str) -> str | None:
    """A `<meta name="status" content="retracted">` value (also `newsroom:status`), unescaped; None when absent."""
    import html

    for tag in _META.finditer(html_text[:200_000]):
        attrs = {k.lower(): double or single for k, double, single in _ATTRIBUTE.findall(tag.group())}
        if attrs.get("name", attrs.get("property", "")).lower() in (name, f"newsroom:{name}"):
            return html.unescape(attrs.get("content", ""))
    return None


def load_record(record: Any, key: str, where: str, index: int = 0, max_chars: int = MAX_ARTICLE_CHARS) -> Article:
    """One JSON object with title, body/text/content, source/outlet, author/byline, date, url."""
    if not isinstance(record, dict):
        kind = {"str": "text", "list": "a list", "int": "a number", "float": "a number", "bool": "true/false"}
        got = kind.get(type(record).__name__, "null" if record is None else type(record).__name__)
        raise LoadError(f"expected an object with article fields (title, body, ...), got {got}", where=where)
    body = field_value(record, "body")
    if body is not None and not isinstance(body, str):
        text_field(body, "body", where)  # raises: the body is a number, a list or an object
    if not isinstance(body, str) or not body.strip():
        raise LoadError("no article text (fields body, text or content)", where=where)
    title = text_field(field_value(record, "title"), "title", where)
    meta = meta_fields(record)
    record_key = f"{key}#{title}" if title else f"{key}#record-{index}"
    return _finish(title, body, key=record_key, where=where, max_chars=max_chars, **meta)


def _collect(loaded: LoadedFile, records: Iterable[tuple[Any, str]], key: str, max_chars: int) -> None:
    for index, (record, where) in enumerate(records, 1):
        try:
            loaded.articles.append(load_record(record, key, where, index, max_chars))
        except LoadError as exc:
            loaded.errors.append(exc)


def parse_json(text: str, where: str, *, whole_file: bool = True) -> Any:
    """JSON text as Python values; invalid or too deeply nested JSON refused with where (line and column, or the
    record)."""
    check_json(text, where, whole_file=whole_file)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at = f" at line {exc.lineno}, column {exc.colno}: {exc.msg}" if whole_file else f" ({exc.msg})"
        raise LoadError(f"invalid JSON{at}", where=where) from exc
    except RecursionError as exc:  # the backstop: check_json refuses nesting long before this
        raise too_deep(where) from exc
    except ValueError as exc:  # Python refuses integers of more than 4,300 digits (int_max_str_digits)
        raise LoadError(f"the JSON holds a number too long to read ({str(exc)[:80]})", where=where) from exc


def load_file(path: Path, max_chars: int = MAX_ARTICLE_CHARS) -> LoadedFile:
    """Read one file into articles; whole-file problems raise `LoadError`, bad records are collected.

    Args:
        path: the file.
        max_chars: the longest article text accepted (`NEWSROOM_MAX_ARTICLE_CHARS`).
    """
    where = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(unsupported(path), where=where)
    if not path.exists():
        raise LoadError("no such file", where=where)
    if not path.is_file():
        raise LoadError(NOT_A_FILE, where=where)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise LoadError(f"file is larger than {MAX_FILE_BYTES // 2**20} MB", where=where)
    html = suffix in (".html", ".htm")
    text = (read_html if html else read_text)(path.read_bytes(), where)
    key = f"file:{path.resolve()}"
    loaded = LoadedFile(path)
    if suffix == ".json":
        data = parse_json(text, where)
        items = data if isinstance(data, list) else [data]
        _collect(loaded, ((r, f"{where} record {i}") for i, r in enumerate(items, 1)), key, max_chars)
    elif suffix == ".jsonl":
        records = []
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            at = f"{where} line {number}"
            try:
                records.append((parse_json(line, at, whole_file=False), at))
            except LoadError as exc:
                loaded.errors.append(exc)
        _collect(loaded, records, key, max_chars)
    elif html:
        loaded.articles.append(load_html(text, key, where, max_chars))
    elif suffix in (".md", ".markdown"):
        loaded.articles.append(load_md(text, key, where, sidecar_fields(path), max_chars))
    else:
        loaded.articles.append(load_txt(text, key, where, sidecar_fields(path), max_chars))
    if not loaded.articles and not loaded.errors:
        raise LoadError("no articles found", where=where)
    return loaded
