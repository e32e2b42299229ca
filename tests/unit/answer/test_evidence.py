"""What passages can support: gaps (unknown sources, absent names), claim-level support, publication order."""

from __future__ import annotations

from support import make_passage

from rag.answer.claims import claim_supported
from rag.answer.gaps import find_gaps, missing_names
from rag.answer.kinds import holds_kind
from rag.answer.mentions import mentions, names_speaker, quotes_speaker
from rag.answer.nonprose import asks, furniture
from rag.answer.topics import concrete
from rag.retrieval.question import understand
from rag.retrieval.wording import word_string

FED = make_passage(
    "fed",
    [
        "The US Federal Reserve held interest rates at 5.25% on Wednesday.",
        "Jerome Powell said inflation was not beaten.",
    ],
    outlet="Reuters Wire",
    published_at="2023-11-01T12:00:00Z",
)
ECB = make_passage(
    "ecb",
    ["The European Central Bank left its deposit rate unchanged at 4%."],
    outlet="Euro Daily",
    published_at="2023-10-26T09:00:00Z",
)


def test_names_no_passage_mentions_are_found_and_two_of_them_refuse() -> None:
    alone = find_gaps(understand("What did the Bank of England decide about interest rates?"), [FED, ECB])
    assert alone.missing_names == ("Bank of England",) and alone.refuse  # the only name it is about is absent
    assert alone.refusal_text() == (
        "None of the articles found that bear on the question mention “Bank of England”, so the archive does not "
        "answer this."
    )
    one = find_gaps(understand("Did Jerome Powell and the Bank of England agree on rates?"), [FED, ECB])
    assert one.missing_names == ("Bank of England",) and not one.refuse
    assert "Bank of England" in one.partial_notice()
    two = find_gaps(understand("Did the Bank of England and Andrew Bailey raise rates?"), [FED, ECB])
    assert two.refuse and "mention “Bank of England” or “Andrew Bailey”" in two.refusal_text()
    found = find_gaps(understand("What did Jerome Powell say about the Federal Reserve?"), [FED, ECB])
    assert found.missing_names == () and not found.refuse


def test_a_name_is_mentioned_only_when_its_words_stand_together_in_one_sentence() -> None:
    scattered = make_passage(
        "japan",
        [
            "Households have long sat in cash and bank deposits.",
            "Japan's prime minister wants them to invest.",
            "The World Cup drew a record audience, the health ministry's organization said.",
        ],
    )
    gaps = find_gaps(understand("What did the Bank of Japan decide about interest rates?"), [scattered])
    assert gaps.missing_names == ("Bank of Japan",) and gaps.refuse
    who = find_gaps(understand("What did the World Health Organization say about hospitals?"), [scattered])
    assert who.missing_speakers == ("World Health Organization",) and who.refuse
    assert mentions("Changpeng Zhao", word_string("Binance founder Zhao Changpeng pleaded guilty"))
    assert mentions("Joe Biden", word_string("President Joe R. Biden said"))
    assert mentions("Bank of Japan", word_string("the Bank of Japan held rates"))
    assert mentions("Reserve Bank of Australia", word_string("Australian shares fell. The Reserve Bank raised rates."))
    assert not mentions("Reserve Bank of India", word_string("The Reserve Bank of Australia raised rates in India."))
    assert not mentions("Central Bank of Nigeria", word_string("The European Central Bank left rates unchanged."))
    assert not mentions("Bank of Japan", word_string("the bank said that for years investors in Japan lost"))
    # a number names the model: "Tesla Model 2" is not "Tesla's Model Y, its first new model since 2020"
    tesla = word_string("Tesla's first new model since 2020, when it started delivering the Model Y.")
    assert not mentions("Tesla Model 2", tesla)
    assert mentions("Tesla Model Y", tesla) and mentions("Pixel 8", word_string("Google unveils the Pixel 8 phone"))
    assert mentions("COP 28", word_string("Delegates at COP28 agreed to a fund")) and not mentions("COP 28", tesla)
    assert not mentions("Pixel 8", word_string("the Pixel 7 and the 8 new colours of Google's Pixel line"))
    # an answer's claims are read as article sentences: a score after a name is not part of it
    nfl = make_passage("nfl", ["The Bills beat the Jets 24-10 on Sunday."])
    assert claim_supported("The Bills beat the Jets 24 to 10 on Sunday [1]", [nfl])
    # other names' words may stand apart: a question's run of capitals is often more than one name
    assert mentions("Seattle Seahawks", word_string("The Seahawks lost at home. Fans in Seattle booed."))
    # a person whose words are asked for counts by surname; an institution's last word names no one
    assert names_speaker("Jerome Powell", word_string("Powell said rates may rise."))
    assert not names_speaker("World Health Organization", word_string("The organization said so."))
    assert not names_speaker("European Union", word_string("The trade union said so."))
    assert names_speaker("Martin Luther King Jr.", word_string("King said the dream lives."))
    nigeria = make_passage("ecb", ["The European Central Bank left rates unchanged.", "Nigeria's naira fell."])
    assert missing_names(understand("What did the Central Bank of Nigeria decide?"), [nigeria]) == (
        "Central Bank of Nigeria",
    )
    surname = find_gaps(
        understand("What did Jerome Powell say about rates?"),
        [make_passage("p", ["Powell said rates may rise again."])],
    )
    assert not surname.missing_names and not surname.missing_speakers and not surname.refuse


