"""A sentence answers a question only next to the question's constraints (`rag/answer/bearing.py`,
`rag/answer/constraints.py`): it is about
what the question names, an amount counts what is asked and is a sum when a sum is asked, and a quotation is the
asked speaker's own words. Otherwise the offline answerer refuses the near-miss and says what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_engine
from support import write_md

from rag.answer.bearing import answer_spans, place_rank
from rag.answer.constraints import about, recognised, recognised_speakers, said_by, subject_names
from rag.archive.knowledge import Archive
from rag.config import Settings
from rag.ingest.pipeline import ingest_paths
from rag.retrieval.asked import asked_for
from rag.retrieval.entities import Mention, mentions_of
from rag.retrieval.wording import words


def spans_for(question: str, sentences: list[str]) -> list[Mention | None]:
    return answer_spans(asked_for(question), question, sentences)


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("What did Snap CEO Evan Spiegel say about shutting down Zenly?", "Evan Spiegel"),
        ("What did Cherokee basket weaver Regina Thompson say about the doll?", "Regina Thompson"),
        ("How did Jørn Lyseggen describe ChatGPT?", "Jørn Lyseggen"),
        ("What did the club's chief financial officer warn about prices?", ""),
    ],
)
def test_the_speaker_is_the_subject_of_the_questions_speech_verb(question: str, speaker: str) -> None:
    asked = asked_for(question)
    assert asked.kind == "quote" and asked.speaker == speaker


@pytest.mark.parametrize(
    "question",
    ["What did Tesla post in quarterly revenue?", "What did Apple reveal at its launch?"],
)
def test_a_verb_with_another_sense_does_not_make_a_quote_question(question: str) -> None:
    assert asked_for(question).kind != "quote" and asked_for(question).speaker == ""


def test_the_speaker_is_read_from_the_sentence_that_asks() -> None:
    asked = asked_for("Globes reported that Rani Zim said the deal was off. What did Daniel Levy say about it?")
    assert asked.speaker == "Daniel Levy"


def test_the_question_is_read_for_its_source_its_people_and_every_counted_noun() -> None:
    asked = asked_for("According to IoT Analytics, what share of manufacturers have a digital twin strategy?")
    assert asked.credited == ("IoT Analytics",)
    assert asked_for("How many women and girls play rugby in Queensland?").measure == ("women", "girls")
    assert asked_for("How much will Michigan State pay Jonathan Smith a year?").people == ("Jonathan Smith",)


def test_a_sum_is_asked_when_money_changes_hands_and_a_share_otherwise() -> None:
    assert asked_for("How much did ASOS pay for the Topshop brand?").kind == "money"
    assert asked_for("How much of its value had the stock lost in 2022?").kind == "quantity"
    spans = spans_for(
        "How much did 777 Partners agree to pay for the stake?",
        ["Moshiri agreed to sell his 94% stake to 777 Partners.", "Zim bought it for NIS 405 million from them."],
    )
    assert spans[0] is None, "a share is no price"
    assert spans[1] is not None and spans[1].text == "NIS 405 million", "a currency code before a sum"


def test_one_counts_only_right_before_what_it_counts() -> None:
    spans = spans_for("How many goals did Harry Kane score against Italy?", ["Kane scored one goal against Italy."])
    assert spans[0] is not None and spans[0].text == "one"


def test_a_pronoun_a_ratio_and_a_distant_figure_count_nothing() -> None:
    spans = spans_for(
        "How many subscribers does the Epoch Times have?",
        [
            "“I’ve had the misfortune of being subscribed to the Epoch Times without my consent,” one reads.",
            "Subscribers who joined this year were offered a 70/30 split.",
            "Subscribers were invited to a gala, and the paper, its editors said, has mailed out 300 copies.",
            "The Epoch Times has 1.5 million subscribers.",
        ],
    )
    assert spans[:3] == [None, None, None]
    assert spans[3] is not None and spans[3].text == "1.5 million"


def test_a_sentence_must_be_about_what_the_question_names() -> None:
    names = subject_names(("Rainforest",), (), ())
    adaptive = ["Adaptive, an AI startup based in Amsterdam, raised a seed round at a $100 million valuation."]
    assert not about(names, adaptive[0], adaptive, "There's something going on with AI startups in France")
    rainforest = ["Rainforest is a payments startup.", "It raised its seed round at a $40 million valuation."]
    assert about(names, rainforest[1], rainforest, ""), "named in the sentence before"
    assert about(names, adaptive[0], adaptive, "Rainforest and Adaptive raise money"), "named in the headline"


def test_a_surname_stands_for_a_person_unless_the_passage_has_a_namesake() -> None:
    people = ("Jonathan Smith",)
    names = subject_names(("Michigan State", "Jonathan Smith"), (), ())
    will = ["The Royals agreed a 1-year, $5 million contract with reliever Will Smith.", "Smith earned $5 million."]
    assert not about(names, will[1], will, "", people)
    middle = ["Jonathan D. Smith signed on Monday.", "Smith will earn $6 million a year."]
    assert about(names, middle[1], middle, "", people), "the same man with his middle initial is no namesake"
    coach = ["Smith will earn $6 million a year, the university said."]
    assert about(names[1:], coach[0], coach, "", people)
    media = ["The media group earns $1 billion."]
    assert not about(("Shameless Media",), media[0], media, "", ()), "no person, no surname"
    assert about(("Shameless Media",), "Shameless Media earns $1 billion.", [], "", ()), "the sentence itself counts"


def test_the_source_a_question_credits_need_not_be_named_by_the_answer() -> None:
    asked = asked_for("According to IoT Analytics, what share of manufacturers have a digital twin strategy?")
    assert subject_names(("IoT Analytics",), (), asked.credited) == []


@pytest.mark.parametrize(
    ("sentence", "before", "gives"),
    [
        ("“Wilma’s name is the only thing Cherokee on that box,” Thompson said.", "", True),
        ("Thompson told reporters the doll was a mistake.", "", True),
        ("“It is a mistake,” she said.", "Regina Thompson, a Cherokee basket weaver, saw the doll.", True),
        ("“It is a mistake,” she said.", "The doll went on sale on Monday.", False),
        ("The museum said Kenwright had “worked hard” alongside Thompson.", "", False),
        ("Thompson shamed Mattel in a post on X, saying “the box is wrong”.", "", True),
        ("According to Thompson, the doll sold out.", "", True),
        ("Thompson described the doll as a mistake.", "", True),
    ],
)
def test_a_quotation_is_the_speakers_only_when_they_say_it(sentence: str, before: str, gives: bool) -> None:
    assert said_by("Regina Thompson", sentence, before) is gives


def _club(archive: Archive, tmp_path: Path) -> None:
    write_md(
        tmp_path / "club" / "club.md",
        "Harbour FC docked ten points",
        "Harbour FC were docked ten points on Friday for breaching spending rules, the league said. "
        "The club said owner Sam Okafor had “worked tirelessly” to meet the rules. "
        "“We are shocked and disappointed by the decision,” the manager, Lena Brandt, said.",
        outlet="Port Gazette",
        published_at="2024-03-08",
    )
    assert ingest_paths(archive, [tmp_path / "club"]).ok


def test_what_someone_never_said_is_refused_naming_them(archive: Archive, tmp_path: Path, settings: Settings) -> None:
    _club(archive, tmp_path)
    engine = make_engine(settings, archive)
    answer = engine.ask("What did Harbour FC owner Sam Okafor say about the ten-point deduction?")
    assert answer.refused
    assert answer.text == (
        "The archive has “Harbour FC docked ten points” (Port Gazette, 2024-03-08), but none of the articles found "
        "gives what Sam Okafor said, so it does not answer this."
    )
    said = engine.ask("What did Lena Brandt say about the ten-point deduction?")
    assert not said.refused and "We are shocked and disappointed" in said.text.split("\n\n")[0]


def test_an_abbreviation_is_one_word_with_or_without_its_full_stops() -> None:
    assert words("grown in the U.S. and the U.K.") == words("grown in the US and the UK")
    assert words("a 3.5% rise at tech.company") == ["a", "3.5", "rise", "at", "tech.company"]


def test_a_name_is_bounded_by_the_recogniser_not_by_a_run_of_capitals() -> None:
    question = "Parenting YouTuber Ruby Franke pleaded guilty in December. What date was set for her sentencing?"
    assert recognised(("YouTuber Ruby Franke",), question) == ("Ruby Franke",)
    assert recognised(("Harbour FC",), "What did Harbour FC say?") == ("Harbour FC",), "seen whole or not at all"


def test_where_prefers_a_town_something_happened_in_to_a_place_named_in_passing() -> None:
    sentences = [
        "Belgium beat England 3-2 on Tuesday, a result the US broadcaster called a shock.",
        "England began on the front foot in Leuven with a free-kick in the fourth minute.",
    ]
    spans = spans_for("In which city did Belgium beat England?", sentences)
    assert [s.text if s else None for s in spans] == ["US", "Leuven"]
    ranks = [place_rank(sentence, span) for sentence, span in zip(sentences, spans, strict=True) if span]
    assert ranks == [2, 0]
    [gaza] = [m for m in mentions_of(["Strikes hit homes in northern Gaza."])[0] if m.text == "Gaza"]
    assert place_rank("Strikes hit homes in northern Gaza.", gaza) == 0


def test_a_speaker_is_someone_the_recogniser_sees() -> None:
    question = "How much did Leon Black pay to settle the US Virgin Islands' Epstein-related claims against him?"
    assert recognised_speakers(("US Virgin Islands' Epstein-related",), question) == ()
    said = "What did Sen. Elizabeth Warren say on X when Apple cut off Beeper Mini?"
    assert recognised_speakers(("Sen. Elizabeth Warren",), said) == ("Elizabeth Warren",)
