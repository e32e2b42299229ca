"""Loading article files (.txt, .md, .html, .json, .jsonl) from real files, and reporting bad input."""

from __future__ import annotations

import base64
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import FIXTURES, SEED_DIR, SEED_FILE

from rag.errors import LoadError
from rag.ingest.loaders import SUPPORTED, iter_files, load_file
from rag.ingest.metadata import normalise_url, outlet_from_url
from rag.models import Article

GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"
BOILERPLATE = ("Leave a Reply", "Your email address will not be published", "Required fields are marked")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _one(path: Path) -> Article:
    loaded = load_file(path)
    assert loaded.errors == []
    assert len(loaded.articles) == 1
    return loaded.articles[0]


# --- .txt --------------------------------------------------------------------------------------------------------


def test_seed_article_loads_cleanly_with_its_sidecar_metadata() -> None:
    loaded = load_file(SEED_FILE)
    assert loaded.errors == []
    [article] = loaded.articles
    first_sentence = (
        "Vladimir Putin has vowed to retaliate against what he claimed were Ukrainian drone strikes on Moscow, "
        "which exposed Russia’s growing vulnerability to blowback from his invasion."
    )
    # the text file is the commissioning article unchanged; its headline, outlet and date come from the sidecar
    assert article.title == "Putin vows to retaliate after Ukrainian drone strikes on Moscow"
    assert article.outlet == "Financial Times" and article.published_at == datetime(2023, 5, 30, tzinfo=UTC)
    assert article.body.startswith(first_sentence)
    assert article.body.endswith("Additional reporting by Lucy Fisher in London")
    for furniture in BOILERPLATE:
        assert furniture not in article.body
    assert "\n\n" in article.body  # paragraphs kept
    assert article.url == ""
    assert article.origin == str(SEED_FILE)


def test_a_text_article_without_metadata_gets_its_first_sentence_as_headline(tmp_path: Path) -> None:
    plain = tmp_path / "seed.txt"
    plain.write_bytes(SEED_FILE.read_bytes())
    [article] = load_file(plain).articles
    assert article.title.startswith("Vladimir Putin has vowed to retaliate") and article.title.endswith("invasion.")
    assert article.outlet == "" and article.published_at is None


