"""How deep and how large structured input may be (JSON, JSONL, YAML, HTML), checked cheaply before the parsers,
which would otherwise recurse past Python's limit, blow up on YAML aliases, or take minutes on a hostile page."""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

import yaml

from rag.errors import LoadError

# One place for the limits. Real news exports nest 3-10 levels, article metadata a handful of lines, and article
# pages 15-40 levels and a few thousand elements; each limit is several times what real input needs.
MAX_DEPTH = 64  # JSON and YAML: lists and objects inside each other
MAX_YAML_CHARS = 64 * 1024  # YAML front matter and NAME.meta.yaml sidecars
MAX_YAML_VALUES = 100_000  # YAML values once aliases (*name) are expanded: 64 KB of plain YAML holds fewer
MAX_HTML_DEPTH = 200  # below the 255 levels where lxml silently stops reading a page
MAX_HTML_ELEMENTS = 100_000  # trafilatura takes 5-20 s per 100,000 elements

_NESTING = f"nested more than {MAX_DEPTH} levels deep"

# --- JSON ------------------------------------------------------------------------------------------------------

# A string, or one never closed running to the end of the text: one pass whatever follows a quote. (Requiring the
# closing quote made every quote of an unclosed string start a scan to the end: minutes on a few hundred KB.)
_STRING = r'"[^"\\]*(?:\\[\s\S][^"\\]*)*"?'
_JSON_STRING = re.compile(_STRING)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_JSON_TOKEN = re.compile(rf"{_STRING}|[\[\]{{}},]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _json_depth(text: str) -> int:
    """How deep lists and objects nest in JSON text, counting brackets outside strings (in C: regexes, no loop)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0  # too few brackets to nest too deep: the common case, a record or a small file
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _json_too_deep_at(text: str) -> tuple[int, int | None]:
    """(line, record number when the text is a list of records) of the first bracket nested too deep."""
    depth, record, outer = 0, 1, ""
    for token in _JSON_TOKEN.finditer(text):
        mark = token.group()
        if mark in ("[", "{"):
            depth += 1
            outer = outer or mark
            if depth > MAX_DEPTH:
                return text.count("\n", 0, token.start()) + 1, record if outer == "[" else None
        elif mark in ("]", "}"):
            depth -= 1
        elif mark == "," and depth == 1:
            record += 1
    return text.count("\n") + 1, None


def check_json(text: str, where: str, *, whole_file: bool = True) -> None:
    """Refuse JSON nested more than `MAX_DEPTH` levels deep, before `json.loads` recurses into it; in a whole file
    the reason names the line and record, a JSONL line is its own `where`."""
    if _json_depth(text) <= MAX_DEPTH:
        return
    if not whole_file:
        raise LoadError(f"the JSON is {_NESTING}; an article record nests only a few levels", where=where)
    line, record = _json_too_deep_at(text)
    at = f"line {line}" + (f" (record {record})" if record else "")
    raise LoadError(f"the JSON is {_NESTING} at {at}; an article export nests only a few levels", where=where)


def too_deep(where: str, what: str = "the JSON") -> LoadError:
    """The refusal when a parser recursed too deep after all (the backstop behind the checks above)."""
    return LoadError(f"{what} is nested too deeply to be read", where=where)


# --- YAML ------------------------------------------------------------------------------------------------------


def yaml_too_large(where: str, what: str) -> LoadError:
    """The refusal of front matter or a sidecar over `MAX_YAML_CHARS`."""
    reason = f"{what} is larger than {MAX_YAML_CHARS // 1024} KB; article metadata takes a few lines"
    return LoadError(reason, where=where)


def check_yaml(text: str, where: str, what: str, first_line: int = 1) -> None:
    """Refuse YAML over `MAX_YAML_CHARS`, nested more than `MAX_DEPTH` levels (flow brackets, block indentation or
    aliases of nested values) or whose aliases expand to more than `MAX_YAML_VALUES` values (a "billion laughs"
    bomb) or that holds itself through an alias, reading its events with the parser `yaml.safe_load` uses (so
    both read the same text the same way) and stopping at the first limit crossed. A malformed text passes: the
    loader then names its problem. `first_line` is the file line the text starts on."""
    if len(text) > MAX_YAML_CHARS:
        raise yaml_too_large(where, what)
    if "&" not in text and sum(text.count(mark) for mark in "[{-:?") <= MAX_DEPTH:
        return  # without anchors, and with fewer marks than a list or mapping each needs, no limit is in reach
    open_: list[tuple[str | None, int, int]] = []  # per open list or mapping: anchor, values before it, height
    heights: dict[str, int] = {}  # per anchor: how many levels its value nests
    sizes: dict[str, int] = {}  # per anchor: how many values it expands to
    values = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = event.start_mark.line + first_line if event.start_mark else first_line
            height = 0
            if isinstance(event, yaml.AliasEvent):
                anchor = event.anchor or ""
                if any(anchor == held for held, _, _ in open_):
                    raise LoadError(f"{what} holds itself through the alias *{anchor} at line {line}", where=where)
                height, values = heights.get(anchor, 0), values + sizes.get(anchor, 1)
                if len(open_) + height > MAX_DEPTH:
                    raise LoadError(f"{what} is {_NESTING} at line {line} (through the alias *{anchor})", where=where)
            elif isinstance(event, yaml.CollectionStartEvent):
                values += 1
                open_.append((event.anchor, values, 0))
                if len(open_) > MAX_DEPTH:
                    raise LoadError(f"{what} is {_NESTING} at line {line}", where=where)
                continue
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, before, inner = open_.pop()
                height = inner + 1
                if anchor:
                    heights[anchor], sizes[anchor] = height, values - before + 1
            elif isinstance(event, yaml.ScalarEvent):
                values += 1
                if event.anchor:
                    heights[event.anchor], sizes[event.anchor] = 0, 1
            if values > MAX_YAML_VALUES:
                raise LoadError(
                    f"{what} has aliases (*name) that expand to more than {MAX_YAML_VALUES:,} values at line {line}; "
                    "article metadata holds a few",
                    where=where,
                )
            if open_ and height > open_[-1][2]:
                anchor, before, inner = open_[-1]
                open_[-1] = (anchor, before, height)
    except yaml.YAMLError:
        return  # malformed: the loader reports where


# --- HTML ------------------------------------------------------------------------------------------------------


def check_html_tree(tree: Any, where: str) -> None:
    """Refuse a parsed page (an lxml tree) of more than `MAX_HTML_ELEMENTS` elements or nested more than
    `MAX_HTML_DEPTH` levels deep (lxml stops reading at 255 levels and drops the rest of the page)."""
    from lxml import etree

    count = sum(1 for _ in tree.iter())
    if count > MAX_HTML_ELEMENTS:
        raise LoadError(
            f"the page has {count:,} HTML elements, more than the {MAX_HTML_ELEMENTS:,} an article page needs",
            where=where,
        )
    depth = 0
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > MAX_HTML_DEPTH:
            line = f" at line {element.sourceline}" if element.sourceline else ""
            raise LoadError(
                f"the page's HTML is nested more than {MAX_HTML_DEPTH} levels deep{line}; an article page nests "
                "a few dozen",
                where=where,
            )
