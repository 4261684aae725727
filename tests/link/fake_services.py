"""A local HTTP server that answers like CBS StatLine (OData v3 and v4) and the KvK Zoeken API v2.

Two kinds of answers. Under /recorded/ it serves what others recorded from the real services (recorded.py and
tests/link/recorded/README.md say where each comes from). Everywhere else it serves TEST DATA: every number, title,
table id, category key and KvK number there is invented for the tests and marked as such; none of it is a CBS figure
or a real registration, and none of it ever goes into data/ or linksets/ of the project. Only the *shape* follows the
services: OData v3 as the cbsodata client reads it (TableInfos, DataProperties with Type Dimension/GeoDimension/
TimeDimension/TopicGroup/Topic with Unit and Datatype, one list per dimension with Key and Title, Perioden with Status,
TypedDataSet, odata.nextLink paging, keys padded with spaces, JSON only for $format=json), OData v4 as CBS's own
examples read it (Properties, Dimensions, MeasureCodes, <Dimension>Codes, Observations with Measure and Value,
@odata.nextLink), and the KvK Zoeken API v2 (pagina, resultatenPerPagina 1-100, totaal, resultaten with kvkNummer,
naam, adres.binnenlandsAdres.plaats, type, actief, vervallenNaam; inactive registrations only when asked for; "no
results" as HTTP 404 with the recorded IPD5200 body; the key in the 'apikey' header). It also acts as an HTTPS proxy
that refuses every tunnel and notes where the client wanted to go, so a test can see which host a default URL names
without any traffic leaving this machine.
"""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from . import recorded

TEST_TABLE = "TESTTABLE"  # invented table id
TEST_KEY = "test-key-not-real"  # invented API key
PAGE = 4  # small pages, so that paging (odata.nextLink) is exercised

# Invented SBI categories: CBS-style titles ("<letter> <name>", "A-U ..." for the total), made-up keys.
SBI = [
    ("TTOT  ", "A-U Alle economische activiteiten"),
    ("TA    ", "A Landbouw, bosbouw en visserij"),
    ("TB    ", "B Delfstoffenwinning"),
    ("TC    ", "C Industrie"),
    ("TBF   ", "B-F Nijverheid en energie"),
    ("TF    ", "F Bouwnijverheid"),
]
REGIONS = [("NL01    ", "Nederland"), ("GM0034  ", "Almere"), ("GM0363  ", "Amsterdam")]
# (key, title, CBS's Status of the period): 2010 is provisional, as CBS marks its most recent figures.
PERIODS = [("2009JJ00", "2009", "Definitief"), ("2010JJ00", "2010*", "Voorlopig"),
           ("2010KW01", "2010 1e kwartaal*", "Voorlopig")]
# (key, title, unit, datatype, decimals): jobs are published in thousands with one decimal, as CBS's jobs tables do.
MEASURES = [("TestVestigingen_1", "Vestigingen (TEST DATA)", "aantal", "Long", 0),
            ("TestBanen_2", "Banen (TEST DATA)", "x 1 000", "Float", 1)]


def cell_value(sbi: int, region: int, period: int, measure: int) -> int | float | None:
    """An invented number per cell, in the measure's unit; one cell is empty, as CBS leaves secret cells empty."""
    if (sbi, region, period, measure) == (3, 1, 1, 0):  # C Industrie, Almere, 2010, establishments
        return None
    number = 1000 * (measure + 1) + 100 * sbi + 10 * period + region
    return number if MEASURES[measure][2] == "aantal" else number / 10  # jobs: 2101 -> 210.1 (thousand)


def _cube() -> list[dict[str, Any]]:
    rows = []
    for si, (sk, _) in enumerate(SBI):
        for ri, (rk, _) in enumerate(REGIONS):
            for pi, (pk, *_rest) in enumerate(PERIODS):
                row: dict[str, Any] = {"ID": len(rows), "BedrijfstakkenBranchesSBI2008": sk, "RegioS": rk,
                                       "Perioden": pk}
                for mi, (mk, *_rest) in enumerate(MEASURES):
                    row[mk] = cell_value(si, ri, pi, mi)
                rows.append(row)
    return rows


