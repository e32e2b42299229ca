"""Article metadata parsing: publication dates, URLs and outlet names."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from dateutil import parser as date_parser

from rag.errors import LoadError

_KNOWN_OUTLETS = {
    "ft.com": "Financial Times",
    "nytimes.com": "The New York Times",
    "theguardian.com": "The Guardian",
    "bbc.co.uk": "BBC",
    "bbc.com": "BBC",
    "reuters.com": "Reuters",
    "apnews.com": "Associated Press",
    "washingtonpost.com": "The Washington Post",
    "techcrunch.com": "TechCrunch",
    "theverge.com": "The Verge",
}


def parse_date(value: Any, *, where: str = "", name: str = "date") -> datetime | None:
    """A timezone-aware datetime (UTC when no zone is given) from text, a date or a timestamp."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)):
        try:
            parsed = datetime.fromtimestamp(float(value), tz=UTC)
        except (ValueError, OverflowError, OSError) as exc:
            reason = f"{name} {value} is not a date (a timestamp in seconds is expected)"
            raise LoadError(reason, where=where or None) from exc
    else:
        try:
            parsed = date_parser.parse(str(value).strip())
        except (ValueError, OverflowError) as exc:
            raise LoadError(f"{name} '{value}' is not a date", where=where or None) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_date(value: datetime | None) -> str:
    """ISO 8601 text of a datetime, or empty."""
    return value.isoformat().replace("+00:00", "Z") if value else ""


def timestamp(value: datetime | None, missing: int = 0) -> int:
    """Unix seconds of a datetime, or `missing`."""
    return int(value.timestamp()) if value else missing


def normalise_url(url: str) -> str:
    """A URL without fragment, default ports or trailing slash, host lower-cased."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    host = parts.netloc.lower().removesuffix(":80").removesuffix(":443")
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, parts.query, ""))


def outlet_from_url(url: str) -> str:
    """A readable outlet name from a URL's host (known outlets by name, else the bare domain)."""
    if not url:
        return ""
    host = urlsplit(url).netloc.lower().split(":")[0].removeprefix("www.")
    for domain, name in _KNOWN_OUTLETS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return host
