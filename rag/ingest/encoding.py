"""Bytes to text: UTF-8, or UTF-16/UTF-32 with a byte-order mark; empty, binary and other encodings refused with
a reason."""

from __future__ import annotations

import codecs

from rag.errors import LoadError

_BOMS = (  # longest first: the UTF-32 little-endian mark begins with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

MAGIC = {  # what a file that is not text starts with, and what to call it
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a ZIP/Office document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"{\\rtf": "an RTF document",
}


def kind_of(data: bytes) -> str | None:
    """ "a PDF", "a PNG image"...: what known non-text format the bytes are in, or None."""
    return next((kind for magic, kind in MAGIC.items() if data.startswith(magic)), None)


def read_text(data: bytes, where: str) -> str:
    """Decode bytes as UTF-8 text, refusing empty, binary and non-UTF-8 input with a reason."""
    if kind := kind_of(data):
        raise LoadError(f"the content is {kind}, not text; export the article as text first", where=where)
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
