"""`almerekg link cbs` against answers CBS really gave (tests/link/recorded/), served by the local fake services.

83583NED (jobs in thousands, national), 84799NED (wijken en buurten: a GeoDetail region, no period) and 83765NED
(v4) as dataverbinders/statline-bq recorded them; what recorded.py had to assemble is listed in its NOT_RECORDED.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest

from almerekg.cli import main
from almerekg.link import cbs
from almerekg.link.http import Fetcher, LinkError

from . import recorded

V4_ROOT = "https://datasets.cbs.nl/odata/v1/CBS"


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _v3(services) -> str:
    return f"{services.url}/recorded/v3/ODataApi/odata"


def _statline(services, tmp_path, table: str) -> cbs.StatLine:
    return cbs.StatLine(Fetcher(cache_dir=tmp_path / "cache", backoff=0), table, "v3", _v3(services))


def test_describe_lists_the_geodetail_dimension_of_84799ned(services, tmp_path, capsys):
    """Rests on an addition (recorded/README.md): the Type GeoDetail of WijkenEnBuurten; its keys are recorded."""
    code, out, err = _run(capsys, "link", "cbs", "--table", "84799NED", "--base-url", _v3(services), "--describe",
                          "--cache-dir", str(tmp_path / "c"))
    assert code == 0, err
    prop = next(p for p in recorded.v3_84799ned()["DataProperties"] if p["Type"] == "GeoDetail")
    line = next(x for x in out.splitlines() if x.strip().startswith(prop["Key"]))
    codes = recorded.v3_84799ned()[prop["Key"]]
    assert line.strip().startswith(f"{prop['Key']} ({prop['Title']}) [GeoDetail]: {len(codes)} codes")
    assert "GM0034=Almere" in line
    assert recorded.load("cbs/84799NED-TableInfos.json")["Title"] in out


def test_a_geodetail_region_holds_the_municipality(services, tmp_path, capsys):
    """Before, GeoDetail was not a dimension and the error said GM0034 was absent; now the next check speaks."""
    code, _out, err = _run(capsys, "link", "cbs", "--table", "84799NED", "--base-url", _v3(services),
                           "--municipality", "GM0034", "--years", "2020", "--measure", "AantalInwoners_5=jobs",
                           "--cache-dir", str(tmp_path / "c"))
    assert code == 2 and "region code" not in err
    assert "no period dimension" in err  # the recorded table is one year, without Perioden


def test_a_text_measure_is_refused_with_a_message_not_a_traceback(services, tmp_path, capsys):
    """Rests on an addition: the Datatype String of Gemeentenaam_1 (the municipality's name, by its description)."""
    text = next(p for p in recorded.v3_84799ned()["DataProperties"] if p.get("Datatype") == "String")
    code, _out, err = _run(capsys, "link", "cbs", "--table", "84799NED", "--base-url", _v3(services),
                           "--municipality", "GM0034", "--years", "2020", "--measure", f"{text['Key']}=establishments",
                           "--cache-dir", str(tmp_path / "c"))
    assert code == 2 and f"measure {text['Key']}" in err and "text measure" in err and "Traceback" not in err


def test_a_jobs_measure_in_thousands_becomes_a_count_of_jobs(services, tmp_path):
    """Rests on an addition: the unit "x 1 000" as the request for the fix quotes it; the value 7888.2 is recorded."""
    statline = _statline(services, tmp_path, "83583NED")
    meta = statline.meta()
    topic = next(p for p in recorded.v3_83583ned()["DataProperties"] if p["Type"] == "Topic")
    measure = next(m for m in meta.measures if m.key == topic["Key"])
    assert (measure.unit, measure.datatype, measure.decimals) == ("x 1 000", "Float", 1)
    assert cbs.unit_multiplier(measure) == 1000
    [row] = statline.observations("Perioden eq '2010JJ00'", [topic["Key"]])
    published = recorded.load("cbs/83583NED-TypedDataSet-row.json")[topic["Key"]]
    assert row[topic["Key"]] == published == 7888.2  # what CBS sent, as statline-bq recorded it
    assert cbs.to_count(row[topic["Key"]], measure, 1000) == int(Decimal(str(published)) * 1000) == 7_888_200


def test_every_v3_request_asks_for_json(services, tmp_path):
    _statline(services, tmp_path, "83583NED").meta()
    v3 = [r for r in services.requests if r["path"].startswith("/recorded/v3/")]
    assert len(v3) == 1 + 1 + 3  # TableInfos, DataProperties, one code list per dimension
    assert all(r["query"].get("$format") == "json" for r in v3)


def test_a_national_table_is_refused_for_a_municipality(services, tmp_path, capsys):
    code, _out, err = _run(capsys, "link", "cbs", "--table", "83583NED", "--base-url", _v3(services),
                           "--municipality", "GM0034", "--years", "2010",
                           "--measure", "BanenVanWerknemersInDecember_1=jobs", "--cache-dir", str(tmp_path / "c"))
    assert code == 2 and "table 83583NED has no region dimension" in err and "Perioden (TimeDimension)" in err


def test_describe_shows_which_periods_are_not_final(services, tmp_path, capsys):
    """Rests on an addition: the Status of each period, after the table's recorded ShortDescription."""
    code, out, _err = _run(capsys, "link", "cbs", "--table", "83583NED", "--base-url", _v3(services), "--describe",
                           "--cache-dir", str(tmp_path / "c"))
    periods = recorded.v3_83583ned()["Perioden"]
    not_final = [f"{p['Title']} {p['Status']}" for p in periods if p["Status"] != "Definitief"]
    assert code == 0 and f"not final: {', '.join(not_final)}" in out
    assert "BanenVanWerknemersInDecember_1: Banen van werknemers in december [x 1 000] (Float, 1 decimals)" in out


def _seed(cache, url: str, data) -> None:
    """An answer in the link step's own cache, as if fetched from `url` before (the cache is keyed by URL)."""
    cache.mkdir(parents=True, exist_ok=True)
    entry = {"url": url, "retrieved": "2020-11-06T00:00:00Z", "data": data}
    (cache / (hashlib.sha256(url.encode()).hexdigest() + ".json")).write_text(json.dumps(entry), encoding="utf-8")


def test_v4_without_base_url_uses_the_current_root(services, tmp_path, capsys, monkeypatch):
    """--api v4 asks datasets.cbs.nl/odata/v1/CBS: the recorded Properties, cached under that URL, are used, and
    the next request goes to datasets.cbs.nl (through this machine's fake proxy, which refuses it); never odata4."""
    statline = cbs.StatLine(Fetcher(cache_dir=None), "83765NED", "v4")
    assert statline.table_url == f"{V4_ROOT}/83765NED"
    cache = tmp_path / "cache"
    _seed(cache, f"{V4_ROOT}/83765NED/Properties", recorded.V4["83765NED"]["Properties"]())
    info = cbs.StatLine(Fetcher(cache_dir=cache), "83765NED", "v4")._get_one(f"{V4_ROOT}/83765NED/Properties")
    assert info["Title"] == recorded.load("cbs/83765NED-Properties-excerpt.json")["Title"]
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", services.url)
    code, _out, err = _run(capsys, "link", "cbs", "--table", "83765NED", "--api", "v4", "--describe",
                           "--cache-dir", str(cache), "--retries", "0", "--timeout", "5")
    assert code == 2 and "cannot reach datasets.cbs.nl" in err
    assert services.tunnels == ["datasets.cbs.nl:443"]


def test_recorded_v4_observations_are_read_measure_by_measure(services, tmp_path):
    statline = cbs.StatLine(Fetcher(cache_dir=tmp_path / "c"), "83765NED", "v4", f"{services.url}/recorded/v4/CBS")
    rows = statline.observations("WijkenEnBuurten eq 'NL00'", [])
    assert [(r["Measure"], r["WijkenEnBuurten"], r["Value"]) for r in rows] == [
        (r["Measure"], r["WijkenEnBuurten"], r["Value"]) for r in recorded.load("cbs/83765NED-Observations-rows.json")]


@pytest.mark.parametrize("unit, value, expected", [
    ("aantal", 12, 12), ("x 1 000", 7888.2, 7_888_200), ("x 1 000", "12.5", 12_500), ("x 1 000 000", 1.5, 1_500_000)])
def test_units_of_counts_multiply_out(unit, value, expected):
    measure = cbs.Measure("M", "m", unit, "Float", 1)
    assert cbs.to_count(value, measure, cbs.unit_multiplier(measure)) == expected


@pytest.mark.parametrize("unit, value, message", [
    ("aantal", 12.5, "not a whole count"), ("%", 1, "not a count"), ("", 1, "not a count"),
    ("aantal", "geheim", "not a number")])
def test_what_is_not_a_count_is_refused(unit, value, message):
    measure = cbs.Measure("M", "m", unit, "Float", 1)
    with pytest.raises(LinkError, match=message):
        cbs.to_count(value, measure, cbs.unit_multiplier(measure))