def test_a_source_the_archive_lacks_is_named_in_the_refusal() -> None:
    gaps = find_gaps(understand("What did an article by Bloomberg say about rates?", ["Reuters Wire"]), [FED])
    assert gaps.refuse and gaps.refusal_text().startswith("The archive holds no articles from Bloomberg")


def test_claim_support_checks_numbers_names_negations_and_words() -> None:
    assert claim_supported("The US Federal Reserve held interest rates at 5.25% on Wednesday. [1]", [FED])
    assert claim_supported("Reuters Wire, 2023-11-01: Jerome Powell said inflation was not beaten. [1]", [FED])
    assert claim_supported("The Federal Reserve held rates at 5.25% [1].", [FED])
    assert not claim_supported("The Federal Reserve held rates at 5.5% [1].", [FED])  # a wrong number
    assert not claim_supported("Janet Yellen said the Federal Reserve held rates [1].", [FED])  # an invented name
    assert not claim_supported("The European Central Bank did not leave its rate unchanged [1].", [ECB])  # negation
    assert not claim_supported("Bitcoin miners moved to Texas after the rate decision [1].", [FED])  # other words
    assert not claim_supported("Rates were held [1].", [])
    # markup is not part of the claim: scripts, images and link targets are left out of the check
    marked = (
        "The US <b>Federal Reserve</b> held <script>x()</script> rates ![p](https://a.example/x) "
        "[at 5.25%](https://b.example) [1]."
    )
    assert claim_supported(marked, [FED])


def test_claim_support_is_not_fooled_by_parts_of_numbers_or_a_made_up_prefix() -> None:
    assert not claim_supported("The Federal Reserve held rates at 5% [1].", [FED])  # 5 is not 5.25
    assert not claim_supported("The Federal Reserve held rates at 25% [1].", [FED])
    assert not claim_supported("Janet Yellen said: the US Federal Reserve held interest rates at 5.25% [1].", [FED])
    assert not claim_supported(" [1]", [FED])  # nothing claimed, nothing supported


def test_a_place_or_subject_next_to_report_words_is_no_unknown_source() -> None:
    gaza = make_passage("gaza", ["Aid trucks entered Gaza on Sunday, officials said."], outlet="Reuters Wire")
    question = understand("What are the latest reports from Gaza?", ["Reuters Wire"])
    assert not find_gaps(question, [gaza]).refuse  # the articles found mention Gaza: it is a subject, not a source
    assert understand("How many cases were reported in Nigeria?", ["Reuters Wire"]).unknown_sources == ()


def test_titles_weekdays_and_single_outlet_questions() -> None:
    assert understand("What did President Biden say on Monday?").entities == ("Biden",)


def test_what_a_sentence_holds_for_how_much_and_when_questions() -> None:
    """A year or a day of the month is a date, not an amount."""
    assert holds_kind("number", "Two people suffered minor injuries.")
    assert holds_kind("number", "Binance will pay $4.3 billion.") and holds_kind("number", "a fine of €35m")
    assert not holds_kind("number", "On October 7, 2023 the talks began at 10:30 a.m.")
    assert holds_kind("date", "The talks began on Tuesday.") and holds_kind("date", "It was first made in 2022.")
    assert not holds_kind("date", "Prices may rise.")


