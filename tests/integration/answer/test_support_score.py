"""The support score: how likely the retrieved passages answer a question at all (a calibrated probability from
four signals), and the offline answer refusing below it, on real articles with the real model."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import make_engine
from support import ingest_md, make_passage

from rag.answer.support import REFUSE_BELOW, Support, dense_top
from rag.archive.knowledge import Archive
from rag.config import Settings

STRONG = Support(best_sentence=0.62, dense_top=0.71, missing_names=0, unknown_source=False)


def test_strong_evidence_is_enough_and_each_weak_signal_lowers_the_probability() -> None:
    assert STRONG.enough and STRONG.probability > 0.95
    weaker = [
        replace(STRONG, best_sentence=0.40),
        replace(STRONG, dense_top=0.30),
        replace(STRONG, missing_names=1),
        replace(STRONG, unknown_source=True),
    ]
    assert all(w.probability < STRONG.probability for w in weaker)
    assert replace(STRONG, missing_names=2).probability < replace(STRONG, missing_names=1).probability


def test_missing_names_count_up_to_three() -> None:
    assert replace(STRONG, missing_names=9).probability == replace(STRONG, missing_names=3).probability


def test_weak_evidence_is_not_enough() -> None:
    weak = Support(best_sentence=0.37, dense_top=0.35, missing_names=1, unknown_source=False)
    assert weak.probability < REFUSE_BELOW and not weak.enough
    extreme = Support(best_sentence=-50.0, dense_top=0.0, missing_names=3, unknown_source=True)
    assert 0.0 <= extreme.probability < 1e-9  # no overflow at the extremes


def test_dense_top_is_the_best_similarity_retrieval_recorded() -> None:
    passages = [make_passage(str(n), ["A sentence long enough to count."]) for n in range(3)]
    assert dense_top(passages) == 0.0
    passages[1].dense_similarity, passages[2].dense_similarity = 0.42, 0.61
    assert dense_top(passages) == pytest.approx(0.61)


HARBOUR = [
    (
        "toll.md",
        "Harbour bridge toll rises",
        "The harbour bridge toll rises to four pounds in May, the harbour board said. Drivers' groups called the "
        "increase unfair and said commuters would pay more than 800 pounds a year.",
        {"outlet": "Port Gazette", "published_at": "2024-03-04"},
    ),
    (
        "ferry.md",
        "Ferry crews vote to strike",
        "Harbour ferry crews voted to strike over pay, their union said on Monday. The operator said it would "
        "run a reduced timetable during the strike.",
        {"outlet": "Port Gazette", "published_at": "2024-03-05"},
    ),
]


@pytest.fixture
def harbour(archive: Archive, tmp_path: Path) -> Archive:
    ingest_md(archive, tmp_path / "harbour", HARBOUR)
    return archive


@pytest.mark.parametrize(
    "question",
    [
        "How much will the harbour bridge toll be in May?",
        "Why are the harbour ferry crews going on strike?",
    ],
)
def test_answerable_questions_are_well_supported(harbour: Archive, settings: Settings, question: str) -> None:
    answer = make_engine(settings, harbour).ask(question)
    assert not answer.refused
    assert answer.support is not None and answer.support >= REFUSE_BELOW


@pytest.mark.parametrize(
    "question",
    [
        "What did the city council decide about the new stadium's seating capacity?",
        "How many passengers did the airport handle during the Easter holidays?",
    ],
)
def test_questions_the_archive_cannot_answer_are_refused_by_their_support(
    harbour: Archive, settings: Settings, question: str
) -> None:
    answer = make_engine(settings, harbour).ask(question)
    assert answer.refused and answer.citations == []
    assert answer.support is not None and answer.support < REFUSE_BELOW
