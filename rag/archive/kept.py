"""Rows kept decoded between searches: a stored passage never changes once written (a new version of an article
is written under new ids), so what one search read, the next can reuse instead of reading and decoding it again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class KeptRows(Generic[K, V]):
    """A bounded map from a row's id to its decoded row, for rows that never change under their id. When full it
    starts again (simple, and a search's own rows are always read afresh then). Safe to share between threads:
    at worst two searches read the same row at once."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._rows: dict[K, V] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def clear(self) -> None:
        self._rows = {}

    def get(self, ids: Sequence[K], read: Callable[[list[K]], dict[K, V]]) -> dict[K, V]:
        """The rows of `ids`: the kept ones, and the others from `read` (which leaves out rows it cannot find;
        those are left out here too, and not kept)."""
        rows = self._rows
        if len(rows) + len(ids) > self.limit:
            rows = self._rows = {}
        missing = [i for i in ids if i not in rows]
        if missing:
            rows.update(read(missing))
        return {i: rows[i] for i in ids if i in rows}
