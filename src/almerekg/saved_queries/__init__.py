"""Saved queries: queries/*.rq as documents (catalogue.py), their parameters bound (binding.py), the queries
pages ask about an answer (page_queries.py) and the report's table layouts (tables.py).

The web pages and APIs (web/saved_queries/) and `almerekg query` both read them through this package,
and run them through the engine, which answers with typed rows (engine/rows.py).
"""

from .binding import RESERVED, STANDARD_PREFIXES, Binding, ParamError, prologue
from .catalogue import Catalogue, CatalogueError, SavedQuery, listing_order, load_catalogue, signature
from .page_queries import describe_query, exact_labels, labels_query, notes_query, pick_labels

__all__ = ["RESERVED", "STANDARD_PREFIXES", "Binding", "Catalogue", "CatalogueError", "ParamError", "SavedQuery",
           "describe_query", "exact_labels", "labels_query", "listing_order", "load_catalogue",
           "notes_query", "pick_labels", "prologue", "signature"]
