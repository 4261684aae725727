"""What the app holds between requests, and the one way a view reaches it (no module globals)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from ..engine import Engine
from ..settings import Settings
from .http.responses import LargeAnswers


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    large_answers: LargeAnswers = field(init=False)

    def __post_init__(self) -> None:
        # An answer too large for the cache is "large": the process sends a bounded number of them at once.
        self.large_answers = LargeAnswers(self.settings.large_answers, self.engine.cache.max_entry)

    @property
    def max_age(self) -> int:
        return self.settings.max_age


def app_state() -> AppState:
    return current_app.extensions["almerekg"]
