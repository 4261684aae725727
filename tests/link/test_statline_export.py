"""`almerekg link cbs --export FILE` on the real StatLine exports that data/registers/ holds (both layouts, every
CBS symbol, the x 1 000 unit), on the same file in StatLine's Latin-1, and on hand-made exports it must refuse.

The hand-made files below are TEST DATA: their figures are never read (each is refused before any cell is used)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from almerekg.cli import main

ROOT = Path(__file__).resolve().parents[2]
REGISTERS = ROOT / "data" / "registers"
VEST = REGISTERS / "81575ned-vestigingen-almere-flevoland-nederland.csv"
BANEN = REGISTERS / "81402ned-banen-almere-flevoland-nederland.csv"
ORIGIN = "https://github.com/vsnijders/smp/blob/3c269a306a7149b296b8468f42ea9512cba0bbe6/R/"


def link(tmp: Path, export: Path, table: str, region: str, years: list[str], *extra: str) -> int:
    return main(["link", "cbs", "--export", str(export), "--table", table, "--municipality", region,
                 "--years", *years, "--out", str(tmp), *extra])


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def cell(found: list[dict[str, str]], section: str, year: str) -> dict[str, str]:
    return next(r for r in found if r["section"] == section and r["year"] == year)


def test_wide_layout_establishments_j_2010_is_915(tmp_path: Path) -> None:
    assert link(tmp_path, VEST, "81575NED", "GM0034", ["2010"]) == 0
    found = rows(tmp_path / "81575NED-GM0034.csv")
    j = cell(found, "J", "2010")
    assert (j["value"], j["value_published"], j["unit"], j["multiplier"], j["value_status"]) == \
        ("915", "915", "aantal", "1", "")
    assert (j["period_title"], j["period_status"], j["measure"], j["api"]) == \
        ("2010*", "Voorlopig", "establishments", "export")
    # The origin is the stored copy's, as data/registers/registers.csv records it.
    assert j["url"] == ORIGIN + "vestigingvanbedrijven/Vestigingen_bedrijven.csv" and j["retrieved"] == "2012-06-28"
    manifest = json.loads((tmp_path / "81575NED-GM0034.json").read_text(encoding="utf-8"))
    export = manifest["export"]
    assert (export["layout"], export["encoding"], export["register"], export["date"]) == \
        ("wide", "utf-8", "cbs-statline-81575ned-2012", "2012-06-28")
    assert export["sha256"] == "b8271e187de9218bb542273f7da3ca20750e5bf486f9af3591afc1c8f68a4bfb"
    assert "vsnijders/smp" in export["origin"] and "d4cd85cd00d84d4f" in export["origin"]
    assert manifest["table_url"] == "http://statline.cbs.nl/StatWeb/publication/?PA=81575ned"
    assert manifest["region_name"] == "Almere" and manifest["years"] == [2010]
    # Only sections and the total: ranges and combinations (A-F, G+I) are groups, not sections.
    assert {r["section"] for r in found} == set("ABCDEFGHIJKLMNRSU")


def test_long_layout_jobs_are_counted_from_thousands(tmp_path: Path) -> None:
    assert link(tmp_path, BANEN, "81402NED", "GM0034", ["2008", "2009", "2010"]) == 0
    found = rows(tmp_path / "81402NED-GM0034.csv")
    total = cell(found, "totaal", "2010")
    assert (total["value"], total["value_published"], total["unit"], total["multiplier"]) == \
        ("65820", "65.82", "x 1 000", "1000")
    assert (total["period_title"], total["period_status"]) == ("2010 december*", "Voorlopig")
    nine = cell(found, "totaal", "2009")
    assert (nine["value"], nine["period_title"], nine["period_status"]) == \
        ("70700", "2009 december**", "Nader voorlopig")
    assert cell(found, "J", "2009")["value"] == "3360"
    assert json.loads((tmp_path / "81402NED-GM0034.json").read_text(encoding="utf-8"))["export"]["layout"] == "long"


def test_every_cbs_symbol_is_read_as_cbs_defines_it(tmp_path: Path) -> None:
    assert link(tmp_path, BANEN, "81402NED", "GM0034", ["2009"]) == 0
    assert link(tmp_path, VEST, "81575NED", "GM0034", ["2009"]) == 0
    secret = cell(rows(tmp_path / "81402NED-GM0034.csv"), "D", "2009")  # "x": secret
    assert (secret["value_published"], secret["value"], secret["value_status"]) == ("x", "", "secret")
    vest = rows(tmp_path / "81575NED-GM0034.csv")
    missing = cell(vest, "A", "2009")  # ".": not available
    assert (missing["value_published"], missing["value"], missing["value_status"]) == (".", "", "not-available")
    nil = cell(vest, "B", "2009")  # "-": nil
    assert (nil["value_published"], nil["value"], nil["value_status"]) == ("-", "0", "nil")
    # x and . never become a number, in any linkset written from the stored exports.
    for path in tmp_path.glob("*.csv"):
        for r in rows(path):
            if r["value_published"] in ("x", "."):
                assert r["value"] == "", r


def test_latin1_export_as_statline_writes_it(tmp_path: Path) -> None:
    """The originals are Latin-1: the same file re-encoded gives the same figures, with its own checksum as origin."""
    latin = tmp_path / "Vestigingen_bedrijven.csv"
    latin.write_bytes(VEST.read_text(encoding="utf-8").encode("latin-1"))
    out = tmp_path / "out"
    assert link(out, latin, "81575NED", "GM0034", ["2009"]) == 0
    found = rows(out / "81575NED-GM0034.csv")
    assert cell(found, "J", "2009")["value"] == "855"
    assert cell(found, "K", "2009")["category_title"] == "K Financiële dienstverlening"
    export = json.loads((out / "81575NED-GM0034.json").read_text(encoding="utf-8"))["export"]
    assert export["encoding"] == "latin-1" and export["register"] == ""
    assert export["url"].startswith("ni:///sha-256;") and export["date_basis"] == "the file's modification time"


def test_province_and_country_by_their_registers(tmp_path: Path) -> None:
    assert link(tmp_path, BANEN, "81402NED", "PV24", ["2009"]) == 0
    assert link(tmp_path, BANEN, "81402NED", "NL", ["2009"]) == 0
    assert cell(rows(tmp_path / "81402NED-PV24.csv"), "totaal", "2009")["value"] == "148200"
    assert cell(rows(tmp_path / "81402NED-NL.csv"), "totaal", "2009")["value"] == "7812400"
    assert json.loads((tmp_path / "81402NED-NL.json").read_text(encoding="utf-8"))["region_name"] == \
        "Nederland totaal"


def test_another_table_needs_measure_and_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert link(tmp_path, BANEN, "99999NED", "GM0034", ["2009"]) == 2
    assert "--measure" in capsys.readouterr().err
    assert link(tmp_path, BANEN, "99999NED", "GM0034", ["2009"], "--measure", "Banen van werknemers=jobs",
                "--unit", "x 1 000") == 0
    assert cell(rows(tmp_path / "99999NED-GM0034.csv"), "totaal", "2009")["value"] == "70700"
    # A unit the export's own unit row contradicts is refused, naming that row.
    assert link(tmp_path, VEST, "99999NED", "GM0034", ["2009"], "--measure", "Vestigingen=establishments",
                "--unit", "x 1 000") == 2
    assert f"{VEST.name}:3: the export states the unit 'aantal'" in capsys.readouterr().err


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_ambiguous_region_name_is_refused_naming_the_line(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    wide = write(tmp_path / "wide.csv", ['"Regio\'s";"Almere";"Bergen"', '"Perioden";"2009*";"2009*"',
                                         '"Bedrijfstakken/branches SBI 2008";"aantal";"aantal"',
                                         '"J Informatie en communicatie";"1";"2"'])
    assert link(tmp_path, wide, "81575NED", "GM0373", ["2009"]) == 2
    err = capsys.readouterr().err
    assert "wide.csv:1, column 3: region 'Bergen' is ambiguous" in err
    assert "Bergen (L.) (GM0893)" in err and "Bergen (NH.) (GM0373)" in err
    long = write(tmp_path / "long.csv", ['"SBI";"Regio";"Periode";"Banen van werknemers"',
                                         '"J Informatie en communicatie";"Almere";"2009 december**";"1.00"',
                                         '"J Informatie en communicatie";"Bergen";"2009 december**";"1.00"'])
    assert link(tmp_path, long, "81402NED", "GM0893", ["2009"]) == 2
    assert "long.csv:3: region 'Bergen' is ambiguous" in capsys.readouterr().err
    assert not list(tmp_path.glob("*-GM0*.csv"))


def test_an_unreadable_period_is_refused_naming_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long = write(tmp_path / "long.csv", ['"SBI";"Regio";"Periode";"Banen van werknemers"',
                                         '"J Informatie en communicatie";"Almere";"2009 december**";"1.00"',
                                         '"J Informatie en communicatie";"Almere";"2009 1e kwartaal";"1.00"'])
    assert link(tmp_path, long, "81402NED", "GM0034", ["2009"]) == 2
    assert "long.csv:3, column 4: period '2009 1e kwartaal' is not one this step can read" in capsys.readouterr().err
    wide = write(tmp_path / "wide.csv", ['"Regio\'s";"Almere"', '"Perioden";"2009/2010"',
                                         '"Bedrijfstakken/branches SBI 2008";"aantal"', '"J Informatie";"1"'])
    assert link(tmp_path, wide, "81575NED", "GM0034", ["2009"]) == 2
    assert "wide.csv:4, column 2: period '2009/2010'" in capsys.readouterr().err


def test_an_unknown_region_or_a_cell_that_is_no_number_is_refused(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert link(tmp_path, VEST, "81575NED", "GM0363", ["2009"]) == 2
    err = capsys.readouterr().err
    assert "no region is named as the register names GM0363 ('Amsterdam')" in err and "'Almere'" in err
    assert link(tmp_path, VEST, "81575NED", "GM9999", ["2009"]) == 2
    assert "GM9999 is not a code of the stored registers" in capsys.readouterr().err
    bad = write(tmp_path / "bad.csv", ['"Regio\'s";"Almere"', '"Perioden";"2009*"',
                                       '"Bedrijfstakken/branches SBI 2008";"aantal"', '"J Informatie";"1,5"'])
    assert link(tmp_path, bad, "81575NED", "GM0034", ["2009"]) == 2
    assert "bad.csv:4, column 2: '1,5' is neither a number nor one of CBS's symbols" in capsys.readouterr().err


def test_the_committed_linksets_are_what_the_step_writes_from_the_stored_exports(tmp_path: Path) -> None:
    """linksets/cbs/ is reproducible: rerunning the documented commands gives the same rows and manifests."""
    committed = ROOT / "linksets" / "cbs"
    for table, export, years in (("81575NED", VEST, [str(y) for y in range(2007, 2013)]),
                                 ("81402NED", BANEN, ["2008", "2009", "2010"])):
        for region in ("GM0034", "PV24", "NL"):
            assert link(tmp_path, export, table, region, years) == 0
            stem = f"{table}-{region}"
            assert rows(tmp_path / f"{stem}.csv") == rows(committed / f"{stem}.csv"), stem
            mine, theirs = (json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / f"{stem}.json",
                                                                                 committed / f"{stem}.json"))
            mine.pop("written"), theirs.pop("written")
            assert mine == theirs, stem
