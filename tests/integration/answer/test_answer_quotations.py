"""A quotation that runs over several sentences is attributed once (`rag/answer/quotations.py`): every sentence of it
gives the speaker's words, a new paragraph of quotation with no attribution continues the speaker before it, and
"he said" refers to the person the passage has just named, never to one named earlier."""

from __future__ import annotations

import pytest

from rag.answer.articles import GAP, InArticle, article_views
from rag.answer.constraints import said_by
from rag.answer.quotations import in_quotation, quotation_around, runs, said_in
from rag.models import Passage
from rag.retrieval.asked import asked_for

COACH = [
    "Mara Voss is an unabashed admirer of her coach.",
    "Dana Holt at a training session in Lyon.",  # a caption: it names someone but says nothing
    "“She is at the ground before anyone else.",
    "I swear she never sleeps.",
    "The hours she puts into the squad are something fans never see,” she said.",
    "“We owe her the final.”",
    "The squad flies home on Monday.",
]


def test_the_sentences_of_one_quotation_are_found_together() -> None:
    assert runs(COACH) == [None, None, (2, 4), (2, 4), (2, 4), (5, 5), None]
    assert runs(["He said “it is", "not over” and left.", "She stayed."]) == [(0, 1), (0, 1), None]
    assert runs(["“An open quotation at the passage's end", "runs on."]) == [(0, 1), (0, 1)]
    assert in_quotation(COACH, 3) and not in_quotation(COACH, 6)


@pytest.mark.parametrize("at", [2, 3, 4, 5])
def test_every_sentence_of_a_quotation_attributed_once_is_the_speakers(at: int) -> None:
    assert said_in("Mara Voss", COACH, at)  # "she said" is Voss, not the coach in the caption


@pytest.mark.parametrize("at", [0, 1, 6])
def test_sentences_outside_the_quotation_are_not(at: int) -> None:
    assert not said_in("Mara Voss", COACH, at)


def test_he_said_refers_to_the_person_just_named_not_one_named_earlier() -> None:
    passage = [
        "Erik Lind watched from the bench as the winger poked his head into the huddle.",
        "Perhaps it summed up Tom Reyes's calm that he marked his goal with a shrug.",
        "“I spent 15 years at the club,” he noted.",
        "“I can't really celebrate against them.”",
    ]
    assert said_in("Tom Reyes", passage, 3)
    assert not said_in("Erik Lind", passage, 3)
    assert not said_in("Erik Lind", passage, 2)


def test_a_quotation_attributed_to_someone_else_is_not_continued() -> None:
    passage = [
        "“The box is wrong,” Thompson said.",
        "Hoskin had issued a statement on the doll.",
        "“She led,” he said.",
        "“She is a champion for the nation.”",
    ]
    assert not said_in("Regina Thompson", passage, 3)
    assert said_in("Chuck Hoskin", passage, 3)


def test_a_line_naming_the_speaker_under_a_quotation_attributes_it() -> None:
    passage = ["“You cannot put technology back in a bottle.", "The genie is not going back.”", "Robert Kyncl, Warner"]
    assert said_in("Robert Kyncl", passage, 1)
    assert not said_in("Lucian Grainge", passage, 1)


def test_a_quotation_is_quoted_with_the_sentences_around_the_one_found() -> None:
    assert quotation_around(COACH, 3) == (2, 4)
    assert quotation_around(COACH, 2, most=2) == (2, 3)
    assert quotation_around(COACH, 4, most=2) == (3, 4)
    assert quotation_around(COACH, 6) == (6, 6)


def test_an_officer_of_a_named_company_speaks_for_it() -> None:
    asked = asked_for("With rates collapsing, what did Acme Shipping's chief financial officer warn about price wars?")
    assert asked.kind == "quote"
    assert asked.speaker == "Acme Shipping"
    assert asked.topic == ("price", "wars")
    assert said_by("Acme Shipping", "“Rates are low,” Acme Shipping Chief Financial Officer Ramon Diaz told reporters.")
    assert not said_by(
        "Acme Shipping", "“Rates are low,” a rival's chief executive told reporters about Acme Shipping."
    )


