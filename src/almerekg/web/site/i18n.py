"""Dutch by default, English on request: `?lang=nl|en` wins, then Accept-Language."""

from __future__ import annotations

from flask import request

from ..http.negotiation import choose_language

LANGS = ("nl", "en")

# Words of the page chrome; content (labels, comments) comes from the graph in both languages.
WORDS: dict[str, dict[str, str]] = {
    "site": {"nl": "Groei door samenwerking in Almere — als gelinkte data",
             "en": "Groei door samenwerking in Almere — as linked data"},
    "home": {"nl": "Start", "en": "Home"},
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
}


def pick_lang() -> str:
    wanted = request.args.get("lang", "").lower()
    if wanted in LANGS:
        return wanted
    return choose_language(request.headers.get("Accept-Language"), LANGS) or "nl"


def words(lang: str) -> dict[str, str]:
    return {key: texts[lang] for key, texts in WORDS.items()}
