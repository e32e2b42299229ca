"""Question understanding: parts, outlets, names, unknown sources, dates, the kind of answer, order questions."""

from __future__ import annotations

from datetime import date

import pytest

from rag.retrieval.asked import asked_for
from rag.retrieval.clauses import split_parts
from rag.retrieval.names import name_words, named_entities, unknown_sources
from rag.retrieval.periods import MAX_PERIODS
from rag.retrieval.question import all_periods, topics, understand
from rag.retrieval.wording import mentioned_days, publication_periods

OUTLETS = ["TechCrunch", "The Verge", "The Independent - Sports", "Cnbc | World Business News Leader", "Engadget"]


def test_parts_split_at_connectors_and_between_outlets() -> None:
    q = understand(
        "Does the TechCrunch article say Google paid Apple, while The Verge reports that Apple defended the deal?",
        OUTLETS,
    )
    assert [p.outlets for p in q.parts] == [("TechCrunch",), ("The Verge",)]
    assert set(q.outlets) == {"TechCrunch", "The Verge"}
    pieces = split_parts(
        "Which company, covered by TechCrunch for fines, is also the focus of Engadget's rumors?", OUTLETS
    )
    assert len(pieces) == 2 and "TechCrunch" in pieces[0] and "Engadget" in pieces[1]


def test_names_keep_their_words_drop_possessives_and_leave_outlets_out() -> None:
    names = named_entities(
        "Did TechCrunch say Sam Bankman-Fried's trial in New York was about FTX's 'Alameda Research'?", OUTLETS
    )
    assert names[0] == "Alameda Research"  # a quoted title is kept whole
    assert {"Sam Bankman-Fried", "New York", "FTX"} <= set(names) and "TechCrunch" not in names
    assert "Bank of England" in named_entities("What did the Bank of England decide?")
    assert named_entities("Which pop star is it?") == []  # a capital at the start says nothing


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Considering an article by Bloomberg and a report from The Verge, which firm won?", ["Bloomberg"]),
        ("What did a Rolling Stone review and a TechCrunch article say?", ["Rolling Stone"]),
        ("Did The Independent report that the All Blacks lost?", []),  # "The Independent - Sports" is ours
        ("Did the CNBC article on Nike agree?", []),  # "Cnbc | World Business News Leader"
        ("After the TechCrunch report published on October 7, 2023, did it change?", []),  # a date is no source
        ("What did The Verge report on Britney Spears?", []),  # reported on a subject, not by a source
    ],
)
def test_sources_the_archive_does_not_carry(question: str, expected: list[str]) -> None:
    found = unknown_sources(question, OUTLETS) + unknown_sources(question, OUTLETS, strong=False)
    assert found == expected


def test_strong_and_weak_source_phrasings() -> None:
    """ "An article by X" names a publication for sure; "reports from X" may name a place (checked later)."""
    assert unknown_sources("What did an article by Bloomberg say?", OUTLETS) == ["Bloomberg"]
    assert unknown_sources("What are the latest reports from Gaza?", OUTLETS) == []
    assert unknown_sources("What are the latest reports from Gaza?", OUTLETS, strong=False) == ["Gaza"]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many drones did Shoigu say Ukraine used?", "number"),
        ("How much could the EU fine X?", "money"),
        ("Who is the figure behind ChatGPT?", "who"),
        ("When did the strike end?", "date"),
        ("Where did the drones hit?", "place"),
        ("Does the article say prices rose?", "yesno"),
        ("Why did the board fire him?", "reason"),
        ("Which company was fined by the EU?", "organisation"),
        ("How long did the strike last?", "duration"),
        ("How much lower was the risk of death?", "quantity"),
        ("How much time will he spend in prison?", "duration"),
        ("How much longer will the strike last?", "duration"),
    ],
)
def test_the_kind_of_answer_a_question_wants(question: str, kind: str) -> None:
    assert asked_for(question).kind == kind


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did Emmanuel Macron say about the strikes on Moscow?", ("Emmanuel Macron",)),
        ("What were Putin's remarks on the attack?", ("Putin",)),
        ("Did Sam Altman tell the board the truth?", ("Sam Altman",)),
        ("What did the mayor say?", ()),  # no name: nothing to check
        ("What did TechCrunch say about the fine?", ()),  # an outlet reports, it is not a speaker
        ("What did Nvidia report about its quarterly revenue?", ("Nvidia",)),  # a company's own report
        ("What did TechCrunch report about Nvidia?", ()),
    ],
)
def test_the_people_whose_words_a_question_asks_for(question: str, expected: tuple[str, ...]) -> None:
    assert understand(question, OUTLETS).speakers == expected


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("the TechCrunch report on Sam Bankman-Fried published on October 6, 2023", ["2023-10-06"]),
        ("the report from Sporting News on September 26th, 2023, and", ["2023-09-26"]),
        ("Did The Age report on 7 November 2023 contradict it?", ["2023-11-07"]),
        ("the Fortune article dated 2023-10-07", ["2023-10-07"]),
        ("What happened in the attack on October 7, 2023?", []),  # an event's date, not a report's
        ("What did the Reuters article say about the attack on October 7, 2023?", []),
        ("the story published on Saturday, October 7, 2023", ["2023-10-07"]),
        ("the report by The Independent - Life and Style on December 6, 2023", ["2023-12-06"]),
        ("the article published on February 30, 2023", []),  # no such day
    ],
)
def test_publication_days_named_in_a_question(text: str, days: list[str]) -> None:
    assert mentioned_days(text, published=True) == days


