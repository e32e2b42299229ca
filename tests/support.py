"""Helpers shared by tests in every folder: a deterministic `Embeddings`, article files, passages, text strategies.

`HashEmbeddings` lets unit tests of retrieval and answering logic run against a real `Archive` (real Chroma,
real BM25) in milliseconds, with similarities that can be worked out by hand: a text's vector is its bag of
words, hashed into a fixed number of dimensions and L2-normalised, so the cosine of two texts is the cosine of
their word counts (`bow_cosine`) whenever their words fall in distinct buckets (`HashEmbeddings.collisions`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import strategies as st
from langchain_core.embeddings import Embeddings

from rag.ingest.text import sentence_spans
from rag.models import Answer, Article, Chunk, Citation, Passage

if TYPE_CHECKING:
    from rag.archive.knowledge import Archive

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """The lower-case words of a text, as `HashEmbeddings` counts them."""
    return _WORD.findall(text.lower())


def bow_cosine(a: str, b: str) -> float:
    """The cosine of the word counts of two texts: what `HashEmbeddings` gives when no two words collide."""
    ca, cb = Counter(words(a)), Counter(words(b))
    dot = sum(n * cb[w] for w, n in ca.items())
    norm = math.sqrt(sum(n * n for n in ca.values())) * math.sqrt(sum(n * n for n in cb.values()))
    return dot / norm if norm else 0.0


class HashEmbeddings(Embeddings):
    """Deterministic bag-of-words embeddings: each word adds 1 to a bucket chosen by its BLAKE2 hash.

    Dimension 0 is reserved for texts without any word, so that every vector has unit length.
    """

    def __init__(self, dim: int = 4096) -> None:
        self.dim = dim

    @property
    def model_id(self) -> str:
        """Names the collection the archive stores these vectors in."""
        return f"hash-bow-{self.dim}"

    def bucket(self, word: str) -> int:
        """The dimension a word counts in (never 0)."""
        digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
        return 1 + int.from_bytes(digest, "big") % (self.dim - 1)

    def collisions(self, texts: Iterable[str]) -> dict[int, set[str]]:
        """Buckets shared by different words of the texts (empty when `bow_cosine` is exact for them)."""
        buckets: dict[int, set[str]] = {}
        for text in texts:
            for word in words(text):
                buckets.setdefault(self.bucket(word), set()).add(word)
        return {b: ws for b, ws in buckets.items() if len(ws) > 1}

    def vector(self, text: str) -> list[float]:
        """The normalised vector of one text."""
        out = [0.0] * self.dim
        for word in words(text):
            out[self.bucket(word)] += 1.0
        norm = math.sqrt(sum(x * x for x in out))
        if not norm:
            out[0] = 1.0
            return out
        return [x / norm for x in out]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors of passages."""
        return [self.vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Vector of a question (the same function as for passages)."""
        return self.vector(text)


def write_md(path: Path, title: str, body: str, **meta: str) -> Path:
    """An article as Markdown with YAML front matter."""
    front = "\n".join(f"{k}: {json.dumps(v)}" for k, v in {"title": title, **meta}.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")
    return path


def ingest_md(archive: Archive, folder: Path, articles: Iterable[tuple[str, str, str, dict[str, str]]]) -> None:
    """Write (file name, headline, body, fields) articles as Markdown into `folder` and ingest them, all good."""
    from rag.ingest.pipeline import ingest_paths

    for name, title, body, meta in articles:
        write_md(folder / name, title, body, **meta)
    report = ingest_paths(archive, [folder])
    assert report.ok, [f.describe() for f in report.files]


def make_passage(chunk_id: str, sentences: Sequence[str], **fields: object) -> Passage:
    """A passage made of sentences joined by one space, with the sentence offsets a chunk would record."""
    spans, parts, pos = [], [], 0
    for sentence in sentences:
        spans.append((pos, pos + len(sentence)))
        parts.append(sentence)
        pos += len(sentence) + 1
    text = " ".join(parts)
    values: dict[str, object] = {"article_id": f"article-{chunk_id}", "title": f"Title {chunk_id}", **fields}
    return Passage(chunk_id=chunk_id, text=text, end=len(text), sentences=spans, **values)  # type: ignore[arg-type]


def cited_answer() -> Answer:
    """An answer quoting one sentence of one passage, with every citation field filled in."""
    passage = Passage(
        chunk_id="c",
        text="Shoigu said eight drones were used. None hit.",
        article_id="a1",
        title="Drones *hit* Moscow",
        outlet="FT",
        byline="Jane Doe",
        published_at="2023-05-30T08:00:00Z",
        url="https://ft.example/drones",
    )
    return Answer(
        text="Shoigu said eight drones were used. [1]",
        refused=False,
        citations=[Citation(n=1, passage=passage, quote="Shoigu said eight drones were used.")],
        question="q",
    )


# --- generated texts for property tests (hypothesis) ------------------------------------------------------------

# Words that trip sentence splitters: abbreviations, initials, decimals, quotes, brackets, a word over any limit.
NEWS_WORDS = (
    "the council said on Monday that Mr. Smith U.S. officials 3.5 percent growth Jan. Dr. J. "
    '"We will" win! why? inflation cooled markets rallied “quote” (aside) e.g. No. 10 café Ørsted '
    "supercalifragilisticexpialidocious-and-then-some-more-hyphenated-compound-words"
).split()


def _capitalised(words: list[str]) -> str:
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def news_texts(*, paragraphs: int = 8, sentences: int = 10, long_sentences: bool = True) -> st.SearchStrategy[str]:
    """News-like text: paragraphs of sentences of `NEWS_WORDS`, with every kind of ending (none, "...", a quote),
    joined by one or two spaces, paragraphs by single or blank lines, sometimes after leading white space.

    Args:
        paragraphs: at most this many paragraphs.
        sentences: at most this many sentences per paragraph.
        long_sentences: also sentences of 60 to 160 words (several hundred characters: above small passage limits).
    """
    lengths = st.lists(st.sampled_from(NEWS_WORDS), min_size=1, max_size=30)
    if long_sentences:
        lengths = lengths | st.lists(st.sampled_from(NEWS_WORDS), min_size=60, max_size=160)
    sentence = st.builds(
        lambda words, end: _capitalised(words) + end,
        lengths,
        st.sampled_from([".", ".", "?", "!", "", "...", '."', "”"]),
    )
    paragraph = st.builds(
        lambda parts, gap: gap.join(parts),
        st.lists(sentence, min_size=1, max_size=sentences),
        st.sampled_from([" ", "  "]),
    )
    return st.builds(
        lambda lead, parts, gap: lead + gap.join(parts),
        st.sampled_from(["", " ", "\n"]),
        st.lists(paragraph, min_size=1, max_size=paragraphs),
        st.sampled_from(["\n\n", "\n", "\n \n"]),
    )


_token = st.one_of(
    st.text(st.characters(codec="utf-8", categories=("L", "N")), min_size=1, max_size=15),
    st.sampled_from([" ", " ", " ", "  ", ". ", "! ", "? ", "… ", "\n", "\n\n", '" ', "” ", "(", ")", "Mr. ", "U.S. "]),
    st.characters(codec="utf-8", categories=("P", "S", "Zs", "Cc", "Cf")),
)
# Any text at all: letters of every script, digits, punctuation, symbols, odd spaces, control and format characters;
# mostly short, sometimes long enough for many passages.
ANY_TEXT = st.one_of(st.lists(_token, max_size=40), st.lists(_token, min_size=100, max_size=300)).map("".join)


# --- a German page, for character-set tests -------------------------------------------------------------------

GERMAN_HEADLINE = "Straße in Köln wird gesperrt"
GERMAN_PARAGRAPHS = (
    "Müller sagte, die Straße in Köln werde im März für drei Wochen gesperrt. Die Stadt begründete die Sperrung "
    "mit Bauarbeiten an der Brücke über den Rhein, die seit Jahren überfällig seien.",
    "Anwohner äußerten Verständnis, fürchten aber längere Wege. Die Verkehrsbetriebe kündigten Ersatzbusse an, "
    "die alle zehn Minuten fahren sollen.",
    "Die Arbeiten sollen nach Angaben der Stadt Ende März abgeschlossen sein. Danach dürfen wieder Fahrzeuge "
    "über die Straße fahren, zunächst jedoch nur mit Tempo 30.",
)


def german_page(head: str = "", paragraphs: tuple[str, ...] = GERMAN_PARAGRAPHS) -> str:
    """A German news page (for character-set tests), with `head` in its <head>."""
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="de">\n<head>\n{head}\n<title>{GERMAN_HEADLINE}</title>\n</head>\n<body>\n'
        f"<article>\n<h1>{GERMAN_HEADLINE}</h1>\n{body}</article>\n</body>\n</html>\n"
    )


def check_chunks(article: Article, chunks: list[Chunk], limit: int, overlap: int = 0) -> None:
    """Every invariant a passage must hold; with `overlap`, a passage may start with the last sentences of the
    one before (at most `overlap` characters of them) and always moves on past its end."""
    body = article.body
    sentences = sentence_spans(body)
    starts, ends = {a for a, _ in sentences}, {b for _, b in sentences}
    assert [c.index for c in chunks] == list(range(len(chunks)))
    previous: Chunk | None = None
    pieces: list[tuple[int, int]] = []
    for chunk in chunks:
        assert chunk.article_id == article.article_id
        assert chunk.text == body[chunk.start : chunk.end]
        assert 0 < len(chunk.text) <= limit
        assert chunk.sentences, chunk
        assert chunk.start == chunk.sentences[0][0] and chunk.end == chunk.sentences[-1][1]
        for a, b in chunk.sentences:
            assert chunk.start <= a < b <= chunk.end
        carried = [s for s in chunk.sentences if previous is not None and s[1] <= previous.end]
        if previous is not None:
            assert chunk.end > previous.end and chunk.start > previous.start
            assert previous.end - chunk.start <= overlap if carried else previous.end <= chunk.start
            assert tuple(carried) == previous.sentences[len(previous.sentences) - len(carried) :]
        pieces.extend(chunk.sentences[len(carried) :])
        previous = chunk
    # The passages cover the sentences in order: each sentence is one piece, or consecutive pieces of it
    # when it is longer than the limit.
    cursor = 0
    for a, b in sentences:
        own = []
        while cursor < len(pieces) and pieces[cursor][1] <= b:
            own.append(pieces[cursor])
            cursor += 1
        assert own, (a, b)
        assert own[0][0] == a and own[-1][1] == b
        if b - a <= limit:
            assert own == [(a, b)]
        assert all(body[x:y].strip() == body[x:y] for x, y in own)
    assert cursor == len(pieces)
    # Passages start and end on sentence boundaries unless a sentence alone is over the limit.
    for chunk in chunks:
        first = next(s for s in sentences if s[0] <= chunk.start < s[1])
        last = next(s for s in sentences if s[0] < chunk.end <= s[1])
        if first[1] - first[0] <= limit:
            assert chunk.start in starts
        if last[1] - last[0] <= limit:
            assert chunk.end in ends


def two_stories(folder: Path) -> Path:
    """A folder holding two short Markdown articles (a bridge reopening, a ferry strike ending)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_md(folder / "bridge.md", "Harbour bridge reopens", "The harbour bridge reopened on Monday after a refit.")
    write_md(folder / "ferry.md", "Ferry strike ends", "The ferry strike ended on Tuesday, the union said.")
    return folder
