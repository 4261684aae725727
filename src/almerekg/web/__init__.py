"""The web application: create_app(settings) wires one blueprint per concern around one engine.

- `http/`           plumbing every view shares: negotiation, responses and caching headers, the one error
                    handler, security headers, CORS, the access log, the replay of finished answers
- `core/`           what every page shares: rendering and languages, the page context and the graph index,
                    representations, citation links, the report's text, the 404 page
- `sparql/`         /sparql: the SPARQL 1.1 Protocol, the query editor, the service description; /vendor:
                    the editor's browser code (YASGUI, installed from npm by scripts/setup.sh)
- `saved_queries/`  /queries: the saved queries as pages and APIs, their charts, /openapi.json
- `linkeddata/`     /id, /doc, /def: every IRI dereferenced, the ontology documented
- `dataset/`        /dataset, /.well-known/void, /downloads: VoID + DCAT, the dumps, the validation report
- `site/`           /, /search, /healthz: the home page, search, health, the numbers filter
- `report/`         /report: the report's text, the quoted words marked
- `network/`        /network: the partnerships as an SVG picture beside a list

The blueprints (sparql/ ... network/) import core/, http/, state.py, the engine and the layers below, never each
other (tests/test_layers.py); core/ imports only http/ and state.py of web/.
"""

from __future__ import annotations

import os
import sys
import threading

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from ..engine import Engine
from ..settings import Settings
from ..settings import load as load_settings
from .http import cors, errors, security
from .http.accesslog import AccessLog
from .http.client import trusted_networks
from .http.flow import Flow
from .http.replay import AnswerReplay
from .state import AppState


def create_app(settings: Settings) -> Flask:
    from .core import errors as page_errors
    from .core import i18n
    from .dataset import sitemap
    from .dataset import views as dataset
    from .linkeddata import views as linkeddata
    from .network import views as network
    from .report import views as report
    from .saved_queries import views as saved_queries
    from .site import health, home, numbers
    from .sparql import assets, endpoint

    app = Flask(__name__)
    # Bodies above the limit are refused before they are read (the protocol parser says why).
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    if isinstance(app.json, DefaultJSONProvider):  # Flask's own provider, the one app.json is by default
        app.json.sort_keys = False
    # Werkzeug would answer `//` paths and missing trailing slashes with absolute redirects built from the
    # Host header; security.MergeSlashes answers `//` relatively and no route depends on a trailing slash.
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    trusted_networks(settings.trusted_proxies)  # a bad --trusted-proxy stops the start, saying which
    i18n.init_babel(app)
    engine = Engine(settings)
    app.extensions["almerekg"] = AppState(settings=settings, engine=engine)
    for module in (errors, page_errors, security, cors, i18n, health, endpoint, assets, linkeddata, dataset, sitemap,
                   home, saved_queries, report, network, numbers):
        app.register_blueprint(module.bp)
    # Outermost the access log (every request, replayed or not), then what slow clients may hold (bodies,
    # threads, answers being sent), then slashes, then the replay of answers.
    replay = AnswerReplay(app.wsgi_app, engine, max_bytes=settings.cache_bytes // 4)
    app.wsgi_app = AccessLog(Flow(security.MergeSlashes(replay), settings))  # type: ignore[method-assign]
    return app


def app_from_environment() -> Flask:
    """The app for a web server process: settings from the environment `almerekg serve` prepared."""
    from .core.pages import warm_up
    from .serve import configure_logging, tune_malloc

    configure_logging()
    tune_malloc()
    # Requests are short: let a thread hold the interpreter for at most 1 ms (Python's default is 5 ms), so
    # that a cached answer does not wait behind a longer request or the access log's writer.
    sys.setswitchinterval(0.001)
    app = create_app(load_settings(environ=os.environ))
    # Load the build and the pages' index in the background: the process takes traffic (and signals) at once, and
    # the first requests wait for the load instead of meeting a process that is still starting.
    threading.Thread(target=warm_up, args=(app,), name="almerekg-warm-up", daemon=True).start()
    return app
