"""/openapi.json: the saved queries' JSON and CSV APIs described in OpenAPI 3, generated from the catalogue.

The document says exactly what the views accept (bounds, value lists, the columns a query can be sorted by)
and declares what every answer carries: API-Version on each 2xx answer, RFC 9457 problem details on each
error (web/core/errors.py writes them). Schemathesis and the API Design Rules' Spectral ruleset check both in
the tests (tests/queries/test_api_contract.py).
"""

from __future__ import annotations

from typing import Any

from ...saved_queries import Catalogue
from ...saved_queries.tables import DIALECTS
from ...saved_queries.workbook import XLSX

DEFAULT_PER_PAGE = 1000
MAX_PER_PAGE = 10000
MAX_PAGE = 10**6
# The version of this API's contract (semantic versioning), sent as API-Version with every answer: a change
# that breaks a client raises the major number. The data build an answer comes from is X-Almerekg-Build.
# 2.0.0: a parameter that takes several values (`categorie=b&categorie=c`) is an array in `parameters`.
API_VERSION = "2.0.0"

PROBLEM_SCHEMA = {
    "type": "object", "required": ["type", "title", "status", "detail"],
    "description": "RFC 9457 problem details; `type` is a page on this site (/problems/<slug>) explaining it.",
    "properties": {
        "type": {"type": "string", "format": "uri"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "invalid-params": {"type": "array", "items": {
            "type": "object", "required": ["name", "reason"],
            "properties": {"name": {"type": "string"}, "reason": {"type": "string"}}}},
    },
}


def sort_parameter(columns: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """?sort for one query: a column (ascending) or -column (descending); views._sort reads it."""
    return {"name": "sort", "in": "query", "required": False,
            "description": "Order the rows by this column, ascending, or by -column, descending; empty values "
                           "last. (sort_desc=column, the older spelling of sort=-column, is still read; the two "
                           "exclude each other.)",
            "schema": {"type": "string", "enum": [*columns, *(f"-{c}" for c in columns)]}}


def openapi_document(cat: Catalogue, build_id: str, site_url: str, contact: dict[str, str]) -> dict[str, Any]:
    """The document for this catalogue; `contact` is info.contact (name, url, email as the settings give)."""
    common = {
        "page": {"name": "page", "in": "query", "required": False,
                 "description": "Page number (1 = first). A Link header with rel=next says whether another follows.",
                 "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
        "per_page": {"name": "per_page", "in": "query", "required": False,
                     "description": "Rows per page.",
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                "default": DEFAULT_PER_PAGE}},
        "layout": {"name": "layout", "in": "query", "required": False,
                   "description": "rows: one row per result (default); report: the table as the report prints it.",
                   "schema": {"type": "string", "enum": ["rows", "report"], "default": "rows"}},
        "transpose": {"name": "transpose", "in": "query", "required": False,
                      "description": "true: the table turned around, its rows and columns swapped (the table as "
                                     "printed, layout=report, and the workbook's table; the rows are the same).",
                      "schema": {"type": "string", "enum": ["true", "false"], "default": "false"}},
        "dialect": {"name": "dialect", "in": "query", "required": False,
                    "description": "rfc4180: comma, UTF-8 (default); excel-nl: byte order mark, semicolon, "
                                   "decimal comma.",
                    "schema": {"type": "string", "enum": list(DIALECTS), "default": "rfc4180"}},
    }
    build_header = {"X-Almerekg-Build": {"description": "The build of the data the answer comes from.",
                                        "schema": {"type": "string"}},
                    "API-Version": {"description": "The version of this API's contract (info.version).",
                                    "schema": {"type": "string", "enum": [API_VERSION]}}}
    link_header = {"Link": {"description": "first/prev/next pages (RFC 8288).", "schema": {"type": "string"}},
                   "X-Total-Count": {"description": "How many rows the answer has in all (every page).",
                                     "schema": {"type": "integer"}}}
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    errors = {
        "400": {"description": "A parameter value that is not allowed; invalid-params names the parameter.",
                "content": problem},
        "503": {"description": "The store is busy or not available; retry after Retry-After seconds.",
                "content": problem},
    }
    paths: dict[str, Any] = {}
    for q in cat.queries:
        params = [p.openapi_parameter() for p in q.params]
        if q.layout.get("transpose_corner"):
            params.append({"$ref": "#/components/parameters/transpose"})
        tag = q.chapter
        paths[f"/queries/{q.name}.json"] = {"get": {
            "operationId": f"{q.name}-json", "tags": [tag], "summary": q.title["en"],
            "description": q.description["en"],
            "parameters": params + [{"$ref": "#/components/parameters/page"},
                                    {"$ref": "#/components/parameters/per_page"},
                                    sort_parameter(q.variables),
                                    {"$ref": "#/components/parameters/layout"}],
            "responses": {"200": {"description": "The result rows (or, with layout=report, the printed grid).",
                                  "headers": {**build_header, **link_header},
                                  "content": {"application/json": {
                                      "schema": {"$ref": "#/components/schemas/QueryResult"}}}}, **errors},
        }}
        paths[f"/queries/{q.name}.csv"] = {"get": {
            "operationId": f"{q.name}-csv", "tags": [tag], "summary": q.title["en"] + " (CSV)",
            "parameters": params + [{"$ref": "#/components/parameters/page"},
                                    {"$ref": "#/components/parameters/per_page"},
                                    sort_parameter(q.variables),
                                    {"$ref": "#/components/parameters/layout"},
                                    {"$ref": "#/components/parameters/dialect"}],
            "responses": {"200": {"description": "CSV with a header row; rel=describedby links the CSVW "
                                                 "metadata.", "headers": {**build_header, **link_header},
                                  "content": {"text/csv": {"schema": {"type": "string"}}}}, **errors},
        }}
        paths[f"/queries/{q.name}.xlsx"] = {"get": {
            "operationId": f"{q.name}-xlsx", "tags": [tag], "summary": q.title["en"] + " (Excel workbook)",
            "parameters": params,
            "responses": {"200": {"description": "The table as printed (counts as numbers), every result row, and a "
                                                 "sheet with the source and the notes.",
                                  "headers": build_header,
                                  "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}},
                          **errors},
        }}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Groei door samenwerking in Almere — saved queries",
                 "description": "The tables and questions of the report 'Groei door samenwerking in Almere' "
                                "(2011) as an API. Every answer names the data build it comes from"
                                + (f" (this document: build {build_id})." if build_id else "."),
                 "version": API_VERSION, "contact": contact},
        "servers": [{"url": site_url}],
        "tags": [{"name": key, "description": titles["en"]} for key, titles, _ in cat.by_chapter()],
        "paths": paths,
        "components": {
            "parameters": common,
            "schemas": {"Problem": PROBLEM_SCHEMA, "QueryResult": {
                "type": "object",
                "required": ["query", "build", "parameters", "rows"],
                "properties": {
                    "query": {"type": "string"}, "build": {"type": "string"},
                    "title": {"type": "object", "additionalProperties": {"type": "string"}},
                    "parameters": {"type": "object", "description": "The values the answer is for; a parameter "
                                   "that takes several values gives them as a list.",
                                   "additionalProperties": {"anyOf": [
                                       {"type": "string"}, {"type": "array", "items": {"type": "string"}}]}},
                    "total": {"type": "integer", "description": "rows in the whole answer (every page)"},
                    "sort": {"type": "object", "nullable": True,
                             "properties": {"column": {"type": "string"}, "order": {"enum": ["asc", "desc"]}}},
                    "page": {"type": "integer"}, "per_page": {"type": "integer"},
                    "next": {"type": "string", "nullable": True}, "prev": {"type": "string", "nullable": True},
                    "columns": {"type": "array", "items": {"type": "string"}},
                    "header": {"type": "array", "items": {"type": "string"}},
                    "rows": {"type": "array", "items": {}},
                }}},
        },
    }