def test_an_articles_own_questions_are_told_apart_from_its_statements() -> None:
    assert asks("Who has won the most ODI Cricket World Cups?")
    assert asks("“Is this the end?”")
    assert not asks("The minister asked whether the plan would work.")


def test_a_headline_in_capitals_is_a_teaser_for_another_story_not_a_statement() -> None:
    for teaser in (
        "MATTHEW PERRY CAUSE OF DEATH LISTED AS 'ACUTE EFFECTS OF KETAMINE'",
        "ULTIMATE FATHER’S DAY GIFT: SON DONATES KIDNEY TO SAVE HIS DAD’S LIFE",
        "CLICK HERE TO GET THE FOX NEWS APP",
    ):
        assert furniture(teaser), teaser
    for statement in (
        "NASA and the FBI said the CIA and NSA agreed with the UN.",
        "US GDP grew 3% as the IMF and WTO noted.",
        "The BBC's HARDtalk host asked about the NHS.",
    ):
        assert not furniture(statement), statement


def test_photo_captions_and_credits_are_page_furniture_not_statements() -> None:
    for caption in (
        "Combination showing Former FTX CEO, Sam Bankman-Fried (L) and Zhao Changpeng (R), founder and chief "
        "executive officer of Binance.",
        "Witness Adam Yedidia answers questions during the fraud trial at Federal Court in New York City, October 5, "
        "2023, in this courtroom sketch.",
        "Photograph: Michael Regan/Getty Images",
        "Whistler is Canada's best-known resort (Getty Images)",
        "Saka missed Arsenal's 1-0 victory over City at the Emirates last time out Credit: Getty",
        "Photo by Amelia Holowaty Krales / The Verge",
        "Harry Kane (centre) and his Bayern Munich teammates applaud fans after the victory.",
        "Photo by Charley Gallay/Getty Images.",
        "Who has won the most ODI Cricket World Cups?",
    ):
        assert furniture(caption), caption
    for statement in (
        # a credit the page glued to the story's own text: the text counts
        "Credit: AP Wednesday's report from ADP suggested private employers added 89,000 jobs last month.",
        "Getty Images sued Stability AI in London, claiming it copied 12 million photographs.",
        "The clinic's claims fall into three groups: (A) ride orders, (B) payments and (C) ratings.",
        "Richard Teng, Binance's former global head of regional markets, will be the exchange's new CEO.",
        "In this photo of the economy, rates stay high for longer.",
        "The big picture: the Fed held rates steady for a second straight meeting on Wednesday.",
        "Another factor is consumer credit: revolving balances rose 4.7% in September.",
        "Credit: AP He's far better at recognising brilliance in others.",
        "Gov. Glenn Youngkin (R) said Virginia would not join the compact.",
        "Scientists are fighting back with viruses (pictured), CRISPR and designer molecules.",
        "Stability AI is being sued by Getty Images",
        "A Reuters/Ipsos poll found 39% of Americans approve of Biden.",
    ):
        assert not furniture(statement), statement
    # linear in the text: a long run of spaces after a credit's start ends at once, not in hours
    assert not furniture("Getty/" + " " * 20_000 + "!")


def test_a_topic_no_passage_holds_is_a_gap_that_refuses_in_words() -> None:
    gaps = find_gaps(understand("What did the Federal Reserve say about housing?"), [FED, ECB])
    assert gaps.missing_topics == ("housing",) and gaps.refuse and not gaps.missing_names
    assert "“housing”" in gaps.refusal_text()
    held = find_gaps(understand("What did the Federal Reserve say about interest rates?"), [FED, ECB])
    assert held.missing_topics == () and not held.refuse


