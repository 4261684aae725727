"""The query editor: a browser asking /sparql gets a form and the answer as an HTML table."""

from __future__ import annotations

import html
import re

import requests

from .conftest import BASE, EX, firm

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_editor_without_query_shows_form_and_description(sparql: str) -> None:
    r = requests.get(sparql, headers=BROWSER, timeout=30)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert '<textarea id="query" name="query"' in r.text
    assert "(named graphs)" in r.text or "(benoemde grafen)" in r.text
    assert r.headers["Content-Language"] == "nl"


def test_editor_runs_the_query_and_shows_a_table(sparql: str) -> None:
    q = f"SELECT ?f ?n WHERE {{ ?f <{EX}employees> ?n }} ORDER BY ?n LIMIT 3"
    r = requests.get(sparql, params={"query": q, "lang": "en"}, headers=BROWSER, timeout=30)
    assert r.status_code == 200
    assert "3 rows" in r.text
    cells = re.findall(r"<td>(.*?)</td>", r.text)
    assert cells[:2] == [f'<a href="/doc/firm/f0?lang=en">{firm(0)}</a>', '0<span class="muted"></span>']
    assert html.escape(q, quote=False) in r.text  # the query stays in the textarea, escaped
    assert 'href="/sparql?query=' in r.text and "format=csv" in r.text and 'download="answer.csv"' in r.text


def test_editor_escapes_literals_and_query_text(sparql: str) -> None:
    q = 'SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }'
    r = requests.get(sparql, params={"query": q}, headers=BROWSER, timeout=30)
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


def test_editor_shows_errors_with_the_protocol_status(sparql: str) -> None:
    r = requests.get(sparql, params={"query": "SELECT ?x WHERE { ?x"}, headers=BROWSER, timeout=30)
    assert r.status_code == 400
    assert "malformed query" in r.text and 'role="alert"' in r.text
    r = requests.get(sparql, params={"query": f"INSERT DATA {{ <{BASE}/x> <{EX}p> 1 }}"}, headers=BROWSER, timeout=30)
    assert r.status_code == 403 and "read-only" in r.text


def test_programs_still_get_protocol_answers(sparql: str) -> None:
    r = requests.get(sparql, params={"query": "ASK {}"}, headers={"Accept": "*/*"}, timeout=30)
    assert r.headers["Content-Type"].startswith("application/sparql-results+json")
    r = requests.get(sparql, params={"query": "ASK {}", "format": "html"}, timeout=30)
    assert r.headers["Content-Type"].startswith("text/html") and "<strong>waar</strong>" in r.text