def test_a_sidecar_gives_a_text_article_its_fields_and_a_headline_line_stays_out_of_the_body(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("Bridge reopens\n\nThe harbour bridge reopened on Monday, the council said.\n")
    (tmp_path / "story.meta.yaml").write_text(
        "title: Harbour bridge reopens after refit\noutlet: Port Gazette\nbyline: [Ann Lee, Bo Ray]\n"
        "published_at: 2024-03-04\nurl: https://gazette.example/bridge\nstatus: published\n"
    )
    assert list(iter_files([tmp_path])) == [tmp_path / "story.txt"]  # the sidecar is not an article of its own
    [article] = load_file(tmp_path / "story.txt").articles
    assert (article.title, article.outlet, article.byline) == (
        "Harbour bridge reopens after refit",
        "Port Gazette",
        "Ann Lee, Bo Ray",
    )
    assert article.published_at == datetime(2024, 3, 4, tzinfo=UTC) and article.url == "https://gazette.example/bridge"
    assert article.body == "The harbour bridge reopened on Monday, the council said."


def test_front_matter_in_a_text_article_wins_over_its_sidecar(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text(
        "---\noutlet: Courier\nembargo_until: 2031-01-01T09:00:00Z\n---\nThe vote is set.\n"
    )
    (tmp_path / "note.meta.yaml").write_text("outlet: Gazette\ntitle: Vote set\n")
    [article] = load_file(tmp_path / "note.txt").articles
    assert (article.title, article.outlet, article.body) == ("Vote set", "Courier", "The vote is set.")
    assert article.embargo_until == datetime(2031, 1, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sidecar", "reason"),
    [
        ("title: [unclosed\n", "the metadata file is malformed (line"),
        ("- just\n- a list\n", "the metadata file is not a mapping of fields"),
        ("status: retracetd\n", "status 'retracetd' is not one of published, draft, retracted"),
        ("embargo_until: next tuesday\n", "embargo_until"),
    ],
)
def test_a_bad_sidecar_fails_its_article_with_a_reason_never_publishing_it_without_its_fields(
    tmp_path: Path, sidecar: str, reason: str
) -> None:
    (tmp_path / "story.txt").write_text("The harbour bridge reopened on Monday, the council said.\n")
    (tmp_path / "story.meta.yaml").write_text(sidecar)
    with pytest.raises(LoadError) as error:
        load_file(tmp_path / "story.txt")
    assert reason in str(error.value)


def test_a_markdown_article_reads_its_sidecar_too(tmp_path: Path) -> None:
    (tmp_path / "piece.md").write_text("# Storm closes port\n\nThe port closed on Friday as the storm hit.\n")
    (tmp_path / "piece.meta.yaml").write_text("outlet: Coast News\npublished_at: 2024-02-02\n")
    [article] = load_file(tmp_path / "piece.md").articles
    assert (article.title, article.outlet) == ("Storm closes port", "Coast News")


def test_seed_folder_holds_exactly_the_seed_article() -> None:
    assert list(iter_files([SEED_DIR])) == [SEED_FILE]


def test_txt_headline_line_is_taken_as_title(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "ferry.txt",
        "Ferry strike called off after last-minute pay deal\n\n"
        "Ferry workers called off a planned strike on Thursday. Services will run as normal.\n",
    )
    article = _one(path)
    assert article.title == "Ferry strike called off after last-minute pay deal"
    assert article.body == "Ferry workers called off a planned strike on Thursday. Services will run as normal."


def test_txt_markdown_style_headline_line(tmp_path: Path) -> None:
    article = _one(_write(tmp_path / "a.txt", "# Storm warning issued\nForecasters issued an amber warning."))
    assert article.title == "Storm warning issued"
    assert article.body == "Forecasters issued an amber warning."


def test_txt_question_headline(tmp_path: Path) -> None:
    article = _one(_write(tmp_path / "a.txt", "Is this the end of cheap money?\n\nRates rose again on Thursday."))
    assert article.title == "Is this the end of cheap money?"
    assert article.body == "Rates rose again on Thursday."


@pytest.mark.parametrize(
    ("first_line", "title"),
    [
        # two sentences: not a headline
        ("Stocks rose on Monday as inflation cooled. Bonds fell.", "Stocks rose on Monday as inflation cooled."),
        # ends with a full stop
        ("Stocks rose on Monday as inflation cooled.", "Stocks rose on Monday as inflation cooled."),
        # ends with a colon: the whole line is the first "sentence"
        (
            "Stocks rose on Monday, analysts at three banks said:",
            "Stocks rose on Monday, analysts at three banks said:",
        ),
    ],
)
def test_txt_without_headline_line_uses_first_sentence(tmp_path: Path, first_line: str, title: str) -> None:
    text = f"{first_line}\n\nMore text follows here. And more."
    article = _one(_write(tmp_path / "a.txt", text))
    assert article.title == title
    assert article.body == text  # the first sentence stays in the body


def test_txt_single_line_is_title_and_body(tmp_path: Path) -> None:
    article = _one(_write(tmp_path / "a.txt", "Just one line without a headline"))
    assert article.title == article.body == "Just one line without a headline"


def test_txt_overlong_first_sentence_title_is_shortened(tmp_path: Path) -> None:
    sentence = "The council " + "and the mayor " * 30 + "agreed."
    article = _one(_write(tmp_path / "a.txt", sentence + " It rained."))
    assert len(article.title) <= 200 and article.title.endswith("…")
    assert article.body.startswith(sentence)


def test_txt_boilerplate_removed_but_normal_sentences_kept(tmp_path: Path) -> None:
    text = (
        "Local paper gains readers\n\n"
        "Skip to main content\n"
        "The Gazette now has 40,000 subscribers, its editor said on Monday.\n"
        "Share this article\n"
        "Facebook | Twitter | Email\n"
        "Readers can leave a comment below each story, and the minister declined to comment.\n"
        "Subscribe now\n"
        "We use cookies to improve your experience on our website.\n"
        "Accept all cookies\n"
        "Sign up for our daily newsletter.\n"
        "Advertisement\n"
        "Leave a Reply\n"
        "Your email address will not be published. Required fields are marked *\n"
        "Save my name, email, and website in this browser for the next time I comment.\n"
        "Post Comment\n"
    )
    article = _one(_write(tmp_path / "gazette.txt", text))
    assert article.title == "Local paper gains readers"
    assert article.body == (
        "The Gazette now has 40,000 subscribers, its editor said on Monday.\n"
        "Readers can leave a comment below each story, and the minister declined to comment."
    )


def test_txt_windows_newlines_bom_and_nbsp(tmp_path: Path) -> None:
    path = tmp_path / "win.txt"
    path.write_bytes("\ufeffTram line opens\r\n\r\nThe\u00a0tram line opened on Monday.\r\n".encode())
    article = _one(path)
    assert article.title == "Tram line opens"
    assert article.body == "The tram line opened on Monday."


def test_uppercase_extension_is_supported(tmp_path: Path) -> None:
    article = _one(_write(tmp_path / "NOTE.TXT", "Bridge closed\n\nThe bridge closed for repairs."))
    assert article.title == "Bridge closed"


# --- .md ---------------------------------------------------------------------------------------------------------

MARKDOWN = """---
title: "Council approves £40m flood defence plan"
outlet: Riverside Gazette
byline: Jane Doe
published_at: 2024-03-05T09:30:00+01:00
url: https://www.riverside.example/news/flood-plan/
embargo_until: 2024-03-05 06:00
---

The council **approved** the plan on _Tuesday_, according to [the minutes](https://riverside.example/minutes).

![A flooded street in March](https://riverside.example/img/flood.jpg)

## Reaction

* Residents *welcomed* it.
- The opposition called it `too little, too late`.

> "It is a start," said Cllr. Ann Lee.

1. Work begins in __June__.
"""


def test_markdown_front_matter_and_syntax(tmp_path: Path) -> None:
    article = _one(_write(tmp_path / "flood.md", MARKDOWN))
    assert article.title == "Council approves £40m flood defence plan"
    assert article.outlet == "Riverside Gazette"
    assert article.byline == "Jane Doe"
    assert article.published_at == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert article.embargo_until == datetime(2024, 3, 5, 6, 0, tzinfo=UTC)
    assert article.url == "https://www.riverside.example/news/flood-plan"
    assert article.source_key == "url:https://www.riverside.example/news/flood-plan"
    assert article.body == (
        "The council approved the plan on Tuesday, according to the minutes.\n\n"
        "Reaction\n\n"
        "Residents welcomed it.\n"
        "The opposition called it too little, too late.\n\n"
        '"It is a start," said Cllr. Ann Lee.\n\n'
        "Work begins in June."
    )
    for syntax in ("**", "](", "![", "##", "`", "http", "flooded street"):
        assert syntax not in article.body


def test_markdown_heading_is_title_without_front_matter(tmp_path: Path) -> None:
    article = _one(
        _write(tmp_path / "a.markdown", "# Headline from heading\n\nBody with *emphasis* and a [link](http://x.y).")
    )
    assert article.title == "Headline from heading"
    assert article.body == "Body with emphasis and a link."
    assert article.source_key.startswith("file:")


def test_markdown_without_title_uses_first_sentence(tmp_path: Path) -> None:
    article = _one(
        _write(tmp_path / "a.md", "---\noutlet: Gazette\n---\nThe **mayor** resigned. Nobody was surprised.")
    )
    assert article.title == "The mayor resigned."
    assert article.outlet == "Gazette"


def test_markdown_byline_list_and_date_only(tmp_path: Path) -> None:
    text = "---\ntitle: T\nbyline: [Ann Lee, Bo Chan]\npublished_at: 2024-02-29\n---\nText here."
    article = _one(_write(tmp_path / "a.md", text))
    assert article.byline == "Ann Lee, Bo Chan"
    assert article.published_at == datetime(2024, 2, 29, tzinfo=UTC)


def test_markdown_outlet_from_url_when_missing(tmp_path: Path) -> None:
    text = "---\ntitle: T\nurl: https://www.theguardian.com/world/2024/story\n---\nText here."
    assert _one(_write(tmp_path / "a.md", text)).outlet == "The Guardian"


STORY = "The harbour bridge reopened on Monday after a two-year refit, the council said."
HOSTILE_MARKDOWN = {  # each took minutes with patterns that scan to the end of the text per opener
    "emphasis": f"---\ntitle: T\n---\n{STORY}\n\n{'*a ' * 70_000}\n\n{STORY}\n",
    "underscores": f"---\ntitle: T\n---\n{STORY}\n\n{'_a ' * 70_000}\n\n{STORY}\n",
    "code": f"---\ntitle: T\n---\n{STORY}\n\n{'`a ' * 70_000}\n\n{STORY}\n",
    "images": f"---\ntitle: T\n---\n{STORY}\n\n{'![' * 200_000}\n\n{STORY}\n",
    "links": f"---\ntitle: T\n---\n{STORY}\n\n{'[a' * 200_000}\n\n{STORY}\n",
    "link addresses": f"---\ntitle: T\n---\n{STORY}\n\n{'[a](' * 240_000}\n\n{STORY}\n",
    "code blocks": f"---\ntitle: T\n---\n{STORY}\n\n{'```a ' * 80_000}\n\n{STORY}\n",  # linear already
    "heading": "#" + " " * 100_000 + "harbour " * 12_500,  # one line: a "# heading" never ended
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("text", list(HOSTILE_MARKDOWN.values()), ids=list(HOSTILE_MARKDOWN))
def test_markdown_syntax_that_never_closes_is_read_or_refused_at_once(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path / "hostile.md", text)
    try:
        [article] = load_file(path).articles
    except LoadError as exc:
        assert exc.reason.startswith("this is not article text")
    else:
        assert STORY in article.body or "harbour harbour" in article.body


def test_markdown_emphasis_and_links_are_still_removed_within_a_line(tmp_path: Path) -> None:
    words = " ".join(["flood"] * 40)  # an emphasised passage of 240 characters
    text = f"# Flood plan\n\nThe *council* voted, **{words}**, and [the mayor](https://x.example/a_(b)) _agreed_.\n"
    article = _one(_write(tmp_path / "a.md", text))
    assert article.body == f"The council voted, {words}, and the mayor) agreed."


# --- .html -------------------------------------------------------------------------------------------------------


def test_html_news_page_metadata_and_main_text() -> None:
    article = _one(GOOD / "harbour-bridge.html")
    assert article.title == "Harbour bridge reopens after two-year repair"
    assert article.byline == "Maria Alvarez"
    assert article.outlet == "The Coastal Herald"
    assert article.published_at is not None and article.published_at.date().isoformat() == "2024-04-12"
    assert article.url == "https://www.coastalherald.example/news/harbour-bridge-reopens"
    assert article.source_key == f"url:{article.url}"
    body = article.body
    assert "The Harbour Bridge reopened to traffic on Friday morning" in body
    assert "4.5 percent below the original budget." in body
    absent = [
        "Weather forecast menu",  # nav
        "Home",
        "Most read",  # sidebar
        "Celebrity chef",
        "Leave a Reply",  # comment form
        "Your email address will not be published",
        "Required fields are marked",
        "Post Comment",
        "Gary from Northbank",  # reader comment
        "All rights reserved",  # footer
        "Privacy policy",
        "We use cookies",  # cookie banner
        "Share on Facebook",
        "TRACKER_CODE_123",  # script
        "navy",  # style
        "By Maria Alvarez",  # byline line is metadata, not body
    ]
    for text in absent:
        assert text not in body, text


def test_htm_extension_and_minimal_page(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Tram line opens</title></head><body><article>"
        "<p>The new tram line opened on Monday, carrying 12,000 passengers on its first day, the operator said.</p>"
        "<p>Officials said journeys between the station and the hospital now take eleven minutes.</p>"
        "</article></body></html>"
    )
    article = _one(_write(tmp_path / "tram.htm", page))
    assert article.title == "Tram line opens"
    assert "carrying 12,000 passengers" in article.body
    assert article.byline == "" and article.url == ""


def test_script_laden_html_keeps_scripts_out_of_the_body() -> None:
    article = _one(BAD / "script-laden.html")
    assert article.title == "Ferry strike called off"
    assert "agreed to a 6 percent pay rise" in article.body
    assert "200 sailings" in article.body
    for code in ("TRACKING_PIXEL", "INJECTED_BY_SCRIPT", "AD_SLOT_CODE", "googletag", "POPUP", "LD_JSON", "JavaScript"):
        assert code not in article.body


def test_html_with_only_scripts_is_refused() -> None:
    with pytest.raises(LoadError) as info:
        load_file(BAD / "scripts-only.html")
    assert info.value.reason == "no article text found in this HTML page"


@pytest.mark.timeout(60)
def test_a_page_with_a_huge_meta_attribute_still_reads_its_status_at_once(tmp_path: Path) -> None:
    """Attribute names were tried from every character of a long word: minutes for a 150 KB one."""
    paragraphs = "".join(
        f"<p>{STORY} The first buses crossed at dawn, and traders welcomed them.</p>" for _ in range(3)
    )
    page = (
        f"<html><head><meta {'a' * 150_000}><meta name='newsroom:status' content='draft'><title>Bridge reopens"
        f"</title></head><body><article><h1>Bridge reopens</h1>{paragraphs}</article></body></html>"
    )
    article = _one(_write(tmp_path / "huge.html", page))
    assert article.status == "draft" and STORY in article.body


# --- .json / .jsonl ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "alias", "attribute", "value", "expected"),
    [
        ("title", "title", "title", "Port strike ends", "Port strike ends"),
        ("title", "headline", "title", "Port strike ends", "Port strike ends"),
        ("body", "body", "body", "Dock workers returned.", "Dock workers returned."),
        ("body", "text", "body", "Dock workers returned.", "Dock workers returned."),
        ("body", "content", "body", "Dock workers returned.", "Dock workers returned."),
        ("outlet", "source", "outlet", "Coastal Herald", "Coastal Herald"),
        ("outlet", "outlet", "outlet", "Coastal Herald", "Coastal Herald"),
        ("outlet", "publisher", "outlet", "Coastal Herald", "Coastal Herald"),
        ("byline", "author", "byline", "Maria Alvarez", "Maria Alvarez"),
        ("byline", "byline", "byline", "Maria Alvarez", "Maria Alvarez"),
        ("byline", "authors", "byline", ["Maria Alvarez", "Tom Reid"], "Maria Alvarez, Tom Reid"),
        (
            "published_at",
            "published_at",
            "published_at",
            "2023-11-27T08:45:59+00:00",
            datetime(2023, 11, 27, 8, 45, 59, tzinfo=UTC),
        ),
        ("published_at", "date", "published_at", "27 November 2023", datetime(2023, 11, 27, tzinfo=UTC)),
        ("published_at", "published", "published_at", 1701074759, datetime(2023, 11, 27, 8, 45, 59, tzinfo=UTC)),
        ("url", "url", "url", "https://News.Example/port/#top", "https://news.example/port"),
        ("url", "link", "url", "https://news.example/port", "https://news.example/port"),
    ],
)
@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_json_field_aliases(
    tmp_path: Path, suffix: str, field: str, alias: str, attribute: str, value: object, expected: object
) -> None:
    record: dict[str, object] = {"title": "Default title", "body": "Default body text."}
    if field in ("title", "body"):
        del record[field]
    record[alias] = value
    text = json.dumps([record]) if suffix == ".json" else json.dumps(record) + "\n"
    article = _one(_write(tmp_path / f"articles{suffix}", text))
    assert getattr(article, attribute) == expected


def test_json_outlet_from_url_when_no_source(tmp_path: Path) -> None:
    record = {"title": "T", "body": "Text.", "url": "https://www.reuters.com/world/x"}
    assert _one(_write(tmp_path / "a.json", json.dumps([record]))).outlet == "Reuters"


def test_json_single_object_is_one_article(tmp_path: Path) -> None:
    article = _one(_write(tmp_path / "a.json", json.dumps({"title": "Solo", "body": "Only one."})))
    assert article.title == "Solo"


def test_json_list_and_jsonl_give_the_same_articles(tmp_path: Path) -> None:
    records = [
        {
            "title": f"Story {i}",
            "body": f"Body of story {i}. It has two sentences.",
            "source": "Herald",
            "author": None,
            "published_at": f"2024-01-0{i}",
            "url": f"https://herald.example/story-{i}",
        }
        for i in range(1, 6)
    ]
    from_json = load_file(_write(tmp_path / "a.json", json.dumps(records)))
    from_jsonl = load_file(_write(tmp_path / "a.jsonl", "\n".join(json.dumps(r) for r in records) + "\n\n"))
    assert from_json.errors == from_jsonl.errors == []
    assert [a.article_id for a in from_json.articles] == [a.article_id for a in from_jsonl.articles]
    assert [a.content_hash for a in from_json.articles] == [a.content_hash for a in from_jsonl.articles]
    assert [a.byline for a in from_json.articles] == [""] * 5


def test_json_record_without_title_takes_first_sentence(tmp_path: Path) -> None:
    article = _one(_write(tmp_path / "a.jsonl", json.dumps({"text": "Mr. Lee won the vote. Turnout was low."})))
    assert article.title == "Mr. Lee won the vote."


# --- bad input (RELIABILITY row 7) -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "the file is empty"),
        ("binary.txt", "the content is a PNG image, not text; export the article as text first"),
        ("latin1.txt", "not UTF-8 text (invalid byte 0xe9 on line 1); save it as UTF-8 and try again"),
        ("malformed.json", "invalid JSON at line 3, column 59: Expecting property name enclosed in double quotes"),
        ("bad-date.md", "published_at 'sometime last spring' is not a date"),
        ("scripts-only.html", "no article text found in this HTML page"),
        ("notes.docx", "unsupported file type '.docx' (use .htm, .html, .json, .jsonl, .markdown, .md, .txt)"),
    ],
)
def test_bad_files_raise_load_error_with_a_reason(name: str, reason: str) -> None:
    path = BAD / name
    assert path.exists()
    with pytest.raises(LoadError) as info:
        load_file(path)
    assert info.value.reason == reason
    assert info.value.where == str(path)
    assert str(info.value) == f"{path}: {reason}"


