"""Counts in words for people: "1 article", "2 articles", "0 files"."""

from __future__ import annotations

_IRREGULAR = {"copy": "copies", "query": "queries"}


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun, singular for exactly one: counted(1, "file") is "1 file", counted(3, "file") "3 files"."""
    return f"{n:,} {noun if n == 1 else plural or _IRREGULAR.get(noun, noun + 's')}"
