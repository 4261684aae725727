"""`almerekg link kvk`: reconcile the report's firms with the KvK Handelsregister, with a person in the loop.

Step 1 asks the KvK Zoeken API (v2) for each firm's trade name and writes every candidate, with a score, to a CSV
that a person reviews (column decision: accept or reject; reviewer; reviewed_at). Step 2 (--apply FILE) turns
only the accepted rows into links in linksets/kvk/accepted.csv, which the build reads into the graph linkset-kvk.
Nothing is linked by the score alone.

The report describes 2009-2011: many of its firms have since been dissolved, merged or re-registered, so the search
includes inactive registrations and the candidates file shows KvK's actief and the former name (vervallenNaam) a
registration was found by; the score is computed on whichever name matched. Only KvK's "no results" (HTTP 404 with
error code IPD5200) means "no candidates"; any other error stops the step.

The KvK's open bulk dataset (Open Dataset Basis Bedrijfsgegevens) cannot serve here: KvK documents that it holds
neither company names nor KvK numbers, so there is nothing to match a trade name against. The API key is the
user's own, read from the environment variable KVK_API_KEY; it is sent only as the 'apikey' header (as the KvK
quickstart shows) and is never written to the cache, the CSV or a message.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from difflib import SequenceMatcher
from pathlib import Path

from ..graph.rows import read_csv
from .formats import KVK_ACCEPTED_COLUMNS, KVK_CANDIDATE_COLUMNS
from .http import Fetcher, LinkError, ServiceError, full_url

# From the KvK developer portal's quickstart: curl https://api.kvk.nl/api/v2/zoeken?naam=test -H "apikey: ..."
DEFAULT_BASE = "https://api.kvk.nl/api/v2"
# The Zoeken API v2 (its OpenAPI description, tests/link/recorded/README.md): resultatenPerPagina is 1 to 100;
# inclusiefInactieveRegistraties=true also returns registrations that ended (KvK release notes, 10 December 2021),
# which a report about 2009-2011 needs; a search without results answers HTTP 404 with error code IPD5200.
PER_PAGE = range(1, 101)
NO_RESULTS = "IPD5200"
KEY_ENV = "KVK_API_KEY"
CANDIDATE_COLUMNS = KVK_CANDIDATE_COLUMNS
ACCEPTED_COLUMNS = KVK_ACCEPTED_COLUMNS
KVK_NUMBER = re.compile(r"^[0-9]{8}$")
# Legal forms say nothing about which firm it is; dropping them lets "Yakult Nederland B.V." meet "Yakult Nederland".
LEGAL_FORMS = frozenset({"bv", "nv", "vof", "cv", "ltd", "inc", "gmbh", "ag", "sa", "plc", "bvba", "as", "ab"})


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " en ").replace(".", "")
    tokens = [t for t in re.split(r"[^a-z0-9]+", text) if t and t not in LEGAL_FORMS]
    return " ".join(tokens)


def name_score(a: str, b: str) -> float:
    """Half character similarity, half shared words: robust to word order and to small spelling differences."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return 0.0
    ratio = SequenceMatcher(None, na, nb).ratio()
    ta, tb = set(na.split()), set(nb.split())
    jaccard = len(ta & tb) / len(ta | tb)
    return round((ratio + jaccard) / 2, 3)


def score(name: float, place_match: bool | None) -> float:
    if place_match is None:
        return name
    return round(0.8 * name + 0.2 * (1.0 if place_match else 0.0), 3)


@dataclass(frozen=True)
class Firm:
    key: str
    name: str
    place: str  # '' when the report names no place for it


def report_firms(data_dir: Path, include_organisations: bool = False) -> list[Firm]:
    # Tabel 3 lists establishments in Almere, so Almere is the place to expect in the register.
    firms = [Firm(r.required("id"), r.required("name"), "Almere") for r in read_csv(data_dir / "firms.csv")]
    if include_organisations:
        firms += [Firm(r.required("id"), r.required("name"), "") for r in read_csv(data_dir / "organisations.csv")
                  if r["kind"].strip() == "firm"]
    return firms


