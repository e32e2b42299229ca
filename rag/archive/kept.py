"""What a search keeps for the next one, so it is not computed again: rows decoded from a store, and the filter
masks over the keyword index's columns. A kept value is only ever reused for exactly what it was made from."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

import numpy as np

from rag.archive.filters import ArchiveFilter, FilterColumns

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class KeptRows(Generic[K, V]):
    """A bounded map from a row's key to its decoded row, for rows that never change under their key (the key
    names the row exactly, e.g. its row id and passage id). When full it starts again. Safe to share between
    threads: at worst two searches read the same row at once."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._rows: dict[K, V] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def clear(self) -> None:
        self._rows = {}

    def get(self, keys: Sequence[K], read: Callable[[list[K]], dict[K, V]]) -> dict[K, V]:
        """The rows of `keys`: the kept ones, and the others from `read` (which leaves out rows it cannot find;
        those are left out here too, and not kept)."""
        rows = self._rows
        if len(rows) + len(keys) > self.limit:  # full: start again (these rows are read afresh below)
            rows = self._rows = {}
        missing = [k for k in keys if k not in rows]
        if missing:
            rows.update(read(missing))
        return {k: rows[k] for k in keys if k in rows}


class KeptMasks:
    """Filter masks over the keyword index's current columns, for filters whose moment is fixed (a search fixes
    one for all its rankings, which ask for the same few filters again and again). A filter without a moment
    reads the clock each time and is never kept; new columns (the index changed) drop every mask."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        # the columns and their masks, swapped as one: a thread never pairs one set of columns with another's masks
        self._state: tuple[FilterColumns | None, dict[ArchiveFilter, np.ndarray]] = (None, {})

    def clear(self) -> None:
        self._state = (None, {})

    def mask(self, flt: ArchiveFilter, columns: FilterColumns) -> np.ndarray:
        """`flt.mask(columns)`, computed once per filter for these columns."""
        if flt.now is None:
            return flt.mask(columns)
        kept_columns, masks = self._state
        if kept_columns is not columns or len(masks) >= self.limit:
            masks = {}
            self._state = (columns, masks)
        mask = masks.get(flt)
        if mask is None:
            mask = masks[flt] = flt.mask(columns)
        return mask
