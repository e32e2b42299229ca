"""Article metadata: URLs and outlet names (dates are in `rag.dates`)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

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
