"""What a refusal under the user's filters says (`rag/engine/widen.py`)."""

from __future__ import annotations

from support import make_passage

from rag.archive.filters import ArchiveFilter
from rag.engine.widen import limited, limits_text, widened_notice
from rag.models import Answer, Citation


def test_only_the_users_own_limits_count() -> None:
    assert not limited(None) and not limited(ArchiveFilter()) and not limited(ArchiveFilter(statuses=("draft",)))
    assert limited(ArchiveFilter.of(["The Guardian"])) and limited(ArchiveFilter.of(since="2023-11-01"))


def test_the_limits_in_words() -> None:
    both = ArchiveFilter.of(["The Guardian", "Reuters"], "2023-11-01", "2023-11-30")
    assert limits_text(both) == "articles from The Guardian or Reuters published 1 Nov 2023 to 30 Nov 2023"
    assert limits_text(ArchiveFilter.of(since="2023-11-01")) == "articles published on or after 1 Nov 2023"
    assert limits_text(ArchiveFilter.of(until="2023-11-30")) == "articles published on or before 30 Nov 2023"


def test_the_notice_names_the_articles_that_answer_beyond_the_limits_or_says_none_do() -> None:
    flt = ArchiveFilter.of(["The Guardian"])
    drones = make_passage("a-0", ["Eight drones."], article_id="a", title="Drones hit Moscow", outlet="FT")
    drones.published_at = "2023-05-30T10:00:00Z"
    again = make_passage("a-1", ["None hit."], article_id="a", title="Drones hit Moscow", outlet="FT")
    other = make_passage("b-0", ["Kyiv."], article_id="b", title="Kyiv defends", outlet="Reuters")
    answered = Answer(text="x", refused=False, citations=[Citation(1, drones), Citation(2, again), Citation(3, other)])
    assert widened_notice(flt, answered) == (
        "The search was limited to articles from The Guardian. Without those limits, the archive answers it from "
        "“Drones hit Moscow” (FT, 30 May 2023) and “Kyiv defends” (Reuters)."
    )
    nothing = "The search was limited to articles from The Guardian. Without those limits the archive does not "
    assert widened_notice(flt, Answer(text="No.", refused=True)) == nothing + "answer this either."
    assert widened_notice(flt, None) == nothing + "answer this either."
