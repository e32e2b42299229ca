"""Term weights and shared phrases: what lets the offline answer prefer the sentence holding a question's rare
words over one that is merely close in meaning (the keyword index's own tokens and statistics)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_engine
from support import ingest_md

from rag.answer.terms import Terms, Vocabulary, candidate_weights
from rag.archive.bm25 import Scorer
from rag.archive.filters import FilterColumns
from rag.archive.knowledge import Archive
from rag.archive.lexical import tokenize
from rag.config import Settings


def terms(text: str) -> Terms:
    return Terms.of(tokenize([text])[0].split())


def test_terms_are_stems_without_stopwords_and_their_pairs() -> None:
    asked = terms("Why was the exit of the chief executive shocking?")
    found = terms("Analysts said the chief executive's exit shocked investors.")
    assert "the" not in asked.words and "of" not in asked.words
    assert {"exit", "chief", "execut"} <= asked.words & found.words
    assert asked.phrases_in(found) == 1  # "chief executive"; the stopword between exit and chief is not a gap
    assert asked.phrases_in(terms("Executive chiefs left.")) == 0  # the same words in another order
    many = terms("chief executive officer annual general meeting")
    assert many.phrases_in(many) == 3  # counted up to three


def test_a_rare_term_weighs_more_than_a_common_one() -> None:
    asked = terms("What did the company say about the turnover fine?")
    weight = {"compani": 0.2, "say": 0.1, "turnov": 3.0, "fine": 2.0}
    rare = terms("Fines can reach 6% of turnover.")
    common = terms("The company would say nothing.")
    assert asked.weighted_share(rare, weight) > 0.8 > 0.2 > asked.weighted_share(common, weight)
    assert Terms.of([]).weighted_share(rare, weight) == 0.0


def test_the_scorer_weighs_terms_by_how_few_live_passages_hold_them() -> None:
    scorer = Scorer()
    scorer.add([1, 2, 3], ["said fine", "said council", "said turnov"], FilterColumns.of([{}, {}, {}]))
    weights = scorer.idf(["said", "fine", "unknown"])
    assert weights["unknown"] > weights["fine"] > weights["said"] > 0
    scorer.remove([1])  # a removed passage stops counting
    assert scorer.idf(["fine"])["fine"] == scorer.idf(["unknown"])["unknown"]


def test_without_an_archive_weights_come_from_the_candidates() -> None:
    candidates = [terms("The council said yes."), terms("The council said no."), terms("Turnover fell.")]
    weight = candidate_weights(candidates)
    assert weight["turnov"] > weight["council"]
    assert Vocabulary().weights(terms("council turnover").words, candidates) == weight


def test_the_vocabulary_remembers_terms_and_asks_the_archive_for_weights() -> None:
    asked: list[list[str]] = []

    def archive_weights(words: object) -> dict[str, float]:
        asked.append(sorted(words))  # type: ignore[call-overload]
        return {w: 1.0 for w in asked[-1]}

    vocabulary = Vocabulary(archive_weights)
    first = vocabulary.terms(["Fines can reach 6% of turnover.", "Fines can reach 6% of turnover."])
    assert first[0] == first[1] == terms("Fines can reach 6% of turnover.")
    assert vocabulary.weights(terms("turnover fines").words, first) == {"fine": 1.0, "turnov": 1.0}
    assert vocabulary.weights(terms("turnover fines zeppelin").words, first) == {"fine": 1.0, "turnov": 1.0}
    assert asked == [["fine", "turnov"], ["fine", "turnov"]]  # a term no candidate holds is not asked about


ARTICLES = [
    (
        "board.md",
        "OpenAI board removes its chief executive",
        "The board said it had lost confidence in the chief executive after a review. Directors met on Friday "
        "and the decision was announced in a blog post. The prevailing theory floating around right now is that "
        "he was not fully candid with the board. Investors were not told in advance.",
        {"outlet": "TechCrunch", "published_at": "2023-11-18"},
    ),
    (
        "reaction.md",
        "Investors react to the board's decision",
        "Microsoft said it remained committed to its partnership. Employees said the board's decision came as a "
        "surprise and several threatened to resign.",
        {"outlet": "Fortune", "published_at": "2023-11-19"},
    ),
    *(  # an archive holds many stories about boards and chief executives: those words say little
        (
            f"board-{n}.md",
            f"{company} board names a new chief executive",
            f"The {company} board appointed a new chief executive on Monday. The board said the chief executive "
            f"would start in January. Shares in {company} rose after the board's announcement.",
            {"outlet": "Business Desk", "published_at": f"2023-10-0{n}"},
        )
        for n, company in enumerate(("Acme", "Globex", "Initech", "Umbrella", "Hooli"), 1)
    ),
]


@pytest.mark.slow
def test_the_answer_quotes_the_sentence_holding_the_questions_rare_phrase(
    archive: Archive, settings: Settings, tmp_path: Path
) -> None:
    ingest_md(archive, tmp_path / "articles", ARTICLES)
    answer = make_engine(settings, archive).ask(
        "What is the prevailing theory about why the board removed the chief executive?"
    )
    assert not answer.refused, answer.text
    assert answer.text.split("\n\n")[0].endswith(
        "The prevailing theory floating around right now is that he was not fully candid with the board. [1]"
    )
