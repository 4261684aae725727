"""What the app holds between requests, kept in app.extensions rather than in module globals."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Config
from .engine import Engine


@dataclass
class AppState:
    config: Config
    engine: Engine
    max_age: int = 60  # seconds shared caches may reuse an answer before revalidating
