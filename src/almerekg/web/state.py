"""What the app holds between requests, and the one way a view reaches it (no module globals)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from ..engine import Engine
from ..settings import Settings


@dataclass
class AppState:
    settings: Settings
    engine: Engine

    @property
    def max_age(self) -> int:
        return self.settings.max_age


def app_state() -> AppState:
    return current_app.extensions["almerekg"]
