"""Depth and size limits of every parser (JSON, JSONL, YAML front matter and sidecars, HTML), on real files through
the real loaders: a file over a limit is refused with its reason, never a traceback, and input within the limits
still loads."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from rag.errors import LoadError
from rag.ingest.limits import MAX_DEPTH, MAX_HTML_DEPTH, MAX_HTML_ELEMENTS, MAX_YAML_CHARS, MAX_YAML_VALUES
from rag.ingest.loaders import load_file
from rag.ingest.uploads import check_upload

BODY = "The harbour bridge reopened on Monday after a two-year refit, the city council said."
DEEP = 10_000  # the case: 20 KB of brackets, far past Python's recursion limit


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _refusal(path: Path) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_file(path)
    assert info.value.where is not None
    return info.value


def _nested(levels: int, inner: str = "1") -> str:
    """A JSON list nested `levels` deep around `inner`."""
    return "[" * levels + inner + "]" * levels


def _bomb(lines: int = 9) -> str:
    """The "billion laughs": each line's list holds nine aliases of the one before (9**9 values expanded)."""
    names = [f"l{n}" for n in range(lines)]
    first = f"{names[0]}: &{names[0]} [{', '.join(['lol'] * 9)}]\n"
    rest = "".join(f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip(names, names[1:], strict=False))
    return first + rest


def _block(levels: int) -> str:
    """A YAML mapping nested `levels` deep by indentation alone, under a key of the top mapping."""
    return "".join(" " * (n + 1) + f"level{n}:\n" for n in range(levels)) + " " * (levels + 1) + "bottom\n"


# --- JSON and JSONL --------------------------------------------------------------------------------------------


def test_a_json_array_nested_10000_deep_is_refused_naming_the_line_and_record(tmp_path: Path) -> None:
    good = json.dumps({"title": "Bridge reopens", "body": BODY})
    path = _write(tmp_path / "deep.json", f"[\n{good},\n{_nested(DEEP)}\n]\n")
    error = _refusal(path)
    assert error.reason == (
        f"the JSON is nested more than {MAX_DEPTH} levels deep at line 3 (record 2); an article export nests only "
        "a few levels"
    )
    assert error.where == str(path)


def test_a_json_object_nested_10000_deep_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "deep.json", '{"a": ' * DEEP + "1" + "}" * DEEP)
    assert _refusal(path).reason.startswith(f"the JSON is nested more than {MAX_DEPTH} levels deep at line 1;")


def test_brackets_inside_json_strings_are_text_not_nesting(tmp_path: Path) -> None:
    notes = " ".join(f'Councillor {n} [Labour] said the {{budget}} was "[not] final" on Monday.' for n in range(40))
    record = {"title": "Brackets", "body": f"{BODY} {notes}"}
    loaded = load_file(_write(tmp_path / "brackets.json", json.dumps([record])))
    assert loaded.errors == [] and [a.title for a in loaded.articles] == ["Brackets"]


def test_json_nested_up_to_the_limit_loads_and_one_level_more_is_refused(tmp_path: Path) -> None:
    def feed(extra_levels: int) -> str:  # the list (1) and the record (2) count: MAX_DEPTH - 2 levels more fit
        return json.dumps([{"title": "Deep field", "body": BODY, "extra": json.loads(_nested(extra_levels))}])

    [article] = load_file(_write(tmp_path / "fits.json", feed(MAX_DEPTH - 2))).articles
    assert article.title == "Deep field"
    assert "(record 1)" in _refusal(_write(tmp_path / "over.json", feed(MAX_DEPTH - 1))).reason


def test_a_deep_jsonl_line_is_refused_alone_and_the_other_lines_load(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "Bridge reopens", "body": BODY}),
        _nested(DEEP),
        "",
        json.dumps({"title": "Ferry strike ends", "body": "The ferry strike ended on Tuesday, the union said."}),
    ]
    path = _write(tmp_path / "feed.jsonl", "\n".join(lines))
    loaded = load_file(path)
    assert [a.title for a in loaded.articles] == ["Bridge reopens", "Ferry strike ends"]
    [error] = loaded.errors
    assert error.where == f"{path} line 2"
    assert (
        error.reason
        == f"the JSON is nested more than {MAX_DEPTH} levels deep; an article record nests only a few levels"
    )


UNCLOSED = 400_000  # characters of a JSON string never closed: a scan that backtracks on it takes ten minutes