def test_malformed_front_matter_names_the_problem_and_line() -> None:
    with pytest.raises(LoadError) as info:
        load_file(BAD / "bad-front-matter.md")
    reason = info.value.reason
    assert reason.startswith("the YAML front matter (between the '---' lines) is malformed (line ")
    assert "<unicode string>" not in reason and "\n" not in reason


def test_unclosed_front_matter_is_refused_not_leaked_into_the_body(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.md", "---\ntitle: Storm warning\noutlet: Herald\n\nForecasters issued a warning.\n")
    with pytest.raises(LoadError) as info:
        load_file(path)
    assert info.value.reason == "the YAML front matter is not closed by a '---' line"


def test_front_matter_that_is_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        load_file(_write(tmp_path / "a.md", "---\n- just\n- a list\n---\nText."))
    assert info.value.reason == "the YAML front matter is not a mapping of fields"


def test_jsonl_bad_line_reported_with_its_number_and_good_lines_loaded() -> None:
    path = BAD / "mixed.jsonl"
    loaded = load_file(path)
    assert [a.title for a in loaded.articles] == ["Port strike ends", "School opens", "Library saved"]
    [error] = loaded.errors
    assert error.where == f"{path} line 3"
    assert error.reason.startswith("invalid JSON (")
    assert str(error).startswith(f"{path} line 3: invalid JSON")


def test_json_record_without_body_reported_with_its_number() -> None:
    path = BAD / "no-body.json"
    loaded = load_file(path)
    assert [a.title for a in loaded.articles] == ["Harbour fire contained", "Council tax frozen"]
    [error] = loaded.errors
    assert error.where == f"{path} record 2"
    assert error.reason == "no article text (fields body, text or content)"


def test_json_bad_records_are_collected(tmp_path: Path) -> None:
    records = [
        {"title": "Good", "body": "A good story."},
        "just a string",
        [1, 2],
        None,
        {"title": "Bad date", "body": "Text.", "published_at": "the day after tomorrow-ish"},
        {"title": "Millisecond timestamp", "body": "Text.", "published_at": 1700000000000},
        {"title": "Only furniture", "body": "Leave a Reply\nAdvertisement\nSubscribe now"},
        {"title": "Blank", "body": "   "},
        {"title": "Not text", "body": 42},
    ]
    path = _write(tmp_path / "a.json", json.dumps(records))
    loaded = load_file(path)
    assert [a.title for a in loaded.articles] == ["Good"]
    assert [(e.where, e.reason) for e in loaded.errors] == [
        (f"{path} record 2", "expected an object with article fields (title, body, ...), got text"),
        (f"{path} record 3", "expected an object with article fields (title, body, ...), got a list"),
        (f"{path} record 4", "expected an object with article fields (title, body, ...), got null"),
        (f"{path} record 5", "published_at 'the day after tomorrow-ish' is not a date"),
        (f"{path} record 6", "published_at 1700000000000 is not a date (a timestamp in seconds is expected)"),
        (f"{path} record 7", "no article text left after removing page furniture"),
        (f"{path} record 8", "no article text (fields body, text or content)"),
        (f"{path} record 9", "body must be text, not a number (42)"),
    ]


def test_json_file_with_no_records_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        load_file(_write(tmp_path / "a.json", "[]"))
    assert info.value.reason == "no articles found"


def test_txt_with_only_boilerplate_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        load_file(_write(tmp_path / "a.txt", "Leave a Reply\n\nYour email address will not be published.\n"))
    assert info.value.reason == "no article text left after removing page furniture"


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        load_file(_write(tmp_path / "a.md", "  \n\n \t\n"))
    assert info.value.reason == "the file is empty"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        load_file(tmp_path / "gone.txt")
    assert info.value.reason == "no such file"


def test_non_utf8_reports_the_line(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Line one is fine.\nLine two has a caf\u00e9.\n".encode("latin-1"))
    with pytest.raises(LoadError) as info:
        load_file(path)
    assert "invalid byte 0xe9 on line 2" in info.value.reason


def test_every_bad_fixture_fails_cleanly() -> None:
    """No bad file crashes the loader: each raises LoadError or reports its bad records."""
    files = list(iter_files([BAD]))
    assert {p.name for p in files} == {p.name for p in BAD.iterdir() if p.suffix in SUPPORTED}
    for path in files:
        try:
            loaded = load_file(path)
        except LoadError as exc:
            assert exc.reason and exc.where == str(path)
            continue
        if path.name != "script-laden.html":
            assert loaded.errors, path


def test_iter_files_skips_unsupported_and_hidden_files(tmp_path: Path) -> None:
    shutil.copy(SEED_FILE, tmp_path / "b.txt")
    _write(tmp_path / "sub" / "a.md", "# T\nText.")
    _write(tmp_path / ".hidden" / "c.txt", "Hidden.")
    _write(tmp_path / ".d.txt", "Hidden.")
    _write(tmp_path / "notes.docx", "x")
    explicit = _write(tmp_path / "named.csv", "x")
    assert [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])] == ["b.txt", "sub/a.md"]
    assert list(iter_files([explicit])) == [explicit]  # named explicitly: passed on, load_file refuses it


