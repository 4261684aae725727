"""Rendering an HTML page with what every page shows: language, chrome words, the build it shows.

Templates take their words from the message catalogue (`_()`, `{% trans %}`; core/i18n.py), rendered in the
page's language.

Templates link to the site's pages with url_for(), which adds the page's language (`?lang=`, core/i18n.py);
`u(path)` does the same for a local path that comes from the data (a thing's page). Every page gets the language
switch, which remembers the choice (core/i18n.py) and comes back to the same page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from babel import Locale
from flask import current_app, g, render_template, request
from flask_babel import force_locale

from ...errors import AppError
from .i18n import LANGS, pick_lang, tr, with_lang


def page_context(lang: str | None = None, fragment: str = "") -> dict:
    """`fragment`: where in the page the language switch comes back to (a browser never sends its own)."""
    lang = page_lang(lang)
    other = next(x for x in LANGS if x != lang)  # the language the switch offers
    here = request.path + ("?" + request.query_string.decode("latin-1") if request.query_string else "")
    state = current_app.extensions.get("almerekg")
    build = None
    if state is not None:
        try:
            build = state.engine.build().info
        except AppError:
            build = None  # a page still renders (without a build line) when no store is open
    other_name = Locale.parse(other).get_display_name(other) or other  # "English", "Nederlands": in its own language
    return {"lang": lang, "other_lang": other, "build": build,
            "site_name": tr(lang, "Groei door samenwerking in Almere — as linked data"),
            "other_lang_name": other_name[:1].upper() + other_name[1:],
            "other_lang_title": tr(other, "Read this page in %(language)s", language=other_name),
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
    g.almerekg_page_lang = ctx["lang"]  # the language url_for() gives the page's links (i18n.page_language)
    with force_locale(ctx["lang"]):  # the template's _() and {% trans %} in the page's language
        return render_template(template, **ctx)
