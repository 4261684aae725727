"""What every page of the site starts from: the state, the build and its index for this request, the thing a
path names, and the `?lang=` that links carry.

Every blueprint takes these from here (never from another blueprint), so the blueprints stand side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from ...engine import ActiveBuild
from ..state import AppState, app_state
from . import representations as ldhttp
from .errors import NoSuchThing
from .index import GraphIndex, IndexHolder, resource_path


def holder() -> IndexHolder:
    """The per-build index, kept on the app (not in a module global: one app, one index)."""
    # setdefault is atomic: two first requests at once still share one holder (and one load).
    return current_app.extensions.setdefault("almerekg.ld", IndexHolder())


def context() -> tuple[AppState, ActiveBuild, GraphIndex]:
    """State, build and index for this request; raises errors.AppError (503) when unavailable."""
    state = app_state()
    build = state.engine.build()
    return state, build, holder().get(state, build)


def lang_suffix(lang: str) -> str:
    """`?lang=xx` for links to pages: every link names the language, so a followed link keeps it."""
    return f"?lang={lang}" if lang in ("nl", "en") else ""


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
