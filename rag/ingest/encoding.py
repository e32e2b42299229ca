"""Bytes to text: UTF-8, or UTF-16/UTF-32 with a byte-order mark; an HTML page in the character set it declares;
empty, binary and other encodings refused with a reason."""

from __future__ import annotations

import codecs
import re

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


def _bom_text(data: bytes, where: str) -> str | None:
    """The text after a UTF-16/UTF-32 byte-order mark (Windows' "Unicode" text), or None without one."""
    for bom, encoding in _BOMS:
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
    return None


def _check_content(data: bytes, where: str) -> None:
    """Refuse empty and binary content."""
    if not data.strip():
        raise LoadError("the file is empty", where=where)
    if b"\x00" in data[:8192]:
        raise LoadError("this is a binary file, not text", where=where)


def _not_decodable(data: bytes, exc: UnicodeDecodeError, name: str, hint: str) -> str:
    line = data[: exc.start].count(b"\n") + 1
    return f"not {name} text (invalid byte 0x{data[exc.start]:02x} on line {line}); {hint}"


def _check_kind(data: bytes, where: str) -> None:
    """Refuse a PDF, an Office document, an image...: a known format that is not text."""
    if kind := kind_of(data):
        raise LoadError(f"the content is {kind}, not text; export the article as text first", where=where)


def read_text(data: bytes, where: str) -> str:
    """Decode bytes as UTF-8 text, refusing empty, binary and non-UTF-8 input with a reason."""
    _check_kind(data, where)
    if (text := _bom_text(data, where)) is not None:
        return text
    _check_content(data, where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(_not_decodable(data, exc, "UTF-8", "save it as UTF-8 and try again"), where=where) from exc


# --- HTML pages: the character set they declare -------------------------------------------------------------

CHARSET_SCAN_BYTES = 8192  # where a page's <meta charset> or XML declaration is looked for
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([^\s"'/>;]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']+)["']""")
# Labels decoded as browsers do (the WHATWG Encoding Standard): Latin-1 and ASCII pages are windows-1252, and so on.
_WHATWG = {
    **dict.fromkeys(("iso8859-1", "ascii", "cp1252", "x-cp1252"), "windows-1252"),
    **dict.fromkeys(("iso8859-9", "x-cp1254"), "cp1254"),
    **dict.fromkeys(("tis-620", "iso8859-11", "dos-874"), "cp874"),
    **dict.fromkeys(("gb2312", "gbk", "x-gbk", "chinese", "csgb2312"), "gb18030"),
    **dict.fromkeys(("euc_kr", "euc-kr", "cseuckr", "windows-949"), "cp949"),
    **dict.fromkeys(("shift_jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j"), "cp932"),
    **dict.fromkeys(("big5", "cn-big5", "x-x-big5", "csbig5"), "big5hkscs"),
    **dict.fromkeys(("iso-8859-8-i", "csiso88598i", "logical"), "iso8859-8"),
    **dict.fromkeys(("x-mac-roman", "mac", "csmacintosh"), "mac-roman"),
    **dict.fromkeys(("x-mac-cyrillic", "x-mac-ukrainian"), "mac-cyrillic"),
    "x-euc-jp": "euc_jp",
}
# Python codecs that are not character sets of web pages (utf-7 is refused by browsers too).
_NOT_CHARSETS = {"unicode-escape", "raw-unicode-escape", "punycode", "idna", "undefined", "utf-7"}
# windows-1252 as browsers read it: the five bytes Python's cp1252 leaves undefined are the C1 code points.
_WINDOWS_1252 = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))


def declared_charset(data: bytes) -> str | None:
    """The character set a page declares in `<meta charset>`, `<meta http-equiv="Content-Type">` or an XML
    declaration within its first `CHARSET_SCAN_BYTES` bytes, as written; None when it declares none."""
    head = data[:CHARSET_SCAN_BYTES]
    found = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return found.group(1).decode("ascii", errors="replace").strip() if found else None


def _codec(label: str) -> str | None:
    """The Python codec that decodes a page declaring `label` as a browser would, or None for an unknown one."""
    name = label.lower()
    try:
        name = _WHATWG.get(name) or codecs.lookup(name).name
    except LookupError:
        return None
    name = _WHATWG.get(name, name)
    if name.startswith(("utf-16", "utf-32")):  # declared in ASCII bytes, so it is not: browsers read UTF-8
        return "utf-8"
    info = codecs.lookup("cp1252" if name == "windows-1252" else name)
    return None if info.name in _NOT_CHARSETS or not getattr(info, "_is_text_encoding", True) else name


def read_html(data: bytes, where: str) -> str:
    """Decode an HTML page: a byte-order mark first, else the character set it declares (see `declared_charset`),
    else UTF-8; an unknown character set, or bytes its character set does not have, refused with a reason."""
    _check_kind(data, where)
    if data.startswith(codecs.BOM_UTF8):
        return read_text(data, where)
    if (text := _bom_text(data, where)) is not None:
        return text
    _check_content(data, where)
    label = declared_charset(data)
    codec = "utf-8" if label is None else _codec(label)
    if codec is None:
        raise LoadError(
            f"the page declares the character set '{label}', which Newsroom cannot read; save it as UTF-8 and try "
            "again",
            where=where,
        )
    if codec == "windows-1252":
        return codecs.charmap_decode(data, "strict", _WINDOWS_1252)[0]
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if label is None:
            hint = "save it as UTF-8, or declare its character set in a <meta charset> tag, and try again"
            raise LoadError(_not_decodable(data, exc, "UTF-8", hint), where=where) from exc
        name = "UTF-8" if codec == "utf-8" else f"{label} ({codec})"
        raise LoadError(_not_decodable(data, exc, name, "save it as UTF-8 and try again"), where=where) from exc