def test_a_publication_day_is_a_period_of_one_day_and_an_events_date_is_none() -> None:
    (day,) = publication_periods("the story published on Saturday, October 7, 2023")
    assert day.start == day.end and day.holds("2023-10-07T08:00:00Z") and not day.holds("2023-10-08")
    assert day.text == "October 7, 2023"  # as written, so that the part that writes it keeps it
    # a day inside a range the question names is the range's end, no period of its own; at most MAX_PERIODS
    ranged = all_periods("Were the articles published from October 4, 2023 to October 10, 2023 alike?", None)
    assert [(p.start, p.end) for p in ranged] == [(date(2023, 10, 4), date(2023, 10, 10))]
    many = " and ".join(f"the report published on October {d}, 2023" for d in range(1, 9))
    assert len(all_periods(f"What did {many} say?", None)) == MAX_PERIODS
    assert publication_periods("What happened in the attack on October 7, 2023?") == []
    q = understand("What did the TechCrunch report published on October 7, 2023 say about the trial?", OUTLETS)
    assert [(p.start, p.end) for p in q.periods] == [(day.start, day.end)]


def test_every_day_a_text_names_and_each_part_keeps_its_own() -> None:
    assert mentioned_days("the attack on October 7, 2023 and the vote of 2023-10-09") == ["2023-10-07", "2023-10-09"]
    q = understand(
        "Between the TechCrunch report published on October 6, 2023, and the one published on October 7, 2023, "
        "did the coverage change?",
        OUTLETS,
    )
    assert [[(d.start, d.end) for d in p.periods] for p in q.parts] == [
        [(date(2023, 10, 6), date(2023, 10, 6))],
        [(date(2023, 10, 7), date(2023, 10, 7))],
    ]


def test_ordinals_timestamps_and_quotations_are_not_names() -> None:
    names = named_entities(
        "Between the report on October 13th and the one at 2023-12-06T13:55:17+00:00, did the CEO's answer to "
        '"deeply concerning" reporting and the claim that "NFL fans across the United States" can watch change?'
    )
    assert not any(n[:1].isdigit() or "concerning" in n or "fans" in n for n in names)
    assert {"NFL", "United States"} <= set(names)  # the names inside a quotation still count
    assert {"5G", "4K TV", "F-150"} <= set(named_entities("Did the 5G phone, the 4K TV or the F-150 sell best?"))
    assert "Warhammer 40,000: Rogue Trader" in named_entities('Was "Warhammer 40,000: Rogue Trader" reviewed?')


def test_a_number_that_names_a_model_is_part_of_the_name_in_a_question() -> None:
    def names(question: str) -> tuple[str, ...]:
        return understand(question, ["TechCrunch"]).entities

    assert names("What was reported about the Tesla Model 2?") == ("Tesla Model 2",)
    assert names("What did Google show with the Pixel 8 in 2023?") == ("Google", "Pixel 8")
    assert names("What was agreed at COP 28?") == ("COP 28",)
    # a count, a score or an amount is no part of a name
    assert names("How did Ohtani's 44 home runs compare?") == ("Ohtani",)
    assert names("What did Nvidia’s 2 trillion valuation mean?") == ("Nvidia",)
    assert names("Did Google 1,000 staff leave?") == ("Google",)
    assert names("Did the Bills beat the Jets 24 to 10?") == ("Bills", "Jets")
    assert names("What did TechCrunch 2 weeks ago say about Musk?") == ("Musk",)
    # only a question's names take numbers: in an article's sentence a number after a name is a score or a count
    assert named_entities("The Bills beat the Jets 24 to 10.", sentence_starts=True) == ["Bills", "Jets"]
    assert named_entities("What was reported about the Tesla Model 2?") == ["Tesla Model"]


