"""Plain-text helpers: normalisation, web boilerplate removal, paragraph and sentence spans with exact offsets."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import ANY_TEXT, news_texts

from rag.ingest.furniture import is_boilerplate, strip_boilerplate
from rag.ingest.text import (
    _ESCAPE_SEQUENCES,
    clean_body,
    normalise,
    paragraph_spans,
    sentence_spans,
    split_sentences,
)

# --- normalisation ---------------------------------------------------------------------------------------------


def test_normalise_unifies_newlines_spaces_and_unicode() -> None:
    raw = "  Cafe\u0301 owners\u00a0protest\r\n\r\n\r\n\r\nThe\tcouncil  said\x07 no.  \rEnd "
    assert normalise(raw) == "Café owners protest\n\nThe council said no.\nEnd"


def test_normalise_keeps_paragraph_breaks_but_not_runs_of_blank_lines() -> None:
    assert normalise("One.\n\n\n\n\nTwo.\nThree.") == "One.\n\nTwo.\nThree."


# --- web boilerplate -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Leave a Reply",
        "Leave a comment",
        "Cancel reply",
        "Your email address will not be published.",
        "Your email address will not be published. Required fields are marked *",
        "Required fields are marked *",
        "Save my name, email, and website in this browser for the next time I comment.",
        "Notify me of follow-up comments by email.",
        "You must be logged in to post a comment.",
        "Post Comment",
        "Comments (12)",
        "3 comments",
        "Share this article",
        "Share on Facebook",
        "Share via WhatsApp",
        "Facebook | Twitter | LinkedIn",
        "Subscribe now",
        "Click here to subscribe",
        "Sign up for our daily newsletter.",
        "Follow us on Twitter and Facebook.",
        "We use cookies to improve your experience on our website.",
        "This site uses cookies.",
        "Accept all cookies",
        "By continuing to use this site you agree to our use of cookies.",
        "Advertisement",
        "Related articles",
        "Read more:",
        "Skip to main content",
        "• Share this story •",
        "Also Read: ICC Cricket World Cup 2023 Prize Money: How much finalists will win",
        "Related Pages:",
        "Related: Why the Fed held rates",
        "Editors' Recommendations",
        "More from the US v Google trial: Vertical search, pre-installs and the case of Firefox/Yahoo",
        "You might also like",
        "Valve Steam Deck OLED SCORE 89 Engadget 89 Critics - Not yet scored N/A Users - Not yet scored N/A",
        "© Copyright of Globes Publisher Itonut (1983) Ltd., 2023.",
        "© AAP",
        "Copyright 2023 The Associated Press. All rights reserved.",
        "Support our journalism: become a member from £5 a month.",
        "Donate now",
    ],
)
def test_web_furniture_lines_are_boilerplate(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "The minister declined to comment.",
        "No comment.",
        "Readers can leave a comment below the article, the editor said.",
        "The paper now has 2 million subscribers.",
        "Subscribers to the service will pay £2 more a month from June.",
        "Share prices fell 3.5 percent on Monday.",
        "The company said it would not comment on the advertisement campaign.",
        "Regulators said the cookies sold at the fair contained undeclared nuts.",
        "Comments made by the chancellor on Tuesday rattled the markets.",
        "Related coverage of the inquiry will continue all week, the broadcaster said.",
        "Copyright infringement claims rose 20% last year, the office said.",
        "Also read by millions, the column ran for a decade.",
        "More from the interview appears in Sunday's edition, the editor said.",
        "Donated organs saved 40 lives last year.",
        "The studio said the film was not yet scored when the strike began.",
        "",
    ],
)
def test_sentences_that_mention_comments_or_subscribers_are_kept(line: str) -> None:
    assert not is_boilerplate(line)


def test_embedded_posts_leave_no_link_residue_but_keep_their_words() -> None:
    line = (
        "One of those 10,000 Rakes definitely belongs to Royce Lewis. pic.twitter.com/3gRJp2i8eb — MLB (@MLB) "
        "October 3, 2023"
    )
    assert strip_boilerplate(line + "\n📰 https://t.co/oUNhlBkWe3 pic.twitter.com/vMCAMpCFfk — Detroit Lions") == (
        "One of those 10,000 Rakes definitely belongs to Royce Lewis. — MLB (@MLB) October 3, 2023\n📰 — Detroit Lions"
    )


def test_overlong_line_is_never_boilerplate() -> None:
    assert not is_boilerplate("Advertisement " * 30)


def test_strip_boilerplate_keeps_the_article_and_its_paragraphs() -> None:
    text = (
        "Skip to main content\n"
        "The council approved the budget on Monday.\n\n"
        "Share this article\n"
        "Facebook | Twitter | Email\n\n"
        "Councillors said subscribers to the local paper had written in support.\n\n"
        "Leave a Reply\n"
        "Your email address will not be published. Required fields are marked *\n\n"
        "Post Comment"
    )
    assert strip_boilerplate(text) == (
        "The council approved the budget on Monday.\n\n"
        "Councillors said subscribers to the local paper had written in support."
    )


def test_clean_body_normalises_then_strips() -> None:
    assert clean_body("  Ice storm closes schools.\r\n\r\nAdvertisement\r\n  It will reopen Friday.  ") == (
        "Ice storm closes schools.\n\nIt will reopen Friday."
    )


# --- paragraphs --------------------------------------------------------------------------------------------------


def test_paragraph_spans_are_trimmed_offsets() -> None:
    text = "  First para.  \n\n Second line\nThird line \n\n\n"
    spans = paragraph_spans(text)
    assert [text[a:b] for a, b in spans] == ["First para.", "Second line", "Third line"]


# --- sentences ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met Dr. Jones in the U.S. capital on Tuesday. They talked for an hour.",
            ["Mr. Smith met Dr. Jones in the U.S. capital on Tuesday.", "They talked for an hour."],
        ),
        (
            "Mrs. Patel and Prof. Okafor spoke. Sen. Warren and Gov. Newsom did not.",
            ["Mrs. Patel and Prof. Okafor spoke.", "Sen. Warren and Gov. Newsom did not."],
        ),
        ("The U.S. Senate voted. The House did not.", ["The U.S. Senate voted.", "The House did not."]),
        ("He lives in the U.S. He likes it there.", ["He lives in the U.S.", "He likes it there."]),
        ("Talks moved to the U.K. In London, nobody spoke.", ["Talks moved to the U.K.", "In London, nobody spoke."]),
        (
            "The law took effect on Jan. 1, 2024. Sales fell in Sept. 2023 and Dec. 2023.",
            ["The law took effect on Jan. 1, 2024.", "Sales fell in Sept. 2023 and Dec. 2023."],
        ),
        (
            "J. K. Rowling wrote it. George W. Bush read it. She is famous.",
            ["J. K. Rowling wrote it.", "George W. Bush read it.", "She is famous."],
        ),
        (
            "The economy grew 3.5 percent in 2023. Inflation was 2.1 percent.",
            ["The economy grew 3.5 percent in 2023.", "Inflation was 2.1 percent."],
        ),
        (
            "It cost $3.5 million. Prices rose 2.5%. Then they fell.",
            ["It cost $3.5 million.", "Prices rose 2.5%.", "Then they fell."],
        ),
        ("Is it true? Yes! It is.", ["Is it true?", "Yes!", "It is."]),
        ("Wait... What happened? Nothing.", ["Wait...", "What happened?", "Nothing."]),
        (
            'He said, "We will win." Then he left.',
            ['He said, "We will win."', "Then he left."],
        ),
        ("“We will win.” Then he left.", ["“We will win.”", "Then he left."]),
        ("“Will we win?” she asked. “Yes!” he said.", ["“Will we win?” she asked.", "“Yes!” he said."]),
        ("He said 'no.' She agreed.", ["He said 'no.'", "She agreed."]),
        (
            "It happened (as expected.) Investors, including Mr. Lee, balked.",
            ["It happened (as expected.)", "Investors, including Mr. Lee, balked."],
        ),
        ("He won. 2023 was a good year.", ["He won.", "2023 was a good year."]),
        (
            "Shares rose at No. 10 Downing St. today. He voted no. Labour won.",
            ["Shares rose at No. 10 Downing St. today.", "He voted no.", "Labour won."],
        ),
        ("See Fig. 3 for details. Done.", ["See Fig. 3 for details.", "Done."]),
        ("He works for Acme Inc. The firm is big.", ["He works for Acme Inc.", "The firm is big."]),
        ("They stick or they don’t. Nobody knows why.", ["They stick or they don’t.", "Nobody knows why."]),
        ("The talks failed. Łukasz Nowak resigned.", ["The talks failed.", "Łukasz Nowak resigned."]),
        ("the price was low. but demand fell.", ["the price was low. but demand fell."]),
        ("Visit example.com for more.", ["Visit example.com for more."]),
        ("A headline without a full stop", ["A headline without a full stop"]),
        ("First paragraph\n\nSecond paragraph. Two.", ["First paragraph", "Second paragraph.", "Two."]),
        ("", []),
        ("   \n\n  ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_sentence_spans_are_exact_offsets() -> None:
    text = "  Mr. Smith arrived at 9 a.m. on Jan. 5.\n\nIs he here? Yes!  “Good,” she said.\nLast line"
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "Mr. Smith arrived at 9 a.m. on Jan. 5.",
        "Is he here?",
        "Yes!",
        "“Good,” she said.",
        "Last line",
    ]
    assert spans[0] == (2, 40)


def test_sentence_spans_of_a_slice_are_absolute_and_inside_it() -> None:
    text = "Skip this. First kept. Second kept!\nThird kept? Not this one."
    start = text.index("First")
    end = text.index("Not")
    spans = sentence_spans(text, start, end)
    assert all(start <= a < b <= end for a, b in spans)
    assert [text[a:b] for a, b in spans] == ["First kept.", "Second kept!", "Third kept?"]


# --- properties over generated texts ---------------------------------------------------------------------------

TEXTS = news_texts(paragraphs=6, sentences=8, long_sentences=False) | ANY_TEXT


def _nonspace(text: str) -> str:
    return "".join(text.split())


def _check_spans(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    """Ordered, non-empty, trimmed single-line pieces of text[start:end] that hold all of its non-space text."""
    previous_end = start
    for a, b in spans:
        assert previous_end <= a < b <= end
        piece = text[a:b]
        assert piece == piece.strip() and "\n" not in piece
        previous_end = b
    assert "".join(_nonspace(text[a:b]) for a, b in spans) == _nonspace(text[start:end])


@settings(max_examples=100)
@given(text=TEXTS)
def test_sentence_spans_property_ordered_trimmed_and_lossless(text: str) -> None:
    spans = sentence_spans(text)
    _check_spans(text, spans, 0, len(text))
    assert split_sentences(text) == [text[a:b] for a, b in spans]
    assert sentence_spans(text, 0, len(text)) == spans


@settings(max_examples=60)
@given(text=TEXTS, data=st.data())
def test_sentence_spans_property_of_a_slice_are_absolute_and_inside_it(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(min_value=0, max_value=len(text)), label="start")
    end = data.draw(st.integers(min_value=start, max_value=len(text)), label="end")
    _check_spans(text, sentence_spans(text, start, end), start, end)


@settings(max_examples=60)
@given(text=TEXTS)
def test_paragraph_spans_property_lines_trimmed_and_lossless(text: str) -> None:
    spans = paragraph_spans(text)
    _check_spans(text, spans, 0, len(text))
    # a paragraph is a whole line: what separates two paragraphs holds a line break
    assert all("\n" in text[b:a] for (_, b), (a, _) in zip(spans, spans[1:], strict=False))


@settings(max_examples=100)
@given(text=ANY_TEXT)
def test_normalise_property_clean_lines_and_idempotent(text: str) -> None:
    out = normalise(text)
    assert normalise(out) == out and clean_body(clean_body(text)) == clean_body(text)
    assert "\r" not in out and "\t" not in out and "  " not in out and "\n\n\n" not in out
    assert out == out.strip() and all(line == line.strip() for line in out.split("\n"))
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in out.replace("\n", ""))
    # nothing but terminal escape sequences, control characters and spacing is removed
    sequences_gone = _ESCAPE_SEQUENCES.sub("", unicodedata.normalize("NFC", text).replace("\r", "\n"))
    kept = [ch for ch in sequences_gone if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co")]
    assert _nonspace(out) == _nonspace("".join(kept))
