"""What a question asks for, read from spaCy's parse of it: the kind of answer (a person, an organisation, a place,
a date or time, a number, a sum of money, a percentage, a quote, yes or no, a reason, or open), the entity labels
that can carry it, and, for an amount, what the amount measures ("How many daily users", "At what valuation"), which
the sentence holding the amount must name too.

The parse finds the question word and the noun it governs ("which city", "what valuation", "how many fans", "what
was the score"); the noun's class comes from the short lists below, the only words this module knows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from rag.retrieval.entities import Word, parse

AMOUNT_LABELS = frozenset({"MONEY", "CARDINAL", "PERCENT", "QUANTITY"})
LABELS: dict[str, frozenset[str]] = {
    "person": frozenset({"PERSON"}),
    "who": frozenset({"PERSON", "ORG"}),
    "organisation": frozenset({"ORG"}),
    "place": frozenset({"GPE", "LOC", "FAC"}),
    "date": frozenset({"DATE", "TIME"}),
    "number": frozenset({"CARDINAL", "QUANTITY", "MONEY"}),
    "money": frozenset({"MONEY", "QUANTITY"}),  # "nine pounds" may come back as a weight
    "percentage": frozenset({"PERCENT"}),
    "quantity": AMOUNT_LABELS,
    "duration": AMOUNT_LABELS | {"DATE", "TIME"},  # "how long", "how old": "three years" is a DATE to the model
}
_WANTED = {
    "person": "the person asked for",
    "who": "who it was",
    "organisation": "the organisation asked for",
    "place": "the place asked for",
    "date": "when it was",
}
AMOUNT_KINDS = frozenset({"number", "money", "percentage", "quantity", "duration"})
NAME_KINDS = frozenset({"person", "who", "organisation"})
# the classes of the noun a "which"/"what" governs
_PERSON = frozenset(
    """person individual player star executive politician candidate musician singer artist athlete actor actress
    author writer journalist reporter official leader founder cofounder ceo chief boss chair chairman chairwoman
    president minister manager coach captain director judge lawyer attorney investor owner partner striker
    goalkeeper quarterback footballer driver rider scientist researcher doctor economist analyst""".split()
)
_ORGANISATION = frozenset(
    """company organisation organization firm team club side platform institution group brand startup network
    agency bank fund label studio publisher investor investors airline carrier broker university school league
    party outlet newspaper website service exchange manufacturer maker retailer regulator""".split()
)
_PLACE = frozenset("city town country state place venue region village stadium ground county nation island".split())
_TIME = frozenset("date year day month time hour minute second week season decade".split())
_PERCENT = frozenset("percentage percent proportion share".split())
_FIGURE = frozenset(
    """valuation price fee cost revenue turnover profit loss salary wage budget fine penalty bail debt deficit
    score toll rate tally total sum amount number figure size stake attendance crowd value worth""".split()
)
_MONEY = frozenset(
    "valuation price fee cost revenue turnover profit salary wage budget fine penalty bail debt value worth".split()
)
# measures too general to look for beside the amount ("how many people", "how much money")
_GENERIC_MEASURES = frozenset("money amount number figure total sum people person much many thing".split())
# verbs with which a question asks for someone's words ("What did X say", "How did X describe ..."); verbs with
# other senses ("What did Tesla post in revenue", "What did Apple reveal") do not make a quote question
_ASKS_WORDS = frozenset("say tell describe call warn think claim predict argue write respond react explain".split())
# verbs with which a sentence gives someone's words
SPEECH_VERBS = _ASKS_WORDS | frozenset(
    """add note post tweet state
    insist admit announce acknowledge concede remark comment reply urge declare joke recall promise vow stress
    emphasise emphasize suggest reveal confirm deny""".split()
)
_MONEY_VERBS = frozenset("cost pay raise earn spend charge fetch sell fine".split())
_EITHER = frozenset("investor investors owner owners buyer bidder sponsor backer partner winner".split())
_YES_NO = frozenset("is are was were do does did has have had can could will would should".split())
_LATER = frozenset("long longer late later early earlier soon sooner".split())
_HOW_FIGURES = frozenset("long old big large far tall fast high".split())


@dataclass(frozen=True)
class Asked:
    """What a question asks for."""

    kind: str = "open"  # person, who, organisation, place, date, number, money, percentage, quantity, duration,
    # quote, yesno, reason or open
    measure: tuple[str, ...] = ()  # what an amount measures, as the question words it ("users", "valuation")
    qualifiers: tuple[str, ...] = ()  # words that narrow the measure ("daily", "annual", "seed")
    credited: tuple[str, ...] = ()  # whom the question credits with the fact ("according to IoT Analytics"): the
    # source, which the sentence giving the fact need not name
    people: tuple[str, ...] = ()  # the question's names of people (by the recogniser): only a person is called by
    # a surname ("Smith" may be Jonathan Smith; "Media" is not Shameless Media)
    speaker: str = ""  # whose words a quote question asks for ("Daniel Levy" in "What did Tottenham chairman Daniel
    # Levy say ..."), when the question names them
    topic: tuple[str, ...] = ()  # what a quote question asks the words about: the words after its verb of saying
    # ("hard", "Eddie", "Jones", "works" in "What did Kerevi say about how hard Eddie Jones works?")

    @property
    def labels(self) -> frozenset[str]:
        """The entity labels that can carry the answer (none for a quote, a reason, yes/no or an open question)."""
        labels = LABELS.get(self.kind, frozenset())
        if self.kind == "number" and any(m.rstrip("s") in _TIME for m in self.measure):  # "how many minutes"
            return labels | {"DATE", "TIME"}
        return labels

    @property
    def typed(self) -> bool:
        """Whether the answer is an entity or an amount that a sentence must hold."""
        return bool(self.labels)

    @property
    def wanted(self) -> str:
        """What is asked for, in words ("how many daily users", "the valuation asked for", "when it was")."""
        what = " ".join((*self.qualifiers, *self.measure))
        if self.kind == "number" and what:
            return f"how many {what}"
        if self.amount:
            return f"the {what} asked for" if what else "the figure asked for"
        if self.speaker:
            return f"what {self.speaker} said"
        return _WANTED.get(self.kind, "what is asked for")

    @property
    def named(self) -> bool:
        """Whether the answer is a name: a person's, an organisation's or either ("who")."""
        return self.kind in NAME_KINDS

    @property
    def amount(self) -> bool:
        """Whether the answer is a number, a sum, a share or a quantity."""
        return self.kind in AMOUNT_KINDS


@lru_cache(maxsize=4096)
def asked_for(question: str) -> Asked:
    """What the question asks for (remembered: follow-ups and evaluations ask again). A question that sets the
    scene first ("Globes reported that ... . Who is taking over?") is read from its last sentence that asks (ends
    in a question mark), else its last."""
    words = parse(question)
    if not words:
        return Asked()
    asked = replace(_kind(words), people=_people(words))
    if asked.kind == "quote":
        verb = _speech_verb(words)
        asked = replace(asked, speaker=_speaker(words, verb), topic=_topic(words, verb))
    credited = _credited(words)
    return replace(asked, credited=credited) if credited else asked


def _people(words: list[Word]) -> tuple[str, ...]:
    """The runs of words the recogniser labels a person."""
    runs: list[list[str]] = []
    for i, w in enumerate(words):
        if w.ent == "PERSON":
            if i and words[i - 1].ent == "PERSON" and runs:
                runs[-1].append(w.text)
            else:
                runs.append([w.text])
    return tuple(" ".join(r) for r in runs)


def _speech_verb(words: list[Word]) -> Word | None:
    """The verb of saying in the sentence that asks (not a scene-setting one), after its question word."""
    asking = max((w.sent for w in words if w.text == "?"), default=words[-1].sent)
    wh = next((w for w in words if w.sent == asking and w.text.lower() in _WH), None)
    after = words[wh.i + 1 :] if wh is not None else []
    return next((w for w in after if w.sent == asking and w.lemma in _ASKS_WORDS and w.pos == "VERB"), None)


def _speaker(words: list[Word], verb: Word | None) -> str:
    """The name of whoever the question asks the words of: the subject of its speech verb ("What did Snap CEO Evan
    Spiegel say" gives "Evan Spiegel"; "How did Jørn Lyseggen describe ChatGPT", "Jørn Lyseggen"), as the run of
    proper nouns that ends in it, or the name whose officer the subject is ("CMA CGM" for "CMA CGM's chief
    financial officer"); empty when the subject holds no name ("the club's manager")."""
    subject = next((w for w in words if verb is not None and w.head == verb.i and w.dep == "nsubj"), None)
    if subject is not None and subject.pos == "NOUN":
        subject = next((w for w in words if w.head == subject.i and w.dep == "poss"), None)
    if subject is None or subject.pos != "PROPN":
        return ""
    start = subject.i
    while start > 0 and words[start - 1].pos == "PROPN" and words[start - 1].head in (subject.i, start):
        start -= 1
    if subject.ent == "PERSON":  # "Snap CEO Evan Spiegel": the person's words only
        while start < subject.i and words[start].ent != "PERSON":
            start += 1
    while start < subject.i and not words[start].text[:1].isupper():  # "basket weaver Regina Thompson"
        start += 1
    return " ".join(w.text for w in words[start : subject.i + 1])


def _topic(words: list[Word], verb: Word | None) -> tuple[str, ...]:
    """The content words after a quote question's verb of saying: what the words asked for are about."""
    if verb is None:
        return ()
    return tuple(w.text for w in words[verb.i + 1 :] if w.sent == verb.sent and w.pos in _CONTENT)


_CONTENT = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})


