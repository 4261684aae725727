"""Answers kept in memory, keyed by build: the data only change when a new build is published.

The budget counts everything an entry holds, its key (a query text can be a megabyte) as well as its
body, so that many distinct queries with tiny answers cannot grow the server without bound. An entry
larger than an eighth of the budget is never kept: one huge answer must not flush everything else.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field

ENTRY_OVERHEAD = 256  # bytes of bookkeeping per entry (dict slot, dataclass, headers), counted too


@dataclass
class CachedAnswer:
    body: bytes
    media_type: str
    kind: str = ""
    truncated: bool = False
    _gz: bytes | None = field(default=None, repr=False)

    def gzipped(self) -> bytes:
        # Compressed once per entry: repeated hits then cost no CPU for compression.
        if self._gz is None:
            self._gz = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gz


def key_size(key: Hashable) -> int:
    """The bytes a key holds: the sum of its strings and bytes (nested tuples included)."""
    if isinstance(key, str | bytes):
        return len(key)
    if isinstance(key, tuple):
        return sum(key_size(k) for k in key) + 8 * len(key)
    return 16


class BoundedLRU:
    """A least-recently-used map bounded by the bytes of keys and values together."""

    def __init__(self, max_bytes: int, max_entry: int | None = None) -> None:
        self.max_bytes = max(0, max_bytes)
        self.max_entry = max_entry if max_entry is not None else max(1, self.max_bytes // 8)
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def bytes(self) -> int:
        return self._bytes

    def get(self, key: Hashable) -> object | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: Hashable, value: object, value_size: int) -> bool:
        """Keep a value; False when it is too large to keep at all (then nothing is kept anywhere)."""
        cost = value_size + key_size(key) + ENTRY_OVERHEAD
        if cost > self.max_entry or self.max_bytes <= 0:
            return False
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, cost)
            self._bytes += cost
            while self._bytes > self.max_bytes and self._items:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped
        return True

    def keep_only(self, build_id: str) -> None:
        """Forget entries of other builds (keys start with the build id)."""
        with self._lock:
            for key in [k for k in self._items if not (isinstance(k, tuple) and k and k[0] == build_id)]:
                self._bytes -= self._items.pop(key)[1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)


class ResultCache(BoundedLRU):
    """Answers by (build id, query, formats, dataset, ...)."""

    def get(self, key: Hashable) -> CachedAnswer | None:
        value = super().get(key)
        return value if isinstance(value, CachedAnswer) else None

    def put(self, key: Hashable, entry: CachedAnswer) -> bool:  # type: ignore[override]
        # The gzipped copy is made on demand and may double an entry: count the body twice.
        return super().put(key, entry, 2 * len(entry.body))
