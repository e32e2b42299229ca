"""Plain-text helpers: web boilerplate removal, paragraph and sentence splitting with offsets."""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

from rag.ingest.furniture import strip_boilerplate

# Abbreviations that never end a sentence (titles come before a name); "No." only before a number.
_NEVER_FINAL = frozenset("mr mrs ms dr prof sen rep gov gen col lt sgt capt st vs fig approx e.g i.e".split())
# Every abbreviation whose full stop does not by itself end a sentence.
_ABBREVIATIONS = _NEVER_FINAL | frozenset(
    "jr sr inc co corp ltd plc no nos jan feb mar apr jun jul aug "
    "sep sept oct nov dec u.s u.k u.n e.u a.m p.m etc dept est mt ft".split()
)
_NUMBER_ONLY = {"no", "nos"}
# Words that start a new sentence after an abbreviation that can also end one ("... in the U.S. He said").
_OPENERS = {
    "The",
    "He",
    "She",
    "It",
    "They",
    "We",
    "But",
    "In",
    "This",
    "That",
    "These",
    "Those",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "There",
    "Then",
    "When",
    "While",
    "After",
    "However",
    "Meanwhile",
}
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and a capital (any script) or digit.
_BOUNDARY = re.compile(r"([.!?…]+[\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?(\w+))")
_PARAGRAPH = re.compile(r"\n\s*\n|\n")


@cache
def _control_characters() -> re.Pattern[str]:
    """A character class of every control, format, surrogate and private-use character except newline and tab."""
    ranges: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Cs", "Co") and chr(code) not in "\n\t":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    parts = "".join(f"\\U{a:08x}-\\U{b:08x}" if a != b else f"\\U{a:08x}" for a, b in ranges)
    return re.compile(f"[{parts}]")


# whole terminal escape sequences, so that none leaves its visible remainder ("]0;title", "[2J") behind:
# OSC (window title, links) up to its BEL or ST, CSI (colours, screen clears), and two-character escapes
_ESCAPE_SEQUENCES = re.compile(  # ESC-introduced only: a lone C1 byte (mojibake of curly quotes) never eats text
    r"\x1b\][^\x07\x1b\n]{0,256}(?:\x07|\x1b\\)"  # OSC with its terminator, short
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[ -/]*[0-~]"  # two-character escapes
)


def strip_controls(text: str) -> str:
    """The text without terminal escape sequences and control, format, surrogate and private-use characters
    (newline and tab kept): no window title, screen clear, bell or bidirectional override reaches a screen."""
    if "\x1b" in text:
        text = _ESCAPE_SEQUENCES.sub("", text)
    return _control_characters().sub("", text)


def normalise(text: str) -> str:
    """Unicode NFC, unified newlines, no control characters, trimmed trailing spaces."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = strip_controls(text)
    text = text.replace("\t", " ").replace("\u00a0", " ")
    lines = [re.sub(r"[ ]{2,}", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_body(text: str) -> str:
    """Normalise an article body and remove its page furniture (`rag.ingest.furniture`)."""
    return strip_boilerplate(normalise(text))


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the non-empty paragraphs (lines) of a text."""
    spans, pos = [], 0
    for match in _PARAGRAPH.finditer(text):
        if text[pos : match.start()].strip():
            spans.append(_trim(text, pos, match.start()))
        pos = match.end()
    if text[pos:].strip():
        spans.append(_trim(text, pos, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _ends_with_abbreviation(text: str, end: int, following: str = "") -> bool:
    """Whether the word ending at `end` (before its final period) is an abbreviation or initial that does not
    end the sentence, given the `following` word."""
    word = re.search(r"(?<![\w'’])([\w.]+)\.$", text[max(0, end - 12) : end])
    if not word:
        return False
    token = word.group(1).lower()
    if token in _NUMBER_ONLY:
        return following[:1].isdigit()
    if token in _NEVER_FINAL:
        return True
    return (token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())) and following not in _OPENERS


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Character spans of the sentences in text[start:end], as absolute offsets."""
    end = len(text) if end is None else end
    spans, cursor = [], start
    for paragraph_start, paragraph_end in paragraph_spans(text[start:end]):
        a, b = start + paragraph_start, start + paragraph_end
        cursor = a
        for match in _BOUNDARY.finditer(text, a, b):
            stop, following = match.end(1), match.group(3)
            if not (following[0].isupper() or following[0].isdigit()):
                continue
            if match.group(1) == "." and _ends_with_abbreviation(text, stop, following):
                continue
            spans.append((cursor, stop))
            cursor = match.end()
        if cursor < b:
            spans.append((cursor, b))
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of a text."""
    return [text[a:b] for a, b in sentence_spans(text)]
