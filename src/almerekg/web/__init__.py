"""The web application: create_app(config) wires the blueprints around one query engine."""

from __future__ import annotations

from flask import Flask

from ..config import Config
from . import cors, dataset, errors, health, linkeddata, pages, queries, sparql
from .accesslog import AccessLog
from .engine import Engine
from .fastpath import AnswerReplay
from .state import AppState


def create_app(config: Config) -> Flask:
    app = Flask(__name__)
    # Bodies above the limit are refused before they are read (the protocol parser says why).
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.json.sort_keys = False
    engine = Engine(config)
    app.extensions["almerekg"] = AppState(
        config=config, engine=engine, max_age=int(config.extra.get("max_age", 60))
    )
    for module in (errors, cors, health, sparql, linkeddata, dataset, pages, queries):
        app.register_blueprint(module.bp)
    # Outermost the access log (every request, replayed or not), then the replay of finished answers.
    app.wsgi_app = AccessLog(AnswerReplay(app.wsgi_app, engine))  # type: ignore[method-assign]
    return app