def _matches(row: dict[str, Any], filt: str) -> bool:
    """Enough of OData $filter for `A eq 'x' and (B eq 'y' or B eq 'z')`: per field, any of its values."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for field, value in re.findall(r"(\w+) eq '([^']*)'", filt):
        wanted[field].add(value)
    return all(str(row.get(field)) in values for field, values in wanted.items() if field != "Measure")


class FakeServices:
    """Start with `with FakeServices() as svc:`; `svc.url` is http://127.0.0.1:PORT."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.tunnels: list[str] = []  # CONNECT targets asked of this server as an HTTPS proxy
        self.tables: dict[str, str] = {}  # more table ids served with the TEST DATA, each with the title a test sets
        self.fail: dict[str, int] = {}  # path prefix -> how many more times to answer 503
        self.lock = threading.Lock()
        services = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                services.handle(self)

            def do_CONNECT(self) -> None:  # noqa: N802 - a client using this server as its HTTPS proxy
                with services.lock:
                    services.tunnels.append(self.path)  # host:port the client wanted to reach; never opened
                self.send_response(502)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FakeServices:
        self.thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- dispatch -------------------------------------------------------------------------------------
    def handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self.lock:
            self.requests.append({"path": parts.path, "query": query, "headers": dict(h.headers)})
            for prefix, left in list(self.fail.items()):
                if parts.path.startswith(prefix) and left > 0:
                    self.fail[prefix] = left - 1
                    self._send(h, 503, {"error": "TEST: temporarily unavailable"})
                    return
        try:
            status, body = self.route(parts.path, query, dict(h.headers))
        except KeyError:
            status, body = 404, {"error": "TEST: not found"}
        self._send(h, status, body)

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: Any) -> None:
        data = json.dumps(body).encode("utf-8")
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    CATALOG = [  # TEST DATA: more tables than one page holds, the wanted one on the second page
        *({"Identifier": f"OTHER{i}", "Title": f"TEST DATA Bevolking {i}", "Period": "2009"} for i in range(5)),
        {"Identifier": TEST_TABLE, "Title": "TEST DATA Vestigingen; bedrijfstak, gemeente", "Period": "2009-2010"},
    ]

    def route(self, path: str, q: dict[str, str], headers: dict[str, str]) -> tuple[int, Any]:
        if path.startswith("/recorded/"):
            return self.recorded(path.removeprefix("/recorded"), q, headers)
        if path == "/ODataCatalog/Tables":
            return self._v3_only(q) or (200, self._page(path, q, self.CATALOG, "odata.nextLink"))
        table = re.match(r"^/ODataApi/odata/([^/]+)(/.*)?$", path)
        if table and (table.group(1) == TEST_TABLE or table.group(1) in self.tables):
            return self._v3_only(q) or self.v3((table.group(2) or "").strip("/"), q, self.tables.get(table.group(1)))
        if path.startswith(f"/CBS/{TEST_TABLE}"):
            return self.v4(path.removeprefix(f"/CBS/{TEST_TABLE}").strip("/"), q)
        if path == "/api/v2/zoeken":
            return self.kvk(q, headers)
        raise KeyError(path)

    @staticmethod
    def _v3_only(q: dict[str, str]) -> tuple[int, Any] | None:
        """CBS's v3 service answers Atom XML unless asked for $format=json; this fake refuses such a request."""
        if q.get("$format") != "json":
            return 406, {"error": "TEST: this fake v3 service answers JSON only to $format=json"}
        return None

    def recorded(self, path: str, q: dict[str, str], headers: dict[str, str]) -> tuple[int, Any]:
        """The recorded answers (recorded.py): /v3/ODataApi/odata/<table>/<entity>, /v4/CBS/<table>/<entity>, /kvk."""
        parts = path.strip("/").split("/")
        if parts[:3] == ["v3", "ODataApi", "odata"] and len(parts) == 5 and parts[3] in recorded.V3:
            answers = recorded.V3[parts[3]]()
            if parts[4] not in answers:
                raise KeyError(path)
            return self._v3_only(q) or (200, {"value": answers[parts[4]]})
        if parts[:2] == ["v4", "CBS"] and len(parts) == 4 and parts[3] in recorded.V4.get(parts[2], {}):
            return 200, recorded.V4[parts[2]][parts[3]]()
        if path == "/kvk/api/v2/zoeken":
            if headers.get("apikey") != TEST_KEY:
                return 401, {"fout": [{"code": "TEST", "omschrijving": "TEST: ongeldige API key"}]}
            example = recorded.KVK_EXAMPLE
            if q.get("naam") == example["resultaten"][0]["naam"]:
                return 200, example
            return 404, recorded.KVK_NO_RESULTS
        raise KeyError(path)

    def _page(self, path: str, q: dict[str, str], rows: list[dict], next_key: str) -> dict[str, Any]:
        skip = int(q.get("$skip", "0"))
        body: dict[str, Any] = {"value": rows[skip:skip + PAGE]}
        if skip + PAGE < len(rows):
            rest = {k: v for k, v in q.items() if k != "$skip"}
            body[next_key] = f"{self.url}{path}?{urlencode({**rest, '$skip': skip + PAGE})}"
        return body

    def v3(self, what: str, q: dict[str, str], title: str | None = None) -> tuple[int, Any]:
        base = f"/ODataApi/odata/{TEST_TABLE}"
        if what == "":
            return 200, {"value": [{"name": n, "url": f"{self.url}{base}/{n}"} for n in
                                   ("TableInfos", "UntypedDataSet", "TypedDataSet", "DataProperties",
                                    "CategoryGroups", "BedrijfstakkenBranchesSBI2008", "RegioS", "Perioden")]}
        if what == "TableInfos":
            return 200, {"value": [{"ID": 0, "Identifier": TEST_TABLE, "Title": title or "TEST DATA: vestigingen naar "
                                    "bedrijfstak en gemeente (invented for tests)", "ShortTitle": "TEST"}]}
        if what == "DataProperties":
            props = [
                {"ID": 0, "Position": 0, "ParentID": None, "Type": "Dimension", "Key": "BedrijfstakkenBranchesSBI2008",
                 "Title": "Bedrijfstakken/branches (SBI 2008)"},
                {"ID": 1, "Position": 1, "ParentID": None, "Type": "GeoDimension", "Key": "RegioS", "Title": "Regio's"},
                {"ID": 2, "Position": 2, "ParentID": None, "Type": "TimeDimension", "Key": "Perioden",
                 "Title": "Perioden"},
                {"ID": 3, "Position": 3, "ParentID": None, "Type": "TopicGroup", "Key": "", "Title": "TEST groep"},
            ] + [{"ID": 4 + i, "Position": 4 + i, "ParentID": 3, "Type": "Topic", "Key": k, "Title": t, "Unit": u,
                  "Datatype": d, "Decimals": dec} for i, (k, t, u, d, dec) in enumerate(MEASURES)]
            return 200, {"value": props}
        if what == "Perioden":
            return 200, {"value": [{"Key": k, "Title": t, "Description": None, "Status": st} for k, t, st in PERIODS]}
        codes = {"BedrijfstakkenBranchesSBI2008": SBI, "RegioS": REGIONS}
        if what in codes:
            return 200, {"value": [{"Key": k, "Title": t, "Description": None} for k, t in codes[what]]}
        if what == "TypedDataSet":
            rows = [r for r in _cube() if _matches(r, q.get("$filter", ""))]
            if q.get("$select"):
                keep = q["$select"].split(",")
                rows = [{k: r[k] for k in ["ID", *keep] if k in r} for r in rows]
            return 200, self._page(f"{base}/TypedDataSet", {k: v for k, v in q.items()}, rows, "odata.nextLink")
        raise KeyError(what)

    def v4(self, what: str, q: dict[str, str]) -> tuple[int, Any]:
        base = f"/CBS/{TEST_TABLE}"
        strip = [("BedrijfstakkenBranchesSBI2008", SBI), ("RegioS", REGIONS),
                 ("Perioden", [(k, t) for k, t, _ in PERIODS])]
        if what == "Properties":
            return 200, {"Identifier": TEST_TABLE, "Title": "TEST DATA: vestigingen (invented for tests, v4)"}
        if what == "Dimensions":
            kinds = {"BedrijfstakkenBranchesSBI2008": "Dimension", "RegioS": "GeoDimension", "Perioden": "TimeDimension"}
            return 200, {"value": [{"Identifier": d, "Title": d, "Kind": kinds[d]} for d, _ in strip]}
        if what == "MeasureCodes":
            return 200, {"value": [{"Identifier": k, "Title": t, "Unit": u, "DataType": d, "Decimals": dec}
                                   for k, t, u, d, dec in MEASURES]}
        if what == "PeriodenCodes":
            return 200, {"value": [{"Identifier": k, "Title": t, "Status": st} for k, t, st in PERIODS]}
        for dim, codes in strip:
            if what == f"{dim}Codes":
                return 200, {"value": [{"Identifier": k.strip(), "Title": t} for k, t in codes]}
        if what == "Observations":
            wanted_measures = set(re.findall(r"Measure eq '([^']*)'", q.get("$filter", "")))
            rows = []
            for r in _cube():
                v4row = {d: str(r[d]).strip() for d, _ in strip}
                if not _matches(v4row, q.get("$filter", "")):
                    continue
                for mk, *_rest in MEASURES:
                    if wanted_measures and mk not in wanted_measures:
                        continue
                    value = r[mk]
                    rows.append({"Id": len(rows), "Measure": mk, "ValueAttribute": "None" if value is not None
                                 else "Impossible", "Value": None if value is None else float(value), **v4row})
            return 200, self._page(f"{base}/Observations", q, rows, "@odata.nextLink")
        raise KeyError(what)

    # Invented registrations: names chosen so that scoring has something to rank. KvK numbers start with 0000
    # so that they cannot be mistaken for real ones. actief "Nee" ones come back only when inactive registrations are
    # asked for, as the Zoeken API does; 00000004 is found by its former name (vervallenNaam), as KvK documents.
    KVK = {
        "USG People": [
            {"kvkNummer": "00000001", "vestigingsnummer": "000000000001", "naam": "USG People Nederland B.V.",
             "plaats": "Almere", "type": "hoofdvestiging", "actief": "Ja"},
            {"kvkNummer": "00000002", "vestigingsnummer": "000000000002", "naam": "USG Peoples Zorg",
             "plaats": "Utrecht", "type": "nevenvestiging", "actief": "Ja"},
            {"kvkNummer": "00000004", "naam": "TEST Opvolger Uitzendgroep B.V.", "vervallenNaam": "USG People",
             "plaats": "Utrecht", "type": "rechtspersoon", "actief": "Nee"},
        ],
        "Yakult": [
            {"kvkNummer": "00000003", "naam": "Yakult Nederland B.V.", "plaats": "Amstelveen", "type": "rechtspersoon",
             "actief": "Ja"},
        ],
    }

    def kvk(self, q: dict[str, str], headers: dict[str, str]) -> tuple[int, Any]:
        if headers.get("apikey") != TEST_KEY:
            return 401, {"fout": [{"code": "TEST", "omschrijving": "TEST: ongeldige API key"}]}
        per_page = int(q.get("resultatenPerPagina", "10"))
        if not 1 <= per_page <= 100:
            return 400, {"fout": [{"code": "IPD1999", "omschrijving": "TEST: resultatenPerPagina"}]}
        inactive = q.get("inclusiefInactieveRegistraties") == "true"
        found = [r for r in self.KVK.get(q.get("naam", ""), []) if inactive or r["actief"] == "Ja"]
        if not found:
            return 404, recorded.KVK_NO_RESULTS  # the recorded "no results" body
        results = [{
            "kvkNummer": r["kvkNummer"], **({"vestigingsnummer": r["vestigingsnummer"]} if "vestigingsnummer" in r
                                           else {}),
            "naam": r["naam"], "adres": {"binnenlandsAdres": {"type": "bezoekadres", "straatnaam": "Teststraat",
                                                               "plaats": r["plaats"]}},
            "type": r["type"], "actief": r["actief"], **({"vervallenNaam": r["vervallenNaam"]} if "vervallenNaam" in r
                                                         else {}),
            "links": [{"rel": "basisprofiel", "href": f"{self.url}/api/v1/basisprofielen/{r['kvkNummer']}"}],
        } for r in found[:per_page]]
        return 200, {"pagina": 1, "resultatenPerPagina": per_page, "totaal": len(results), "resultaten": results}


def closed_port() -> str:
    """A local URL where nothing listens: the offline case without leaving this machine."""
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"
