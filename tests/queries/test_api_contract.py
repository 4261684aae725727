"""The saved-query APIs keep the contract /openapi.json states, read by the ecosystem's own tools.

Schemathesis (`--checks all`, a fixed seed, bounded examples) sends what the document allows and what it
forbids to a real server process; the API Design Rules' Spectral ruleset (Logius, stored verbatim under
rulesets/third-party/) lints the document the server serves. Each disagreement the two tools found once is
an exact test here, as is the shape of the RFC 9457 problem details every API error is.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from serverproc import Server, get, start_server

ROOT = Path(__file__).resolve().parents[2]
# The contract's version as README states it; every answer and the document must carry the same.
API_VERSION = re.search(r"carries `API-Version: ([0-9.]+)`", (ROOT / "README.md").read_text(encoding="utf-8"))[1]
RULESETS = ROOT / "rulesets"
VERBATIM = RULESETS / "third-party" / "api-design-rules" / "linter.yaml"
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
SEED = "20261207"
# A deployment's contact address (serve --contact-email); the API Design Rules want it in info.contact.
CONTACT = "data@almerekg.example"


@pytest.fixture(scope="module")
def api(built_store: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    srv: Server = start_server(built_store, tmp_path_factory.mktemp("api-server"),
                               "--contact-email", CONTACT)
    yield srv.url
    srv.stop()


def problem(r) -> dict:  # noqa: ANN001
    assert r.headers["Content-Type"] == "application/problem+json", r.text[:300]
    return r.json()


# ---------------------------------------------------------------------------------------------------
# The two tools
# ---------------------------------------------------------------------------------------------------


def test_schemathesis_finds_no_failure(api: str, tmp_path: Path) -> None:
    """README's command: every check, seed 20261207, at most 40 examples per operation and phase."""
    run = subprocess.run([str(SCHEMATHESIS), "run", "--checks", "all", "--seed", SEED, "--max-examples", "40",
                          f"{api}/openapi.json"], cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    operations = 3 * len(list((ROOT / "queries").glob("*.rq")))  # each saved query's .json, .csv and .xlsx
    assert f"Operations:       {operations} selected / {operations} total" in run.stdout
    assert "No issues found" in run.stdout, run.stdout[-3000:]


def lint(ruleset: Path, document: Path) -> list[dict]:
    run = subprocess.run([str(SPECTRAL), "lint", "-r", str(ruleset), str(document), "-f", "json", "--quiet",
                          "--fail-severity", "error"], capture_output=True, text=True, timeout=300)
    return json.loads(run.stdout)


def test_the_api_design_rules_find_no_error(api: str, tmp_path: Path) -> None:
    served = tmp_path / "openapi.json"
    served.write_bytes(get(f"{api}/openapi.json").content)
    found = lint(RULESETS / "api-design-rules.yaml", served)
    assert [f for f in found if f["severity"] == 0] == []
    # The one warning: the test server listens on http (a public deployment's --public-url is https).
    assert [(f["code"], f["severity"]) for f in found] == [("nlgov:servers-use-https", 1)]
    # The verbatim ruleset finds exactly the two rules README names as not followed, and nothing else.
    # (Each finding once, whatever the number of operations that repeat it.)
    errors = sorted({(f["code"], f["message"]) for f in lint(VERBATIM, served) if f["severity"] == 0})
    assert errors == [("nlgov:include-major-version-in-uri", "Include the major version number in the URI."),
                      ("nlgov:query-keys-camel-case", "min_aandeel is not lower camelCase."),
                      ("nlgov:query-keys-camel-case", "per_page is not lower camelCase.")]
    verbatim = {code for code, _ in errors}
    readme = (ROOT / "README.md").read_text()
    for rule in verbatim:
        assert f"`{rule}`" in readme


def test_the_stored_ruleset_is_the_one_published() -> None:
    sums = dict(reversed(line.split("  ")) for line in (RULESETS / "third-party" / "SHA256SUMS").read_text().splitlines())
    assert sums == {"api-design-rules/linter.yaml": hashlib.sha256(VERBATIM.read_bytes()).hexdigest()}
    assert sums["api-design-rules/linter.yaml"] == "80478f0282239de4d2216412240de56f52b864f310aa362ce0aea2c512ff0ba2"
    origin = (RULESETS / "third-party" / "README.md").read_text()
    assert "Logius-standaarden/API-Design-Rules" in origin and "6edd13c7661879b1b7231e6e1929cfa6506c85bc" in origin


# ---------------------------------------------------------------------------------------------------
# What the document declares
# ---------------------------------------------------------------------------------------------------


def test_the_document_declares_version_contact_and_problems(api: str) -> None:
    doc = get(f"{api}/openapi.json").json()
    assert doc["info"]["version"] == API_VERSION == "2.0.0"
    assert doc["info"]["contact"] == {"name": "almerekg (gelinkte-data-editie van het rapport)",
                                      "url": f"{api}/dataset", "email": CONTACT}
    for path, item in doc["paths"].items():
        responses = item["get"]["responses"]
        assert responses["200"]["headers"]["API-Version"]["schema"] == {"type": "string", "enum": [API_VERSION]}, path
        for status in ("400", "503"):
            assert responses[status]["content"] == {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}, path
    assert doc["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status", "detail"]
    params = {p.get("name", p.get("$ref")): p for p in doc["paths"]["/queries/tabel-5.json"]["get"]["parameters"]}
    assert doc["components"]["parameters"]["page"]["schema"] == {"type": "integer", "minimum": 1,
                                                                "maximum": 1000000, "default": 1}
    assert "sort_desc" not in params and "#/components/parameters/sort_desc" not in params
    columns = get(f"{api}/queries/tabel-5.json").json()["columns"]
    assert params["sort"]["schema"] == {"type": "string", "enum": columns + [f"-{c}" for c in columns]}


def test_every_answer_names_the_api_version(api: str) -> None:
    for path in ("/queries/tabel-1.json", "/queries/tabel-1.csv", "/openapi.json"):
        r = get(api + path)
        assert r.status_code == 200 and r.headers["API-Version"] == API_VERSION, path
    first = get(f"{api}/queries/tabel-1.json")
    again = get(f"{api}/queries/tabel-1.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["API-Version"] == API_VERSION
    assert "API-Version" in first.headers["Access-Control-Expose-Headers"].split(", ")


# ---------------------------------------------------------------------------------------------------
# The disagreements the tools found, one by one
# ---------------------------------------------------------------------------------------------------


def refused(api: str, path: str, params: dict[str, str], name: str, detail: str) -> None:
    r = get(api + path, params=params)
    assert r.status_code == 400
    assert problem(r) == {"type": f"{api}/problems/invalid-parameter",
                          "title": "A request parameter has a value that is not allowed", "status": 400,
                          "detail": detail, "invalid-params": [{"name": name, "reason": detail}]}


def test_the_last_page_the_document_allows_is_answered(api: str) -> None:
    r = get(f"{api}/queries/tabel-1.json", params={"page": "1000000"})
    assert r.status_code == 200 and r.json()["rows"] == [] and r.json()["page"] == 1000000
    refused(api, "/queries/tabel-1.json", {"page": "1000001"}, "page", "page must be a whole number from 1 to 1000000")


def test_sort_takes_a_column_or_minus_a_column(api: str) -> None:
    up = get(f"{api}/queries/joint-ventures.json", params={"sort": "share"}).json()
    down = get(f"{api}/queries/joint-ventures.json", params={"sort": "-share"}).json()
    old = get(f"{api}/queries/joint-ventures.json", params={"sort_desc": "share"}).json()
    assert down["sort"] == old["sort"] == {"column": "share", "order": "desc"}
    assert up["sort"] == {"column": "share", "order": "asc"}
    assert down["rows"] == old["rows"] and down["rows"] != up["rows"]
    columns = ", ".join(up["columns"])
    refused(api, "/queries/joint-ventures.json", {"sort": "nope"}, "sort",
            f"sort: 'nope' is not a column of joint-ventures (columns: {columns})")
    refused(api, "/queries/joint-ventures.csv", {"sort": ""}, "sort",
            f"sort: '' is not a column of joint-ventures (columns: {columns})")
    refused(api, "/queries/joint-ventures.json", {"sort": "share", "sort_desc": "share"}, "sort_desc",
            "give sort or sort_desc, not both")


@pytest.mark.parametrize(("params", "name", "detail"), [
    ({"per_page": "0"}, "per_page", "per_page must be a whole number from 1 to 10000"),
    ({"per_page": ""}, "per_page", "per_page must be a whole number from 1 to 10000"),
    ({"page": "-5", "layout": "report"}, "page", "page must be a whole number from 1 to 1000000"),
    ({"layout": ""}, "layout", "layout must be one of: rows, report"),
])
def test_what_the_document_forbids_is_refused(api: str, params: dict[str, str], name: str, detail: str) -> None:
    for suffix in (".json", ".csv"):
        refused(api, f"/queries/tabel-1{suffix}", params, name, detail)


# ---------------------------------------------------------------------------------------------------
# Problem details: their types are pages, browsers keep pages, /sparql keeps its own
# ---------------------------------------------------------------------------------------------------


def test_a_problem_type_is_a_page_that_explains_it(api: str) -> None:
    r = get(f"{api}/queries/tabel-1.json", params={"x": "1"})
    body = problem(r)
    assert body == {"type": f"{api}/problems/invalid-parameter",
                    "title": "A request parameter has a value that is not allowed", "status": 400,
                    "detail": "unknown parameter 'x' for query tabel-1 (accepted: grootteklasse, sectie)",
                    "invalid-params": [{"name": "x", "reason": "unknown parameter 'x' for query tabel-1 "
                                                                 "(accepted: grootteklasse, sectie)"}]}
    page = get(body["type"], params={"lang": "en"}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert 'id="invalid-parameter"' in page.text and "A request parameter has a value that is not allowed" in page.text
    missing = get(f"{api}/queries/no-such-table.json")
    assert problem(missing) == {"type": f"{api}/problems/not-found", "title": "No such thing", "status": 404,
                                "detail": "there is no saved query named 'no-such-table'; see /queries"}
    assert get(missing.json()["type"]).status_code == 200
    assert get(f"{api}/problems/no-such-problem").status_code == 404


def test_browsers_keep_pages_and_sparql_keeps_its_errors(api: str) -> None:
    page = get(f"{api}/queries/joint-ventures", params={"min_aandeel": "x"}, headers={"Accept": "text/html"})
    assert page.status_code == 400 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    for accept in ("application/sparql-results+json", "application/json"):
        sparql = get(f"{api}/sparql", params={"query": "SELECT"}, headers={"Accept": accept})
        assert sparql.status_code == 400 and sparql.headers["Content-Type"] == "text/plain; charset=utf-8", accept
