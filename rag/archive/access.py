"""Who may see and who may write what: readers see published articles whose embargo has lifted; editors also see
drafts and embargoed articles, labelled as such. Retracted articles are shown to no one. Writing (adding,
replacing, retracting, restoring) is an editor's act (`write_rights`).

The role comes from the signed-in user's e-mail address (the app) or `--role editor` (the CLI, only when
`NEWSROOM_ALLOW_EDITOR_CLI` is set); it widens the one `ArchiveFilter` in code, never from the question.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from rag.archive.filters import READER_STATUSES, ArchiveFilter
from rag.models import Passage

READER = "reader"
EDITOR = "editor"
EDITOR_STATUSES = ("published", "draft")
_FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)  # embargoes checked against it are all lifted (a missing one is not)


def role_for(email: str | None, editors: str) -> str:
    """The role of a signed-in user: editor when their address, or "@" and their domain, is in `editors` (a
    comma-separated list from `NEWSROOM_EDITORS`); reader otherwise, and for anyone not signed in."""
    if not email or "@" not in email:
        return READER
    address = email.strip().lower()
    domain = "@" + address.rsplit("@", 1)[1]
    allowed = {e.strip().lower() for e in editors.split(",") if e.strip()}
    return EDITOR if address in allowed or domain in allowed else READER


def role_filter(role: str, flt: ArchiveFilter | None = None) -> ArchiveFilter:
    """The filter a role searches with: the user's own filter, with the statuses and embargo the role allows.
    Any role but "editor" is a reader, whatever statuses the given filter named."""
    flt = flt or ArchiveFilter()
    if role == EDITOR:
        return replace(flt, statuses=EDITOR_STATUSES, now=_FAR_FUTURE)
    # a reader's embargo is checked at the moment of the query, or earlier, never at a later moment
    now = flt.now if flt.now is not None and flt.now <= datetime.now(UTC) else None
    return replace(flt, statuses=READER_STATUSES, now=now)


def access_label(passage: Passage, now: datetime | None = None) -> str:
    """ "draft" or "embargoed until <time>" for a passage only an editor may see; empty for a published one."""
    labels = []
    if passage.status == "draft":
        labels.append("draft")
    if passage.embargo_until and passage.embargo_until > (now or datetime.now(UTC)).isoformat().replace("+00:00", "Z"):
        labels.append(f"embargoed until {passage.embargo_until[:16].replace('T', ' ')} UTC")
    return ", ".join(labels)


@dataclass(frozen=True)
class WriteRights:
    """What one writer may do to the archive, and the name its writes are recorded under in the history."""

    add: bool  # may add new articles
    change: bool  # may replace or retract stored articles (and restore earlier versions)
    who: str  # recorded with each version it writes
    why_not: str = ""  # for people, when `add` is False


def write_rights(role: str, email: str, *, shared: bool, open_uploads: bool) -> WriteRights:
    """Who may write from the app.

    - An editor (a signed-in user listed in `NEWSROOM_EDITORS`) may add, replace and retract.
    - An app only this machine can reach and without sign-in (`shared` False) serves one local user, who owns the
      data folder as `newsroom ingest` does: they may add, replace and retract.
    - On an app others can reach (a non-loopback address, or sign-in configured), a reader may not write at all,
      unless `NEWSROOM_OPEN_UPLOADS` is set: then a reader may add new articles, never change a stored one.
    """
    if role == EDITOR:
        return WriteRights(True, True, f"editor {email}" if email else "editor")
    if not shared:
        return WriteRights(True, True, "the local user")
    if open_uploads:
        return WriteRights(True, False, f"reader {email}" if email else "a reader (not signed in)")
    return WriteRights(False, False, "", "Only editors can add articles to this archive.")


def is_loopback(address: str | None) -> bool:
    """Whether a server address is reachable from this machine only (an unset address listens on every
    interface)."""
    if not address:
        return False
    host = address.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
