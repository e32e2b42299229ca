"""Answer candidates for "who" and "which company" questions: the name the evidence agrees on."""

from __future__ import annotations

from dataclasses import replace

from rag.answer.candidates import answer_candidates
from rag.retrieval.asked import asked_for
from rag.retrieval.question import Question
from rag.retrieval.question import understand as read

OUTLETS = ("TechCrunch", "Fortune", "The Verge")


def understand(text: str, outlets: tuple[str, ...]) -> Question:
    """A question as a turn reads it: with what it asks for."""
    return replace(read(text, outlets), asked=asked_for(text))


def _sentences(*rows: tuple[str, str, float]) -> list[tuple[str, str, float]]:
    return list(rows)


def test_a_name_confirmed_by_two_articles_beats_one_that_a_single_sentence_holds() -> None:
    question = understand("Who is the founder accused of fraud, as reported by both Fortune and TechCrunch?", OUTLETS)
    found = answer_candidates(
        question,
        _sentences(
            ("a", "Prosecutor Danielle Sassoon told the jury the fraud was deliberate.", 0.62),
            ("a", "Sam Bankman-Fried denied the charges on Tuesday.", 0.55),
            ("b", "Bankman-Fried built the exchange on lies, the government said.", 0.58),
            ("b", "Fortune reporters followed the trial in New York.", 0.40),
        ),
        OUTLETS,
    )
    assert found[0].name == "Sam Bankman-Fried"  # the surname alone in article b supports the full name
    assert found[0].articles == 2
    assert all(c.name not in OUTLETS for c in found)


def test_a_person_question_is_not_answered_with_an_organisation() -> None:
    question = understand("Which individual ran the trading firm that borrowed customer money?", OUTLETS)
    found = answer_candidates(
        question,
        _sentences(
            ("a", "Alameda Research borrowed billions from customers, Alameda Research admitted.", 0.7),
            ("b", "Alameda Research was run by Caroline Ellison until 2022.", 0.6),
        ),
        OUTLETS,
    )
    assert [c.name for c in found] == ["Caroline Ellison"]


def test_names_already_in_the_question_are_not_candidates_and_other_kinds_get_none() -> None:
    who = understand("Who did Linda Yaccarino say removed the accounts?", OUTLETS)
    rows = _sentences(("a", "Linda Yaccarino said Elon Musk approved the removals.", 0.6))
    assert [c.name for c in answer_candidates(who, rows, OUTLETS)] == ["Elon Musk"]
    how_much = understand("How much did the removals cost?", OUTLETS)
    assert answer_candidates(how_much, rows, OUTLETS) == []


def test_which_company_questions_want_a_name_and_which_player_a_person() -> None:
    assert asked_for("Which company, recently reported by TechCrunch, lost its case?").kind == "organisation"
    assert asked_for("Which NFL player, known for his speed, was injured?").kind == "person"
    assert asked_for("Which country hosted the summit?").kind == "place"
    assert asked_for("What type of policy did the bank adopt?").kind == "open"
    assert not answer_candidates(read("Who did Linda Yaccarino say removed the accounts?", OUTLETS), [], OUTLETS)


def test_a_name_in_the_headline_of_a_supporting_article_is_what_the_article_is_about() -> None:
    question = understand("Who is the founder whose trial TechCrunch and Fortune covered?", OUTLETS)
    rows = _sentences(
        ("a", "Caroline Ellison told the court that Bankman-Fried directed her.", 0.60),
        ("b", "Caroline Ellison said she had followed instructions.", 0.58),
        ("b", "Sam Bankman-Fried listened from the defence table.", 0.50),
        ("a", "Sam Bankman-Fried took notes.", 0.45),
    )
    plain = answer_candidates(question, rows, OUTLETS)
    assert plain[0].name == "Caroline Ellison"  # a witness quoted in both reports
    headlines = {"a": "Sam Bankman-Fried trial: the week in court", "b": "Bankman-Fried's former partner testifies"}
    assert answer_candidates(question, rows, OUTLETS, headlines)[0].name == "Sam Bankman-Fried"
