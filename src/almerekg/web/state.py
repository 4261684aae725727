"""What the app holds between requests, and the one way a view reaches it (no module globals)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import current_app

from ..engine import Engine
from ..saved_queries import Catalogue, load_catalogue, signature
from ..settings import Settings


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    _catalogue: tuple[Catalogue, tuple] | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def max_age(self) -> int:
        return self.settings.max_age

    def catalogue(self) -> Catalogue:
        """The saved queries (queries/*.rq), read once per app, on first use."""
        return self._loaded()[0]

    def catalogue_version(self) -> tuple:
        """Names, times and sizes of the .rq files the catalogue was read from: pages that list the saved
        queries put it in their ETag (queries/ can change without a rebuild; a restart reads it again)."""
        return self._loaded()[1]

    def _loaded(self) -> tuple[Catalogue, tuple]:
        with self._lock:
            if self._catalogue is None:
                folder = self.settings.queries_dir
                self._catalogue = (load_catalogue(folder), signature(folder))
            return self._catalogue


def app_state() -> AppState:
    return current_app.extensions["almerekg"]