def api_key() -> str:
    key = os.environ.get(KEY_ENV, "").strip()
    if not key:
        raise LinkError(f"set the environment variable {KEY_ENV} to your own KvK API key (developers.kvk.nl); "
                        "it is read from the environment only and never stored")
    return key


def _place(result: dict) -> str:
    adres = result.get("adres") or {}
    inland = adres.get("binnenlandsAdres") or {}
    if inland.get("plaats"):
        return str(inland["plaats"])
    abroad = adres.get("buitenlandsAdres") or {}
    return str(abroad.get("postcodeWoonplaats") or abroad.get("land") or "")


def _errors(body: object) -> list[dict]:
    """KvK's error body {"fout": [{"code": ..., "omschrijving": ...}]} as a list (empty when it is not one)."""
    fout = body.get("fout") if isinstance(body, dict) else None
    return [f for f in fout if isinstance(f, dict)] if isinstance(fout, list) else []


def _no_results(exc: ServiceError) -> bool:
    return exc.status == 404 and any(f.get("code") == NO_RESULTS for f in _errors(exc.body))


def _refused(exc: ServiceError, url: str) -> LinkError:
    if exc.status in (401, 403):
        return LinkError(f"the KvK API refused the key in {KEY_ENV} (HTTP {exc.status}); check that it is valid for "
                         "the Zoeken API")
    said = "; ".join(f"{f.get('code', '?')}: {f.get('omschrijving', '')}" for f in _errors(exc.body))
    hint = " Is --base-url right? A KvK search without results answers 404 with code IPD5200." \
        if exc.status == 404 else ""
    return LinkError(f"the KvK API answered HTTP {exc.status} for {url}"
                     + (f" ({said})" if said else " without a KvK error code") + "." + hint)


def _search(fetcher: Fetcher, url: str, params: dict[str, str]) -> tuple[list[dict], str, str]:
    try:
        resp = fetcher.get_json(url, params)
    except ServiceError as exc:
        if _no_results(exc):
            return [], full_url(url, params), ""
        raise _refused(exc, url) from None
    results = (resp.data.get("resultaten") or []) if isinstance(resp.data, dict) else []
    return results, resp.url, resp.retrieved


def _actief(res: dict) -> str:
    """KvK's actief as it sent it: "Ja"/"Nee" (a boolean from some versions becomes the same words)."""
    value = res.get("actief")
    if isinstance(value, bool):
        return "Ja" if value else "Nee"
    return "" if value is None else str(value)


def _candidate_row(firm: Firm, res: dict, where: str, when: str) -> dict[str, str]:
    cand_name = str(res.get("naam") or res.get("handelsnaam") or "")
    former = str(res.get("vervallenNaam") or "")
    # KvK finds a registration by a former name too: score the name that matched best, and say which it was.
    ns, matched_on = name_score(firm.name, cand_name), "naam"
    if former and name_score(firm.name, former) > ns:
        ns, matched_on = name_score(firm.name, former), "vervallenNaam"
    cand_place = _place(res)
    pm = None if not firm.place else normalise(cand_place) == normalise(firm.place)
    return {
        "firm": firm.key, "firm_name": firm.name, "firm_place": firm.place, "query": firm.name,
        "kvk_number": str(res.get("kvkNummer", "")), "vestigingsnummer": str(res.get("vestigingsnummer") or ""),
        "candidate_name": cand_name, "vervallen_naam": former, "matched_on": matched_on, "actief": _actief(res),
        "candidate_place": cand_place, "candidate_type": str(res.get("type", "")),
        "name_score": f"{ns:.3f}", "place_match": "" if pm is None else ("yes" if pm else "no"),
        "score": f"{score(ns, pm):.3f}", "url": where, "retrieved": when,
        "decision": "", "reviewer": "", "reviewed_at": "", "note": "",
    }


