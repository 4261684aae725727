"""The saved-query catalogue on its own: headers, parameters, safe binding (no store needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from almerekg.saved_queries.catalogue import (
    CHAPTER_KEYS,
    RESERVED,
    CatalogueError,
    ParamError,
    load_catalogue,
    load_query,
    mask,
)
from almerekg.settings import Settings

QUERIES = Settings().queries_dir
BASE = "https://almerekg.example"

# The catalogue must hold one saved query per table and list of the report, plus the prose questions.
REQUIRED = ["tabel-1", "tabel-2", "tabel-3", "tabel-4", "tabel-5", "tabel-6", "pbl-specialisatie",
            "soorten-partners", "schema-1", "rd-bedrijven", "netwerken-buiten-almere", "joint-ventures"]


@pytest.fixture(scope="module")
def cat():  # noqa: ANN201
    return load_catalogue(QUERIES)


def test_every_table_and_question_has_a_saved_query(cat) -> None:  # noqa: ANN001
    assert set(REQUIRED) <= set(cat.names())
    # Grouped by chapter in the report's order, numbered tables first within a chapter.
    assert [key for key, _, _ in cat.by_chapter()] == list(CHAPTER_KEYS)
    assert cat.names()[:3] == ["tabel-1", "tabel-2", "tabel-3"]


def test_headers_are_complete(cat) -> None:  # noqa: ANN001
    for q in cat.queries:
        for lang in ("nl", "en"):
            assert q.title[lang].strip() and len(q.description[lang]) > 80, q.name
        assert q.source.page > 0 and q.source.part
        assert q.layout["kind"] in ("pivot", "table", "side-by-side")
        assert q.variables, q.name
        for p in q.params:
            assert p.label["nl"] and p.label["en"]
            assert p.name not in RESERVED
            if p.type == "code":
                # Values the header does not label take the graph's labels (tests/queries/test_choices.py).
                assert p.values and (not p.value_labels or all(p.value_labels.get(v) for v in p.values)), \
                    (q.name, p.name)


def test_no_file_names_the_base_or_declares_prefixes() -> None:
    for path in sorted(QUERIES.glob("*.rq")):
        body = mask(path.read_text(encoding="utf-8"))
        assert "almerekg.example" not in path.read_text(encoding="utf-8").split("\nSELECT", 1)[1], path.name
        assert not re.search(r"\b(PREFIX|BASE)\b", body, re.I), path.name


def test_queries_run_under_another_base(cat) -> None:  # noqa: ANN001
    """The prologue carries the base, so a deployment under a path works unchanged."""
    for q in cat.queries:
        text = q.sparql("https://data.example.org/almere", q.bind({}))
        assert "BASE <https://data.example.org/almere/>" in text
        assert "PREFIX ak: <https://data.example.org/almere/def/>" in text
        ox.Store().query(text)  # parses


def test_code_parameter_binds_as_values_block(cat) -> None:  # noqa: ANN001
    q = cat.get("pbl-specialisatie")
    text = q.sparql(BASE, q.bind({"basis": "banen"}))
    assert "VALUES ?_basis { <https://almerekg.example/id/specialisation-bases/banen> }" in text
    # The VALUES block sits inside the outermost WHERE group, before the patterns.
    where = text.index("WHERE {")
    assert where < text.index("VALUES ?_basis") < text.index("?specialisation a ak:ClusterSpecialisation")
    assert q.bind({}).as_dict() == {"basis": "vestigingen"}  # the declared default


def test_integer_parameter(cat) -> None:  # noqa: ANN001
    q = cat.get("joint-ventures")
    b = q.bind({"min_aandeel": " 50 "})
    assert b.as_dict() == {"min_aandeel": "50"}
    assert 'VALUES ?_min_aandeel { "50"^^<http://www.w3.org/2001/XMLSchema#integer> }' in q.sparql(BASE, b)
    for bad in ("101", "-1", "5.5", "50 OR 1=1", "1e3", "", "０"):
        if bad == "":
            assert q.bind({"min_aandeel": bad}).as_dict()["min_aandeel"] == "0"  # empty: the default
            continue
        with pytest.raises(ParamError):
            q.bind({"min_aandeel": bad})


def test_optional_code_parameter_without_value_is_unbound(cat) -> None:  # noqa: ANN001
    q = cat.get("rd-bedrijven")
    assert q.bind({}).values == ()
    assert "VALUES" not in q.sparql(BASE, q.bind({}))
    assert "<https://almerekg.example/id/establishment-categories/e>" in q.sparql(BASE, q.bind({"soort": "e"}))


INJECTIONS = [
    "banen> } ?s ?p ?o . { <x",
    'banen" . } DELETE WHERE { ?s ?p ?o } #',
    "banen\n}\nSELECT * WHERE { ?s ?p ?o }",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "banen ",
    "BANEN",
    "vestigingen#",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_attempts_are_refused(cat, value: str) -> None:  # noqa: ANN001
    q = cat.get("pbl-specialisatie")
    with pytest.raises(ParamError) as exc:
        q.bind({"basis": value})
    assert "is not one of" in str(exc.value)


def test_unknown_and_reserved_names_are_refused(cat) -> None:  # noqa: ANN001
    q = cat.get("tabel-1")
    with pytest.raises(ParamError, match="unknown parameter"):
        q.bind({"sector": "a"})


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=40))
def test_any_text_is_either_an_allowed_value_or_refused(value: str) -> None:
    q = _cached_cat().get("pbl-specialisatie")
    try:
        binding = q.bind({"basis": value})
    except ParamError:
        return
    # Accepted: then it was empty (default) or exactly an allowed code, and the query text holds
    # nothing of the input beyond the catalogue's own IRI.
    assert binding.as_dict()["basis"] in ("vestigingen", "banen")
    assert value in ("", "vestigingen", "banen")


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=30))
def test_any_text_for_a_number_is_either_a_number_or_refused(value: str) -> None:
    q = _cached_cat().get("joint-ventures")
    try:
        binding = q.bind({"min_aandeel": value})
    except ParamError:
        return
    n = int(binding.as_dict()["min_aandeel"])
    assert 0 <= n <= 100
    ox.Store().query(q.sparql(BASE, binding))


_CAT = []


def _cached_cat():  # noqa: ANN202
    if not _CAT:
        _CAT.append(load_catalogue(QUERIES))
    return _CAT[0]


@pytest.mark.parametrize(("header", "message"), [
    ("#+ title: {nl: x}\n#+ chapter: '2'\n#+ source: {label: T, part: tabel-1, page: 8}\n", "title"),
    ("#+ title: {nl: a, en: b}\n#+ description: {nl: a, en: b}\n#+ chapter: '9'\n", "chapter"),
    ("#+ [not: yaml\n", "YAML"),
])
def test_broken_headers_are_named_at_load(tmp_path: Path, header: str, message: str) -> None:
    path = tmp_path / "broken.rq"
    path.write_text(header + "SELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_query(path)


GOOD_HEADER = """#+ title: {nl: a, en: b}
#+ description: {nl: a, en: b}
#+ chapter: "2"
#+ source: {label: Tabel 1, part: tabel-1, page: 8}
#+ layout: {kind: table, columns: [{var: s, header: S}]}
"""


@pytest.mark.parametrize(("body", "message"), [
    ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 5\n", "LIMIT"),
    ("PREFIX ex: <http://example.org/>\nSELECT ?s WHERE { ?s ex:p ?o }\n", "PREFIX"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n", "SELECT"),
    ("SELECT ?s WHERE { ?s ?p \n", "SPARQL"),
    ("SELECT ?x WHERE { ?x ?p ?o }\n", "not in the SELECT"),
])
def test_broken_bodies_are_named_at_load(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "broken.rq"
    path.write_text(GOOD_HEADER + body, encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_query(path)


def test_parameter_declared_but_unused_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "p.rq"
    path.write_text(GOOD_HEADER + "#+ params: [{name: n, type: integer, default: 1, label: N}]\n"
                    "SELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not used"):
        load_query(path)


def test_the_app_reads_the_catalogue_once(tmp_path: Path) -> None:
    """web/state.py holds the catalogue: every view asks it, and no request reads or stats queries/ again."""
    from almerekg.engine import Engine
    from almerekg.settings import from_values
    from almerekg.web.state import AppState

    folder = tmp_path / "queries"
    folder.mkdir()
    for path in [*sorted(QUERIES.glob("*.rq")), QUERIES / "columns.yaml"]:
        (folder / path.name).write_bytes(path.read_bytes())
    settings = from_values(store=str(tmp_path / "store"), queries=str(folder))
    state = AppState(settings=settings, engine=Engine(settings))
    first, version = state.catalogue(), state.catalogue_version()
    assert [q.name for q in first.queries] == [q.name for q in load_catalogue(QUERIES).queries]
    # What the catalogue is read from: the .rq files and the download headers of columns.yaml.
    assert [name for name, _time, _size in version] == [*sorted(p.name for p in folder.glob("*.rq")), "columns.yaml"]
    for path in folder.glob("*.rq"):
        path.unlink()  # read once: the app keeps what it read until it restarts
    assert state.catalogue() is first and state.catalogue_version() == version


@pytest.mark.parametrize(("csvw", "message"), [
    ("#+ csvw: {about: x, columns: {o: ak:p}}\n", "about"),
    ("#+ csvw: {about: s, columns: {o: 'ex:p'}}\n", "prefixed name"),
    ("#+ csvw: {about: s, columns: {x: ak:p}}\n", "variable of the SELECT"),
    ("#+ csvw: {about: s, columns: {o: {property: ak:p, about: y}}}\n", "not in the SELECT"),
    ("#+ csvw: {about: s, columns: {o: {property: ak:p, sameAs: q}}}\n", "variable of the SELECT with"),
])
def test_a_broken_csvw_mapping_is_named_at_load(tmp_path: Path, csvw: str, message: str) -> None:
    path = tmp_path / "mapped.rq"
    path.write_text(GOOD_HEADER + csvw + "SELECT ?s ?o WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_query(path)
    path.write_text(GOOD_HEADER + "#+ csvw: {about: s, columns: {o: {property: ak:p, lang: nl}}}\n"
                    + "SELECT ?s ?o WHERE { ?s ?p ?o }\n", encoding="utf-8")
    assert load_query(path).csvw == {"about": "s", "columns": {"o": {"property": "ak:p", "lang": "nl"}}}
