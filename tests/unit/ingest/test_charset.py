"""HTML pages decoded by the character set they declare (a byte-order mark first, then `<meta charset>`, the
`http-equiv` Content-Type and an XML declaration), read from real files through the real loaders; other text
stays UTF-8."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from support import GERMAN_HEADLINE, GERMAN_PARAGRAPHS, german_page

from rag.errors import LoadError
from rag.ingest.encoding import CHARSET_SCAN_BYTES, declared_charset, read_html
from rag.ingest.loaders import load_file
from rag.ingest.uploads import check_upload

QUOTE = "„Wir müssen jeden Morgen über die Brücke“, sagte eine Bäckerin aus dem Viertel."  # „ and “: windows-1252


def _save(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _body(path: Path) -> str:
    loaded = load_file(path)
    assert loaded.errors == []
    [article] = loaded.articles
    return article.body


@pytest.mark.parametrize(
    ("head", "codec"),
    [
        ('<meta charset="ISO-8859-1">', "latin-1"),
        ("<meta charset=iso-8859-1>", "latin-1"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">', "latin-1"),
        ("<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=latin1'>", "latin-1"),
        ('<meta charset="windows-1252">', "cp1252"),
        ('<meta charset="iso-8859-15">', "iso-8859-15"),
    ],
)
def test_a_german_page_in_its_declared_charset_keeps_its_words(tmp_path: Path, head: str, codec: str) -> None:
    path = _save(tmp_path, "koeln.html", german_page(head).encode(codec))
    body = _body(path)
    assert "Müller sagte, die Straße in Köln werde im März für drei Wochen gesperrt." in body
    assert "Anwohner äußerten Verständnis" in body and "ü" in body and "\ufffd" not in body
    assert load_file(path).articles[0].title == GERMAN_HEADLINE


def test_latin_1_is_read_as_windows_1252_as_browsers_do(tmp_path: Path) -> None:
    """Pages labelled ISO-8859-1 are mostly windows-1252: its curly quotes (0x84, 0x93) must survive."""
    page = german_page('<meta charset="iso-8859-1">', (*GERMAN_PARAGRAPHS, QUOTE)).encode("cp1252")
    assert b"\x84" in page and b"\x93" in page
    assert QUOTE in _body(_save(tmp_path, "quote.html", page))


def test_an_xml_declaration_names_the_charset_too(tmp_path: Path) -> None:
    page = '<?xml version="1.0" encoding="ISO-8859-1"?>\n' + german_page()
    assert "Müller sagte" in _body(_save(tmp_path, "koeln.xhtml.htm", page.encode("latin-1")))


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-32"])
def test_a_byte_order_mark_wins_over_the_declared_charset(tmp_path: Path, codec: str) -> None:
    page = german_page('<meta charset="iso-8859-1">').encode(codec)  # saved as Unicode, the old tag left in
    assert "Müller sagte, die Straße in Köln" in _body(_save(tmp_path, "koeln.html", page))


@pytest.mark.parametrize("label", ["klingon-8", "x-user-defined", "unicode_escape", "base64", "utf-7"])
def test_an_unknown_charset_is_refused_naming_it(tmp_path: Path, label: str) -> None:
    _assert_refused_by_name(tmp_path, label)


def _assert_refused_by_name(tmp_path: Path, label: str) -> None:
    path = _save(tmp_path, "odd.html", german_page(f'<meta charset="{label}">').encode("utf-8"))
    with pytest.raises(LoadError) as info:
        load_file(path)
    assert info.value.reason == (
        f"the page declares the character set '{label}', which Newsroom cannot read; save it as UTF-8 and try again"
    )


def test_a_page_declaring_utf_8_that_is_not_is_refused_as_before(tmp_path: Path) -> None:
    path = _save(tmp_path, "liar.html", german_page('<meta charset="utf-8">').encode("latin-1"))
    with pytest.raises(LoadError) as info:
        load_file(path)
    assert info.value.reason.startswith("not UTF-8 text (invalid byte 0xdf on line 5); save it as UTF-8")


def test_a_page_declaring_nothing_must_be_utf_8(tmp_path: Path) -> None:
    path = _save(tmp_path, "bare.html", german_page().encode("latin-1"))
    with pytest.raises(LoadError) as info:
        load_file(path)
    assert info.value.reason.startswith("not UTF-8 text (invalid byte 0xdf on line 5)")
    assert "declare its character set in a <meta charset> tag" in info.value.reason


def test_bytes_the_declared_charset_lacks_are_refused(tmp_path: Path) -> None:
    page = german_page('<meta charset="iso-2022-jp">').encode("utf-8")  # a 7-bit charset: every UTF-8 letter is wrong
    with pytest.raises(LoadError) as info:
        read_html(page, "page.html")
    assert info.value.reason == (
        "not iso-2022-jp (iso2022_jp) text (invalid byte 0xc3 on line 5); save it as UTF-8 and try again"
    )


@pytest.mark.parametrize("name", ["story.txt", "story.md", "story.json"])
def test_other_files_stay_utf_8_whatever_they_contain(tmp_path: Path, name: str) -> None:
    text = '<meta charset="iso-8859-1">\nMüller sagte, die Straße in Köln werde gesperrt.\n'
    path = _save(tmp_path, name, text.encode("latin-1"))
    with pytest.raises(LoadError, match="not UTF-8 text"):
        load_file(path)


def test_declared_charset_reads_the_first_kilobytes_only() -> None:
    assert declared_charset(b"<html><head><meta charset='koi8-r'></head>") == "koi8-r"
    assert declared_charset(b'<meta name="viewport" content="width=device-width"><meta charset="utf-8">') == "utf-8"
    assert declared_charset(b"<html><body><p>charset=latin1 is just text</p>") is None
    assert declared_charset(b"<html>" + b" " * 10_000 + b'<meta charset="iso-8859-1">') is None


def test_uploads_accept_a_page_in_its_declared_charset_and_refuse_an_unknown_one() -> None:
    check_upload("koeln.html", german_page('<meta charset="iso-8859-1">').encode("latin-1"), 2**20)
    with pytest.raises(LoadError, match="declares the character set 'klingon-8'"):
        check_upload("odd.html", german_page('<meta charset="klingon-8">').encode("latin-1"), 2**20)
    with pytest.raises(LoadError, match="not UTF-8"):
        check_upload("koeln.txt", "Müller sagte, die Straße in Köln.".encode("latin-1"), 2**20)


def test_utf_16_without_a_byte_order_mark_is_not_taken_from_the_tag() -> None:
    """A page whose tag says UTF-16 is ASCII-compatible bytes after all: browsers read it as UTF-8."""
    page = german_page('<meta charset="utf-16">').encode("utf-8")
    assert "Müller sagte" in read_html(page, "page.html")
    assert codecs.BOM_UTF16_LE not in page


# --- only the encodings of the WHATWG Encoding Standard ----------------------------------------------------------

SAMPLES = {  # a sentence in each script, and the labels (as pages write them) of encodings that hold it
    "Мэр объявил в понедельник, что новая линия метро откроется в следующем году.": (
        ("windows-1251", "cp1251"),
        ("KOI8-R", "koi8_r"),
        ("ibm866", "cp866"),
        ("iso-8859-5", "iso8859_5"),
        ("x-mac-cyrillic", "mac_cyrillic"),
    ),
    "Мер оголосив у понеділок, що нова лінія метро відкриється наступного року.": (("koi8-u", "koi8_u"),),
    "Burmistrz ogłosił w poniedziałek, że nowa linia tramwajowa zostanie otwarta.": (
        ("windows-1250", "cp1250"),
        ("iso-8859-2", "iso8859_2"),
        ("iso-8859-16", "iso8859_16"),
    ),
    "Belediye başkanı pazartesi günü yeni metro hattının açılacağını söyledi.": (
        ("windows-1254", "cp1254"),
        ("iso-8859-9", "cp1254"),
    ),
    "Ο δήμαρχος ανακοίνωσε ότι η νέα γραμμή του μετρό θα ανοίξει.": (
        ("windows-1253", "cp1253"),
        ("iso-8859-7", "iso8859_7"),
    ),
    "ראש העיר הודיע כי קו הרכבת החדש ייפתח בשנה הבאה.": (
        ("windows-1255", "cp1255"),
        ("iso-8859-8", "iso8859_8"),
        ("iso-8859-8-i", "iso8859_8"),
    ),
    "أعلن رئيس البلدية أن خط المترو الجديد سيفتتح العام المقبل.": (
        ("windows-1256", "cp1256"),
        ("iso-8859-6", "iso8859_6"),
    ),
    "ผู้ว่าราชการประกาศว่ารถไฟฟ้าสายใหม่จะเปิดให้บริการในปีหน้า": (
        ("windows-874", "cp874"),
        ("tis-620", "cp874"),
    ),
    "Le maire a annoncé lundi que la nouvelle ligne de métro ouvrira l’année prochaine.": (("windows-1258", "cp1258"),),
    "Die Straße in Köln wird im März für drei Wochen gesperrt.": (
        ("macintosh", "mac_roman"),
        ("iso-8859-3", "iso8859_3"),
        ("iso-8859-4", "iso8859_4"),
        ("iso-8859-10", "iso8859_10"),
        ("iso-8859-13", "iso8859_13"),
        ("iso-8859-14", "iso8859_14"),
        ("windows-1257", "cp1257"),
    ),
    "東京の港は月曜日に再開したと港湾局が発表した。": (
        ("Shift_JIS", "shift_jis"),
        ("euc-jp", "euc_jp"),
        ("iso-2022-jp", "iso2022_jp"),
    ),
    "上海市政府周一宣布，新的地铁线路将于明年开通。": (("gbk", "gbk"), ("gb2312", "gb2312"), ("gb18030", "gb18030")),
    "台北市政府週一宣布，新的捷運路線將於明年通車。": (("big5", "big5"),),
    "서울시는 새 지하철 노선이 내년에 개통될 것이라고 발표했다.": (("euc-kr", "euc_kr"),),
}
COMMON = [(label, codec, text) for text, labels in SAMPLES.items() for label, codec in labels]


@pytest.mark.parametrize(("label", "codec", "text"), COMMON, ids=[label for label, _, _ in COMMON])
def test_a_page_in_a_web_encoding_is_decoded_as_browsers_do(tmp_path: Path, label: str, codec: str, text: str) -> None:
    page = f'<html><head><meta charset="{label}"><title>{text[:12]}</title></head><body><p>{text}</p></body></html>'
    path = _save(tmp_path, "page.html", page.encode(codec))
    assert text in read_html(path.read_bytes(), str(path))


REFUSED = ["hz", "hz-gb-2312", "iso-2022-kr", "csiso2022kr", "iso2022_kr", "iso-2022-cn", "cp037", "cp500", "cp1140"]
REFUSED += ["charmap", "utf-7", "replacement", "mac-iceland", "cp437", "ptcp154", "johab", "utf-32"]


@pytest.mark.parametrize("label", REFUSED)
def test_a_charset_browsers_do_not_read_is_refused_naming_it(tmp_path: Path, label: str) -> None:
    """Python decodes these (EBCDIC, 7-bit escapes, DOS code pages...), browsers never do: the page is not read."""
    _assert_refused_by_name(tmp_path, label)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "junk",
    [
        "<meta " * 450 + "charset=" + " " * 5_400 + ">",  # cubic before: a minute and a half
        "<meta charset='" + " " * 7_000 + "'>",
        "<meta " + "charset " * 900,
    ],
)
def test_a_head_of_unclosed_meta_tags_and_spaces_is_scanned_at_once(tmp_path: Path, junk: str) -> None:
    path = _save(tmp_path, "junk.html", german_page(junk).encode("utf-8"))
    assert path.read_bytes().index(b"<title>") < CHARSET_SCAN_BYTES  # all the junk is in the part scanned
    assert declared_charset(path.read_bytes()) is None
    assert "Müller sagte, die Straße in Köln werde im März" in _body(path)