def test_quotation_marks_pair_in_order() -> None:
    text = 'After Fortune said "a long statement about a blockade that goes on and on, says a scholar" and TechCrunch '
    text += 'claimed that "AI Office" staff were hired, what changed?'
    names = named_entities(text, OUTLETS)
    assert "AI Office" in names
    assert not any("TechCrunch" in n or "claimed" in n for n in names)  # never the text between two quotations


def test_a_capital_starting_a_sentence_is_a_name_when_the_texts_use_it_as_one() -> None:
    sentences = [
        "Bankman-Fried told Gary Wang that withdrawals were allowed.",
        "Prosecutors said Sam Bankman-Fried lied to investors.",
        "Using Caroline Ellison as a front, he took customer funds.",
        "Didn’t Bankman-Fried know? However, the trial goes on.",
    ]
    known = name_words(sentences)
    assert {"Bankman-Fried", "Gary", "Sam"} <= known and "Prosecutors" not in known and "However" not in known
    found = [named_entities(s, sentence_starts=True, known=known) for s in sentences]
    assert found == [["Bankman-Fried", "Gary Wang"], ["Sam Bankman-Fried"], ["Caroline Ellison"], ["Bankman-Fried"]]
    # a lone capital at a sentence start is a name only when the texts use it as one elsewhere
    assert named_entities("Ellison testified on Tuesday.", sentence_starts=True, known=known) == ["Ellison"]
    assert named_entities("Ellison testified on Tuesday.", sentence_starts=True) == []
    # first names that end like verbs or adverbs still start names; "O'Brien" is a name, "Didn't" is not
    assert named_entities("Ted Cruz said no. Emily Chang asked. O'Brien Kelly spoke.", sentence_starts=True) == [
        "Ted Cruz",
        "Emily Chang",
        "O'Brien Kelly",
    ]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did the New Zealand government decide about smoking?", ["smoking"]),
        ("What did the minister say about the smoking ban in Wellington?", ["the smoking ban"]),
        ("What was said regarding the new stadium and the budget?", ["the new stadium"]),
        ("Anything concerning climate change, published last week?", ["climate change"]),
        (
            "Did the report about the long-running dispute over pay and conditions surprise anyone?",
            ["the long-running dispute over pay"],
        ),
        ("Did the article about Twitch's subscription revenue split policy changes surprise anyone?", []),
        ("Who won the match on Saturday?", []),
        ("Why did about 40 people fall ill?", []),
    ],
)
def test_what_a_question_asks_about(question: str, expected: list[str]) -> None:
    """The words after "about", "regarding" or "concerning", to the next clause or preposition; a span too long to
    be a topic is left out rather than guessed."""
    assert topics(question) == expected


def test_an_outlet_by_its_initials_is_no_name_and_a_reporting_body_may_be_a_source() -> None:
    outlets = ["The New York Times", "TechCrunch"]
    nyt = understand("Did the NYT report anything on the Kansas City Chiefs?", outlets)
    assert nyt.outlets == ("The New York Times",) and "NYT" not in nyt.entities
    reuters = understand("What has Reuters reported about Gaza?", outlets)
    assert reuters.possible_sources == ("Reuters",) and not reuters.unknown_sources  # counts if no passage names it
    assert understand("Did Israel report casualties in Gaza?", outlets).possible_sources == ("Israel",)


def test_a_figure_is_asked_for_without_how_much_too() -> None:
    for question in (
        "What's the death toll in Gaza?",
        "What was Binance fined?",
        "What did Microsoft pay for Activision Blizzard?",
        "What is the fine for breaching the DSA?",
        "On the whole, what was the total cost, and who paid it?",
    ):
        assert asked_for(question).amount, question
    assert asked_for("What was the outcome of the summit?").kind == "open"
    assert asked_for("What did Putin say about the strikes?").kind == "quote"


def test_how_much_compared_measures_its_subject_and_a_rate_is_no_measure() -> None:
    assert asked_for("How much lower was the risk of death for people who followed it?").measure == ("risk",)
    assert asked_for("How much bigger is the new battery?").measure == ("battery",)
    hayes = asked_for("Roughly how much a year will Emma Hayes be paid as coach?")
    assert hayes.kind == "money" and hayes.measure == ()
    assert asked_for("How big a stake did the fund take?").measure == ("stake",)
    assert "DATE" in asked_for("How long did the strike last?").labels
    assert "DATE" not in asked_for("How much lower was the risk of death?").labels  # a year is no answer