def candidates(fetcher: Fetcher, firms: Iterable[Firm], base_url: str = DEFAULT_BASE, per_firm: int = 10,
               say: Callable[[str], None] = lambda _m: None) -> list[dict[str, str]]:
    if per_firm not in PER_PAGE:
        raise LinkError(f"--per-firm must be 1 to 100 (the Zoeken API's resultatenPerPagina), not {per_firm}")
    url = f"{base_url.rstrip('/')}/zoeken"
    rows: list[dict[str, str]] = []
    for firm in firms:
        params = {"naam": firm.name, "resultatenPerPagina": str(per_firm), "inclusiefInactieveRegistraties": "true"}
        results, where, when = _search(fetcher, url, params)
        say(f"  {firm.key}: {len(results)} candidate(s)")
        rows += [_candidate_row(firm, res, where, when) for res in results]
    # Best candidates first within each firm, so a reviewer reads the likely match first.
    rows.sort(key=lambda r: (r["firm"], -float(r["score"]), r["kvk_number"]))
    return rows


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: r.get(c, "") for c in columns} for r in rows)
    tmp.replace(path)


def _reviewed_at(text: str) -> str:
    try:
        if "T" in text:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"reviewed_at {text!r} is not an ISO date (2026-01-31) or date-time") from exc
    return text


@dataclass
class Applied:
    accepted: int
    rejected: int
    undecided: int
    path: Path


def apply(review_file: Path, data_dir: Path, linksets_dir: Path) -> Applied:
    """Accepted rows -> linksets/kvk/accepted.csv; a reject withdraws an earlier accept of the same pair."""
    known = {f.key for f in report_firms(data_dir, include_organisations=True)}
    problems: list[str] = []
    decisions: list[tuple[str, dict[str, str]]] = []
    undecided = 0
    for row in read_csv(review_file, ("firm", "kvk_number", "decision", "reviewer", "reviewed_at")):
        decision = row["decision"].strip().lower()
        if not decision:
            undecided += 1
            continue
        if decision not in ("accept", "reject"):
            problems.append(f"{row.where}: decision must be accept, reject or empty, not {decision!r}")
            continue
        firm, number = row["firm"].strip(), row["kvk_number"].strip()
        if firm not in known:
            problems.append(f"{row.where}: firm {firm!r} is not a firm of data/firms.csv or data/organisations.csv")
        if not KVK_NUMBER.match(number):
            problems.append(f"{row.where}: kvk_number {number!r} is not 8 digits")
        if decision == "accept":
            if not row["reviewer"].strip():
                problems.append(f"{row.where}: an accepted row needs the reviewer's name (column reviewer)")
            try:
                _reviewed_at(row["reviewed_at"].strip())
            except ValueError as exc:
                problems.append(f"{row.where}: {exc}")
        decisions.append((decision, {c: row.get(c).strip() for c in ACCEPTED_COLUMNS}))
    if problems:
        raise LinkError("the review file has problems; nothing was applied:\n  " + "\n  ".join(problems))
    target = linksets_dir / "kvk" / "accepted.csv"
    current: dict[tuple[str, str], dict[str, str]] = {}
    if target.is_file():
        for row in read_csv(target):
            current[(row["firm"].strip(), row["kvk_number"].strip())] = {c: row.get(c) for c in ACCEPTED_COLUMNS}
    accepted = rejected = 0
    for decision, values in decisions:
        pair = (values["firm"], values["kvk_number"])
        if decision == "accept":
            current[pair] = values
            accepted += 1
        else:
            current.pop(pair, None)
            rejected += 1
    write_csv(target, ACCEPTED_COLUMNS, [current[k] for k in sorted(current)])
    return Applied(accepted, rejected, undecided, target)


__all__ = ["ACCEPTED_COLUMNS", "CANDIDATE_COLUMNS", "DEFAULT_BASE", "KEY_ENV", "NO_RESULTS", "PER_PAGE", "Applied",
           "Firm", "api_key", "apply", "candidates", "name_score", "normalise", "report_firms", "score", "write_csv"]
