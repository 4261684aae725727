"""What every page of the site starts from: the state, the build and its index for this request, and the thing a
path names. (The `?lang=` that links carry comes from url_for(): core/i18n.page_language.)

Every blueprint takes these from here (never from another blueprint), so the blueprints stand side by side.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import Flask, current_app

from ...engine import ActiveBuild
from ...errors import AppError
from ..state import AppState, app_state
from . import representations as ldhttp
from .errors import NoSuchThing
from .index import GraphIndex, IndexHolder, resource_path

log = logging.getLogger(__name__)


def holder() -> IndexHolder:
    """The per-build index, kept on the app (not in a module global: one app, one index)."""
    # setdefault is atomic: two first requests at once still share one holder (and one load).
    return current_app.extensions.setdefault("almerekg.ld", IndexHolder())


def context() -> tuple[AppState, ActiveBuild, GraphIndex]:
    """State, build and index for this request; raises errors.AppError (503) when unavailable."""
    state = app_state()
    build = state.engine.build()
    return state, build, holder().get(state, build)


def warm_up(app: Flask) -> None:
    """Load the build, then the pages' index of it, before the first reader asks: the index takes seconds (tens of
    seconds on a busy machine), which the first page, table or download request would otherwise wait."""
    app.extensions["almerekg"].engine.warm_up()
    started = time.monotonic()
    with app.app_context():
        try:
            _state, build, _index = context()
        except AppError as exc:  # no build yet, or the data unreadable: the first request says so
            log.warning("page index not loaded at start: %s", exc)
            return
    log.info("page index of build %s ready in %.1f s", build.info.build_id, time.monotonic() - started)


@dataclass(frozen=True)
class Resolved:
    """A thing of the build being served, named by an /id or /doc path."""

    ref: str  # {type}/{ref}
    iri: str
    extension: str | None  # the media type an extension in the path asked for (.ttl, .jsonld, ...)
    state: AppState
    build: ActiveBuild
    index: GraphIndex


def resolve(path: str) -> Resolved:
    """The thing a path names; errors.NoSuchThing (404) when it names none, AppError 503 when the data are
    unreadable."""
    bare, extension = ldhttp.split_extension(path)
    ref = resource_path(bare)
    if ref is None:
        raise NoSuchThing(path)
    state, build, index = context()
    if index.id_prefix + ref not in index.known:
        raise NoSuchThing(path)
    return Resolved(ref, index.id_prefix + ref, extension, state, build, index)
