"""Uploaded files: size cap, type checked by content (not just the extension), saved under the data dir."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from rag.errors import LoadError
from rag.ingest.encoding import kind_of, read_html, read_text
from rag.ingest.folders import SUPPORTED
from rag.ingest.limits import check_json, too_deep

UPLOAD_TYPES = ["txt", "md", "markdown", "html", "htm", "json", "jsonl"]
_HTML = re.compile(r"<\s*(!doctype\s+html|html|body|article|head|p|div)\b", re.IGNORECASE)


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')  # control characters and what some file systems refuse
_MAX_NAME_BYTES = 200


def safe_name(name: str) -> str:
    """The upload's own name, kept as it is where that is safe (Unicode letters included: `東京.txt`), so two
    different uploads never share a file. Folders, control characters and characters other systems refuse are
    removed; when that changed the name, a short hash of the original is added, so `東/京.txt` and `東_京.txt`
    still get files of their own. The same name always maps to the same file (a re-upload replaces its own
    article, never another's)."""
    original = unicodedata.normalize("NFC", name)
    base = original.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    cleaned_stem = _UNSAFE.sub("_", stem).strip(" .") or "upload"
    cleaned_suffix = _UNSAFE.sub("", suffix).lower()
    cleaned = f"{cleaned_stem}.{cleaned_suffix}" if cleaned_suffix else cleaned_stem
    if cleaned != original or len(cleaned.encode()) > _MAX_NAME_BYTES:
        tag = hashlib.sha256(original.encode()).hexdigest()[:8]
        while len(f"{cleaned_stem}-{tag}.{cleaned_suffix}".encode()) > _MAX_NAME_BYTES:
            cleaned_stem = cleaned_stem[:-1]
        cleaned = f"{cleaned_stem}-{tag}" + (f".{cleaned_suffix}" if cleaned_suffix else "")
    return cleaned


def check_upload(name: str, data: bytes, max_bytes: int) -> None:
    """Raise `LoadError` unless the bytes are a supported article file whose content matches its extension."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(f"unsupported file type '{suffix or name}' (use .txt, .md, .html, .json or .jsonl)", where=name)
    if len(data) > max_bytes:
        raise LoadError(f"the file is {len(data) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB", where=name)
    if kind := kind_of(data):
        raise LoadError(f"the content is {kind}, not {suffix} text", where=name)
    text = (read_html if suffix in (".html", ".htm") else read_text)(data, name)
    head = text.lstrip()[:2000]
    if suffix == ".json":
        _check_json(text, name, "the content is not JSON")
    elif suffix == ".jsonl":
        first = next((line for line in text.splitlines() if line.strip()), "")
        _check_json(first, name, "the first line is not JSON", whole_file=False)
    elif suffix in (".html", ".htm"):
        if not _HTML.search(head):
            raise LoadError("the content is not an HTML page", where=name)
    elif head.startswith(("{", "[")) and _looks_like_json(text):
        raise LoadError("the content is JSON; rename it to .json to ingest it as articles", where=name)
    elif _HTML.match(head):
        raise LoadError("the content is an HTML page; rename it to .html to extract its article", where=name)


def _check_json(text: str, name: str, refusal: str, *, whole_file: bool = True) -> None:
    """Refuse text that is not JSON, or JSON nested too deep to read (checked before parsing it)."""
    check_json(text, name, whole_file=whole_file)
    try:
        json.loads(text)
    except ValueError as exc:
        raise LoadError(f"{refusal} ({exc})", where=name) from exc
    except RecursionError as exc:  # the backstop: check_json refuses nesting long before this
        raise too_deep(name) from exc


def _looks_like_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    except RecursionError:  # JSON nested too deep to read is JSON all the same
        return True
    return True


def save_upload(directory: Path, name: str, data: bytes, max_bytes: int) -> Path:
    """Check an upload and save it under its own safe name: the same name overwrites the earlier upload of that
    name (so a re-upload replaces its article), and no other name maps to the same file (on a case-sensitive
    file system, as servers have). Two sessions saving at once each write a temporary file of their own."""
    check_upload(name, data, max_bytes)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / safe_name(name)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name[:60]}-", suffix=".part", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
