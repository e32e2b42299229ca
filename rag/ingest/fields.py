"""Article fields: the names they go by, YAML front matter and sidecar files, and typed text values."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from rag.errors import LoadError
from rag.ingest.encoding import read_text
from rag.ingest.limits import MAX_YAML_CHARS, check_yaml, too_deep, yaml_too_large

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


def field_value(record: dict[str, Any], name: str) -> Any:
    for alias in _FIELDS[name]:
        value = record.get(alias)
        if value not in (None, ""):
            return value
    return None


def meta_fields(record: dict[str, Any]) -> dict[str, Any]:
    return {name: field_value(record, name) for name in _FIELDS if name not in ("title", "body")}


_KINDS = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object with fields"}


def text_field(value: Any, name: str, where: str) -> str:
    """A text field as text; a number, a list or an object where text belongs is an error with its record (a
    title of 12345 or an author of {"name": ...} is a mistake in the export, not a headline or a byline). A
    byline may be a list of names."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if name == "byline" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(v.strip() for v in value if v.strip())
    kind = next((label for t, label in _KINDS.items() if isinstance(value, t)), type(value).__name__)
    shown = _shown(value)
    raise LoadError(f"{name} must be text, not {kind} ({shown})", where=where)


def _shown(value: Any, limit: int = 60) -> str:
    """A wrong value as the reason shows it: as JSON where it can be (it usually came from JSON), else as Python
    writes it (a mapping with dates or numbers as keys, from YAML), clipped to `limit` characters."""
    try:
        shown = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):  # keys that are not text, a value that holds itself
        try:
            shown = repr(value)
        except RecursionError:  # nested past Python's limit (a YAML alias loop): say so rather than fail
            shown = f"a {type(value).__name__} nested too deeply to show"
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def status_value(value: Any, where: str) -> str:
    """An article's status: published when not given; anything but the three known words is an error, so a
    typo ("retracetd") never publishes a retracted story."""
    if value is None or value == "":
        return "published"
    status = text_field(value, "status", where).strip().lower()
    if status not in STATUSES:
        raise LoadError(f"status '{value}' is not one of {', '.join(STATUSES)}", where=where)
    return status


def _yaml_fields(text: str, where: str, what: str) -> dict[str, Any]:
    """A YAML mapping of article fields (front matter or a sidecar file), refused with a reason when malformed or
    over the limits of `rag.ingest.limits`."""
    front = what == "the YAML front matter"  # counted from the file's first line, the opening '---'
    check_yaml(text, where, what, first_line=1 + front)
    try:
        loaded = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark, problem = getattr(exc, "problem_mark", None), getattr(exc, "problem", None)
        detail = f"line {mark.line + 1 + front}: {problem}" if mark is not None and problem else str(exc)
        where_in = " (between the '---' lines)" if front else ""
        raise LoadError(f"{what}{where_in} is malformed ({detail})", where=where) from exc
    except RecursionError as exc:  # the backstop: check_yaml stops nesting long before this
        raise too_deep(where, what) from exc
    except ValueError as exc:  # Python refuses integers of more than 4,300 digits (int_max_str_digits)
        raise LoadError(f"{what} holds a number too long to read ({str(exc)[:80]})", where=where) from exc
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
    if side.stat().st_size > 4 * MAX_YAML_CHARS:  # more bytes than any text within the limit takes
        raise yaml_too_large(where, "the metadata file")
    return _yaml_fields(read_text(side.read_bytes(), where), where, "the metadata file")