def test_only_a_concrete_missing_topic_refuses_an_abstract_one_gets_a_notice() -> None:
    """Articles put "his truthfulness" in other words ("lied"), never "smoking"."""
    assert concrete("smoking") and concrete("the housing market") and concrete("climate change")
    assert not any(concrete(t) for t in ("his truthfulness", "its integration", "recent events", "what she learned"))
    gaps = find_gaps(understand("What did Jerome Powell say about his truthfulness?"), [FED, ECB])
    assert gaps.missing_topics == ("his truthfulness",) and not gaps.refuse
    assert "“his truthfulness”" in gaps.partial_notice()


def test_what_someone_said_about_a_topic_needs_a_passage_with_both() -> None:
    """Jerome Powell is in the archive and so are deposit rates, but never together."""
    apart = find_gaps(understand("What did Jerome Powell say about deposits?"), [FED, ECB])
    assert apart.unvoiced_topics == ("deposits",) and apart.refuse
    assert apart.refusal_text() == (
        "No article found mentions “Jerome Powell” together with “deposits”, so the archive does not answer this."
    )
    together = find_gaps(understand("What did Jerome Powell say about inflation?"), [FED, ECB])
    assert together.unvoiced_topics == () and not together.refuse


def test_a_topic_in_another_spelling_or_form_is_held() -> None:
    """A refusal must not hang on spelling: "economy" meets "economic", "defence" meets "defense", "ceasefire"
    meets "cease-fire"."""
    passage = make_passage(
        "war",
        ["The cease-fire held overnight, the defense ministry said, and economic talks resumed."],
        outlet="Wire",
        published_at="2023-11-01T12:00:00Z",
    )
    for question in (
        "What did the ministry say about the economy?",
        "What happened regarding the defence budget?",
        "What was reported about the ceasefire?",
    ):
        gaps = find_gaps(understand(question), [passage])
        assert gaps.missing_topics == () and not gaps.refuse, question


def test_in_a_question_of_several_parts_one_missing_topic_is_a_notice() -> None:
    gaps = find_gaps(
        understand("What did the Federal Reserve decide about interest rates, and what was said about housing?"),
        [FED, ECB],
    )
    assert gaps.missing_topics == ("housing",) and not gaps.refuse
    assert "“housing”" in gaps.partial_notice()


def test_names_that_start_like_months_are_no_dates() -> None:
    assert not any(holds_kind("date", s) for s in ("Mark Zuckerberg spoke.", "Mayor Adams said.", "Theresa May."))
    assert holds_kind("number", "Police said 2000 people marched.") and holds_kind("date", "In 2023 the firm grew.")


def test_a_person_is_quoted_only_where_the_passages_give_their_words() -> None:
    named_only = make_passage("a", ["Zenly's closure was discussed by French politicians and Snap CEO Evan Spiegel."])
    said = make_passage("b", ["Evan Spiegel said the app had run its course."])
    marks = make_passage("c", ["“It was a hard call,” Spiegel told staff in a memo."])
    pronoun = make_passage("d", ["Evan Spiegel wrote to staff on Friday night.", "“We are shutting Zenly,” he added."])
    later = make_passage("e", ["Evan Spiegel runs Snap.", "The weather was cold.", "“Nothing,” he said."])
    assert not quotes_speaker("Evan Spiegel", [named_only])
    assert all(quotes_speaker("Evan Spiegel", [p]) for p in (said, marks, pronoun))
    assert not quotes_speaker("Evan Spiegel", [later])  # "he" two sentences on may be anyone
    assert quotes_speaker("Nvidia", [make_passage("f", ["Nvidia shares rose."])])  # no person: named is enough


def test_what_a_person_said_is_refused_when_the_archive_only_names_them() -> None:
    question = understand("What did Snap CEO Evan Spiegel say about shutting down Zenly?")
    named_only = make_passage(
        "a", ["Snap decided to shut down Zenly, a move discussed by French politicians and Snap CEO Evan Spiegel."]
    )
    gaps = find_gaps(question, [named_only])
    assert gaps.refuse and gaps.unquoted_speakers and "none of them quotes" in gaps.refusal_text()
    quoted = make_passage("b", ["Evan Spiegel said shutting down Zenly was a hard decision for Snap."])
    assert not find_gaps(question, [named_only, quoted]).refuse
    # an institution's reported decisions are its words: "the Federal Reserve" is no person to be quoted
    assert not find_gaps(understand("What did the Federal Reserve say about interest rates?"), [FED]).refuse
