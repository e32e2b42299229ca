"""Whether an answer's sentence is supported by the passages it cites (used to check a model's answer and in the
evaluation's faithfulness figures)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.mentions import mentions
from rag.models import Passage
from rag.retrieval.names import named_entities
from rag.retrieval.wording import word_string, words

_CITATION = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_NEGATION = re.compile(r"\b(not|no|never|none|nobody|nothing|neither|nor|without)\b|n['’]t\b", re.I)
# words an answer uses to talk about its sources, which no passage needs to contain
_SOURCE_TALK = frozenset(
    "report reports reported article articles publication published date came before after both".split()
)


def _markup_free(text: str) -> str:
    """The words a reader would read: no scripts, tags, images or link targets (a link keeps its label)."""
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", text, flags=re.I | re.S)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]{1,200}>", " ", text)
    return re.sub(r"\s+", " ", text)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def claim_supported(sentence: str, passages: Sequence[Passage], min_overlap: float = 0.6) -> bool:
    """Whether the passages a sentence cites support it: a verbatim quote is; otherwise its numbers and names
    must all occur in them, a negation must be matched, and most of its words must be theirs.

    Args:
        sentence: one answer sentence, with its [n] citations.
        passages: the passages it cites.
        min_overlap: share of the sentence's content words that the passages must contain.
    """
    if not passages:
        return False
    claim = _markup_free(_CITATION.sub("", sentence)).strip()
    if not claim:
        return False
    core = claim
    for p in passages:  # only the "Outlet, date: " prefix the quote answerer itself writes is set aside
        for prefix in (f"{p.outlet}, {p.published_at[:10]}: ", f"{p.outlet}: ", f"{p.published_at[:10]}: "):
            if len(prefix) > 2 and core.startswith(prefix):
                core = core[len(prefix) :]
                break
    source = " ".join(f"{p.text} {p.title} {p.outlet} {p.published_at}" for p in passages)
    squashed = _squash(source)
    if len(_squash(core)) >= 15 and (_squash(core).rstrip(".") in squashed or _squash(claim) in squashed):
        return True
    numbers = set(_DIGITS.findall(source))  # whole numbers only: "5%" is not found in "5.25%"
    if any(n not in numbers for n in _DIGITS.findall(core)):
        return False
    haystack = word_string(source)
    if any(not mentions(name, haystack) for name in named_entities(core)):
        return False
    if _NEGATION.search(core) and not _NEGATION.search(source):
        return False
    content = [w for w in words(core) if len(w) > 2 and w not in _SOURCE_TALK and not w.isdigit()]
    if not content:
        return True
    return sum(1 for w in content if f" {w} " in haystack) / len(content) >= min_overlap
