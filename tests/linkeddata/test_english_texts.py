"""English pages show the English of the data's notes, qualifiers and value labels, and Dutch pages the Dutch
(issue 23, item 4): a firm page's facts and relationships, the notes under Tabel 5 and Tabel 6.

In-process (the `site` fixture): what is tested is the page's words. Exact strings on both sides: the English
text is there and the Dutch text it translates is not; the Dutch page the other way round.
"""

from __future__ import annotations

import html
import re

import pytest

from .conftest import get

MCFE = "/doc/firm/mitsubishi-caterpillar-forklift-europe"
USG = "/doc/firm/usg-people"


def _text(page: str) -> str:
    """The words a reader sees: no tags, no scripts (the JSON-LD names the download URLs, tabel-5.csv)."""
    words = re.sub(r"<[^>]+>", "", re.sub(r"<script.*?</script>", "", page, flags=re.S))
    return html.unescape(re.sub(r"\s+", " ", words))


def _page(site: str, path: str, lang: str) -> tuple[str, str]:
    r = get(f"{site}{path}?lang={lang}", headers={"Accept": "text/html"})
    assert r.status_code == 200, path
    return r.text, _text(r.text)


# (English, Dutch) of what a page shows, as the page writes it.
MCFE_TEXTS = [
    ("Number of suppliers: 100 (more than; European suppliers).",
     "Aantal leveranciers: 100 (meer dan; Europese leveranciers)."),
    ('Possibly located in Singapore (uncertain; printed as "MCFE in Singapore").',
     'Mogelijk gevestigd in Singapore (onzeker; gedrukt als "MCFE in Singapore").'),
    ("Serves (area): Europe.", "Bedient (gebied): Europa."),
    ("Serves (area): Middle East.", "Bedient (gebied): Midden-Oosten."),
    ("Floor area: 65,000 m² (total business floor area).", "Bedrijfsoppervlakte: 65.000 m² (totale bedrijfsoppervlakte)."),
    ("member of groep van MCF bedrijven (MCF company).", "(MCF-bedrijf)."),
]
USG_TEXTS = [
    ("Founded in 1972 (as employment agency PBM Nederland B.V.).",
     "Opgericht in 1972 (als uitzendbureau PBM Nederland B.V.)."),
]


@pytest.mark.parametrize("path,texts", [(MCFE, MCFE_TEXTS), (USG, USG_TEXTS)])
def test_a_firm_page_in_english_shows_english_qualifiers_and_areas(site: str, path: str, texts) -> None:  # noqa: ANN001
    _html, text = _page(site, path, "en")
    for english, dutch in texts:
        assert english in text
        assert dutch not in text


@pytest.mark.parametrize("path,texts", [(MCFE, MCFE_TEXTS[:5]), (USG, USG_TEXTS)])
def test_a_firm_page_in_dutch_keeps_the_dutch(site: str, path: str, texts) -> None:  # noqa: ANN001
    _html, text = _page(site, path, "nl")
    for english, dutch in texts:
        assert dutch in text
        assert english not in text


def test_a_qualifier_in_the_page_language_is_not_marked_dutch(site: str) -> None:
    page, _text_ = _page(site, MCFE, "en")
    assert '<span class="muted">(more than; European suppliers)</span>' in page
    # The report's words stay Dutch and say so.
    assert '<q class="quote" lang="nl">Meer dan 100 Europese leveranciers</q>' in page


NOTE_020 = ("In the row Europa, Moeder has a 7, but the row total 8 (7+1+2+2+1 = 13) and the column total Moeder 10 "
            "(1+2+1+2+1+3 = 10 with 2) both call for a 2. 2 has been used; 7 is printed.",
            "In de rij Europa staat bij Moeder een 7, maar het rijtotaal 8 (7+1+2+2+1 = 13) en het kolomtotaal Moeder "
            "10 (1+2+1+2+1+3 = 10 met 2) vragen allebei een 2. Gebruikt is 2; gedrukt is 7.")
NOTE_011 = ('Tabel 5 prints a count only when a place occurs more than once ("als een plaats vaker dan 1 maal '
            'voorkomt, staat het aantal malen erbij"). An empty cell therefore means 1; no printed count has been '
            "recorded, the 1 is derived.",
            'Tabel 5 drukt alleen een aantal als een plaats vaker dan 1 maal voorkomt ("als een plaats vaker dan 1 '
            'maal voorkomt, staat het aantal malen erbij"). Een lege cel betekent dus 1; er is geen gedrukt aantal '
            "vastgelegd, de 1 is afgeleid.")
NOTE_017 = ('Tabel 5 prints "Hattermerbroek"; the place is called Hattemerbroek. The data of Tabel 5 keep the '
            "printed form; the place itself (id hattemerbroek) has the corrected name.",
            'Tabel 5 drukt "Hattermerbroek"; de plaats heet Hattemerbroek. De gegevens van Tabel 5 bewaren de gedrukte '
            "vorm; de plaats zelf (id hattemerbroek) heeft de gecorrigeerde naam.")


@pytest.mark.parametrize("path,notes", [("/queries/tabel-6", [NOTE_020]), ("/queries/tabel-5", [NOTE_011, NOTE_017])])
def test_the_notes_under_a_table_read_in_the_page_language(site: str, path: str, notes) -> None:  # noqa: ANN001
    _html, english_page = _page(site, path, "en")
    _html, dutch_page = _page(site, path, "nl")
    for english, dutch in notes:
        assert english in english_page and dutch not in english_page
        assert dutch in dutch_page and english not in dutch_page
    for text in (english_page, dutch_page):
        assert not re.search(r"tabel-\d\.csv|places\.csv|count_printed|label_tabel_2", text)


def test_a_note_page_shows_the_note_in_both_languages(site: str) -> None:
    """The note's own page lists both texts. The only file names on it are the provenance pointers (the data
    row, ak:sourceRow, and the cell, ak:dataLocation): metadata, which the rule of tests/graph/test_translations.py
    allows, never the note's words."""
    _page_, text = _page(site, "/doc/note/n-017", "en")
    assert NOTE_017[0] in text and NOTE_017[1] in text
    assert set(re.findall(r"[\w-]+\.csv", text)) == {"notes.csv", "notes-en.csv", "tabel-5.csv"}
    assert "Data row(s) in data/: notes-en.csv:18, notes.csv:18" in text
    assert "tabel-5.csv|Hattermerbroek|place" in text


@pytest.mark.parametrize("path,lang,marked", [
    (MCFE, "en", 'Activity: <span lang="nl">het produceren van elektrische heftrucks en heftrucks met '
                 "verbrandingsmotoren</span></a>"),
    ("/doc/firm/kerry-bio-science", "nl", 'Product: <span lang="en">yeast</span></a>'),
])
def test_a_value_in_the_report_words_of_another_language_is_marked(site: str, path: str, lang: str,
                                                                    marked: str) -> None:
    """A value in words is the report's (or a firm's own English): not translated, but marked with its language."""
    page, _text_ = _page(site, path, lang)
    assert marked in page
