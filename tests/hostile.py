"""A folder of hostile inputs, written at test time (the large ones would bloat the repository): each file with
the reason it must be reported for, or None for a good article that must be ingested."""

from __future__ import annotations

import base64
import codecs
import json
from pathlib import Path

GOOD_BODY = "The harbour bridge reopened on Monday after a two-year refit, the city council said."
ESC = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"


def _md(title: str, body: str, **fields: str) -> str:
    front = "".join(f"{k}: {json.dumps(v)}\n" for k, v in {"title": title, **fields}.items())
    return f"---\n{front}---\n\n{body}\n"


def hostile_folder(root: Path) -> dict[str, str | None]:
    """Write the hostile inputs under `root`; return {relative path: expected reason fragment, or None if good}."""
    root.mkdir(parents=True, exist_ok=True)
    expect: dict[str, str | None] = {}

    def put(name: str, data: str | bytes, reason: str | None) -> None:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        expect[name] = reason

    # good articles, some of them odd
    put("good.md", _md("Harbour bridge reopens", GOOD_BODY, outlet="Port Gazette", published_at="2024-03-04"), None)
    put(
        "good.html",
        "<html><head><title>Ferry strike ends</title></head><body><article><h1>Ferry strike ends"
        "</h1><p>The ferry strike ended on Tuesday after talks through the night, the union said. Crossings "
        "resume on Wednesday morning at six, the operator added.</p></article></body></html>",
        None,
    )
    put(
        "utf16.txt",
        codecs.BOM_UTF16_LE
        + "Café owners cheer the tram's return to the old town on Friday, the city said.\n".encode("utf-16-le"),
        None,
    )
    put("no-punctuation.txt", " ".join(["the council voted to keep the night buses running"] * 60), None)
    put(
        "very-long-line.txt",
        " ".join(f"Councillor {n} spoke about the harbour budget for the coming year." for n in range(700)),
        None,
    )
    put(
        "escapes.json",
        json.dumps(
            {
                "title": f"Tram{ESC} returns",
                "source": f"City{ESC} Post",
                "author": f"Ann{ESC} Lee",
                "url": f"https://city.example/tram{ESC}",
                "published_at": "2024-02-02",
                "body": f"The tram returned{ESC} to the old town on Friday, the city said.",
            }
        ),
        None,
    )
    put(
        "mixed.jsonl",
        json.dumps({"title": "Port dredging starts", "body": "Dredging of the port started today."})
        + "\n{broken json\n",
        "line 2: invalid JSON",
    )
    put(
        "saved-again/good.md",
        _md("Harbour bridge reopens", GOOD_BODY, outlet="Port Gazette", published_at="2024-03-04"),
        "the same article as",
    )

    # bad files: each refused with its reason
    put("empty.txt", "", "the file is empty")
    put("blank.md", "   \n\n  ", "the file is empty")
    put("binary.txt", b"\x00\x01\x02binary\x00data" * 50, "this is a binary file, not text")
    put("scan.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "the content is a PDF, not text")
    put("letter.txt", b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "the content is a ZIP/Office document")
    put("cp1252.txt", "The mayor said \u201cno comment\u201d on Monday.".encode("cp1252"), "not UTF-8 text")
    put("latin1.txt", "Le café a rouvert lundi, a dit la mairie.".encode("latin-1"), "not UTF-8 text")
    put("malformed.json", '[{"title": "A", "body": "Text."},\n {"title": "B", "body": }\n]', "invalid JSON at line 2")
    put("number.json", "42", "expected an object with article fields")
    put(
        "wrong-types.json",
        json.dumps(
            [
                {"title": 12345, "body": GOOD_BODY},
                {"title": "Authors", "author": {"name": "X"}, "body": GOOD_BODY},
                {"title": "Link", "url": 7, "body": GOOD_BODY},
                {"title": ["list", "title"], "body": GOOD_BODY},
            ]
        ),
        "record 1: title must be text, not a number (12345)",
    )
    put("invalid-date.md", _md("Vote set", "The vote is set for spring.", published_at="2023-02-30"), "is not a date")
    put(
        "embargo-true.json",
        json.dumps({"title": "Budget", "body": "The budget is out.", "embargo_until": True}),
        "embargo_until 'true' is not a date",
    )
    put("status-typo.md", _md("Old story", "An old story.", status="retracetd"), "status 'retracetd' is not one of")
    put("unclosed.md", "---\ntitle: Storm\n\nThe storm hit the coast.\n", "front matter is not closed")
    put(
        "scripts-only.html",
        "<html><body><script>alert(1)</script><style>p{}</style></body></html>",
        "no article text found",
    )
    put("base64-huge.txt", base64.b64encode(bytes(range(256)) * 6000).decode(), "(NEWSROOM_MAX_ARTICLE_CHARS)")
    put(
        "base64.txt",
        base64.b64encode(bytes(range(256)) * 600).decode(),
        "this is not article text: it looks like encoded data",
    )
    put(
        "minified.txt",
        "function a(b){return b&&b.c?{d:b.c[0]}:null};var e=[1,2,3].map(function(f){return f*2});" * 60,
        "this is not article text: it looks like program code",
    )
    put(
        "numbers.txt",
        "\n".join(f"{i},{i * 37 % 1000},{i * 91 % 10000}.25" for i in range(500)),
        "this is not article text: it looks like a table of numbers",
    )
    put("notes.docx", b"PK\x03\x04 a real docx", "unsupported file type '.docx'")
    (root / "gone.txt").symlink_to(root / "deleted-long-ago.txt")
    expect["gone.txt"] = "a link to something that does not exist"
    (root / "nested").mkdir()
    (root / "nested" / "loop").symlink_to(root, target_is_directory=True)
    expect["nested/loop"] = "a link back to a folder already being read"
    return expect
