"""Read article files (.txt, .md, .html, .json, .jsonl) into `Article` records, reporting bad input."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rag.dates import parse_date
from rag.errors import LoadError
from rag.ingest.metadata import normalise_url, outlet_from_url
from rag.ingest.text import clean_body, normalise, split_sentences
from rag.models import Article

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl"}
MAX_FILE_BYTES = 200 * 1024 * 1024
_FIELDS = {
    "title": ("title", "headline"),
    "body": ("body", "text", "content"),
    "outlet": ("source", "outlet", "publisher"),
    "byline": ("author", "byline", "authors"),
    "published_at": ("published_at", "date", "published"),
    "url": ("url", "link"),
    "embargo_until": ("embargo_until",),
    "status": ("status",),
    "corrected_at": ("corrected_at",),
    "correction": ("correction", "correction_note"),
}
STATUSES = ("published", "draft", "retracted")
SIDECAR_SUFFIX = ".meta.yaml"
_BOMS = (  # longest first: the UTF-32 little-endian mark begins with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass
class LoadedFile:
    """The articles read from one file, and the records of it that could not be read."""

    path: Path
    articles: list[Article] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Every file named, and every supported file under the folders named (recursive, sorted)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED:
                    if not any(part.startswith(".") for part in child.relative_to(path).parts):
                        yield child
        else:
            yield path


def read_text(data: bytes, where: str) -> str:
    """Decode bytes as UTF-8 text, refusing empty, binary and non-UTF-8 input with a reason."""
    for bom, encoding in _BOMS:  # UTF-16 and UTF-32 text (Windows' "Unicode") starts with a byte-order mark
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise LoadError(
                    f"not valid {encoding.upper()} text; save it as UTF-8 and try again", where=where
                ) from exc
            if not text.strip():
                raise LoadError("the file is empty", where=where)
            return text
    if not data.strip():
        raise LoadError("the file is empty", where=where)
    if b"\x00" in data[:8192]:
        raise LoadError("this is a binary file, not text", where=where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LoadError(
            f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x} on line {line}); save it as UTF-8 and try again",
            where=where,
        ) from exc


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


def _finish(title: str, body: str, *, key: str, where: str, **meta: Any) -> Article:
    body = clean_body(body)
    if not body:
        raise LoadError("no article text left after removing page furniture", where=where)
    title = normalise(title or "")
    if not title:
        title = _headline_from(body)[0]
    url = normalise_url(normalise(str(meta.get("url") or "")))
    outlet = normalise(" ".join(str(meta.get("outlet") or "").split())) or outlet_from_url(url)
    byline = meta.get("byline") or ""
    if isinstance(byline, list):
        byline = ", ".join(str(b) for b in byline)
    return Article(
        title=title,
        body=body,
        source_key=f"url:{url}" if url else key,
        outlet=outlet,
        byline=normalise(str(byline)),
        published_at=parse_date(meta.get("published_at"), where=where, name="published_at"),
        url=url,
        embargo_until=parse_date(meta.get("embargo_until"), where=where, name="embargo_until"),
        origin=where,
        status=_status(meta.get("status"), where),
        corrected_at=parse_date(meta.get("corrected_at"), where=where, name="corrected_at"),
        correction=normalise(" ".join(str(meta.get("correction") or "").split())),
    )


def _status(value: Any, where: str) -> str:
    """An article's status: published when not given; anything but the three known words is an error, so a
    typo ("retracetd") never publishes a retracted story."""
    if value is None or value == "":
        return "published"
    status = str(value).strip().lower()
    if isinstance(value, bool) or status not in STATUSES:
        raise LoadError(f"status '{value}' is not one of {', '.join(STATUSES)}", where=where)
    return status


def _yaml_fields(text: str, where: str, what: str) -> dict[str, Any]:
    """A YAML mapping of article fields (front matter or a sidecar file), refused with a reason when malformed."""
    try:
        loaded = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark, problem = getattr(exc, "problem_mark", None), getattr(exc, "problem", None)
        front = what == "the YAML front matter"  # counted from the file's first line, the opening '---'
        detail = f"line {mark.line + 1 + front}: {problem}" if mark is not None and problem else str(exc)
        where_in = " (between the '---' lines)" if front else ""
        raise LoadError(f"{what}{where_in} is malformed ({detail})", where=where) from exc
    if not isinstance(loaded, dict):
        raise LoadError(f"{what} is not a mapping of fields", where=where)
    return loaded


def front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    """(fields, rest of the text): YAML front matter between two '---' lines at the very top, if any."""
    match = re.match(r"^---\s*\n(.*?)\n---\s*(\n|$)", text, flags=re.S)
    if match:
        return _yaml_fields(match.group(1), where, "the YAML front matter"), text[match.end() :]
    if re.match(r"^---\s*\n", text):
        raise LoadError("the YAML front matter is not closed by a '---' line", where=where)
    return {}, text


def sidecar_path(path: Path) -> Path:
    """Where the metadata of a plain-text or Markdown article may sit: `NAME.meta.yaml` beside `NAME.txt`."""
    return path.with_name(f"{path.stem}{SIDECAR_SUFFIX}")


def sidecar_fields(path: Path) -> dict[str, Any]:
    """The fields of an article's sidecar metadata file, or {} when it has none."""
    side = sidecar_path(path)
    if not side.is_file():
        return {}
    where = str(side)
    return _yaml_fields(read_text(side.read_bytes(), where), where, "the metadata file")


