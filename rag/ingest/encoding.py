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
# Linear on any bytes: a <meta tag runs to its '>' (or the end), and the charset is looked for inside it; the
# quote after 'charset=' is optional without the two runs of spaces around it competing for the same spaces.
_META_TAG = re.compile(rb"<meta\b([^>]*)", re.IGNORECASE)
_CHARSET = re.compile(rb"""\bcharset\s*=\s*(?:["']\s*)?([^\s"'/>;]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']+)["']""")


def _labels(codec: str, *labels: str) -> dict[str, str]:
    return dict.fromkeys(labels, codec)


# The encodings of the WHATWG Encoding Standard (https://encoding.spec.whatwg.org/#names-and-labels), the only
# ones browsers read pages in: each label as the standard lists it, and the Python codec that decodes it as a
# browser does. Any other label (a Python-only codec such as hz, iso2022_kr, cp037 or charmap, and the standard's
# "replacement" encodings) is refused by name.
_WHATWG = {
    **_labels("utf-8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"),
    # UTF-16 declared in ASCII bytes is not UTF-16 (the bytes say so): browsers read the page as UTF-8
    **_labels("utf-8", "unicodefffe", "utf-16be"),
    **_labels("utf-8", "csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le"),
    **_labels("cp866", "866", "cp866", "csibm866", "ibm866"),
    **_labels("iso8859-2", "csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592", "iso_8859-2"),
    **_labels("iso8859-2", "iso_8859-2:1987", "l2", "latin2"),
    **_labels("iso8859-3", "csisolatin3", "iso-8859-3", "iso-ir-109", "iso8859-3", "iso88593", "iso_8859-3"),
    **_labels("iso8859-3", "iso_8859-3:1988", "l3", "latin3"),
    **_labels("iso8859-4", "csisolatin4", "iso-8859-4", "iso-ir-110", "iso8859-4", "iso88594", "iso_8859-4"),
    **_labels("iso8859-4", "iso_8859-4:1988", "l4", "latin4"),
    **_labels("iso8859-5", "csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144", "iso8859-5", "iso88595"),
    **_labels("iso8859-5", "iso_8859-5", "iso_8859-5:1988"),
    **_labels("iso8859-6", "arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic", "ecma-114"),
    **_labels("iso8859-6", "iso-8859-6", "iso-8859-6-e", "iso-8859-6-i", "iso-ir-127", "iso8859-6", "iso88596"),
    **_labels("iso8859-6", "iso_8859-6", "iso_8859-6:1987"),
    **_labels("iso8859-7", "csisolatingreek", "ecma-118", "elot_928", "greek", "greek8", "iso-8859-7"),
    **_labels("iso8859-7", "iso-ir-126", "iso8859-7", "iso88597", "iso_8859-7", "iso_8859-7:1987", "sun_eu_greek"),
    **_labels("iso8859-8", "csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8", "iso-8859-8-e"),
    **_labels("iso8859-8", "iso-ir-138", "iso8859-8", "iso88598", "iso_8859-8", "iso_8859-8:1988", "visual"),
    **_labels("iso8859-8", "csiso88598i", "iso-8859-8-i", "logical"),  # the same letters, in logical order
    **_labels("iso8859-10", "csisolatin6", "iso-8859-10", "iso-ir-157", "iso8859-10", "iso885910", "l6", "latin6"),
    **_labels("iso8859-13", "iso-8859-13", "iso8859-13", "iso885913"),
    **_labels("iso8859-14", "iso-8859-14", "iso8859-14", "iso885914"),
    **_labels("iso8859-15", "csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15", "l9"),
    **_labels("iso8859-16", "iso-8859-16"),
    **_labels("koi8-r", "cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"),
    **_labels("koi8-u", "koi8-u", "koi8-ru"),
    **_labels("mac-roman", "csmacintosh", "mac", "macintosh", "x-mac-roman"),
    **_labels("cp874", "dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"),
    **_labels("cp1250", "cp1250", "windows-1250", "x-cp1250"),
    **_labels("cp1251", "cp1251", "windows-1251", "x-cp1251"),
    # Latin-1 and ASCII pages are windows-1252 (see _WINDOWS_1252)
    **_labels("windows-1252", "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1"),
    **_labels("windows-1252", "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1"),
    **_labels("windows-1252", "latin1", "us-ascii", "windows-1252", "x-cp1252"),
    **_labels("cp1253", "cp1253", "windows-1253", "x-cp1253"),
    **_labels("cp1254", "cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9", "iso88599", "iso_8859-9"),
    **_labels("cp1254", "iso_8859-9:1989", "l5", "latin5", "windows-1254", "x-cp1254"),
    **_labels("cp1255", "cp1255", "windows-1255", "x-cp1255"),
    **_labels("cp1256", "cp1256", "windows-1256", "x-cp1256"),
    **_labels("cp1257", "cp1257", "windows-1257", "x-cp1257"),
    **_labels("cp1258", "cp1258", "windows-1258", "x-cp1258"),
    **_labels("mac-cyrillic", "x-mac-cyrillic", "x-mac-ukrainian"),
    **_labels("gb18030", "chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80", "gbk"),
    **_labels("gb18030", "iso-ir-58", "x-gbk", "gb18030"),  # GBK pages decoded by its superset, as browsers do
    **_labels("big5hkscs", "big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"),
    **_labels("euc_jp", "cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"),
    **_labels("iso2022_jp", "csiso2022jp", "iso-2022-jp"),
    **_labels("cp932", "csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j", "x-sjis"),
    **_labels("cp949", "cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987"),
    **_labels("cp949", "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949"),
}
# windows-1252 as browsers read it: the five bytes Python's cp1252 leaves undefined are the C1 code points.
_WINDOWS_1252 = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))


def declared_charset(data: bytes) -> str | None:
    """The character set a page declares in `<meta charset>`, `<meta http-equiv="Content-Type">` or an XML
    declaration within its first `CHARSET_SCAN_BYTES` bytes, as written; None when it declares none."""
    head = data[:CHARSET_SCAN_BYTES]
    found = next(
        (m for tag in _META_TAG.finditer(head) if (m := _CHARSET.search(head, tag.start(1), tag.end(1)))), None
    )
    found = found or _XML_ENCODING.search(head)
    return found.group(1).decode("ascii", errors="replace").strip() if found else None


def _codec(label: str) -> str | None:
    """The Python codec that decodes a page declaring `label` as a browser would, or None for a label the WHATWG
    Encoding Standard does not list (or lists as "replacement", which browsers do not decode)."""
    return _WHATWG.get(label.strip(" \t\n\f\r").lower())


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
