"""Rendering an HTML page with what every page shows: language, chrome words, the build it shows."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, render_template, request

from ...errors import AppError
from .i18n import pick_lang, words


def page_context(lang: str | None = None) -> dict:
    lang = lang or pick_lang()
    other = "en" if lang == "nl" else "nl"
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", other)]
    state = current_app.extensions.get("almerekg")
    build = None
    if state is not None:
        try:
            build = state.engine.build().info
        except AppError:
            build = None  # a page still renders (without a build line) when no store is open
    return {"lang": lang, "w": words(lang), "build": build, "other_lang_query": urlencode(args)}


def render_page(template: str, status: int = 200, lang: str | None = None, **context):
    """Render a template extending base.html; Content-Language and Vary follow the chosen language."""
    ctx = page_context(lang)
    ctx.update(context)
    body = render_template(template, **ctx)
    headers = {"Content-Language": ctx["lang"], "Vary": "Accept-Language"}
    return body, status, headers
