"""/openapi.json: the saved queries' JSON and CSV APIs described in OpenAPI 3, generated from the catalogue."""

from __future__ import annotations

from typing import Any

from ...saved_queries import Catalogue
from ...saved_queries.tables import DIALECTS
from ...saved_queries.workbook import XLSX

DEFAULT_PER_PAGE = 1000
MAX_PER_PAGE = 10000


def openapi_document(cat: Catalogue, build_id: str, site_url: str) -> dict[str, Any]:
    common = {
        "page": {"name": "page", "in": "query", "required": False,
                 "description": "Page number (1 = first). A Link header with rel=next says whether another follows.",
                 "schema": {"type": "integer", "minimum": 1, "default": 1}},
        "per_page": {"name": "per_page", "in": "query", "required": False,
                     "description": "Rows per page.",
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                "default": DEFAULT_PER_PAGE}},
        "sort": {"name": "sort", "in": "query", "required": False,
                 "description": "Order the rows by this column (one of `columns`), ascending; empty values last.",
                 "schema": {"type": "string"}},
        "sort_desc": {"name": "sort_desc", "in": "query", "required": False,
                      "description": "Order the rows by this column, descending; empty values last.",
                      "schema": {"type": "string"}},
        "layout": {"name": "layout", "in": "query", "required": False,
                   "description": "rows: one row per result (default); report: the table as the report prints it.",
                   "schema": {"type": "string", "enum": ["rows", "report"], "default": "rows"}},
        "dialect": {"name": "dialect", "in": "query", "required": False,
                    "description": "rfc4180: comma, UTF-8 (default); excel-nl: byte order mark, semicolon, "
                                   "decimal comma.",
                    "schema": {"type": "string", "enum": list(DIALECTS), "default": "rfc4180"}},
    }
    build_header = {"X-Almerekg-Build": {"description": "The build of the data the answer comes from.",
                                        "schema": {"type": "string"}}}
    link_header = {"Link": {"description": "first/prev/next pages (RFC 8288).", "schema": {"type": "string"}},
                   "X-Total-Count": {"description": "How many rows the answer has in all (every page).",
                                     "schema": {"type": "integer"}}}
    errors = {
        "400": {"description": "A parameter value that is not allowed (plain-text message).",
                "content": {"text/plain": {"schema": {"type": "string"}}}},
        "503": {"description": "The store is busy or not available; retry later.",
                "content": {"text/plain": {"schema": {"type": "string"}}}},
    }
    paths: dict[str, Any] = {}
    for q in cat.queries:
        params = [{"name": p.name, "in": "query", "required": p.required,
                   "description": p.label["en"] + (" — " + ", ".join(
                       f"{v}: {p.value_label(v, 'en')}" for v in p.values) if p.values else ""),
                   "schema": p.openapi_schema()} for p in q.params]
        tag = q.chapter
        paths[f"/queries/{q.name}.json"] = {"get": {
            "operationId": f"{q.name}-json", "tags": [tag], "summary": q.title["en"],
            "description": q.description["en"],
            "parameters": params + [{"$ref": "#/components/parameters/page"},
                                    {"$ref": "#/components/parameters/per_page"},
                                    {"$ref": "#/components/parameters/sort"},
                                    {"$ref": "#/components/parameters/sort_desc"},
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
                                    {"$ref": "#/components/parameters/sort"},
                                    {"$ref": "#/components/parameters/sort_desc"},
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
                                "(2011) as an API. Every answer names the data build it comes from.",
                 "version": build_id or "no-build"},
        "servers": [{"url": site_url}],
        "tags": [{"name": key, "description": titles["en"]} for key, titles, _ in cat.by_chapter()],
        "paths": paths,
        "components": {
            "parameters": common,
            "schemas": {"QueryResult": {
                "type": "object",
                "required": ["query", "build", "parameters", "rows"],
                "properties": {
                    "query": {"type": "string"}, "build": {"type": "string"},
                    "title": {"type": "object", "additionalProperties": {"type": "string"}},
                    "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
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