def _kind(words: list[Word]) -> Asked:
    asking = max((w.sent for w in words if w.text == "?"), default=words[-1].sent)  # "Who won? Thanks!"
    last = [w for w in words if w.sent == asking and w.pos != "PUNCT"] or words
    wh = _question_word(words, last)
    if wh is None or not _clause_start(words, wh) and _yes_no(words, last):
        return Asked("yesno") if _yes_no(words, last) else Asked()
    text = wh.text.lower()
    if text == "how":
        return _how(words, wh)
    if text in ("who", "whom", "whose"):
        return Asked("who")
    if text == "when":
        return Asked("date")
    if text == "where":
        return Asked("place")
    if text == "why":
        return Asked("reason")
    return _what(words, wh)


def _credited(words: list[Word]) -> tuple[str, ...]:
    """The phrases after "according to" ("according to the Queensland Rugby Union's letter to members" credits
    "the Queensland Rugby Union's letter to members"): each is the subtree of the preposition's object."""
    found = []
    for w in words:
        if w.lemma == "accord" and w.i + 1 < len(words) and words[w.i + 1].text.lower() == "to":
            inside = _subtree(words, words[w.i + 1])[1:]
            if inside:
                found.append(" ".join(x.text for x in inside))
    return tuple(found)


def _subtree(words: list[Word], root: Word) -> list[Word]:
    """A word and every word that depends on it, in order."""

    def under(w: Word) -> bool:
        while w.i != root.i:
            if w.head == w.i:
                return False
            w = words[w.head]
        return True

    return [w for w in words if under(w) and w.pos != "PUNCT"]


