"""A thing's page lists the claims in words about it (data/claims.csv): the report's words in their language, who
makes each claim, and a link to the passage in /report with the words marked; search finds a claim by its words."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

from .conftest import get, rows
from .test_search import hits


def claims_section(page: str) -> str:
    start = page.index('<section aria-labelledby="claims-h">')
    return page[start:page.index("</section>", start)]


def test_a_place_page_lists_the_claims_about_it_with_maker_and_passage(site: str) -> None:
    about_almere = [r for r in rows("claims.csv") if "place/almere" in r["about"].split(" ; ")]
    section = html.unescape(claims_section(get(f"{site}/doc/place/almere?lang=nl").text))
    quotes = re.findall(r'<q class="quote" lang="(nl|en)">(.*?)</q>', section, re.S)
    assert quotes == [(r["language"], r["quote"]) for r in about_almere]
    wall = next(r for r in about_almere if r["quote"].startswith("Nevenvestigingen zijn voor Almere"))
    item = next(li for li in section.split("<li>") if wall["quote"] in li)
    assert '<a href="/doc/publication/wall-2008?lang=nl">' in item
    mark = "/report?" + urlencode({"part": wall["source"], "mark": wall["quote"], "lang": "nl"}) + "#mark"
    assert f'href="{mark}"' in item


def test_the_authors_and_the_firms_surveyed_are_named_as_makers(site: str) -> None:
    section = html.unescape(claims_section(get(f"{site}/doc/place/almere?lang=en").text))
    came = next(li for li in section.split("<li>") if "zijn naar Almere gekomen vanwege de beschikbare ruimte" in li)
    assert ">the firms surveyed</a>" in came
    specialisation = next(li for li in section.split("<li>") if "niets specifiek geconcludeerd" in li)
    assert "Jan Peter van den Toren</a>" in specialisation and "Inge van Bussel" in specialisation
    assert ">conclusion</a>" in specialisation


def test_an_english_claim_is_marked_english(site: str) -> None:
    english = next(r for r in rows("claims.csv") if r["language"] == "en")
    thing = english["about"].split(" ; ")[0]
    section = html.unescape(claims_section(get(f"{site}/doc/{thing}?lang=nl").text))
    assert f'<q class="quote" lang="en">{english["quote"]}</q>' in section


def test_search_finds_a_claim_by_its_words(site: str) -> None:
    claim = next(r for r in rows("claims.csv") if "elk cluster afzonderlijk" in r["quote"])
    assert ("Bewering", f"/doc/claim/{claim['id']}?lang=nl") in hits(site, "elk cluster afzonderlijk")
    assert ("Claim", f"/doc/claim/{claim['id']}?lang=en") in hits(site, "elk cluster afzonderlijk", "en")