# --- idempotent ids ----------------------------------------------------------------------------------------------


def test_same_file_loaded_twice_gives_the_same_ids(tmp_path: Path) -> None:
    for path in (SEED_FILE, GOOD / "harbour-bridge.html", BAD / "mixed.jsonl"):
        first, second = load_file(path), load_file(path)
        assert [a.article_id for a in first.articles] == [a.article_id for a in second.articles]
        assert [a.content_hash for a in first.articles] == [a.content_hash for a in second.articles]
    copy = shutil.copy(SEED_FILE, tmp_path / "seed.txt")
    shutil.copy(SEED_FILE.with_name(SEED_FILE.stem + ".meta.yaml"), tmp_path / "seed.meta.yaml")
    assert load_file(Path(copy)).articles[0].content_hash == load_file(SEED_FILE).articles[0].content_hash


def test_relative_and_absolute_paths_give_the_same_id(tmp_path: Path) -> None:
    _write(tmp_path / "a.txt", "Bridge closed\n\nThe bridge closed.")  # cwd is tmp_path (conftest)
    assert _one(Path("a.txt")).article_id == _one(tmp_path / "a.txt").article_id


def test_correction_keeps_the_id_of_an_article_with_a_url(tmp_path: Path) -> None:
    path = _write(tmp_path / "flood.md", MARKDOWN)
    before = _one(path)
    _write(path, MARKDOWN.replace("£40m", "£45m").replace("Tuesday", "Wednesday"))
    after = _one(path)
    assert after.article_id == before.article_id
    assert after.content_hash != before.content_hash
    # Moved to another file, the same URL is still the same article.
    moved = _one(_write(tmp_path / "elsewhere" / "copy.md", MARKDOWN))
    assert moved.article_id == before.article_id and moved.content_hash == before.content_hash