def load_txt(text: str, key: str, where: str, meta: dict[str, Any] | None = None) -> Article:
    """Plain text: front matter or sidecar fields when given, else a headline line if there is one, else the first
    sentence as headline."""
    fields, text = front_matter(text, where)
    fields = {**(meta or {}), **fields}
    title, body = _headline_from(clean_body(text))  # a headline line is never body text, even when a title is given
    return _finish(str(_field(fields, "title") or title), body, key=key, where=where, **_meta(fields))


def _markdown_to_text(text: str) -> str:
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^[ \t]{0,3}(#{1,6}|>|[-*+]|\d+\.)[ \t]+", "", text, flags=re.M)
    return re.sub(r"(\*\*|__|\*|_|`)(\S(?:.*?\S)?)\1", r"\2", text)


def load_md(text: str, key: str, where: str, meta: dict[str, Any] | None = None) -> Article:
    """Markdown with optional YAML front matter (title, outlet, byline, published_at, url, embargo_until)."""
    fields, text = front_matter(text, where)
    fields = {**(meta or {}), **fields}
    heading = re.match(r"^\s*#\s+(.+)\n", text)
    title = str(_field(fields, "title") or (heading.group(1) if heading else ""))
    if heading and title == heading.group(1):
        text = text[heading.end() :]
    body = _markdown_to_text(text)
    if not title:
        title, body = _headline_from(clean_body(body))
    return _finish(title, body, key=key, where=where, **_meta(fields))


def load_html(text: str, key: str, where: str) -> Article:
    """HTML page: main text, headline, byline, date and site extracted with trafilatura."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        text, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    fields: dict[str, Any] = {} if doc is None else doc if isinstance(doc, dict) else doc.as_dict()
    body = str(fields.get("text") or "")
    if not body.strip():
        raise LoadError("no article text found in this HTML page", where=where)
    title = str(fields.get("title") or "")
    first, _, rest = body.partition("\n")
    if title and first.strip() == title.strip() and rest.strip():
        body = rest  # the headline is metadata, not the first paragraph
    return _finish(
        title,
        body,
        key=key,
        where=where,
        outlet=fields.get("sitename") or "",
        byline=fields.get("author") or "",
        published_at=fields.get("date"),
        url=fields.get("url") or "",
        **{name: _html_meta(text, name) for name in ("status", "corrected_at", "correction", "embargo_until")},
    )


def _html_meta(html_text: str, name: str) -> str | None:
    """A `<meta name="status" content="retracted">` value (also `newsroom:status`), unescaped; None when absent."""
    import html

    for tag in re.finditer(r"<meta\b[^>]*>", html_text[:200_000], flags=re.IGNORECASE):
        attrs = {
            k.lower(): double or single
            for k, double, single in re.findall(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""", tag.group())
        }
        if attrs.get("name", attrs.get("property", "")).lower() in (name, f"newsroom:{name}"):
            return html.unescape(attrs.get("content", ""))
    return None


def _field(record: dict[str, Any], name: str) -> Any:
    for alias in _FIELDS[name]:
        value = record.get(alias)
        if value not in (None, ""):
            return value
    return None


def _meta(record: dict[str, Any]) -> dict[str, Any]:
    return {name: _field(record, name) for name in _FIELDS if name not in ("title", "body")}


def load_record(record: Any, key: str, where: str, index: int = 0) -> Article:
    """One JSON object with title, body/text/content, source/outlet, author/byline, date, url."""
    if not isinstance(record, dict):
        kind = {"str": "text", "list": "a list", "int": "a number", "float": "a number", "bool": "true/false"}
        got = kind.get(type(record).__name__, "null" if record is None else type(record).__name__)
        raise LoadError(f"expected an object with article fields (title, body, ...), got {got}", where=where)
    body = _field(record, "body")
    if not isinstance(body, str) or not body.strip():
        raise LoadError("no article text (fields body, text or content)", where=where)
    title = _field(record, "title")
    meta = _meta(record)
    record_key = f"{key}#{title}" if title else f"{key}#record-{index}"
    return _finish(str(title or ""), body, key=record_key, where=where, **meta)


def _collect(loaded: LoadedFile, records: Iterable[tuple[Any, str]], key: str) -> None:
    for index, (record, where) in enumerate(records, 1):
        try:
            loaded.articles.append(load_record(record, key, where, index))
        except LoadError as exc:
            loaded.errors.append(exc)


def load_file(path: Path) -> LoadedFile:
    """Read one file into articles; whole-file problems raise `LoadError`, bad records are collected."""
    where = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        supported = ", ".join(sorted(SUPPORTED))
        raise LoadError(f"unsupported file type '{suffix or path.name}' (use {supported})", where=where)
    if not path.exists():
        raise LoadError("no such file", where=where)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise LoadError(f"file is larger than {MAX_FILE_BYTES // 2**20} MB", where=where)
    text = read_text(path.read_bytes(), where)
    key = f"file:{path.resolve()}"
    loaded = LoadedFile(path)
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LoadError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", where=where) from exc
        items = data if isinstance(data, list) else [data]
        _collect(loaded, ((r, f"{where} record {i}") for i, r in enumerate(items, 1)), key)
    elif suffix == ".jsonl":
        records = []
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                records.append((json.loads(line), f"{where} line {number}"))
            except json.JSONDecodeError as exc:
                loaded.errors.append(LoadError(f"invalid JSON ({exc.msg})", where=f"{where} line {number}"))
        _collect(loaded, records, key)
    elif suffix in (".html", ".htm"):
        loaded.articles.append(load_html(text, key, where))
    elif suffix in (".md", ".markdown"):
        loaded.articles.append(load_md(text, key, where, sidecar_fields(path)))
    else:
        loaded.articles.append(load_txt(text, key, where, sidecar_fields(path)))
    if not loaded.articles and not loaded.errors:
        raise LoadError("no articles found", where=where)
    return loaded
