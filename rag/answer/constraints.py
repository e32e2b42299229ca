"""The question's constraints on a sentence that answers it: the sentence is about what the question names (a
sentence about Adaptive's seed round does not answer a question about Rainforest's), and a quotation is the asked
speaker's own words, not someone else's that mention them."""

from __future__ import annotations

from collections.abc import Sequence

from rag.answer.mentions import SENTENCE_BREAK, SPEAKING_PRONOUNS, mentions, names_speaker
from rag.retrieval.asked import SPEECH_VERBS
from rag.retrieval.entities import Word, mentions_of, parse
from rag.retrieval.memo import Memo
from rag.retrieval.wording import word_string, words

PARSE_CACHE_SIZE = 2048  # sentences whose parse is remembered (a parse is some tens of words)
CONTEXT_SENTENCES = 2  # a sentence may leave its subject to the two before it ("Rainforest ... . The startup ...")


_NAMED = frozenset("PERSON ORG GPE LOC FAC NORP PRODUCT EVENT WORK_OF_ART LAW".split())


def recognised(names: Sequence[str], question: str) -> tuple[str, ...]:
    """The question's names as the recogniser bounds them, where it finds a name that ends a longer run of capitals
    ("YouTuber Ruby Franke" is Ruby Franke), so that an article is not taken to miss a name for a word that is no
    part of it. A name the recogniser does not see, sees whole, or sees only the start of ("US" in "US Virgin
    Islands"), stays as it is."""
    found = [m.text for m in mentions_of([question])[0] if m.label in _NAMED]
    kept: list[str] = []
    for name in names:
        ending = [f for f in found if f != name and len(words(f)) < len(words(name)) and _ends(name, f)]
        piece = max(ending, key=len) if ending else name
        if piece not in kept:
            kept.append(piece)
    return tuple(kept)


def _ends(name: str, piece: str) -> bool:
    tail = words(piece)
    return words(name)[-len(tail) :] == tail


def recognised_speakers(speakers: Sequence[str], question: str) -> tuple[str, ...]:
    """The speakers read from the question's wording that the recogniser sees a person or an organisation in, as it
    bounds them ("Sen. Elizabeth Warren" is Elizabeth Warren; "the US Virgin Islands' Epstein-related claims" holds
    no one who speaks)."""
    found = [m.text for m in mentions_of([question])[0] if m.label in ("PERSON", "ORG")]
    kept: list[str] = []
    for speaker in speakers:
        for name in (f for f in found if set(words(f)) <= set(words(speaker))):
            if name not in kept:
                kept.append(name)
    return tuple(kept)


def subject_names(names: Sequence[str], outlets: Sequence[str], credited: Sequence[str]) -> list[str]:
    """The names a question is about, which the sentence answering it must be about too: not the outlets it
    names, nor the source it credits with the fact ("according to IoT Analytics")."""
    sources = [set(words(c)) for c in credited]
    return [n for n in names if n not in outlets and not any(set(words(n)) <= s for s in sources)]


def about(names: Sequence[str], sentence: str, passage: Sequence[str], title: str, people: Sequence[str] = ()) -> bool:
    """Whether a sentence is about what the question names: one of the names stands in it, in the
    `CONTEXT_SENTENCES` before it in its passage, or in its article's headline (a sentence about Adaptive's seed
    round does not answer a question about Rainforest's). A person may be called by their surname there, unless the
    passage names someone else by it ("Will Smith" is not Jonathan Smith); `people` are the question's names of
    people (only they have surnames: "Media" is not Shameless Media). A question that names nothing
    constrains nothing."""
    if not names:
        return True
    at = passage.index(sentence) if sentence in passage else 0
    window = (*passage[max(0, at - CONTEXT_SENTENCES) : at], sentence, title)
    near = SENTENCE_BREAK.join(word_string(t) for t in window)
    if any(mentions(name, near) for name in names):
        return True
    surnamed = [n for n in names if any(words(p)[-1:] == words(n)[-1:] for p in people)]
    return any(names_speaker(name, near) and not namesake(name, passage) for name in surnamed)


