"""Saved queries: queries/*.rq as documents (catalogue.py) and the report's table layouts (tables.py).

The web pages and APIs (web/saved_queries/) and `almerekg query` both read them through this package,
and run them through the engine.
"""

from .catalogue import (
    RESERVED,
    STANDARD_PREFIXES,
    Binding,
    Catalogue,
    CatalogueError,
    ParamError,
    Result,
    SavedQuery,
    Value,
    catalogue,
    describe_query,
    engine_executor,
    exact_labels,
    labels_query,
    listing_order,
    load_catalogue,
    notes_query,
    parse_results,
    pick_labels,
    prologue,
    run,
    signature,
)

__all__ = ["RESERVED", "STANDARD_PREFIXES", "Binding", "Catalogue", "CatalogueError", "ParamError", "Result",
           "SavedQuery", "Value", "catalogue", "describe_query", "engine_executor", "exact_labels", "labels_query",
           "listing_order", "load_catalogue", "notes_query", "parse_results", "pick_labels", "prologue", "run",
           "signature"]
