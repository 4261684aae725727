"""`almerekg link cbs --export` on the whole StatLine exports of 2012: every region of the Netherlands, Latin-1, as
StatLine wrote them (tests/link/recorded/statline-2012/, verbatim from the repository the slices were cut from).

The figures the step reads from a whole export must be the ones it reads from the slices in data/registers/, for
Almere, Flevoland and the Netherlands alike; municipalities merged since 2012 stand among the regions and are
neither matched to a code nor in the way.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from almerekg.cli import main

ROOT = Path(__file__).resolve().parents[2]
ORIGINALS = Path(__file__).resolve().parent / "recorded" / "statline-2012"
REGISTERS = ROOT / "data" / "registers"
WHOLE = {"81575NED": ORIGINALS / "Vestigingen_bedrijven.csv", "81402NED": ORIGINALS / "Banen_van_werknemers.csv"}
SLICE = {"81575NED": REGISTERS / "81575ned-vestigingen-almere-flevoland-nederland.csv",
         "81402NED": REGISTERS / "81402ned-banen-almere-flevoland-nederland.csv"}
YEARS = {"81575NED": ["2007", "2008", "2009", "2010", "2011", "2012"], "81402NED": ["2008", "2009", "2010"]}
# What differs by the file read, not by the figure: where it came from and when.
PROVENANCE = ("url", "retrieved")


def _link(out: Path, export: Path, table: str, region: str, years: list[str]) -> list[dict[str, str]]:
    assert main(["link", "cbs", "--export", str(export), "--table", table, "--municipality", region,
                 "--years", *years, "--out", str(out)]) == 0
    with open(out / f"{table}-{region}.csv", encoding="utf-8", newline="") as fh:
        return [{k: v for k, v in row.items() if k not in PROVENANCE} for row in csv.DictReader(fh)]


def test_the_originals_are_the_recorded_copies() -> None:
    readme = (ORIGINALS / "README.md").read_text(encoding="utf-8")
    for path in WHOLE.values():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest in readme, path.name
        path.read_bytes().decode("latin-1")  # as StatLine writes them
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")


def test_the_issue_figures_from_the_whole_exports(tmp_path: Path) -> None:
    establishments = _link(tmp_path, WHOLE["81575NED"], "81575NED", "GM0034", ["2010"])
    j = next(r for r in establishments if r["section"] == "J")
    assert (j["value"], j["value_published"], j["period_title"], j["unit"]) == ("915", "915", "2010*", "aantal")
    jobs = _link(tmp_path, WHOLE["81402NED"], "81402NED", "GM0034", ["2010"])
    total = next(r for r in jobs if r["category_key"] == "A-U")
    assert (total["value"], total["value_published"], total["unit"], total["multiplier"]) == \
        ("65820", "65.82", "x 1 000", "1000")


@pytest.mark.parametrize("table", ["81575NED", "81402NED"])
@pytest.mark.parametrize("region", ["GM0034", "PV24", "NL"])
def test_a_whole_export_gives_what_its_slice_gives(tmp_path: Path, table: str, region: str) -> None:
    whole = _link(tmp_path / "whole", WHOLE[table], table, region, YEARS[table])
    part = _link(tmp_path / "slice", SLICE[table], table, region, YEARS[table])
    assert whole and whole == part


def test_municipalities_merged_since_stand_among_the_regions(capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    text = WHOLE["81575NED"].read_bytes().decode("latin-1")
    register = (REGISTERS / "cbs-gemeenten-alfabetisch-2021.csv").read_text(encoding="utf-8")
    for name in ("Abcoude", "Aalburg"):  # in the 2012 export, not in the 2021 classification
        assert f'"{name}"' in text and f",{name}," not in register
    # A code the stored register does not hold is refused by name, whatever the export holds.
    assert main(["link", "cbs", "--export", str(WHOLE["81575NED"]), "--table", "81575NED", "--municipality",
                 "GM9999", "--years", "2010", "--out", str(tmp_path)]) != 0
    assert "GM9999 is not a code of the stored registers" in capsys.readouterr().err
