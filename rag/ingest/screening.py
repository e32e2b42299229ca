"""Is this article text? A size cap and a check for what is not prose (encoded data, program code, tables of
numbers), run before the expensive steps, so one bad file cannot stall an ingest for an hour."""

from __future__ import annotations

import re

from rag.errors import LoadError

SAMPLE_CHARS = 200_000  # the check reads at most this much of a text: enough to tell, fast on any size
_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"[^\W\d_]{1,24}(?:['’-][^\W\d_]{1,24})*[.,;:!?)\"”’]*$")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f\u1000-\u109f\u0f00-\u0fff]")
_BLOB = re.compile(r"[A-Za-z0-9+/=_-]{60,}")
_CODE_MARKS = re.compile(r"[{};=<>()\[\]$\\|&]")


def _millions(chars: int) -> str:
    return f"{chars / 1e6:.1f} million" if chars >= 100_000 else f"{chars:,}"


def check_size(chars: int, limit: int, where: str) -> None:
    """Refuse an article longer than `limit` characters, naming the setting that raises the limit."""
    if chars > limit:
        raise LoadError(
            f"the article text is {_millions(chars)} characters, over the limit of {_millions(limit)} "
            "(NEWSROOM_MAX_ARTICLE_CHARS); a single news article is far shorter, so this is most likely not one",
            where=where,
        )


def prose_problem(text: str) -> str | None:
    """Why a text is not article prose, or None when it reads as prose.

    Prose is mostly words of letters separated by spaces. Encoded data (base64, hex) is long runs without
    spaces; minified code is dense with brackets, braces and operators; a table of numbers has more digits than
    letters. Short texts are let through: the checks need enough text to be fair.
    """
    sample = text[:SAMPLE_CHARS]
    visible = sum(1 for c in sample if not c.isspace())
    if visible < 200:
        return None
    blobs = sum(len(m) for m in _BLOB.findall(sample))
    if blobs > 0.5 * visible:
        return "this is not article text: it looks like encoded data (long runs of letters and digits without spaces)"
    tokens = _TOKEN.findall(sample)
    # Chinese, Japanese, Thai and other scripts written without spaces between words: a "token" is a sentence
    unspaced = len(_UNSPACED.findall(sample)) > 0.3 * visible
    words = len(tokens) if unspaced else sum(1 for t in tokens if _WORD.match(t))
    code = len(_CODE_MARKS.findall(sample))
    if code > 0.08 * visible and words < 0.6 * len(tokens):
        return "this is not article text: it looks like program code (dense brackets, braces and operators)"
    letters = sum(1 for c in sample if c.isalpha())
    digits = sum(1 for c in sample if c.isdigit())
    if digits > letters:
        return "this is not article text: it looks like a table of numbers (more digits than letters)"
    if words < 0.4 * len(tokens):
        return "this is not article text: fewer than half of it is words"
    return None


def check_prose(text: str, where: str) -> None:
    """Refuse a text that is not article prose, with the reason."""
    if problem := prose_problem(text):
        raise LoadError(problem, where=where)
