"""Citation checking: keep only [n] that point at a shown passage, renumber, find the cited sentence."""

from __future__ import annotations

import html
import re

from rag.ingest.text import split_sentences
from rag.models import Citation, Passage
from rag.retrieval.wording import content_words

_CITE = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")


def answer_sentences(text: str) -> list[str]:
    """Sentences of an answer; a citation standing after a full stop belongs to the sentence before it."""
    merged: list[str] = []
    for sentence in split_sentences(text):
        if merged and not _CITE.sub("", sentence).strip(" .,;"):
            merged[-1] = f"{merged[-1]} {sentence.strip()}"
        elif sentence.strip():
            merged.append(sentence)
    return merged


def best_sentence(passage: Passage, claim: str) -> str:
    """The sentence of a passage that shares the most words with a claim."""
    sentences = passage.sentence_texts() or split_sentences(passage.text)
    if not sentences:
        return passage.text
    words = content_words(claim)
    return max(sentences, key=lambda s: len(words & content_words(s)))


def resolve(text: str, shown: list[Passage]) -> tuple[str, list[Citation]]:
    """Drop citations to passages that were not shown; renumber the rest 1..m by first use."""
    numbers: dict[int, int] = {}
    citations: list[Citation] = []
    claims: dict[int, list[str]] = {}

    def renumber(match: re.Match[str]) -> str:
        kept = []
        for raw in re.split(r"\s*,\s*", match.group(1)):
            original = int(raw)
            if not 1 <= original <= len(shown):
                continue
            if original not in numbers:
                numbers[original] = len(numbers) + 1
                citations.append(Citation(n=numbers[original], passage=shown[original - 1]))
            kept.append(f"[{numbers[original]}]")
        return "".join(dict.fromkeys(kept))

    sentences = answer_sentences(text) or [text]
    out = []
    for sentence in sentences:
        rewritten = _CITE.sub(renumber, sentence)
        for n in {int(m) for m in re.findall(r"\[(\d+)\]", rewritten)}:
            claims.setdefault(n, []).append(_CITE.sub("", rewritten))
        out.append(rewritten)
    for citation in citations:
        citation.quote = best_sentence(citation.passage, " ".join(claims.get(citation.n, [])))
    cleaned = re.sub(r"[ \t]+([.,;:])", r"\1", " ".join(out))
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip(), citations


def cited_share(text: str) -> float:
    """Share of answer sentences that carry at least one [n]."""
    sentences = answer_sentences(text)
    if not sentences:
        return 0.0
    return sum(1 for s in sentences if _CITE.search(s)) / len(sentences)


def sanitise_model_text(text: str, allowed_urls: set[str], escape_html: bool = True) -> str:
    """Model text made safe to render: images dropped, links kept only to cited articles, HTML escaped."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)

    def link(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2).strip()
        return f"[{label}]({url})" if url in allowed_urls else label

    text = re.sub(r"\[([^\]]+)\]\(([^)]*)\)", link, text)
    text = re.sub(r"<(https?://[^>]+)>", lambda m: m.group(0) if m.group(1) in allowed_urls else "", text)
    text = re.sub(
        r"(?<![(\[])\bhttps?://\S+", lambda m: m.group(0) if m.group(0).rstrip(".,;)") in allowed_urls else "", text
    )
    return html.escape(text, quote=False) if escape_html else text
