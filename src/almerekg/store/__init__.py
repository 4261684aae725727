"""Where the graph lives. The embedded store (pyoxigraph on disk) is the default."""

from .embedded import BuildInfo, EmbeddedStore, StoreError, StoreUnavailable

__all__ = ["BuildInfo", "EmbeddedStore", "StoreError", "StoreUnavailable"]
