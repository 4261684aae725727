"""Every saved table against the report, cell for cell, through the `almerekg query` command.

The expected tables come from tests/expected/ (transcribed from the report text, never from data/);
see expected.py for the few named normalisations of the text extraction.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from almerekg.cli import main

from . import expected as exp


def cli(capsysbinary: pytest.CaptureFixture[bytes], store: Path, *args: str) -> bytes:
    code = main(["query", *args, "--store", str(store)])
    out = capsysbinary.readouterr()
    assert code == 0, out.err.decode()
    return out.out


def cli_csv(capsysbinary: pytest.CaptureFixture[bytes], store: Path, name: str, *args: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(cli(capsysbinary, store, name, "--format", "csv", *args).decode("utf-8"))))


def cli_json(capsysbinary: pytest.CaptureFixture[bytes], store: Path, name: str, *args: str) -> dict:
    return json.loads(cli(capsysbinary, store, name, "--format", "json", *args))


@pytest.mark.parametrize("n", [1, 2])
def test_tabel_1_and_2(capsysbinary, built_store: Path, n: int) -> None:  # noqa: ANN001
    got = cli_csv(capsysbinary, built_store, f"tabel-{n}")
    want = exp.sheet(n)
    assert got[0] == want[0], "column headers"
    assert [r[0] for r in got] == [r[0] for r in want], "row labels and their order"
    for g, w in zip(got, want, strict=True):
        assert g == w, f"row {w[0]!r}"
    assert "1008" in got[5], "numbers without separators"
    assert "-" in exp.tabel(n)[1] and "-" not in got[1] and "0" in got[1], "a printed '-' (nihil) written as 0"


def test_tabel_3(capsysbinary, built_store: Path) -> None:  # noqa: ANN001
    got = cli_csv(capsysbinary, built_store, "tabel-3")
    # The firms the print runs together stand one per line in their cell.
    assert got == exp.sheet(3)
    with open(Path(__file__).resolve().parents[2] / "data" / "firms.csv", encoding="utf-8", newline="") as fh:
        firms = sum(1 for firm in csv.DictReader(fh) if firm["source"] == "tabel-3")
    assert sum(len(c.splitlines()) for row in got[1:] for c in row[1:]) == firms


def test_tabel_4(capsysbinary, built_store: Path) -> None:  # noqa: ANN001
    got = cli_csv(capsysbinary, built_store, "tabel-4")
    # Tabel 4 prints no column headers; the layout's own (not printed) come first.
    assert got[0] == ["Focus", "Netwerken"]
    assert [(r[0], r[1].split("\n")) for r in got[1:]] == exp.tabel_4()


def test_tabel_5(capsysbinary, built_store: Path) -> None:  # noqa: ANN001
    got = cli_csv(capsysbinary, built_store, "tabel-5")
    assert got == exp.sheet(5)
    # Every place counts: the downloaded counts are numbers and add up to the partners the graph holds (69).
    counts = [int(c) for row in got[1:] for c in row[1:6:2] if c]
    rows = cli_json(capsysbinary, built_store, "tabel-5")["rows"]
    assert sum(counts) == sum(r["partnerCount"] for r in rows) == 69 and len(counts) == len(rows)


def test_tabel_6(capsysbinary, built_store: Path) -> None:  # noqa: ANN001
    got = cli_csv(capsysbinary, built_store, "tabel-6")
    assert got == exp.sheet(6)
    # Europa, Moeder: the value used, the print in the column `gedrukt`.
    assert got[7][1] == "2" and got[7][-1] == "Moeder: 7" and got[0][-1] == "gedrukt"


RECONSTRUCTED = exp.TABEL_6_RECONSTRUCTED


def test_tabel_6_reconstruction_follows_the_printed_text() -> None:
    """The hand reconstruction in tests/expected/tabel-6.tsv is the printed text read with the
    documented rule (one empty field after the label, Onderzoek dropped, last field the total) plus
    the three documented cells; and every row and column adds up."""
    printed, rebuilt = exp.tabel_6_printed(), exp.tabel(6)
    header = rebuilt[0]
    assert printed[0] == header
    onderzoek = header.index("Onderzoek")
    for p_row, r_row in zip(printed[1:], rebuilt[1:], strict=True):
        label, fields = p_row[0], p_row[2:]  # p_row[1] is the stray empty field
        read = fields[:-1] + [""] * (onderzoek - 1 - len(fields[:-1]))
        read = read[: onderzoek - 1] + [""] + [fields[-1]]
        for col, (was, now) in enumerate(zip(read, r_row[1:], strict=True), start=1):
            key = (label, header[col])
            if key in RECONSTRUCTED:
                assert (was, now) == RECONSTRUCTED[key], key
            else:
                assert was == now, key
    body = [[int(c) if c else 0 for c in row[1:]] for row in rebuilt[1:]]
    for row in body:
        assert sum(row[:-1]) == row[-1]
    for col in range(len(body[0])):
        assert sum(r[col] for r in body[:-1]) == body[-1][col]


def test_tabel_6_marks_exactly_the_reconstructed_cells(capsysbinary, built_store: Path) -> None:  # noqa: ANN001
    doc = cli_json(capsysbinary, built_store, "tabel-6")
    marked = {(r["rowLabel"], r["columnLabel"]): (r["printed"], r["count"]) for r in doc["rows"]
              if r["status"] and r["status"].endswith("/observation-status/reconstructed")}
    assert marked == RECONSTRUCTED


@pytest.mark.parametrize("basis", ["vestigingen", "banen"])
def test_pbl_lists(capsysbinary, built_store: Path, basis: str) -> None:  # noqa: ANN001
    args = () if basis == "vestigingen" else ("--param", f"basis={basis}")  # vestigingen is the default
    got = cli_csv(capsysbinary, built_store, "pbl-specialisatie", *args)
    assert [(r[0], r[1].split("\n")) for r in got[1:]] == exp.pbl(basis)


def test_soorten_partners(capsysbinary, built_store: Path) -> None:  # noqa: ANN001
    got = cli_csv(capsysbinary, built_store, "soorten-partners")
    assert [(int(r[0]), r[1]) for r in got[1:]] == exp.soorten_partners()


def test_schema_1(capsysbinary, built_store: Path) -> None:  # noqa: ANN001
    got = cli_csv(capsysbinary, built_store, "schema-1")
    assert [(int(r[0]), r[1]) for r in got[1:]] == exp.schema_1()


def test_rd_firms_are_the_third_column_of_tabel_3(capsysbinary, built_store: Path) -> None:  # noqa: ANN001
    want = []
    for row in exp.tabel(3)[1:]:
        letter = row[0][0]
        want += [(letter, *exp.firm(e)) for e in exp.entries(row[3])]
    rows = cli_json(capsysbinary, built_store, "rd-bedrijven")["rows"]
    got = [(r["categoryLabel"][0], r["firmName"], r["remark"], r["marker"]) for r in rows]
    assert got == want
    only_e = cli_json(capsysbinary, built_store, "rd-bedrijven", "--param", "soort=e")["rows"]
    assert [r["firmName"] for r in only_e] == [w[1] for w in want if w[0] == "e"]


def test_networks_beyond_almere_are_tabel_4_without_the_city(capsysbinary, built_store: Path) -> None:  # noqa: ANN001
    tabel_4 = cli_json(capsysbinary, built_store, "tabel-4")["rows"]
    want = {(r["network"], r["focus"]) for r in tabel_4 if not r["focus"].endswith("/network-focus/stad")}
    rows = cli_json(capsysbinary, built_store, "netwerken-buiten-almere")["rows"]
    assert {(r["network"], r["focus"]) for r in rows} == want
    assert len(rows) == sum(len(items) for label, items in exp.tabel_4() if "stad Almere" not in label)
    national = cli_json(capsysbinary, built_store, "netwerken-buiten-almere", "--param", "focus=nederland")["rows"]
    assert len(national) == len(exp.tabel_4()[3][1])


def test_joint_ventures_and_shares(capsysbinary, built_store: Path) -> None:  # noqa: ANN001
    rows = cli_json(capsysbinary, built_store, "joint-ventures")["rows"]
    got = sorted(((r["organisationName"], r["ownerName"], r["share"], r["year"]) for r in rows),
                 key=lambda g: (g[0], -g[2]))
    want = sorted(exp.joint_ventures(), key=lambda w: (w["organisation"], -int(w["share"])))
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g[0] == w["organisation"]
        assert g[1].startswith(w["owner"]), (g, w)  # the report says "Mitsubishi" for the concern
        assert g[2] == int(w["share"]) and g[3] == w["year"]
    jv = cli_json(capsysbinary, built_store, "joint-ventures", "-p", "soort=joint-venture-share",
                  "-p", "min_aandeel=50")["rows"]
    assert sorted((r["organisationName"], r["share"]) for r in jv) == [
        ("Avanade", 51), ("Mitsubishi Caterpillar Forklift Europe", 80)]


def test_header_pages_match_the_graph(built_store: Path) -> None:
    from almerekg.saved_queries.catalogue import load_catalogue
    from almerekg.settings import Settings

    store = ox.Store.read_only(str(built_store / "current" / "oxigraph"))
    for q in load_catalogue(Settings().queries_dir).queries:
        for part in q.source.parts:
            rows = list(store.query(
                f"SELECT ?page WHERE {{ <https://almerekg.example/id/report-part/{part}> "
                "<https://schema.org/pageStart> ?page }", use_default_graph_as_union=True))
            assert rows, (q.name, part)
            assert int(rows[0]["page"].value) == q.source.page, (q.name, part)


def test_cli_table_json_list_and_errors(capsysbinary, built_store: Path) -> None:  # noqa: ANN001
    text = cli(capsysbinary, built_store, "tabel-6").decode()
    assert text.startswith("Tabel 6: Aard en herkomst")
    assert "Oost-Azië" in text
    doc = cli_json(capsysbinary, built_store, "pbl-specialisatie", "--param", "basis=banen")
    assert doc["parameters"] == {"basis": "banen"} and len(doc["build"]) == 64
    # A repeated --param gives a parameter that takes several values all of them: the rows of each.
    both = cli_json(capsysbinary, built_store, "tabel-3", "--param", "categorie=b", "--param", "categorie=c")
    one = [len(cli_json(capsysbinary, built_store, "tabel-3", "--param", f"categorie={c}")["rows"]) for c in "bc"]
    assert both["parameters"] == {"categorie": ["b", "c"]} and len(both["rows"]) == sum(one) and all(one)
    listing = cli(capsysbinary, built_store, "--list").decode()
    assert "tabel-1 " in listing and "joint-ventures" in listing
    assert main(["query", "no-such-query", "--store", str(built_store)]) == 2
    assert main(["query", "pbl-specialisatie", "--param", "basis=<x>", "--store", str(built_store)]) == 2
    assert "is not one of" in capsysbinary.readouterr().err.decode()
    excel = cli(capsysbinary, built_store, "tabel-1", "--format", "csv", "--dialect", "excel-nl")
    assert excel.startswith(b"\xef\xbb\xbfSBI-code en sectie;0;1;2-4")


def test_the_installed_command(built_store: Path) -> None:
    """The real entry point, as a user runs it."""
    exe = Path(sys.executable).with_name("almerekg")
    done = subprocess.run([str(exe), "query", "tabel-5", "--format", "csv", "--store", str(built_store)],
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert list(csv.reader(io.StringIO(done.stdout.decode("utf-8")))) == exp.sheet(5)


def test_every_saved_query_answers_quickly(built_store: Path) -> None:
    """A guard against join orders the engine handles badly (a pattern after an OPTIONAL once made
    Tabel 1 take minutes): every saved query, with its defaults and with each allowed value, in well
    under a second."""
    import time

    from almerekg.engine import Engine, QueryRequest
    from almerekg.engine.rows import select
    from almerekg.saved_queries.catalogue import load_catalogue
    from almerekg.settings import Settings, from_values

    engine = Engine(from_values(store=str(built_store), query_workers=1))
    try:
        base = engine.build().info.base
        for q in load_catalogue(Settings().queries_dir).queries:
            choices = [{}] + [{p.name: v} for p in q.params for v in p.values]
            for raw in choices:
                started = time.perf_counter()
                select(engine, QueryRequest(q.sparql(base, q.bind(raw))))
                assert time.perf_counter() - started < 2.0, (q.name, raw)
    finally:
        engine.close()