_WH = frozenset("who whom whose what which when where why how".split())
_LEAD_INS = frozenset("when where how".split())  # also open a clause that sets the scene ("When Nike reported ...")


def _clause_start(words: list[Word], w: Word) -> bool:
    """Whether a word opens its sentence or a clause (after a comma, colon or dash), a preposition or an adverb
    allowed before it ("On what date", "Through which label", "Roughly how much")."""
    i = w.i - 1
    while i >= 0 and words[i].pos in ("ADP", "ADV") and words[i].sent == w.sent:
        i -= 1
    return i < 0 or words[i].sent != w.sent or words[i].text in (",", ";", ":", "—", "–", "-")


def _question_word(words: list[Word], last: list[Word]) -> Word | None:
    """The word that asks the question: the first question word that opens the last sentence or one of its
    clauses; when the sentence opens with a "When ..." or "How ..." clause that sets the scene, the question word
    of the clause after it. A question word inside a clause ("what did X say when ...", "a look at how rich ...") is
    not it."""
    opening = [w for w in last if w.text.lower() in _WH and _clause_start(words, w)]
    if not opening:
        return next((w for w in last if w.text.lower() in _WH), None)
    first = opening[0]
    later = [w for w in opening[1:] if words[w.i - 1].text == ","]
    if first.i == last[0].i and first.text.lower() in _LEAD_INS and later and not _aux_next(words, first):
        return later[0]
    return first


def _aux_next(words: list[Word], w: Word) -> bool:
    """Whether an auxiliary follows ("When did ...", "How is ..."): the word asks, it does not set a scene."""
    return w.i + 1 < len(words) and words[w.i + 1].pos == "AUX"


def _yes_no(words: list[Word], last: list[Word]) -> bool:
    """Whether the question's last sentence is a yes/no question: it, or a clause of it, opens with an auxiliary
    ("Did it tie ...", "With the Steam Deck OLED arriving, is Valve keeping ...")."""
    return any(w.text.lower() in _YES_NO and _clause_start(words, w) for w in last)


def _run(words: list[Word], after: Word, proper: bool = False) -> list[Word]:
    """The adjectives and nouns right after a word, ending in a common noun ("which indie label", "which VC firm",
    "how many daily active users"), or, when `proper`, in a name too ("how many Steam Decks")."""
    run = []
    for w in words[after.i + 1 :]:
        if w.pos not in ("ADJ", "NOUN", "PROPN") or w.text.lower() in ("many", "much"):
            break
        run.append(w)
    while run and run[-1].pos != "NOUN" and not (proper and run[-1].pos == "PROPN"):
        run.pop()
    return run


def _asks_words(words: list[Word], wh: Word) -> bool:
    """Whether the question asks what someone said: "what did X say/warn", "how did X describe"."""
    return any(w.lemma in _ASKS_WORDS and w.pos == "VERB" for w in words[wh.i + 1 :] if w.sent == wh.sent)


