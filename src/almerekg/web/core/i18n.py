"""Dutch by default, English on request; the reader's choice is remembered in one cookie.

Where a page's language comes from, strongest first:

1. `?lang=nl|en` in the URL. Every link, form and redirect the site writes carries it, so a page reached by
   following the site is named by its URL alone: one URL, one language, cacheable by anyone.
2. The `lang` cookie, set only when the reader picks a language with the switch in the header
   (`/lang/<code>?next=<path>`, a 303 back to the page). It is a preference and nothing else: no id, no
   tracking, never read by anything but pick_lang().
3. Accept-Language, then Dutch.

Caching follows from that order (see `vary_on_language`): a page whose URL names its language varies only
by format and encoding; a page at a URL without `lang` is negotiated, so it says `Vary: Cookie,
Accept-Language`, and when the cookie decided it, `Cache-Control: private`, so that no shared cache ever
hands one reader's choice to another.

Links carry the language through Flask's url_for(): page_language() is the URL default that adds `lang`
to every page endpoint (never to files and machine formats); with_lang() does the same for a local URL given
as text (a thing's page, the switch's `next`).

The site's own words (page chrome, headings, buttons, help, error pages) are gettext messages: English msgids,
one catalogue per other language in web/translations/ (Flask-Babel; extraction config in babel.cfg at the
root; tests/pages/test_catalogue.py fails on a msgid without its Dutch text). English has no catalogue: its
text is the msgid itself, and a copy of every msgid as its own msgstr could only drift. Words of the data
(labels, comments, notes) come from the graph in both languages, and the report's own words stay Dutch.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from babel import support
from flask import Blueprint, Flask, Response, g, redirect, request
from flask_babel import Babel
from werkzeug.wrappers import Response as BaseResponse  # what redirect() gives

from ..http.negotiation import choose_language

LANGS = ("nl", "en")
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

bp = Blueprint("i18n", __name__)

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"  # <lang>/LC_MESSAGES/messages.po|.mo

babel = Babel()


def init_babel(app: Flask) -> None:
    """Flask-Babel on the app: `_()` and `{% trans %}` in templates, in the language pick_lang() chose."""
    babel.init_app(app, locale_selector=pick_lang, default_locale="nl",
                   default_translation_directories=str(TRANSLATIONS))


def tr(lang: str, message: str, **values: object) -> str:
    """The site's words in the given language: `message` is the English msgid of the catalogue, `values` fill
    its named placeholders (%(name)s). English reads the msgid itself; every other language its catalogue.

    The same compiled catalogue Flask-Babel gives the templates, read without a request: the graph index
    writes its phrases in both languages when a build is loaded, outside any request."""
    text = catalogue(lang).ugettext(message)
    return text % values if values else text


@cache
def catalogue(lang: str) -> support.NullTranslations:
    """The compiled catalogue of a language (web/translations/<lang>/LC_MESSAGES/messages.mo), read once."""
    return support.Translations.load(str(TRANSLATIONS), [lang])


def N_(message: str) -> str:
    """A msgid marked for extraction where it is written (a table of words), translated with tr() where shown."""
    return message


def lang_and_source() -> tuple[str, str]:
    """The page's language and what decided it: 'url', 'cookie' or 'header'."""
    wanted = request.args.get("lang", "").lower()
    if wanted in LANGS:
        return wanted, "url"
    remembered = request.cookies.get(COOKIE, "").lower()
    if remembered in LANGS:
        return remembered, "cookie"
    return choose_language(request.headers.get("Accept-Language"), LANGS) or "nl", "header"


def pick_lang() -> str:
    """The language of the page being made; remembers for the response what decided it, and for the links
    url_for() writes (page_language) which language they carry."""
    lang, source = lang_and_source()
    g.almerekg_lang_source = source
    g.almerekg_page_lang = lang
    return lang


# Endpoints that are not pages in a language: files, machine formats, the switch itself, the service's plumbing.
NO_LANG = frozenset({"static", "assets.vendor", "dataset.download", "dataset.jsonld_context_file",
                     "dataset.well_known_void", "health.healthz", "i18n.choose", "queries.openapi", "sitemap.robots",
                     "sitemap.sitemap", "sitemap.sitemap_part"})


@bp.app_url_defaults
def page_language(endpoint: str, values: dict) -> None:
    """Every link url_for() writes to a page carries the page's language (`?lang=`, see the module's
    docstring), unless it names one itself or asks for a file (an `ext` such as .ttl)."""
    lang = g.get("almerekg_page_lang")
    if lang and endpoint not in NO_LANG and "lang" not in values and "ext" not in values:
        values["lang"] = lang


def with_lang(url: str, lang: str) -> str:
    """A local URL (path, query, fragment) with `lang` set to the given language, once."""
    parts = urlsplit(url)
    args = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"] + [("lang", lang)]
    return parts.path + "?" + urlencode(args) + ("#" + parts.fragment if parts.fragment else "")


def local_target(raw: str | None) -> str:
    """A path on this site to send a reader back to; anything else (another host, `//x`, `/\\x`) is home."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or raw.startswith("/\\"):
        return "/"
    if any(c in raw for c in "\r\n\t\x00"):
        return "/"
    return raw


@bp.route("/lang/<code>", methods=["GET", "HEAD"])
def choose(code: str) -> BaseResponse:
    """The language switch: remember the choice and go back to the page, in that language."""
    code = code.lower()
    if code not in LANGS:
        code = "nl"
    resp = redirect(with_lang(local_target(request.args.get("next")), code), code=303)
    resp.autocorrect_location_header = False
    resp.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, path="/", samesite="Lax", httponly=True)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.after_app_request
def vary_on_language(resp: Response) -> Response:
    """A page whose language did not come from its URL varies by cookie and Accept-Language."""
    source = g.get("almerekg_lang_source")
    if source is None or source == "url":
        return resp
    vary = [v.strip() for v in resp.headers.get("Vary", "").split(",") if v.strip()]
    for name in ("Accept-Language", "Cookie"):
        if name.lower() not in {v.lower() for v in vary}:
            vary.append(name)
    resp.headers["Vary"] = ", ".join(vary)
    if source == "cookie" and "no-store" not in resp.headers.get("Cache-Control", ""):
        resp.headers["Cache-Control"] = resp.headers.get("Cache-Control", "").replace("public", "private") \
            or "private"
    return resp