def test_correction_in_a_json_feed_keeps_the_id(tmp_path: Path) -> None:
    record = {"title": "Mayor resigns", "body": "The mayor resigned on Monday.", "url": "https://herald.example/mayor"}
    first = _one(_write(tmp_path / "feed.jsonl", json.dumps(record)))
    record.update(title="Mayor resigns after expenses row", body="The mayor resigned on Monday night.")
    second = _one(_write(tmp_path / "other-feed.json", json.dumps([record])))
    assert second.article_id == first.article_id
    assert second.content_hash != first.content_hash


def test_url_variants_are_the_same_article(tmp_path: Path) -> None:
    ids = set()
    for i, url in enumerate(
        [
            "https://www.herald.example/mayor",
            "https://WWW.Herald.Example/mayor/",
            "https://www.herald.example:443/mayor#c",
        ]
    ):
        record = {"title": "Mayor resigns", "body": "The mayor resigned.", "url": url}
        ids.add(_one(_write(tmp_path / f"f{i}.json", json.dumps([record]))).article_id)
    assert len(ids) == 1


def test_txt_file_keeps_its_id_when_edited(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", "Bridge closed\n\nThe bridge closed on Monday.")
    before = _one(path)
    _write(path, "Bridge closed\n\nThe bridge closed on Tuesday.")
    after = _one(path)
    assert after.article_id == before.article_id
    assert after.content_hash != before.content_hash


def test_records_without_url_are_distinct_by_title(tmp_path: Path) -> None:
    records = [{"title": "A", "body": "First."}, {"title": "B", "body": "Second."}, {"body": "Untitled one."}]
    loaded = load_file(_write(tmp_path / "a.json", json.dumps(records)))
    assert len({a.article_id for a in loaded.articles}) == 3


# --- metadata helpers (dates: tests/unit/test_dates.py) ---------------------------------------------------------------


def test_url_helpers() -> None:
    assert normalise_url("  HTTPS://WWW.FT.com:443/content/abc/#x ") == "https://www.ft.com/content/abc"
    assert normalise_url("not a url") == "not a url"
    assert outlet_from_url("https://www.ft.com/content/abc") == "Financial Times"
    assert outlet_from_url("https://edition.bbc.co.uk/news") == "BBC"
    assert outlet_from_url("https://www.smallpaper.example:8080/x") == "smallpaper.example"
    assert outlet_from_url("") == ""


# --- wrong-typed fields, oversized and non-prose articles ------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"title": 12345}, "title must be text, not a number (12345)"),
        ({"title": ["list", "title"]}, 'title must be text, not a list (["list", "title"])'),
        ({"author": {"name": "X"}}, 'byline must be text, not an object with fields ({"name": "X"})'),
        ({"url": 7}, "url must be text, not a number (7)"),
        ({"source": True}, "outlet must be text, not true/false (true)"),
        ({"status": 1}, "status must be text, not a number (1)"),
        ({"correction": ["a"]}, 'correction must be text, not a list (["a"])'),
    ],
)
def test_a_wrong_typed_field_fails_its_record_with_the_record_number(
    tmp_path: Path, fields: dict[str, object], reason: str
) -> None:
    good = {"title": "Harbour reopens", "body": "The harbour reopened on Monday, the port said."}
    path = _write(tmp_path / "a.json", json.dumps([good, {**good, "title": "Second", **fields}]))
    loaded = load_file(path)
    assert [a.title for a in loaded.articles] == ["Harbour reopens"]
    assert [(e.where, e.reason) for e in loaded.errors] == [(f"{path} record 2", reason)]


