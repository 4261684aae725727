"""Rendering an HTML page with what every page shows: language, chrome words, the build it shows.

Every page gets `u(path)`, which writes a link to a page of this site in the page's language (`?lang=`),
and the language switch, which remembers the choice (site/i18n.py) and comes back to the same page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, render_template, request

from ...errors import AppError
from .i18n import LANGS, pick_lang, with_lang, words


def page_context(lang: str | None = None) -> dict:
    lang = lang if lang in LANGS else pick_lang()
    other = "en" if lang == "nl" else "nl"
    here = request.path + ("?" + request.query_string.decode("latin-1") if request.query_string else "")
    state = current_app.extensions.get("almerekg")
    build = None
    if state is not None:
        try:
            build = state.engine.build().info
        except AppError:
            build = None  # a page still renders (without a build line) when no store is open
    return {"lang": lang, "other_lang": other, "w": words(lang), "build": build,
            "switch_href": f"/lang/{other}?" + urlencode({"next": with_lang(here, other)}),
            "u": lambda path: with_lang(path, lang)}


def render_page(template: str, status: int = 200, lang: str | None = None, **context):
    """Render a template extending base.html; Content-Language and Vary follow the chosen language."""
    ctx = page_context(lang)
    ctx.update(context)
    body = render_template(template, **ctx)
    headers = {"Content-Language": ctx["lang"], "Vary": "Accept-Language"}
    return body, status, headers
