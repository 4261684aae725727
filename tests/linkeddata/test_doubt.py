"""A statement the data mark uncertain (ak:certainty) reads as a possibility, with the note that doubts it, never as
a plain fact: the report lists "MCFE in Singapore" among the MCF group, and note n-135 doubts it (issue 23, item 5).

In-process (Flask's test client): what is tested is the page's words.
"""

from __future__ import annotations

import re

import pytest

MCFE = "/doc/firm/mitsubishi-caterpillar-forklift-europe"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("lang,possibly,plain,doubt", [
    ("en", "Possibly located in Singapore", "Located in Singapore", "In doubt: see Note n-135"),
    ("nl", "Mogelijk gevestigd in Singapore", "Gevestigd in Singapore", "Twijfel: zie Noot n-135"),
])
def test_the_singapore_location_reads_as_uncertain(client, lang: str, possibly: str, plain: str,  # noqa: ANN001
                                                   doubt: str) -> None:
    html = client.get(f"{MCFE}?lang={lang}", headers={"Accept": "text/html"}).get_data(as_text=True)
    text = _text(html)
    assert possibly in text and doubt in text
    # Every mention of the location on the page is the possibility, none the plain fact.
    assert text.lower().count(plain.lower()) == text.count(possibly) >= 1
    assert '<a href="/doc/note/n-135' in html


def test_a_certain_fact_reads_as_a_fact(client) -> None:  # noqa: ANN001
    text = _text(client.get(f"{MCFE}?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True))
    assert "Founded in 1992" in text and "Possibly founded" not in text
