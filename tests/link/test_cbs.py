"""`almerekg link cbs` against a local server in the shape of CBS StatLine OData v3 and v4 (TEST DATA)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest

from almerekg.cli import main
from almerekg.link import cbs

from .fake_services import MEASURES, PERIODS, REGIONS, SBI, TEST_TABLE, cell_value, closed_port


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _link(tmp_path, base: str, *extra: str) -> list[str]:
    return ["link", "cbs", "--table", TEST_TABLE, "--base-url", base, "--municipality", "GM0034",
            "--cache-dir", str(tmp_path / "cache"), "--linksets", str(tmp_path / "linksets"), "--backoff", "0",
            *extra]


def _rows(tmp_path) -> list[dict[str, str]]:
    with open(tmp_path / "linksets" / "cbs" / f"{TEST_TABLE}-GM0034.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_v3_writes_one_row_per_cell_with_url_and_time(services, tmp_path, capsys):
    code, out, err = _run(capsys, *_link(tmp_path, f"{services.url}/ODataApi/odata", "--years", "2009", "2010",
                                         "--measure", "TestVestigingen_1=establishments",
                                         "--measure", "TestBanen_2=jobs"))
    assert code == 0, err
    rows = _rows(tmp_path)
    # 5 categories that are a section or the total (B-F is neither) x 2 years x 2 measures, less 1 empty cell.
    assert len(rows) == 19 and "1 empty cell(s) left out" in out
    sections = {r["section"] for r in rows}
    assert sections == {"A", "B", "C", "F", "totaal"}
    a2009 = next(r for r in rows if r["section"] == "A" and r["year"] == "2009" and r["measure"] == "establishments")
    assert a2009["value"] == "1101" and a2009["category_key"] == "TA" and a2009["period"] == "2009JJ00"
    assert a2009["url"].startswith(f"{services.url}/ODataApi/odata/{TEST_TABLE}/TypedDataSet?")
    assert a2009["retrieved"].endswith("Z")
    manifest = json.loads((tmp_path / "linksets" / "cbs" / f"{TEST_TABLE}-GM0034.json").read_text())
    assert manifest["table_url"] == f"{services.url}/ODataApi/odata/{TEST_TABLE}"
    assert manifest["dimensions"] == {"region": "RegioS", "period": "Perioden", "sbi": "BedrijfstakkenBranchesSBI2008"}
    assert len(manifest["data_requests"]) > 1  # the answer came in pages (odata.nextLink) and all were followed
    # Only whole years of Almere were asked for: the quarter and the other regions never appear.
    assert all(r["period"].endswith("JJ00") and r["region"] == "GM0034" for r in rows)
    assert all(r["query"]["$format"] == "json" for r in services.requests)  # every v3 request asks for JSON


def test_jobs_published_in_thousands_land_as_counts_with_their_unit(services, tmp_path, capsys):
    code, _out, err = _run(capsys, *_link(tmp_path, f"{services.url}/ODataApi/odata", "--years", "2009", "2010",
                                          "--measure", "TestBanen_2=jobs"))
    assert code == 0, err
    key, _title, unit, _datatype, _decimals = MEASURES[1]
    si, ri = [k for k, _ in SBI].index("TA    "), [k for k, _ in REGIONS].index("GM0034  ")
    for pi, (period, title, status) in enumerate(PERIODS[:2]):
        row = next(r for r in _rows(tmp_path) if r["section"] == "A" and r["period"] == period)
        published = cell_value(si, ri, pi, 1)
        assert (row["measure_key"], row["unit"], row["multiplier"]) == (key, unit, "1000")
        assert row["value_published"] == str(published)
        assert row["value"] == str(int(Decimal(str(published)) * 1000))
        assert (row["period_title"], row["period_status"]) == (title, status)


def test_a_measure_that_is_not_a_count_stops_before_any_data_request(services, tmp_path, capsys):
    code, _out, err = _run(capsys, *_link(tmp_path, f"{services.url}/ODataApi/odata", "--years", "2009",
                                          "--measure", "RegioS=jobs"))
    assert code == 2 and "not a measure" in err
    assert not any(r["path"].endswith("/TypedDataSet") for r in services.requests)


def test_v4_gives_the_same_cells(services, tmp_path, capsys):
    code, _out, err = _run(capsys, *_link(tmp_path, f"{services.url}/CBS", "--api", "v4", "--years", "2009",
                                          "--measure", "TestVestigingen_1=establishments"))
    assert code == 0, err
    rows = _rows(tmp_path)
    assert {(r["section"], r["value"]) for r in rows} == {("totaal", "1001"), ("A", "1101"), ("B", "1201"),
                                                          ("C", "1301"), ("F", "1501")}
    assert any("@odata.nextLink" not in r["url"] for r in rows)
    assert all("Measure eq" in r["url"].replace("+", " ") for r in rows)


def test_measures_must_be_named_and_describe_lists_them(services, tmp_path, capsys):
    code, _out, err = _run(capsys, *_link(tmp_path, f"{services.url}/ODataApi/odata", "--years", "2009"))
    assert code == 2 and "--measure" in err and "TestVestigingen_1: Vestigingen (TEST DATA)" in err
    code, out, _err = _run(capsys, "link", "cbs", "--table", TEST_TABLE, "--base-url",
                           f"{services.url}/ODataApi/odata", "--describe", "--cache-dir", str(tmp_path / "c"))
    assert code == 0 and "RegioS" in out and "TestBanen_2" in out


def test_a_missing_year_or_region_is_refused(services, tmp_path, capsys):
    code, _o, err = _run(capsys, *_link(tmp_path, f"{services.url}/ODataApi/odata", "--years", "1999",
                                        "--measure", "TestVestigingen_1=establishments"))
    assert code == 2 and "no whole-year figures for 1999" in err
    args = _link(tmp_path, f"{services.url}/ODataApi/odata", "--years", "2009",
                 "--measure", "TestVestigingen_1=establishments")
    args[args.index("GM0034")] = "GM9999"
    code, _o, err = _run(capsys, *args)
    assert code == 2 and "region code GM9999" in err


def test_find_searches_every_page_of_the_catalogue(services, tmp_path, capsys):
    code, out, _err = _run(capsys, "link", "cbs", "--find", "vestigingen", "gemeente", "--catalog-url",
                           f"{services.url}/ODataCatalog", "--cache-dir", str(tmp_path / "c"))
    assert code == 0 and out.strip().split("\t")[0] == TEST_TABLE and "OTHER" not in out
    pages = [r for r in services.requests if r["path"] == "/ODataCatalog/Tables"]
    assert len(pages) == 2 and pages[1]["query"]["$skip"] == "4"  # the wanted table is on the second page


def test_without_table_the_documented_tables_are_proposed_and_described(services, tmp_path, capsys):
    services.tables = {doc.table: doc.title for doc in cbs.DOCUMENTED_TABLES}
    code, out, err = _run(capsys, "link", "cbs", "--base-url", f"{services.url}/ODataApi/odata",
                          "--cache-dir", str(tmp_path / "c"))
    assert code == 0, err
    for doc in cbs.DOCUMENTED_TABLES:
        assert f"{doc.measure}: {doc.table} \"{doc.title}\"" in out and f"source: {doc.source}" in out
        assert f"table {doc.table}: {doc.title}" in out  # --describe ran: CBS's own metadata of the table
        assert f"confirmed: CBS calls {doc.table}" in out
    asked = {r["path"] for r in services.requests}
    assert {f"/ODataApi/odata/{doc.table}/DataProperties" for doc in cbs.DOCUMENTED_TABLES} <= asked
    assert not any(p.endswith("/TypedDataSet") for p in asked)  # nothing is fetched on a proposal
    assert [d.table for d in cbs.DOCUMENTED_TABLES] == ["81575NED", "83582NED"]
    assert "M000200" in cbs.DOCUMENTED_TABLES[0].details and "T001081" in cbs.DOCUMENTED_TABLES[0].details


def test_a_documented_table_that_cbs_titles_otherwise_is_not_confirmed(services, tmp_path, capsys):
    services.tables = {doc.table: doc.title for doc in cbs.DOCUMENTED_TABLES}
    services.tables["83582NED"] = "TEST DATA: another table under this id"
    code, out, _err = _run(capsys, "link", "cbs", "--base-url", f"{services.url}/ODataApi/odata",
                           "--cache-dir", str(tmp_path / "c"))
    assert code == 2 and "NOT confirmed: CBS calls 83582NED \"TEST DATA: another table under this id\"" in out
    assert "confirmed: CBS calls 81575NED" in out


def test_offline_run_says_so_and_writes_nothing(tmp_path, capsys):
    code, _out, err = _run(capsys, *_link(tmp_path, f"{closed_port()}/ODataApi/odata", "--years", "2009",
                                          "--measure", "x=establishments", "--retries", "1", "--timeout", "2"))
    assert code == 2 and "cannot reach" in err and "offline" in err
    assert not (tmp_path / "linksets").exists()


def test_a_rerun_uses_the_cache_and_retries_503(services, tmp_path, capsys):
    args = _link(tmp_path, f"{services.url}/ODataApi/odata", "--years", "2009",
                 "--measure", "TestVestigingen_1=establishments")
    services.fail[f"/ODataApi/odata/{TEST_TABLE}/TypedDataSet"] = 1
    assert _run(capsys, *args)[0] == 0
    first = len(services.requests)
    code, out, _err = _run(capsys, *args)
    assert code == 0 and len(services.requests) == first and "0 request(s) sent" in out


@pytest.mark.parametrize("pair", ["x", "x=firms", "=jobs"])
def test_bad_measure_mapping(pair, tmp_path, capsys):
    code, _o, err = _run(capsys, *_link(tmp_path, closed_port(), "--years", "2009", "--measure", pair))
    assert code == 2 and "--measure takes" in err