def test_a_list_of_names_is_a_byline_and_front_matter_types_are_checked_too(tmp_path: Path) -> None:
    record = {"title": "T", "body": "The harbour reopened.", "authors": ["Ann Lee", "Bo Ray"]}
    assert load_file(_write(tmp_path / "a.json", json.dumps(record))).articles[0].byline == "Ann Lee, Bo Ray"
    with pytest.raises(LoadError, match=r"title must be text, not a number \(2024\)"):
        load_file(_write(tmp_path / "b.md", "---\ntitle: 2024\n---\nThe harbour reopened on Monday.\n"))


KEYS_NOT_TEXT = [  # YAML reads 2023-01-01 as a date and 1 as a number: keys JSON cannot write
    ("title: {2023-01-01: x}", "title must be text, not an object with fields ({datetime.date(2023, 1, 1): 'x'})"),
    (
        "author: [{1: Ann, 2: Bo}, {2023-01-01: x}]",
        "byline must be text, not a list ([{1: 'Ann', 2: 'Bo'}, {datetime.date(2023, 1, 1): 'x'}])",
    ),
    (  # clipped, as every value shown
        "status: {2024-03-05 10:00:00: retracted after a complaint from the harbour board}",
        "status must be text, not an object with fields ({datetime.datetime(2024, 3, 5, 10, 0): 'retracted after a...)",
    ),
    ("source: {[1, 2]: x}", None),  # a list as a key: malformed YAML, said as such
]


