"""Settings, read once from flags and the environment and then passed around explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

# The placeholder base lives in the reserved .example TLD (RFC 6761) so that nobody mistakes it
# for a published domain; a deployment sets ALMEREKG_BASE to the domain it really serves.
DEFAULT_BASE = "https://almerekg.example"

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise SystemExit(f"environment variable {name}={raw!r} is not a number") from exc


@dataclass(frozen=True)
class Config:
    base: str = DEFAULT_BASE
    store: str = str(PROJECT_ROOT / "var" / "store")
    project_root: Path = PROJECT_ROOT
    data: Path | None = None
    # Linked data fetched by `almerekg link` lives apart from data/ (the report) so it is never mixed in silently.
    linksets: Path | None = None
    query_timeout: float = 30.0
    max_result_bytes: int = 50 * 1024 * 1024
    max_request_bytes: int = 1024 * 1024
    service_allowlist: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return self.data if self.data is not None else self.project_root / "data"

    @property
    def linksets_dir(self) -> Path:
        return self.linksets if self.linksets is not None else self.project_root / "linksets"

    @property
    def ontology_dir(self) -> Path:
        return self.project_root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.project_root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.project_root / "queries"

    @property
    def store_is_remote(self) -> bool:
        # http(s)://... or kind+http(s)://... (virtuoso+http://host:8890 picks the Virtuoso adapter)
        scheme = self.store.split("://", 1)[0] if "://" in self.store else ""
        return scheme.split("+")[-1] in ("http", "https")

    def with_(self, **changes) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def from_env(**overrides) -> Config:
    """Build a Config from ALMEREKG_* variables; explicit (flag) values win over the environment."""
    allow = os.environ.get("ALMEREKG_SERVICE_ALLOWLIST", "")
    cfg = Config(
        base=os.environ.get("ALMEREKG_BASE", DEFAULT_BASE).rstrip("/"),
        store=os.environ.get("ALMEREKG_STORE") or Config.store,
        query_timeout=_env_float("ALMEREKG_QUERY_TIMEOUT", 30.0),
        max_result_bytes=int(_env_float("ALMEREKG_MAX_RESULT_BYTES", 50 * 1024 * 1024)),
        max_request_bytes=int(_env_float("ALMEREKG_MAX_REQUEST_BYTES", 1024 * 1024)),
        service_allowlist=tuple(h.strip() for h in allow.split(",") if h.strip()),
        linksets=Path(os.environ["ALMEREKG_LINKSETS"]).resolve() if os.environ.get("ALMEREKG_LINKSETS") else None,
    )
    if overrides.get("base"):
        overrides["base"] = overrides["base"].rstrip("/")
    for key in ("project_root", "data", "linksets"):
        if overrides.get(key):
            overrides[key] = Path(overrides[key]).resolve()
    return cfg.with_(**overrides)
