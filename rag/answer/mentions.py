"""Whether a text names someone or something the question asks about: a name as a phrase, or its words close
together (an institution's) or anywhere (other names), over a haystack of passages that keeps their sentences
apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.models import Passage
from rag.retrieval.wording import word_string, words

NAME_SPAN = 3  # a name's words may stand this many words further apart than in the name
_JOINING = frozenset({"of", "for", "and", "the", "on", "&"})
_INSTITUTION_WORDS = frozenset(
    """bank organization organisation fund council committee ministry department university association agency
    institute foundation court commission authority""".split()
)
PREFIX = 5  # letters two words must share to count as one ("Australia" and "Australian", "economy" and "economic")
SENTENCE_BREAK = " | "  # between the sentences of a haystack; no word holds it
PASSAGE_BREAK = " || "  # between its passages
_BREAK = re.compile(r" \|\|? ")
# a surname is a person's last word, never a suffix or a word that ends other names ("European Union", "White House")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_NOT_SURNAMES = frozenset(
    """union house nations states kingdom republic party news times post street group city club team league
    office service department ministry council committee court bank fund agency""".split()
)


def haystack_of(passages: Sequence[Passage]) -> str:
    """Everything a reader sees of the passages (sentences, headline, outlet) as one space-padded word string, with
    `SENTENCE_BREAK` between sentences and `PASSAGE_BREAK` between passages, so that a name's words are looked for
    close together within one sentence."""
    return PASSAGE_BREAK.join(
        SENTENCE_BREAK.join(word_string(piece) for piece in (*(p.sentence_texts() or [p.text]), p.title, p.outlet))
        for p in passages
    )


def mentions(name: str, haystack: str) -> bool:
    """Whether a name occurs in the haystack (a `word_string`): as a phrase, or each of its words of 3+ letters (a
    number with the word before it: "Model 2", "Pixel 8").

    The words of an institution's name ("Bank of Japan", "World Health Organization": it holds a small word or an
    institution word) must stand close together in one sentence, within `NAME_SPAN` words more than the name has
    ("Japan's central bank" names the Bank of Japan; "bank deposits" and "Japan" a paragraph later do not), or
    the words before "of" when they are two or more ("the Reserve Bank" for the Reserve Bank of Australia). The
    words of other names may stand apart ("the Seahawks" and "in Seattle" for "Seattle Seahawks", since a
    question's run of capitals is often more than one name)."""
    tokens = words(name)
    if not tokens:
        return True
    if " " + " ".join(tokens) + " " in haystack:
        return True
    if " " + re.sub(r" (\d+)(?= |$)", r"\1", " ".join(tokens)) + " " in haystack:
        return True  # "COP 28" written "COP28"
    if any(not _numbered(tokens[i - 1], t, haystack) for i, t in enumerate(tokens) if i and t.isdigit()):
        return False  # a number names the model or the edition: "Tesla Model 2" is not "Tesla's Model Y"
    if _by_its_head(tokens, haystack):
        return True
    long = list(dict.fromkeys(t for t in tokens if len(t) >= 3))
    if not long or any(f" {t} " not in haystack for t in long):
        return False
    if not institution(name):
        return True
    span = len(tokens) + NAME_SPAN
    return any(
        _close(long, sentence.split(), span)
        for sentence in _BREAK.split(haystack)
        if all(f" {t} " in f" {sentence} " for t in long)
    )


def _numbered(word: str, number: str, haystack: str) -> bool:
    """Whether the haystack holds a word with its number, apart or glued ("COP 28", "COP28", "Pixel 8-inch")."""
    return any(form in haystack for form in (f" {word} {number} ", f" {word}{number} ", f" {word} {number}-"))


def _by_its_head(tokens: Sequence[str], haystack: str) -> bool:
    """Whether a name "X Y of Z" stands in one passage as "the X Y" (not followed by "of", so "the Reserve Bank of
    Australia" does not name the Reserve Bank of India) with a word of Z in that passage too ("Australian
    shares"): "the Reserve Bank" is how Australian papers name the Reserve Bank of Australia."""
    if "of" not in tokens:
        return False
    head, place = tokens[: tokens.index("of")], [t for t in tokens[tokens.index("of") + 1 :] if len(t) >= 3]
    if len(head) < 2 or not place:
        return False
    standing = re.compile(rf" the {re.escape(' '.join(head))} (?!of )")
    return any(
        standing.search(passage) and all(f" {t[:PREFIX]}" in passage for t in place)
        for passage in haystack.split(PASSAGE_BREAK)
    )


def institution(name: str) -> bool:
    """Whether a name is an institution's, whose words also serve alone in other senses: capitalised words joined
    by "of" or "for" ("Bank of Japan"), or holding an institution word ("World Health Organization")."""
    tokens = name.split()
    capitalised = all(t[:1].isupper() or t.lower() in _JOINING for t in tokens)
    lower = {t.lower() for t in tokens}
    return capitalised and len(tokens) > 1 and bool(lower & {"of", "for"} or lower & _INSTITUTION_WORDS)


def _close(tokens: Sequence[str], hay: Sequence[str], span: int) -> bool:
    """Whether every token occurs in the word list within `span` words of one occurrence of the rarest."""
    places = {t: [i for i, w in enumerate(hay) if w == t] for t in tokens}
    rarest = min(tokens, key=lambda t: len(places[t]))
    return any(all(any(abs(j - i) < span for j in places[t]) for t in tokens) for i in places[rarest])


def names_speaker(name: str, haystack: str) -> bool:
    """Whether a text names a person whose words a question asks for: the whole name, or a person's surname alone
    ("Biden said" names Joe Biden). Only a name shaped like a person's has a surname: two to four capitalised
    words, none of them an institution's or a word that ends other names ("European Union", "White House"),
    suffixes ("Jr.") skipped."""
    if mentions(name, haystack):
        return True
    surname = _surname(name)
    return bool(surname) and f" {surname} " in haystack


def _surname(name: str) -> str:
    """A person-shaped name's last word ("Powell" for "Jerome Powell"); empty for other names."""
    tokens = [t for t in words(name) if t.rstrip(".") not in _SUFFIXES]
    shaped = 2 <= len(tokens) <= 4 and all(t[:1].isupper() for t in name.split())
    if not shaped or institution(name) or _NOT_SURNAMES.intersection(tokens):
        return ""
    return tokens[-1]


# verbs (and "according to") that give someone's words; a sentence with one of them and the person's name, or a
# quotation mark and the name, quotes them
_SPEECH_WORDS = frozenset(
    """say says said saying tell tells told add adds added write writes wrote post posts posted tweet tweets tweeted
    state states stated explain explains explained argue argues argued warn warns warned insist insists insisted
    admit admits admitted note notes noted claim claims claimed announce announces announced acknowledge
    acknowledges acknowledged concede concedes conceded remark remarked comment comments commented respond
    responds responded reply replies replied urge urges urged declare declares declared joke joked recall recalls
    recalled predict predicts predicted promise promises promised vow vows vowed stress stresses stressed
    emphasise emphasised emphasize emphasized according""".split()
)
SPEAKING_PRONOUNS = frozenset({"he", "she", "they"})  # who "said" after a sentence naming the speaker
_QUOTATION_MARKS = ('"', "“", "”")


def quotes_speaker(name: str, passages: Sequence[Passage], haystack: str | None = None) -> bool:
    """Whether the passages give a person's words, not only their name: a sentence that names them (the whole name,
    its last or its first word) with a speech verb or a quotation mark ("Powell said", "“We will act,” Powell told
    ..."), or a sentence whose speaker is "he", "she" or "they" right after a sentence that names them. A name not
    shaped like a person's (one word, an institution's) counts when it is named, as `names_speaker` (in
    `haystack`, the passages' `haystack_of` when the caller holds it already)."""
    surname = _surname(name)
    if not surname:
        return names_speaker(name, haystack_of(passages) if haystack is None else haystack)
    for passage in passages:
        sentences = passage.sentence_texts() or [passage.text]
        if any(voices(name, s, sentences[i - 1] if i else "") for i, s in enumerate(sentences)):
            return True
    return False


def voices(name: str, sentence: str, before: str = "") -> bool:
    """Whether a sentence gives a person's words: it names them (the whole name, its last word, or its first: a
    company's short name, "Epic" for Epic Games) with a speech verb or a quotation mark, or its speaker is "he",
    "she" or "they" right after a sentence (`before`) that names them."""
    surname = _surname(name) or (words(name) or [""])[-1]
    forms = {word_string(name), f" {surname} ", f" {(words(name) or [''])[0]} "}
    found = word_string(sentence)
    tokens = set(found.split())
    if not (_SPEECH_WORDS & tokens or any(mark in sentence for mark in _QUOTATION_MARKS)):
        return False
    if any(form in found for form in forms):
        return True
    return bool(before and SPEAKING_PRONOUNS & tokens) and any(form in word_string(before) for form in forms)
