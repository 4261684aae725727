"""`almerekg link kvk` against a local server in the shape of the KvK Zoeken API v2 (TEST DATA), and --apply."""

from __future__ import annotations

import csv

import pytest

from almerekg.cli import main
from almerekg.link import kvk
from almerekg.link.http import Fetcher, LinkError
from almerekg.link.kvk import name_score, normalise

from . import recorded
from .fake_services import TEST_KEY


def _candidates(services, tmp_path, capsys, monkeypatch, key: str = TEST_KEY, *extra: str):
    monkeypatch.setenv("KVK_API_KEY", key)
    out = tmp_path / "review.csv"
    code = main(["link", "kvk", "--base-url", f"{services.url}/api/v2", "--out", str(out), "--firm", "usg-people",
                 "--firm", "yakult", "--firm", "amaryllo", "--cache-dir", str(tmp_path / "cache"),
                 "--linksets", str(tmp_path / "linksets"), "--backoff", "0", *extra])
    return code, out, capsys.readouterr()


def _read(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_normalised_names_ignore_legal_form_case_and_punctuation():
    assert normalise("Yakult Nederland B.V.") == normalise("YAKULT nederland bv") == "yakult nederland"
    assert normalise("Kalf en De Jager") == normalise("Kalf & de Jager")
    assert name_score("USG People", "USG People Nederland B.V.") > name_score("USG People", "USG Peoples Zorg")


def test_candidates_are_scored_and_written_for_review(services, tmp_path, capsys, monkeypatch):
    code, out, io = _candidates(services, tmp_path, capsys, monkeypatch)
    assert code == 0, io.err
    rows = _read(out)
    usg = [r for r in rows if r["firm"] == "usg-people"]
    by = {r["kvk_number"]: r for r in usg}
    assert set(by) == {"00000001", "00000002", "00000004"}
    assert [float(r["score"]) for r in usg] == sorted((float(r["score"]) for r in usg), reverse=True)
    assert by["00000001"]["place_match"] == "yes" and by["00000002"]["place_match"] == "no"
    assert float(by["00000001"]["score"]) > float(by["00000002"]["score"])  # of the two active ones, Almere first
    assert all(r["decision"] == "" and r["reviewer"] == "" for r in rows)  # nothing decided by the program
    assert not any(r["firm"] == "amaryllo" for r in rows)  # 404 with IPD5200 = no candidates, not an error
    assert services.requests[-1]["query"]["naam"] == "Amaryllo"


def test_inactive_registrations_are_asked_for_and_shown(services, tmp_path, capsys, monkeypatch):
    code, out, io = _candidates(services, tmp_path, capsys, monkeypatch)
    assert code == 0, io.err
    assert {r["query"].get("inclusiefInactieveRegistraties") for r in services.requests} == {"true"}
    by = {r["kvk_number"]: r for r in _read(out)}
    assert by["00000004"]["actief"] == "Nee" and by["00000001"]["actief"] == "Ja"  # KvK's own words, for the reviewer
    assert "inclusiefInactieveRegistraties=true" in by["00000004"]["url"]


def test_a_former_name_match_is_scored_on_the_former_name(services, tmp_path, capsys, monkeypatch):
    code, out, _io = _candidates(services, tmp_path, capsys, monkeypatch)
    assert code == 0
    row = next(r for r in _read(out) if r["kvk_number"] == "00000004")
    current = name_score("USG People", row["candidate_name"])
    former = name_score("USG People", row["vervallen_naam"])
    assert row["vervallen_naam"] == "USG People" and former > current
    assert row["matched_on"] == "vervallenNaam" and row["name_score"] == f"{former:.3f}"
    # A registration found by its current name says so.
    assert next(r for r in _read(out) if r["kvk_number"] == "00000001")["matched_on"] == "naam"


def test_a_404_without_ipd5200_is_an_error_not_an_empty_file(services, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KVK_API_KEY", TEST_KEY)
    out = tmp_path / "review.csv"
    code = main(["link", "kvk", "--base-url", f"{services.url}/mistyped/api/v2", "--out", str(out),
                 "--firm", "yakult", "--cache-dir", str(tmp_path / "cache"), "--backoff", "0"])
    err = capsys.readouterr().err
    assert code == 2 and "HTTP 404" in err and "without a KvK error code" in err and "--base-url" in err
    assert not out.exists()


@pytest.mark.parametrize("per_firm", ["0", "101", "150"])
def test_per_firm_outside_kvk_s_1_to_100_is_refused_before_any_request(services, tmp_path, monkeypatch, per_firm):
    monkeypatch.setenv("KVK_API_KEY", TEST_KEY)
    with pytest.raises(SystemExit) as stop:
        main(["link", "kvk", "--base-url", f"{services.url}/api/v2", "--out", str(tmp_path / "r.csv"),
              "--per-firm", per_firm, "--cache-dir", str(tmp_path / "cache")])
    assert stop.value.code == 2 and services.requests == []
    with pytest.raises(LinkError, match="1 to 100"):
        kvk.candidates(Fetcher(cache_dir=None), [], f"{services.url}/api/v2", per_firm=int(per_firm))


def test_per_firm_100_is_sent_as_resultaten_per_pagina(services, tmp_path, capsys, monkeypatch):
    code, _out, _io = _candidates(services, tmp_path, capsys, monkeypatch, TEST_KEY, "--per-firm", "100")
    assert code == 0 and {r["query"]["resultatenPerPagina"] for r in services.requests} == {"100"}


def test_kvk_s_documented_example_becomes_a_candidate_row(services, tmp_path):
    """The KvK's documented example answer and its recorded 'no results' body, served by the fake (recorded/)."""
    example = recorded.KVK_EXAMPLE["resultaten"][0]
    firms = [kvk.Firm("example", example["naam"], example["adres"]["binnenlandsAdres"]["plaats"]),
             kvk.Firm("unknown", "Geen Zulk Bedrijf", "")]
    fetcher = Fetcher(cache_dir=tmp_path / "cache", headers={"apikey": TEST_KEY})
    rows = kvk.candidates(fetcher, firms, f"{services.url}/recorded/kvk/api/v2")
    assert [(r["firm"], r["kvk_number"], r["vestigingsnummer"], r["candidate_name"], r["actief"], r["candidate_place"],
             r["candidate_type"], r["place_match"]) for r in rows] == [
        ("example", example["kvkNummer"], example["vestigingsnummer"], example["naam"], example["actief"],
         example["adres"]["binnenlandsAdres"]["plaats"], example["type"], "yes")]
    assert rows[0]["name_score"] == "1.000" and rows[0]["matched_on"] == "naam" and rows[0]["vervallen_naam"] == ""
    asked = [r["query"] for r in services.requests]
    assert [q["naam"] for q in asked] == [example["naam"], "Geen Zulk Bedrijf"]
    assert all(q["inclusiefInactieveRegistraties"] == "true" for q in asked)


def test_the_key_is_sent_but_never_written_or_shown(services, tmp_path, capsys, monkeypatch):
    code, out, io = _candidates(services, tmp_path, capsys, monkeypatch)
    assert code == 0
    assert all(r["headers"].get("apikey") == TEST_KEY for r in services.requests)
    assert TEST_KEY not in out.read_text() and TEST_KEY not in io.out + io.err
    for f in (tmp_path / "cache").iterdir():
        assert TEST_KEY not in f.read_text()


def test_missing_or_refused_key_is_a_clear_error(services, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("KVK_API_KEY", raising=False)
    assert main(["link", "kvk", "--base-url", f"{services.url}/api/v2", "--out", str(tmp_path / "x.csv")]) == 2
    assert "KVK_API_KEY" in capsys.readouterr().err
    code, _out, io = _candidates(services, tmp_path, capsys, monkeypatch, "wrong-key")
    assert code == 2 and "refused the key" in io.err and "wrong-key" not in io.err


def _review(rows, accept: dict[str, tuple[str, str]], reject: set[str] = frozenset()):
    for r in rows:
        if r["kvk_number"] in accept:
            r["decision"], (r["reviewer"], r["reviewed_at"]) = "accept", accept[r["kvk_number"]]
        elif r["kvk_number"] in reject:
            r["decision"] = "reject"
    return rows


def test_only_reviewed_accepts_become_links(services, tmp_path, capsys, monkeypatch):
    code, out, _io = _candidates(services, tmp_path, capsys, monkeypatch)
    assert code == 0
    _write(out, _review(_read(out), {"00000001": ("J. Tester", "2026-01-31")}, {"00000002"}))
    assert main(["link", "kvk", "--apply", str(out), "--linksets", str(tmp_path / "linksets")]) == 0
    assert f"1 accepted, 1 rejected, {len(_read(out)) - 2} left undecided" in capsys.readouterr().out
    accepted = _read(tmp_path / "linksets" / "kvk" / "accepted.csv")
    assert [(r["firm"], r["kvk_number"], r["reviewer"], r["reviewed_at"]) for r in accepted] == [
        ("usg-people", "00000001", "J. Tester", "2026-01-31")]
    # A later reject of the same pair withdraws the link.
    _write(out, _review(_read(out), {}, {"00000001"}))
    assert main(["link", "kvk", "--apply", str(out), "--linksets", str(tmp_path / "linksets")]) == 0
    assert _read(tmp_path / "linksets" / "kvk" / "accepted.csv") == []


@pytest.mark.parametrize("reviewer, when, message", [
    ("", "2026-01-31", "needs the reviewer's name"),
    ("J. Tester", "gisteren", "is not an ISO date"),
])
def test_an_accept_without_who_or_when_applies_nothing(services, tmp_path, capsys, monkeypatch, reviewer, when,
                                                       message):
    _code, out, _io = _candidates(services, tmp_path, capsys, monkeypatch)
    _write(out, _review(_read(out), {"00000001": (reviewer, when)}))
    assert main(["link", "kvk", "--apply", str(out), "--linksets", str(tmp_path / "linksets")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "linksets" / "kvk" / "accepted.csv").exists()


def test_what_the_code_sends_and_reads_is_what_kvk_s_openapi_description_says(services, tmp_path, capsys,
                                                                              monkeypatch):
    """The recorded OpenAPI excerpt of API Zoeken 2.0.0, read here: the parameters every search sends exist with
    the types it gives them, --per-firm's bounds are resultatenPerPagina's, and the fields the candidates file
    keeps are ResultaatItem's."""
    import yaml

    spec = yaml.safe_load((recorded.HERE / "kvk" / "zoeken-v2-openapi-excerpt.yaml").read_text(encoding="utf-8"))
    params = {p["name"]: p["schema"] for p in spec["paths"]["/zoeken"]["get"]["parameters"]}
    code, _out, _io = _candidates(services, tmp_path, capsys, monkeypatch, TEST_KEY, "--per-firm", "100")
    assert code == 0 and services.requests
    for request in services.requests:
        assert set(request["query"]) <= set(params), request["query"]
        assert params["inclusiefInactieveRegistraties"]["type"] == "boolean"
        assert request["query"]["inclusiefInactieveRegistraties"] == "true"
    per_page = params["resultatenPerPagina"]
    assert per_page["type"] == "integer"
    assert kvk.PER_PAGE == range(per_page["minimum"], per_page["maximum"] + 1)
    item = spec["components"]["schemas"]["ResultaatItem"]["properties"]
    assert {"kvkNummer", "naam", "actief", "vervallenNaam", "type"} <= set(item)  # the excerpt keeps these lines
    # "No results" is a 404 whose body is {"fout": [{"code", "omschrijving"}]}: what the code reads IPD5200 from.
    assert "404" in spec["paths"]["/zoeken"]["get"]["responses"]
    assert set(spec["components"]["schemas"]["Fout"]["properties"]) == {"code", "omschrijving"}
    assert spec["components"]["schemas"]["Error"]["properties"]["fout"]["type"] == "array"
