"""Whose words a sentence gives when a quotation runs over several sentences. News writing attributes a quotation
once: "“He's up at 4am working hard. / We catch him in the gym ... / ... fans don't see that,” he said." gives the
speaker's words in all three sentences; a new paragraph of quotation with no attribution of its own continues the
speaker quoted just before it; a line that only names the speaker may follow the quotation ("Robert Kyncl, Warner
Music Group")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rag.answer.articles import GAP
from rag.answer.constraints import name_of, namesake, parsed, said_by
from rag.retrieval.asked import SPEECH_VERBS
from rag.retrieval.entities import mentions_of
from rag.retrieval.wording import words

LOOK_BACK = 3  # "he said" at a quotation's end refers to a person named in the three sentences before it opens
LONGEST = 5  # sentences a quotation runs over at most without a closing mark
QUOTED_SENTENCES = 3  # a quotation running over several sentences is quoted with up to three of them
SPEAKER_LINE_WORDS = 8  # a line naming the speaker after a quotation is short and has no verb
_OPENING = "“"
_CLOSING = "”"
_STRAIGHT = '"'
_MARK = re.compile(r'[“”]|(?<!\d)"')  # a quotation mark; a straight one after a digit is the inches of a 65" screen
RUNS_CACHE_SIZE = 256  # articles whose quotations are remembered (every sentence of one asks about them)


def runs(passage: Sequence[str]) -> list[tuple[int, int] | None]:
    """For each sentence of a passage, the first and the last sentence of the quotation it stands in, or None for a
    sentence outside quotation marks. A quotation still open at the passage's end runs to its last sentence.
    Remembered: each sentence of an article asks about the article's quotations."""
    return list(_runs(tuple(passage)))


@lru_cache(maxsize=RUNS_CACHE_SIZE)
def _runs(passage: tuple[str, ...]) -> tuple[tuple[int, int] | None, ...]:
    found: list[tuple[int, int] | None] = [None] * len(passage)
    start: int | None = None
    for i, sentence in enumerate(passage):
        if sentence == GAP:  # sentences of the article not retrieved: what was open there is unknown
            if start is not None:
                found[start:i] = [(start, i - 1)] * (i - start)
            start = None
            continue
        marks = [m.group() for m in _MARK.finditer(sentence)]
        unmarked = not marks
        if start is not None and unmarked and (i - start >= LONGEST or _caption(sentence)):
            found[start:i] = [(start, i - 1)] * (i - start)  # a caption or a credit ends what was left open,
            start = None  # and so does length: a quotation left open this long lost its closing mark
        if start is not None and sentence.startswith((_OPENING, _STRAIGHT)):
            # a quotation mark opening a sentence opens a new quotation (or a new paragraph of one: news style
            # leaves a paragraph that a quotation runs on from unclosed), never closes one
            found[start:i] = [(start, i - 1)] * (i - start)
            start = None
        inside = start is not None
        if not inside and unmarked:
            continue
        if start is None:
            start = i
        for mark in marks:
            inside = True if mark == _OPENING else False if mark == _CLOSING else not inside
        if not inside:
            found[start : i + 1] = [(start, i)] * (i + 1 - start)
            start = None
    if start is not None:
        found[start:] = [(start, len(passage) - 1)] * (len(passage) - start)
    return tuple(found)


def said_in(speaker: str, passage: Sequence[str], at: int) -> bool:
    """Whether sentence `at` of a passage gives the speaker's words: attributed to them itself (`said_by`), or one
    sentence of a quotation attributed to them in another of its sentences, continued from their quotation just
    before it, or followed by a line naming them."""
    spans = runs(passage)
    span = spans[at]
    opens = span[0] if span is not None else at  # "he said" is someone named before the quotation opens
    by_surname = not namesake(speaker, passage)  # "Franke said" is not Kevin Franke where Ruby Franke is named
    if said_by(speaker, passage[at], _referent(passage, opens), by_surname):
        return True
    return spans[at] is not None and _quotation_by(speaker, passage, spans, at, 2, by_surname)


