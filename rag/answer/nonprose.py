"""Page furniture among a story's sentences: an article's own questions, photo captions and credits, and headlines in
capitals that tease another story. They are quoted only when nothing else is close enough, and never bear an answer.
"""

from __future__ import annotations

import re


def asks(sentence: str) -> bool:
    """Whether a sentence is itself a question ("Who has won the most World Cups?"): an article's question is a
    subheading or a rhetorical turn, never the evidence that answers one."""
    return sentence.rstrip(" \"'”’)]").endswith("?")


# a photo's caption or credit: "… in this courtroom sketch", "Combination showing …", "From left: …", or a credit
# that ends the sentence ("Photograph: Michael Regan/Getty Images", "… (Getty Images)", "Credit: AFP"). A credit is
# capitalised words joined by "/", "|", "via" and the like, so a credit the page glued to the story's next sentence
# ("Credit: AP Wednesday's report from ADP suggested …") and prose with a colon ("consumer credit: balances rose")
# are no captions; nor is news about Getty Images or a Reuters/Ipsos poll. Each alternative is linear in the text.
_CREDIT_WORD = r"(?-i:(?:(?![a-z])[^\W_]|[a-z]+[A-Z])[\w.'’&-]*)"  # "Getty", "USA", "Press-Enterprise", "iStock"
_CREDIT_JOIN = r"(?:\s+|\s*[/|,&–]\s*|\s+-\s+|\s+(?:via|for|of|and|on|from)\s+)"  # never empty
_CREDIT = rf"{_CREDIT_WORD}(?:{_CREDIT_JOIN}{_CREDIT_WORD})*"
_CREDIT_END = r"\s*\)?\s*\.?\s*$"
_CAPTION = re.compile(
    r"\bin this (?:undated |handout |file |courtroom |photo |video )*(?:sketch|illustration|photo(?:graph)?)"
    r"(?=\s*(?:taken|released|made|provided|obtained|dated|from|by|shows?|[.,)]|$))"
    r"|^\s*(?:an? )?combination (?:photo|picture|image|of (?:file )?(?:photos|pictures|images)|showing)\b"
    r"|^\s*(?:from left|l-r|left to right)\b"
    rf"|\b(?:photograph|photographer|photo|picture|image|credit|photo credit|image credit|image source)\s*[:,]\s*"
    rf"{_CREDIT}{_CREDIT_END}"
    rf"|(?:^|[(.|]\s*)(?:photo|photograph|photography|illustration) by\s+{_CREDIT}{_CREDIT_END}"
    rf"|(?:^|[(/|:©]|\bvia)\s*getty(?: images)?(?:\s*/\s*{_CREDIT})?{_CREDIT_END}"
    r"|(?-i:\bREUTERS/[A-Z])|(?-i:\bAP Photo/)",
    re.IGNORECASE,
)
# where the people of a photo stand: "Harry Kane (centre)", "Sam Bankman-Fried (L) and Zhao Changpeng (R)"
_POSITION = re.compile(r"(?<![\w(])\((L|R|C|left|right|cent(?:er|re)|middle)\)", re.IGNORECASE)


def caption(sentence: str) -> bool:
    """Whether a sentence is a photo's caption or credit: the people it names are pictured, not reported on. One
    written-out position is a caption ("Harry Kane (centre)"); one letter alone is a party, a trademark or a
    copyright ("Gov. Glenn Youngkin (R)", "Kleenex (R)"), two are a caption."""
    marks = _POSITION.findall(sentence)
    if len(marks) >= 2 or any(len(m) > 1 for m in marks):
        return True
    return bool(_CAPTION.search(sentence))


def furniture(sentence: str) -> bool:
    """Whether a sentence is page furniture rather than the story's own statement: an article's own question
    (`asks`), a photo's caption or credit, or a headline in capitals that links to another story. It is quoted only
    when nothing else is close enough: a caption ("Combination showing Former FTX CEO, Sam Bankman-Fried (L) and
    Zhao Changpeng (R), founder and chief executive officer of Binance") names people without saying what they
    did, and "MATTHEW PERRY CAUSE OF DEATH LISTED AS 'ACUTE EFFECTS OF KETAMINE'" is a link to another report."""
    return asks(sentence) or caption(sentence) or shouted(sentence)


SHOUTED_WORDS = 4  # words in capitals that make a line a headline (a sentence may hold a few acronyms)
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'’]+\b")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’]+\b")


def shouted(sentence: str) -> bool:
    """Whether a sentence is a headline set in capitals (a teaser for another story that the page embeds in the
    text): at least four words of capitals and more of them than words in lower case. "NASA and the FBI said" is
    no headline."""
    caps = len(_CAPS_WORD.findall(sentence))
    return caps >= SHOUTED_WORDS and caps > len(_LOWER_WORD.findall(sentence))
