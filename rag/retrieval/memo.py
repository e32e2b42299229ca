"""A thread-safe memory of computed values, least recently used first out: sentence vectors, terms and entities
are computed once per text, since passages recur across questions."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    """Values by text, at most `size` of them; `many` computes the missing ones in one batch."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[str, V] = OrderedDict()
        self._lock = threading.Lock()

    def many(self, texts: Sequence[str], compute: Callable[[list[str]], Iterable[V]]) -> list[V]:
        """Each text's value, computing those not remembered (each distinct text once) with `compute`."""
        with self._lock:
            known = {t: self._values[t] for t in texts if t in self._values}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            known.update(zip(missing, compute(missing), strict=True))
        with self._lock:  # one update under the lock: other threads' evictions never touch what this call returns
            for text in dict.fromkeys(texts):
                self._values[text] = known[text]
                self._values.move_to_end(text)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return [known[t] for t in texts]
