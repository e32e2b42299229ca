"""Page furniture in an article's text: lines that are not the story (comment forms, share and cookie lines,
link lists such as "Also Read: …" and "Editors' Recommendations", review score boxes, copyright lines, donation
appeals) and the residue embedded posts leave inside a line (`pic.twitter.com/…` and `t.co` links). Removed at
ingest, so no answer ever quotes them; the article's id does not change (it is made of its URL or file), so
ingesting again replaces the old text in place."""

from __future__ import annotations

import re

# Lines that are page furniture, not journalism. Matched against a whole (stripped) line.
_BOILERPLATE = [
    r"leave a (reply|comment)",
    r"(post|submit|add) (a )?comment",
    r"cancel reply",
    r"comments?( \(\d+\))?",
    r"\d+ comments?",
    r"your email address will not be published\.?( required fields are marked ?\*?)?",
    r"required fields are marked ?\*?",
    r"save my name, email,? and website in this browser for the next time i comment\.?",
    r"notify me of (follow-up comments|new posts) by email\.?",
    r"you must be logged in to post a comment\.?",
    r"(share|tweet|email|print)( this)?( article| story| page)?( on \w+)?:?",
    r"share (on|via) (facebook|twitter|x|linkedin|whatsapp|email|reddit)",
    r"(facebook|twitter|linkedin|whatsapp|reddit|pinterest|email)"
    r"( ?[|/•·] ?(facebook|twitter|linkedin|whatsapp|reddit|pinterest|email))+",
    r"(click here to )?subscribe( now| today)?( to [\w' ]+)?[.!]?",
    r"sign up (for|to) (our|the) [\w' -]*newsletters?[.!]?",
    r"(get|receive) (our|the) [\w' -]*newsletter[\w' -]*[.!]?",
    r"follow us on [\w ,&]+[.!]?",
    r"(we|this (site|website)) uses? cookies[^.]{0,160}\.?",
    r"(accept|reject|manage) (all )?cookies",
    r"by (continuing|using) (to use )?this (site|website)[^.]{0,120}cookies[^.]{0,80}\.?",
    r"advertisement",
    r"related (articles|stories|posts|coverage)",
    r"read more:?",
    r"skip to (main )?content",
    # link lists: a lead-in and a colon, then the linked headline ("Also Read: ICC World Cup 2023 prize money")
    r"(also read|read also|read more|see also|related|related (pages|stories|articles|coverage|content|reading|links)"
    r"|recommended( reading| stories| videos)?|editors['’]? (recommendations|picks)|you (may|might) also like"
    r"|must read|don['’]t miss|trending( now)?|most read|popular( now| stories)?)\s*(:.*)?",
    # a review site's score box ("SCORE 89 Engadget 89 Critics - Not yet scored N/A Users - Not yet scored")
    r".*\b(critics|users)\s*[-–—:]?\s*not yet scored\b.*",
    r"more from [^:]{1,60}:.*",  # "More from the US v Google trial: Vertical search, pre-installs and ..."
    # copyright lines ("© Copyright of Globes Publisher Itonut (1983) Ltd., 2023.", "© AAP")
    r"(©|\(c\))[^\n]{0,200}|copyright\s*(©|\(c\)|\d{4}|of\b)[^\n]{0,200}|all rights reserved\.?",
    # appeals that end a page ("Support our journalism", "Donate now", "Become a member")
    r"(please )?(support|fund) (our|independent) (journalism|reporting|newsroom)[^\n]{0,160}",
    r"(donate|subscribe|become a (member|subscriber|supporter))( now| today)?[.!]?",
]
_BOILERPLATE_RE = re.compile(r"^(?:" + "|".join(_BOILERPLATE) + r")$", re.IGNORECASE)


# what an embedded post leaves inside a line: its picture link and shortened links, never words of the story
_EMBED_RESIDUE = re.compile(r"\s*\b(?:pic\.twitter\.com/\w+|https?://t\.co/\w+)")


def is_boilerplate(line: str) -> bool:
    """True when a line is page furniture rather than the story."""
    stripped = line.strip().strip("*•·|-–—").strip()
    return bool(stripped) and len(stripped) <= 200 and bool(_BOILERPLATE_RE.match(stripped))


def strip_boilerplate(text: str) -> str:
    """Remove furniture lines and embedded posts' link residue, keeping the paragraph layout of the rest."""
    kept = [_EMBED_RESIDUE.sub("", line) for line in text.split("\n") if not is_boilerplate(line)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