def _money_verb(words: list[Word], wh: Word) -> bool:
    """Whether the question's clause turns on paying, costing or raising ("How much did ASOS pay"), so a sum is
    asked for, not a share ("How much did the stock fall")."""
    return any(
        w.lemma in _MONEY_VERBS or w.text.lower() == "fined"  # the model's lemma of "fined" is "fin"
        for w in words[wh.i + 1 :]
        if w.sent == wh.sent
    )


def _how(words: list[Word], how: Word) -> Asked:
    nxt = words[how.i + 1] if how.i + 1 < len(words) else None
    word = nxt.text.lower() if nxt is not None else ""
    if nxt is not None and (word in ("many", "much") or word in _HOW_FIGURES):
        run = _run(words, nxt, proper=word == "many")  # "how many Steam Decks"
        if not run and word != "much" and words[nxt.i + 1 : nxt.i + 2] and words[nxt.i + 1].text.lower() == "a":
            # "how big a stake" (but "how much a year" is a rate: per year)
            run = _run(words, words[nxt.i + 1])
        if word == "much" and (
            run[-1].lemma == "time" if run else words[nxt.i + 1 : nxt.i + 2] and words[nxt.i + 1].lemma in _LATER
        ):
            return Asked("duration")  # "how much time", "how much longer": a length of time
        if not run and word == "much":  # "how much lower was the risk": the risk is what the amount measures
            run = _compared(words, nxt)
        measure, qualifiers = _measure(run)
        if measure:  # "how many women and girls" counts both
            measure += tuple(w.text.lower() for w in words if w.head == run[-1].i and w.dep == "conj")
        if word == "many" and run and not measure and (verb := _action(words, run[-1])) is not None:
            # "how many people died": what is counted is the people who died, not people at all
            return Asked("number", (verb.text.lower(),), (run[-1].text.lower(),))
        if word == "many":
            return Asked("number", measure, qualifiers)
        if word == "much" and (run[-1].lemma in _MONEY | {"money"} if run else _money_verb(words, how)):
            return Asked("money", measure, qualifiers)
        return Asked("duration" if word in ("long", "old") else "quantity", measure, qualifiers)
    return Asked("quote") if _asks_words(words, how) else Asked("reason")


def _compared(words: list[Word], much: Word) -> list[Word]:
    """The subject that "how much higher/lower/bigger" compares ("how much lower was the risk of death" -> "risk"):
    the subject of the verb the comparative completes; none when no noun is its subject."""
    if much.i + 1 >= len(words) or words[much.i + 1].pos != "ADJ" or words[much.i + 1].dep != "acomp":
        return []
    verb = words[much.i + 1].head
    return [w for w in words if w.head == verb and w.dep in ("nsubj", "nsubjpass") and w.pos == "NOUN"][:1]


_PLAIN_VERBS = frozenset("be have do get make say take give".split())


def _action(words: list[Word], noun: Word) -> Word | None:
    """The verb right after a counted noun that says what happened to it ("people died", "were injured"), unless it
    says nothing of its own ("people are there")."""
    for w in words[noun.i + 1 : noun.i + 4]:
        if w.pos == "VERB":
            return None if w.lemma in _PLAIN_VERBS else w
        if w.pos not in ("AUX", "PART", "ADV"):
            return None
    return None


def _what(words: list[Word], wh: Word) -> Asked:
    run = _run(words, wh)
    if not run and wh.i + 1 < len(words) and words[wh.i + 1].lemma == "be":  # "what was the Swans' attendance"
        first = next((w for w in words[wh.i + 2 : wh.i + 8] if w.pos in ("NOUN", "ADJ")), None)
        run = _run(words, words[first.i - 1]) if first is not None else []
    if not run:  # "what did the ticket cost", "what did X say Microsoft paid"
        if _money_verb(words, wh):
            return Asked("money")
        return Asked("quote") if _asks_words(words, wh) else Asked()
    noun = run[-1].lemma
    measure, qualifiers = _measure(run)
    if noun in _PERCENT:
        return Asked("percentage", measure, qualifiers)
    if noun in _TIME:
        return Asked("date")
    if noun in _PLACE:
        return Asked("place")
    if noun in _EITHER:
        return Asked("who")
    if noun in _PERSON:
        return Asked("person")
    if noun in _ORGANISATION:
        return Asked("organisation")
    if noun in _FIGURE:
        return Asked("money" if noun in _MONEY else "number", measure, qualifiers)
    return Asked()


def _measure(run: list[Word]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What an amount measures (the noun, unless it is too general) and the words that narrow it."""
    if not run or run[-1].lemma in _GENERIC_MEASURES | _PERCENT:
        return (), ()
    return (run[-1].text.lower(),), tuple(w.text.lower() for w in run[:-1])
