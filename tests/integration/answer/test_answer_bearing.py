"""What a question asks for (`rag/retrieval/asked.py`, spaCy's parse), which sentences can answer it
(`rag/answer/bearing.py`, spaCy's entities), and the quote answerer built on them: it leads with the sentence
that holds the answer, highlights the answer, and refuses a near-miss, naming what the archive has instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_engine
from support import write_md

from rag.answer.bearing import answer_spans, background
from rag.archive.knowledge import Archive
from rag.config import Settings
from rag.ingest.pipeline import ingest_paths
from rag.retrieval.asked import asked_for
from rag.retrieval.entities import Mention
from rag.ui.render import answer_markdown


@pytest.mark.parametrize(
    ("question", "kind", "measure"),
    [
        ("Who is taking over from him as chair?", "who", ()),
        ("Globes reported that Rani Zim is stepping down. Who is taking over?", "who", ()),
        ("Which former national team boss is he overtaking?", "person", ()),
        ("Which VC firm led the seed round?", "organisation", ()),
        ("In which city did Belgium beat England?", "place", ()),
        ("Where was Sean Dyche when he was told?", "place", ()),
        ("On what date did India face Kenya in the semi-final?", "date", ()),
        ("When Nike reported its results, what did CEO John Donahoe say about China?", "quote", ()),
        ("How many daily active users did Pebble reach at its peak?", "number", ("users",)),
        ("How many people died in the strikes?", "number", ("died",)),
        ("How many people are there?", "number", ()),
        ("At what valuation did the startup raise its seed round?", "money", ("valuation",)),
        ("How much did Chelsea pay for Cole Palmer?", "money", ()),
        ("What did the club's cheapest season ticket cost in 2023?", "money", ()),
        ("What share of adults showed signs of addiction?", "percentage", ()),
        ("What was the score when Michigan played Purdue?", "number", ("score",)),
        ("Did Ruby Franke plead guilty to every count?", "yesno", ()),
        ("With the new model arriving, is Valve keeping the old one?", "yesno", ()),
        ("Why did Microsoft hand Ubisoft the streaming rights?", "reason", ()),
        ("How did Matthew Bergman describe Snapchat?", "quote", ()),
        ("Who won the match? Thanks!", "who", ()),
        ("", "open", ()),
    ],
)
def test_the_question_is_read_for_what_it_asks(question: str, kind: str, measure: tuple[str, ...]) -> None:
    asked = asked_for(question)
    assert (asked.kind, asked.measure) == (kind, measure)


def test_daily_users_qualify_the_measure() -> None:
    asked = asked_for("How many daily active users did Pebble reach?")
    assert asked.qualifiers == ("daily", "active") and asked.wanted == "how many daily active users"


def spans_for(question: str, sentences: list[str]) -> list[Mention | None]:
    """Each sentence's answer to the question, by its words alone (no embedding to compare meanings)."""
    return answer_spans(asked_for(question), question, sentences)


def test_a_candidate_the_question_already_holds_is_no_answer() -> None:
    spans = spans_for(
        "Who replaced Rani Zim as chair of Group Psagot?",
        ["Rani Zim said Group Psagot had a good year.", "Rani Zim will be replaced by Daniel Leventhal as chair."],
    )
    assert spans[0] is None
    assert spans[1] is not None and spans[1].text == "Daniel Leventhal"


def test_an_amount_must_count_what_the_question_measures() -> None:
    sentences = [
        "Zenly has 40 million registered users.",
        "The app was founded in 2015 by two friends.",
        "Zenly counts 12 million daily users, the company said.",
    ]
    spans = spans_for("How many daily users does Zenly have?", sentences)
    assert spans[1] is None, "a year is no count"
    assert spans[2] is not None and spans[2].text.startswith("12 million")
    assert spans[0] is not None, "by its words alone a registered-users figure still counts users"


def test_a_sum_may_come_back_as_a_count_followed_by_its_currency() -> None:
    sentence = "The bridge reopened after a two-year refit costing 40 million euros, the council said."
    [span] = spans_for("How much did the refit cost?", [sentence])
    assert span is not None and span.text == "40 million"


def test_a_length_of_time_does_not_answer_when() -> None:
    spans = spans_for(
        "When did the drone attack happen?",
        ["It was the fourth attack in three days.", "Drones hit the capital early on Tuesday morning."],
    )
    assert spans[0] is None
    assert spans[1] is not None and "Tuesday" in spans[1].text


def test_the_answer_span_is_highlighted_inside_its_quote_and_stays_escaped() -> None:
    text = "Gazette, 2024-03-05: The toll rises to *5* pounds [1]\n\nGazette: Drivers said 5 pounds [1]"
    at = text.index("*5* pounds")
    shown = answer_markdown(text, (at, at + len("*5* pounds")))
    assert shown.count(":orange-background[**") == 1
    assert shown.startswith("Gazette, 2024\\-03\\-05\\: The toll rises to :orange-background[**\\*5\\* pounds**]")
    assert shown.endswith("[1]"), "the citations stay readable"
    assert answer_markdown(text, (len(text), len(text) + 4)) == answer_markdown(text), "a stale place is ignored"


def _bridge(archive: Archive, tmp_path: Path) -> None:
    write_md(
        tmp_path / "bridge" / "bridge.md",
        "Harbour bridge reopens after refit",
        "The harbour bridge reopened on Monday after a two-year refit, the city council said. "
        "About 30,000 drivers a day are expected to use it. "
        "The council's transport chief, Ana Ruiz, said the bridge would carry a new tram line from 2026.",
        outlet="Port Gazette",
        published_at="2024-03-04",
    )
    assert ingest_paths(archive, [tmp_path / "bridge"]).ok


def test_the_answer_leads_with_the_sentence_that_holds_it(archive: Archive, tmp_path: Path, settings: Settings) -> None:
    _bridge(archive, tmp_path)
    answer = make_engine(settings, archive).ask("Who is the council's transport chief?")
    assert not answer.refused and answer.span == "Ana Ruiz"
    assert answer.span_at is not None and answer.text[answer.span_at[0] : answer.span_at[1]] == "Ana Ruiz"
    assert answer.text.split("\n\n")[0].endswith("said the bridge would carry a new tram line from 2026. [1]")


def test_a_near_miss_is_refused_with_what_the_archive_has_instead(
    archive: Archive, tmp_path: Path, settings: Settings
) -> None:
    _bridge(archive, tmp_path)
    answer = make_engine(settings, archive).ask("How much did the harbour bridge refit cost?")
    assert answer.refused
    assert answer.text == (
        "The archive has “Harbour bridge reopens after refit” (Port Gazette, 2024-03-04), but none of the articles "
        "found gives the figure asked for, so it does not answer this."
    )


@pytest.mark.parametrize(
    ("sentence", "date", "given_as_background"),
    [
        ("Earlier in May, two drones attacked the Kremlin.", "May", True),
        ("The plant closed two years ago.", "two years", True),
        ("Last month the council voted for the bridge.", "month", True),
        ("The assault on Tuesday was the 17th on the capital.", "Tuesday", False),
        ("The bridge reopens on 15 January.", "15 January", False),
        ("The council voted last Tuesday.", "Tuesday", False),
        ("The day before the vote, the mayor resigned.", "The day", False),
    ],
)
def test_a_date_written_as_background_is_told_from_the_news_day(
    sentence: str, date: str, given_as_background: bool
) -> None:
    at = sentence.index(date)
    assert background(sentence, Mention(date, "DATE", at, at + len(date))) is given_as_background
