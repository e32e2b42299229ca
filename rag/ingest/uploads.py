"""Uploaded files: size cap, type checked by content (not just the extension), saved under the data dir."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rag.errors import LoadError
from rag.ingest.loaders import SUPPORTED, read_text

UPLOAD_TYPES = ["txt", "md", "markdown", "html", "htm", "json", "jsonl"]
_MAGIC = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a ZIP/Office document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"{\\rtf": "an RTF document",
}
_HTML = re.compile(r"<\s*(!doctype\s+html|html|body|article|head|p|div)\b", re.IGNORECASE)


def safe_name(name: str) -> str:
    """A file name without folders or odd characters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._ -]+", "_", base).strip(" .")
    return cleaned or "upload.txt"


def check_upload(name: str, data: bytes, max_bytes: int) -> None:
    """Raise `LoadError` unless the bytes are a supported article file whose content matches its extension."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(f"unsupported file type '{suffix or name}' (use .txt, .md, .html, .json or .jsonl)", where=name)
    if len(data) > max_bytes:
        raise LoadError(f"the file is {len(data) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB", where=name)
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise LoadError(f"the content is {kind}, not {suffix} text", where=name)
    text = read_text(data, name)
    head = text.lstrip()[:2000]
    if suffix == ".json":
        try:
            json.loads(text)
        except ValueError as exc:
            raise LoadError(f"the content is not JSON ({exc})", where=name) from exc
    elif suffix == ".jsonl":
        first = next((line for line in text.splitlines() if line.strip()), "")
        try:
            json.loads(first)
        except ValueError as exc:
            raise LoadError(f"the first line is not JSON ({exc})", where=name) from exc
    elif suffix in (".html", ".htm"):
        if not _HTML.search(head):
            raise LoadError("the content is not an HTML page", where=name)
    elif head.startswith(("{", "[")) and _looks_like_json(text):
        raise LoadError("the content is JSON; rename it to .json to ingest it as articles", where=name)
    elif _HTML.match(head):
        raise LoadError("the content is an HTML page; rename it to .html to extract its article", where=name)


def _looks_like_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def save_upload(directory: Path, name: str, data: bytes, max_bytes: int) -> Path:
    """Check an upload and save it; the same name overwrites the earlier upload (so re-uploads replace)."""
    check_upload(name, data, max_bytes)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / safe_name(name)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