@pytest.mark.parametrize(("front", "reason"), KEYS_NOT_TEXT)
def test_a_field_with_keys_that_are_not_text_is_refused_with_its_value(
    tmp_path: Path, front: str, reason: str | None
) -> None:
    path = _write(tmp_path / "a.md", f"---\n{front}\n---\nThe harbour reopened on Monday, the port said.\n")
    with pytest.raises(LoadError) as info:
        load_file(path)
    assert info.value.where == str(path)
    if reason is None:
        assert info.value.reason.startswith("the YAML front matter (between the '---' lines) is malformed")
    else:
        assert info.value.reason == reason


def test_an_article_over_the_size_cap_is_refused_naming_the_setting(tmp_path: Path) -> None:
    path = _write(tmp_path / "long.txt", "The harbour reopened on Monday, the port said. " * 30_000)  # 1.4 M chars
    with pytest.raises(LoadError) as error:
        load_file(path)
    assert "over the limit of 1.0 million (NEWSROOM_MAX_ARTICLE_CHARS)" in error.value.reason
    assert load_file(path, max_chars=2_000_000).articles  # the limit is a setting
    records = [{"title": "Long", "body": "Word. " * 300_000}, {"title": "Short", "body": "The port reopened."}]
    loaded = load_file(_write(tmp_path / "a.jsonl", "\n".join(json.dumps(r) for r in records)))
    assert [a.title for a in loaded.articles] == ["Short"] and "NEWSROOM_MAX_ARTICLE_CHARS" in loaded.errors[0].reason


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (base64.b64encode(bytes(range(256)) * 200).decode(), "encoded data"),
        ("function a(b){return b&&b.c?{d:b.c[0]}:null};var e=[1,2,3].map(function(f){return f*2});" * 40, "code"),
        ("\n".join(f"{i},{i * 37 % 1000},{i * 91 % 10000}.25" for i in range(400)), "table of numbers"),
    ],
)
def test_text_that_is_not_an_article_is_refused_with_what_it_looks_like(
    tmp_path: Path, content: str, kind: str
) -> None:
    with pytest.raises(LoadError, match=f"this is not article text: it looks like .*{kind}"):
        load_file(_write(tmp_path / "blob.txt", content))