def quotation_around(passage: Sequence[str], at: int, most: int = QUOTED_SENTENCES) -> tuple[int, int]:
    """The sentences to quote for the words at sentence `at`: with the sentences of its quotation around it, up to
    `most` in all (`at` itself when it stands in no quotation)."""
    span = runs(passage)[at]
    if span is None:
        return at, at
    first, last = span
    start = max(first, min(at - (most - 1) // 2, last - most + 1))
    return start, min(last, start + most - 1)


def in_quotation(passage: Sequence[str], at: int) -> bool:
    """Whether sentence `at` of a passage stands inside quotation marks (perhaps opened sentences before it)."""
    return runs(passage)[at] is not None


def _quotation_by(
    speaker: str, passage: Sequence[str], spans: Sequence[tuple[int, int] | None], at: int, hops: int, by_surname: bool
) -> bool:
    span = spans[at]
    if span is None:
        return False
    first, last = span
    referent = _referent(passage, first)  # who "he said" at the quotation's end is
    if any(said_by(speaker, passage[j], referent, by_surname) for j in range(first, last + 1)):
        return True
    if any(_attributed(passage[j]) for j in range(first, last + 1)):
        return False  # someone's words, attributed within the quotation: not the speaker's
    if last + 1 < len(passage) and _speaker_line(speaker, passage[last + 1], by_surname):
        return True
    # a quotation with no attribution of its own that opens its sentence (not scare quotes inside one) continues
    # the one right before it
    opens = passage[first].startswith((_OPENING, _STRAIGHT))
    return hops > 0 and first > 0 and opens and _quotation_by(speaker, passage, spans, first - 1, hops - 1, by_surname)


def _caption(sentence: str) -> bool:
    """Whether a sentence inside an open quotation is a caption or a credit, which ends the quotation: it names
    someone and has no verb at its root ("Samu Kerevi during a training session"); "Never." and "Why?" do not."""
    return not _says(sentence) and any(m.label in ("PERSON", "ORG") for m in mentions_of([sentence])[0])


def _says(sentence: str) -> bool:
    """Whether a sentence says something: its root is a verb (a caption, "(Getty)" or "NEW PODCAST!" does not)."""
    return any(w.dep == "ROOT" and w.pos in ("VERB", "AUX") for w in parsed(sentence))


def _referent(passage: Sequence[str], first: int) -> str:
    """The person "he" or "she" refers to in a quotation opening at sentence `first`: the subject, when a name, or
    else the first person named, of the nearest sentence before it that names one (within `LOOK_BACK` sentences;
    a caption, whose root is no verb, is skipped). Empty when none does."""
    for sentence in reversed(passage[max(0, first - LOOK_BACK) : first]):
        if sentence == GAP:
            break  # the sentences before it were not retrieved
        if not _says(sentence):
            continue  # a caption ("Eddie Jones with fans during a training session") names, says nothing
        tree = parsed(sentence)
        root = next(w for w in tree if w.dep == "ROOT")
        subject = next((w for w in tree if w.head == root.i and w.dep in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.pos == "PROPN":  # "Kerevi is an unabashed Jones fan."
            return " ".join(w.text for w in name_of(tree, subject))
        people = [m.text for m in mentions_of([sentence])[0] if m.label == "PERSON"]
        if people:
            return people[0]
    return ""


def _attributed(sentence: str) -> bool:
    """Whether a sentence says who speaks: a verb of saying with a subject ("he said", "Levy told reporters")."""
    found = parsed(sentence)
    return any(
        w.lemma in SPEECH_VERBS and w.pos in ("VERB", "AUX") and any(x.head == w.i and x.dep == "nsubj" for x in found)
        for w in found
    )


def _speaker_line(speaker: str, line: str, by_surname: bool) -> bool:
    """Whether a line only names the speaker, as under a quotation ("Robert Kyncl, Warner Music Group"): short,
    without a verb, and opening with their name (in full, or by surname where no namesake is named)."""
    tokens, name = words(line), words(speaker)
    if not tokens or len(tokens) > SPEAKER_LINE_WORDS:
        return False
    if tokens[: len(name)] != name and not (by_surname and len(name) > 1 and tokens[:1] == name[-1:]):
        return False
    return not any(w.pos in ("VERB", "AUX") for w in parsed(line))
