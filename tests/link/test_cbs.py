"""`almerekg link cbs` against a local server in the shape of CBS StatLine OData v3 and v4 (TEST DATA)."""

from __future__ import annotations

import csv
import json

import pytest

from almerekg.cli import main

from .fake_services import TEST_TABLE, closed_port


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


def test_find_searches_the_catalogue(services, tmp_path, capsys):
    code, out, _err = _run(capsys, "link", "cbs", "--find", "vestigingen", "gemeente", "--catalog-url",
                           f"{services.url}/ODataCatalog", "--cache-dir", str(tmp_path / "c"))
    assert code == 0 and out.strip().split("\t")[0] == TEST_TABLE and "OTHERTEST" not in out


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
