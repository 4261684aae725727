"""Answers kept in memory, keyed by build: the data only changes when a new build is published."""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field


@dataclass
class CachedAnswer:
    body: bytes
    media_type: str
    _gz: bytes | None = field(default=None, repr=False)

    def gzipped(self) -> bytes:
        # Compressed once per entry: repeated hits then cost no CPU for compression.
        if self._gz is None:
            self._gz = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gz


class ResultCache:
    """A least-recently-used map bounded by the total size of the bodies it holds."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max(1, max_bytes // 8)  # one huge answer must not flush everything else
        self._items: OrderedDict[Hashable, CachedAnswer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> CachedAnswer | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: Hashable, entry: CachedAnswer) -> None:
        size = len(entry.body)
        if size > self.max_entry or self.max_bytes <= 0:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = entry
            self._bytes += size
            while self._bytes > self.max_bytes and self._items:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)

    def keep_only(self, build_id: str) -> None:
        """Forget answers of other builds (keys start with the build id)."""
        with self._lock:
            for key in [k for k in self._items if not (isinstance(k, tuple) and k and k[0] == build_id)]:
                self._bytes -= len(self._items.pop(key).body)

    def __len__(self) -> int:
        return len(self._items)