def namesake(name: str, passage: Sequence[str]) -> bool:
    """Whether the passage names another person with the same surname ("Will Smith" where the question asks about
    Jonathan Smith), so that the surname alone does not stand for the person asked about."""
    tokens = words(name)
    for mentioned in (m for found in mentions_of(passage) for m in found if m.label == "PERSON"):
        other = words(mentioned.text)  # "Jonathan D. Smith" is no namesake of Jonathan Smith: a first name is shared
        if len(other) > 1 and other[-1] == tokens[-1] and not set(other[:-1]) & set(tokens[:-1]):
            return True
    return False


def said_by(speaker: str, sentence: str, before: str = "", by_surname: bool = True) -> bool:
    """Whether a sentence gives the speaker's words: the speaker (their name, surname or first name), or "he",
    "she" or "they" right after a sentence that names them, is the subject of a speech verb ("“...,” Thompson
    said", "Levy told reporters ...") or follows "according to". Naming them near a verb of speech is not enough
    ("The club said Kenwright had worked hard alongside Moshiri" gives the club's words, not Moshiri's). Without
    `by_surname` (the passage names a namesake: Ruby Franke beside Kevin Franke), the surname alone is no one."""
    forms = frozenset(words(speaker) if by_surname else words(speaker)[:-1] or words(speaker))
    found = set(words(sentence))
    named_before = bool(before) and bool(forms & set(words(before)))
    if not forms & found and not (named_before and SPEAKING_PRONOUNS & found):  # the cheap test before the parse
        return False
    tree = parsed(sentence)
    for w in tree:
        if w.lemma == "accord" and w.i + 1 < len(tree) and tree[w.i + 1].text.lower() == "to":
            if any(x.head == w.i + 1 and x.text.lower() in forms for x in tree):
                return True
        if w.lemma not in SPEECH_VERBS or w.pos not in ("VERB", "AUX"):
            continue
        for subject in _subjects(tree, w):
            # the subject, a name set beside it ("“...,” the manager, Lena Brandt, said") or before it as its
            # employer ("CMA CGM Chief Financial Officer Ramon Fernandez told")
            named = {x.text.lower() for x in name_of(tree, subject)}
            if named & forms or (named_before and subject.text.lower() in SPEAKING_PRONOUNS):
                return True
    return False


_NAMING = frozenset(
    {"appos", "compound", "flat", "nmod"}
)  # not "poss": "Ruby Franke's lawyer said" is the lawyer's words


def name_of(tree: Sequence[Word], subject: Word) -> list[Word]:
    """A subject and the words that name it with it: set beside it ("the manager, Lena Brandt"), or its title and
    employer before it ("CMA CGM Chief Financial Officer Ramon Fernandez")."""
    found = [subject]
    for word in found:
        found.extend(x for x in tree if x.head == word.i and x.dep in _NAMING and x.i != word.i and x not in found)
    return found


def _subjects(tree: Sequence[Word], verb: Word) -> list[Word]:
    """A verb's subjects, or, for one without ("... in a post on X, saying “...”"), those of the verb it hangs on."""
    for _ in range(3):
        found = [x for x in tree if x.head == verb.i and x.dep in ("nsubj", "nsubjpass")]
        if found or verb.dep not in ("advcl", "xcomp", "conj") or verb.head == verb.i:
            return found
        verb = tree[verb.head]
    return []


_parses: Memo[tuple[Word, ...]] = Memo(PARSE_CACHE_SIZE)


def parsed(sentence: str) -> tuple[Word, ...]:
    """A sentence's parse, remembered (least recently used first out): a speaker's sentences recur."""
    return _parses.many([sentence], lambda texts: [tuple(parse(t)) for t in texts])[0]
