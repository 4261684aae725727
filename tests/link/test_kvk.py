"""`almerekg link kvk` against a local server in the shape of the KvK Zoeken API v2 (TEST DATA), and --apply."""

from __future__ import annotations

import csv

import pytest

from almerekg.cli import main
from almerekg.link.kvk import name_score, normalise

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
    assert [r["kvk_number"] for r in usg] == ["00000001", "00000002"]  # the Almere one ranks first
    assert usg[0]["place_match"] == "yes" and usg[1]["place_match"] == "no"
    assert float(usg[0]["score"]) > float(usg[1]["score"])
    assert all(r["decision"] == "" and r["reviewer"] == "" for r in rows)  # nothing decided by the program
    assert not any(r["firm"] == "amaryllo" for r in rows)  # 404 = no candidates, not an error
    assert services.requests[-1]["query"]["naam"] == "Amaryllo"


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
    assert "1 accepted, 1 rejected, 1 left undecided" in capsys.readouterr().out
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