def test_a_quote_question_reads_what_the_words_are_about() -> None:
    assert asked_for("What did Samu Kerevi say about how hard Eddie Jones works?").topic == (
        "hard",
        "Eddie",
        "Jones",
        "works",
    )


def test_a_new_paragraph_of_quotation_opens_again_and_a_caption_ends_one() -> None:
    passage = [
        '"I hold myself to high standards.',  # the paragraph ends unclosed: the quotation runs on ...
        '"But I felt good coming into it."',  # ... into one that opens again
        "Mara Voss at training in Lyon.",
        '"I have to perform for my club first.',
        "Mara Voss during a training session.",  # a caption: the quotation left open ends before it
        "The squad flies home on Monday.",
    ]
    assert runs(passage) == [(0, 0), (1, 1), None, (3, 3), None, None]


def test_a_surname_is_no_one_where_the_article_names_a_namesake() -> None:
    passage = [
        "Ruby Franke pleaded guilty on Monday.",
        "Franke admitted that the punishments were necessary, her lawyer said.",
        "Kevin Franke said he was relieved.",
    ]
    assert said_in("Kevin Franke", passage, 2)
    assert not said_in("Kevin Franke", passage, 1)
    assert said_in("Kevin Franke", passage[1:], 0), "without the namesake, the surname is the man asked about"


def test_the_passages_of_one_article_read_as_one_text() -> None:
    body = "Ruby Franke pleaded guilty. Franke said she was sorry. The judge agreed. A hearing follows in May."
    spans = [(0, 27), (28, 54), (55, 71), (72, 98)]

    def passage(first: int, last: int) -> Passage:
        start, end = spans[first][0], spans[last][1]
        return Passage(
            "c", body[start:end], "a1", "Guilty plea", start=start, end=end, sentences=spans[first : last + 1]
        )

    views = article_views(
        [passage(1, 2), passage(0, 1), Passage("x", "Other news.", "a2", "", end=11, sentences=[(0, 11)])]
    )
    assert views[0, 0] == InArticle(tuple(body[a:b] for a, b in spans[:3]), 1), "the passage before is read with it"
    gap = article_views([passage(0, 0), passage(3, 3)])
    assert gap[1, 0].sentences == ("Ruby Franke pleaded guilty.", GAP, "A hearing follows in May.")


def test_he_said_at_a_quotations_end_is_someone_named_before_it_opens() -> None:
    passage = ["Mara Voss spoke after training.", "“Eddie Jones is up at 4am.", "He never sleeps,” he said."]
    assert said_in("Mara Voss", passage, 2) and said_in("Mara Voss", passage, 1)
    assert not said_in("Eddie Jones", passage, 2)


def test_someone_elses_words_about_a_person_are_not_theirs() -> None:
    assert not said_by("Ruby Franke", "“She is sorry,” Ruby Franke's lawyer said.")
    assert said_by("Ruby Franke", "“I am sorry,” Ruby Franke said.")


def test_scare_quotes_after_a_quotation_do_not_continue_it() -> None:
    passage = ["“We will win,” Levy said.", "The club calls it “Project Youth”.", "“We go again.”"]
    assert not said_in("Daniel Levy", passage, 1)
    assert not said_in("Daniel Levy", passage, 2), "the reporter's sentence between them breaks the run"


def test_a_line_naming_a_namesake_attributes_nothing() -> None:
    passage = ["Kevin Franke and Ruby Franke divorced.", "“It was hard to watch.”", "Ruby Franke in court."]
    assert not said_in("Kevin Franke", passage, 1)


def test_a_short_line_inside_a_quotation_does_not_end_it_and_inches_open_none() -> None:
    passage = ["“We owe her everything.", "Never.", "She is the best,” Voss said."]
    assert runs(passage) == [(0, 2)] * 3 and said_in("Mara Voss", passage, 0)
    assert runs(['Valve sold a 65" screen.', "Later it said more."]) == [None, None]
