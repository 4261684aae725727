"""Rendering an HTML page with what every page shows: language, chrome words, the build it shows.

Every page gets `u(path)`, which writes a link to a page of this site in the page's language (`?lang=`),
and the language switch, which remembers the choice (core/i18n.py) and comes back to the same page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, render_template, request

from ...errors import AppError
from .i18n import LANGS, pick_lang, with_lang, words


def page_context(lang: str | None = None, fragment: str = "") -> dict:
    """`fragment`: where in the page the language switch comes back to (a browser never sends its own)."""
    lang = page_lang(lang)
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
            "switch_href": f"/lang/{other}?" + urlencode({"next": with_lang(here + fragment, other)}),
            "u": lambda path: with_lang(path, lang)}


def page_lang(lang: str | None = None) -> str:
    """The language a page is made in: the one given, else the reader's (core/i18n.py)."""
    return lang if lang in LANGS else pick_lang()


def render_page(template: str, lang: str | None = None, **context: object) -> str:
    """A template extending base.html, in the page's language. The headers that go with it (Content-Language,
    Vary, validators) are set by the one response path, core/respond.py. `switch_fragment` ("#mark") is where the
    language switch lands in the same page in the other language."""
    ctx = page_context(lang, str(context.pop("switch_fragment", "")))
    ctx.update(context)
    return render_template(template, **ctx)
