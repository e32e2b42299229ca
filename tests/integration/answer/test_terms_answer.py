"""Term weights in a whole answer, on a real archive: the offline answer quotes the sentence holding the
question's rare phrase over one that is merely close in meaning (unit tests of the weights: tests/unit/answer)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_engine
from support import ingest_md

from rag.archive.knowledge import Archive
from rag.config import Settings

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