@pytest.mark.timeout(60)
def test_an_unclosed_json_string_after_deep_brackets_is_refused_at_once(tmp_path: Path) -> None:
    """Each quote of an unclosed string once started a scan to the end of the text (quadratic: 6 s at 40 KB)."""
    hostile = "[" * 70 + '"\\' * (UNCLOSED // 2)
    error = _refusal(_write(tmp_path / "deep.json", hostile + "\n"))
    assert error.reason == (
        f"the JSON is nested more than {MAX_DEPTH} levels deep at line 1 (record 1); an article export nests only "
        "a few levels"
    )
    good = json.dumps({"title": "Bridge reopens", "body": BODY})
    path = _write(tmp_path / "feed.jsonl", f"{good}\n{hostile}\n")
    loaded = load_file(path)
    assert [a.title for a in loaded.articles] == ["Bridge reopens"]
    assert [(e.where, e.reason) for e in loaded.errors] == [
        (
            f"{path} line 2",
            f"the JSON is nested more than {MAX_DEPTH} levels deep; an article record nests only a few levels",
        )
    ]


@pytest.mark.timeout(60)
def test_a_json_string_left_open_after_many_records_is_invalid_json_not_nesting(tmp_path: Path) -> None:
    record = json.dumps({"title": "Bridge reopens", "body": BODY, "tags": [["harbour"], ["bridge"]]})
    text = "[" + ",\n".join([record] * 40) + ',\n{"title": "' + '\\"' * (UNCLOSED // 2)
    error = _refusal(_write(tmp_path / "open.json", text))
    assert error.reason == "invalid JSON at line 41, column 11: Unterminated string starting at"


# --- YAML front matter and sidecars ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "line"),
    [
        (f"title: Storm\noutlet: {_nested(DEEP, 'x')}\n", 3),  # flow brackets, on the file's third line
        (f"title: Storm\nextra:\n{_block(70)}", 4 + MAX_DEPTH - 1),  # block indentation
        ("title: Storm\ntags:\n" + "- " * 3000 + "x\n", 4),  # lists inside lists on one line
        ("title: " + "{a: " * 3000 + "b" + "}" * 3000 + "\n", 2),  # flow mappings
    ],
)
def test_deep_yaml_front_matter_is_refused_with_its_line(tmp_path: Path, front: str, line: int) -> None:
    path = _write(tmp_path / "storm.md", f"---\n{front}---\nThe storm hit the coast on Friday.\n")
    started = time.perf_counter()
    error = _refusal(path)
    assert error.reason == f"the YAML front matter is nested more than {MAX_DEPTH} levels deep at line {line}"
    assert time.perf_counter() - started < 10  # the event scan stops at the limit: no quadratic parse


def test_a_deep_sidecar_fails_its_article(tmp_path: Path) -> None:
    article = _write(tmp_path / "story.txt", BODY + "\n")
    sidecar = _write(tmp_path / "story.meta.yaml", f"outlet: Port Gazette\nextra:\n{_block(300)}")
    error = _refusal(article)
    assert error.where == str(sidecar)
    assert error.reason.startswith(f"the metadata file is nested more than {MAX_DEPTH} levels deep at line ")


@pytest.mark.parametrize("where", ["front matter", "sidecar"])
def test_a_yaml_alias_bomb_is_refused_before_it_expands(tmp_path: Path, where: str) -> None:
    yaml_text = _bomb() + "title: *l8\n"
    if where == "front matter":
        path = _write(tmp_path / "bomb.md", f"---\n{yaml_text}---\n{BODY}\n")
        what = "the YAML front matter"
    else:
        path = _write(tmp_path / "bomb.txt", BODY + "\n")
        _write(tmp_path / "bomb.meta.yaml", yaml_text)
        what = "the metadata file"
    started = time.perf_counter()
    error = _refusal(path)
    assert error.reason.startswith(f"{what} has aliases (*name) that expand to more than {MAX_YAML_VALUES:,} values")
    assert time.perf_counter() - started < 10


def test_yaml_aliases_that_nest_deep_or_hold_themselves_are_refused(tmp_path: Path) -> None:
    chain = "l0: &l0 [x]\n" + "".join(f"l{n}: &l{n} [*l{n - 1}]\n" for n in range(1, 100))
    path = _write(tmp_path / "chain.md", f"---\n{chain}---\n{BODY}\n")
    assert "(through the alias *l" in _refusal(path).reason
    itself = _write(tmp_path / "itself.md", f"---\ntitle: &t [*t]\n---\n{BODY}\n")
    assert _refusal(itself).reason == "the YAML front matter holds itself through the alias *t at line 2"


def test_yaml_within_the_limits_loads_aliases_included(tmp_path: Path) -> None:
    front = "title: &t Bridge reopens\ncorrection: *t\nextra:\n" + "".join(
        "  " * (n + 1) + f"level{n}:\n" for n in range(10)
    )
    front += "  " * 11 + "bottom\n"
    [article] = load_file(_write(tmp_path / "fine.md", f"---\n{front}---\n{BODY}\n")).articles
    assert article.title == "Bridge reopens" and article.correction == "Bridge reopens"


def test_front_matter_and_sidecars_over_the_size_cap_are_refused(tmp_path: Path) -> None:
    tags = "tags:\n" + "".join(f"  - tag number {n}\n" for n in range(MAX_YAML_CHARS // 10))
    front = _write(tmp_path / "big.md", f"---\ntitle: Big\n{tags}---\n{BODY}\n")
    assert _refusal(front).reason == "the YAML front matter is larger than 64 KB; article metadata takes a few lines"
    _write(tmp_path / "big.txt", BODY + "\n")
    _write(tmp_path / "big.meta.yaml", "outlet: Port Gazette\n" + "# a comment line\n" * (MAX_YAML_CHARS // 4))
    assert (
        _refusal(tmp_path / "big.txt").reason
        == "the metadata file is larger than 64 KB; article metadata takes a few lines"
    )


# --- HTML ------------------------------------------------------------------------------------------------------

PARAGRAPHS = (
    "<p>The harbour bridge reopened on Monday after a two-year refit, the city council said. Engineers replaced "
    "the deck and the cables, and the first buses crossed at dawn.</p>"
    "<p>Traders on both banks welcomed the reopening. Footfall had fallen by a third while the bridge was shut, "
    "the chamber of commerce said in a statement.</p>"
)


def _page(inside: str) -> str:
    return f"<html><head><title>Bridge reopens</title></head><body>{inside}</body></html>"


@pytest.mark.parametrize("tag", ["div", "span"])
def test_html_nested_20000_deep_is_refused_with_a_reason(tmp_path: Path, tag: str) -> None:
    levels = 20_000
    path = _write(tmp_path / "deep.html", _page(f"<{tag}>" * levels + PARAGRAPHS + f"</{tag}>" * levels))
    error = _refusal(path)
    assert error.reason.startswith(f"the page's HTML is nested more than {MAX_HTML_DEPTH} levels deep at line 1;")


def test_unclosed_html_tags_nesting_deep_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "unclosed.html", _page("<div>" * 20_000 + PARAGRAPHS))
    assert "levels deep" in _refusal(path).reason


def test_a_page_nested_within_the_limit_is_read(tmp_path: Path) -> None:
    levels = 100
    path = _write(
        tmp_path / "nested.html", _page("<div>" * levels + f"<article>{PARAGRAPHS}</article>" + "</div>" * levels)
    )
    [article] = load_file(path).articles
    assert "first buses crossed at dawn" in article.body


def test_a_page_of_too_many_elements_is_refused_before_extraction(tmp_path: Path) -> None:
    path = _write(tmp_path / "huge.html", _page(PARAGRAPHS + "<span></span>" * MAX_HTML_ELEMENTS))
    started = time.perf_counter()
    error = _refusal(path)
    assert error.reason.startswith("the page has 100,0") and f"more than the {MAX_HTML_ELEMENTS:,}" in error.reason
    assert time.perf_counter() - started < 20  # refused after parsing, before trafilatura's slow extraction


# --- uploads ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("deep.json", _nested(DEEP), f"the JSON is nested more than {MAX_DEPTH} levels deep at line 1"),
        ("deep.json", '{"a": ' * DEEP + "1" + "}" * DEEP, f"nested more than {MAX_DEPTH} levels deep"),
        ("deep.jsonl", _nested(DEEP) + "\n", f"the JSON is nested more than {MAX_DEPTH} levels deep;"),
        ("deep.md", _nested(DEEP), "the content is JSON"),
    ],
)
def test_deep_json_uploads_are_refused_with_the_reason(name: str, data: str, reason: str) -> None:
    with pytest.raises(LoadError, match=re.escape(reason)):
        check_upload(name, data.encode(), 2**20)


# --- the backstop ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "checker", "reason"),
    [
        ("deep.json", _nested(DEEP), "rag.ingest.loaders.check_json", "the JSON is nested too deeply to be read"),
        (
            "deep.md",
            f"---\ntitle: {_nested(3000, 'x')}\n---\n{BODY}\n",
            "rag.ingest.fields.check_yaml",
            "the YAML front matter is nested too deeply to be read",
        ),
    ],
)
def test_without_the_pre_scan_a_recursion_error_is_still_a_load_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, checker: str, reason: str
) -> None:
    monkeypatch.setattr(checker, lambda *args, **kwargs: None)
    assert _refusal(_write(tmp_path / name, text)).reason == reason


def test_a_number_too_long_for_python_is_refused_with_its_reason(tmp_path: Path) -> None:
    digits = "7" * 5000
    record = tmp_path / "long.json"
    record.write_text(f'[{{"title": "T", "body": "The toll rises to nine pounds in May.", "count": {digits}}}]')
    with pytest.raises(LoadError, match="number too long"):
        load_file(record)
    front = tmp_path / "long.md"
    front.write_text(f"---\ntitle: T\ncount: {digits}\n---\nThe toll rises to nine pounds in May.\n")
    with pytest.raises(LoadError, match="number too long"):
        load_file(front)