def test_links_that_loop_or_point_nowhere_are_reported_and_real_links_followed(tmp_path: Path) -> None:
    from rag.ingest.loaders import walk

    root = tmp_path / "archive"
    (root / "2024").mkdir(parents=True)
    (root / "2024" / "story.md").write_text("# Harbour reopens\n\nThe harbour reopened on Monday.\n")
    (root / "2024" / "back-up").symlink_to(root, target_is_directory=True)  # a loop
    (root / "gone.txt").symlink_to(tmp_path / "deleted.txt")  # dangling
    (root / "self.txt").symlink_to(root / "self.txt")  # a link to itself
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "extra.txt").write_text("The ferry strike was called off on Wednesday, the union said.\n")
    (root / "linked").symlink_to(elsewhere, target_is_directory=True)  # a real folder link: followed
    found = {str(p.relative_to(root)): problem for p, problem in walk([root])}
    assert found["2024/story.md"] is None and found["linked/extra.txt"] is None
    assert "a link back to a folder already being read" in str(found["2024/back-up"])
    assert "a link to something that does not exist" in str(found["gone.txt"])
    assert "loops back to itself" in str(found["self.txt"])
    assert len(found) == 5


def test_a_sidecar_is_read_with_its_article_and_one_without_an_article_is_reported(tmp_path: Path) -> None:
    from rag.ingest.loaders import Skip, walk

    (tmp_path / "story.txt").write_text("The harbour bridge reopened on Monday.\n")
    (tmp_path / "story.meta.yaml").write_text("outlet: Port Gazette\n")
    (tmp_path / "lost.meta.yaml").write_text("outlet: Port Gazette\n")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    found = {p.name: problem for p, problem in walk([tmp_path])}
    assert found["story.txt"] is None and "story.meta.yaml" not in found
    assert isinstance(found["lost.meta.yaml"], Skip) and "without its article" in found["lost.meta.yaml"]
    assert isinstance(found["photo.jpg"], Skip) and "unsupported file type '.jpg'" in found["photo.jpg"]


def test_articles_in_scripts_written_without_spaces_read_as_prose(tmp_path: Path) -> None:
    ja = "東京の港は月曜日に再開したと港湾局が発表した。新しい岸壁は来年完成する予定だ。" * 20
    zh = "上海市政府周一宣布，新的地铁线路将于明年开通，预计每天运送五十万名乘客。" * 20
    for name, text in (("ja.txt", ja), ("zh.txt", zh)):
        assert load_file(_write(tmp_path / name, text)).articles, name


def test_a_lone_c1_byte_from_mojibake_never_eats_the_text_after_it() -> None:
    from rag.ingest.text import strip_controls

    mojibake = "the minister\u00e2\x80\x9d said and then the minister resigned. Later \u00e2\x80\x9c it was over"
    assert strip_controls(mojibake) == "the ministerâ said and then the minister resigned. Later â it was over"
    assert strip_controls("a\x1b]0;title\x07b\x1b[2Jc\x1b[31md") == "abcd"


@pytest.mark.parametrize(
    ("title", "site", "headline"),
    [
        ("Germany's economy shrinks - DW", "DW", "Germany's economy shrinks"),
        (
            "Germany's economy shrinks – DW – 12/07/2023",
            "Deutsche Welle",
            "Germany's economy shrinks – DW – 12/07/2023",
        ),
        ("Fed holds rates | Reuters", "Reuters", "Fed holds rates"),
        ("Fed holds rates | Reuters", "", "Fed holds rates | Reuters"),
        ("Biden's plan - explained", "The Guardian", "Biden's plan - explained"),
        (
            "Tottenham 4-1 Fulham - Premier League: match report",
            "BBC Sport",
            "Tottenham 4-1 Fulham - Premier League: match report",
        ),
        ("Tottenham beat Fulham · BBC Sport", "BBC", "Tottenham beat Fulham"),
    ],
)
def test_a_headline_loses_the_site_name_pages_append_and_nothing_else(title: str, site: str, headline: str) -> None:
    from rag.ingest.loaders import without_site

    assert without_site(title, site) == headline


def test_an_html_page_headline_is_stored_without_its_site_suffix(tmp_path: Path) -> None:
    page = tmp_path / "dw.html"
    paragraphs = "".join(
        f"<p>The German economy shrank by 0.{n} percent in the third quarter, the statistics office said on Friday, "
        f"as high energy prices and interest rates weighed on households and industry alike.</p>"
        for n in range(1, 6)
    )
    page.write_text(
        "<html><head><meta charset='utf-8'><title>Germany's economy shrinks - DW</title>"
        "<meta property='og:site_name' content='DW'></head><body><article><h1>Germany's economy shrinks</h1>"
        f"{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    [article] = load_file(page).articles
    assert article.title == "Germany's economy shrinks" and article.outlet == "DW"
