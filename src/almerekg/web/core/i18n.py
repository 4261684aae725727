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
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Blueprint, Response, g, redirect, request
from werkzeug.wrappers import Response as BaseResponse  # what redirect() gives

from ..http.negotiation import choose_language

LANGS = ("nl", "en")
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

bp = Blueprint("i18n", __name__)

# Words of the page chrome; content (labels, comments) comes from the graph in both languages.
WORDS: dict[str, dict[str, str]] = {
    "site": {"nl": "Groei door samenwerking in Almere — als gelinkte data",
             "en": "Groei door samenwerking in Almere — as linked data"},
    "home": {"nl": "Start", "en": "Home"},
    "report": {"nl": "Rapport", "en": "Report"},
    "network": {"nl": "Netwerk", "en": "Network"},
    "queries": {"nl": "Tabellen en vragen", "en": "Tables and questions"},
    "sparql": {"nl": "SPARQL", "en": "SPARQL"},
    "dataset": {"nl": "Dataset", "en": "Dataset"},
    "downloads": {"nl": "Downloads", "en": "Downloads"},
    "ontology": {"nl": "Ontologie", "en": "Ontology"},
    "skip": {"nl": "Naar de inhoud", "en": "Skip to content"},
    "build": {"nl": "Gegevensversie", "en": "Data build"},
    "source": {"nl": "Bron: J.P. van den Toren en I. van Bussel, Groei door samenwerking in Almere (januari 2011).",
               "en": "Source: J.P. van den Toren and I. van Bussel, Groei door samenwerking in Almere (January 2011)."},
    "other_lang": {"nl": "English", "en": "Nederlands"},
    "other_lang_title": {"nl": "Read this page in English", "en": "Lees deze pagina in het Nederlands"},
    "note": {"nl": "Noot", "en": "Note"},
    "menu": {"nl": "Hoofdmenu", "en": "Main menu"},
    "search": {"nl": "Zoeken", "en": "Search"},
    "search_button": {"nl": "Zoek", "en": "Search"},
    "search_placeholder": {"nl": "Zoek een naam", "en": "Find a name"},
}


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
    """The language of the page being made; remembers for the response what decided it."""
    lang, source = lang_and_source()
    g.almerekg_lang_source = source
    return lang


def words(lang: str) -> dict[str, str]:
    return {key: texts[lang] for key, texts in WORDS.items()}


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
