"""One careful HTTP client for the link steps: timeouts, retries with back-off, a clear offline error, a disk cache.

CBS and KvK are public services run by others: we ask politely (few requests, back-off on 429/5xx), and we keep
every answer on disk so a rerun, a review or a test does not ask again. Secrets (the KvK key) travel only in
request headers, which are never written to the cache, to a log or to an exception message.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from ..settings import Settings

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class LinkError(Exception):
    """A link step cannot go on; the message says what to do."""


class OfflineError(LinkError):
    """The service could not be reached at all (no network, DNS failure, refused connection, timeouts)."""


class ServiceError(LinkError):
    """The service answered, but not with what we asked for."""

    def __init__(self, message: str, status: int | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body  # the service's JSON error body, when it sent one (KvK: {"fout": [{"code", ...}]})


@dataclass(frozen=True)
class Response:
    url: str
    data: Any
    retrieved: str  # ISO 8601 UTC time at which the service sent this answer (not when it was read from cache)
    from_cache: bool


def _json_or_none(resp: requests.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def full_url(url: str, params: Mapping[str, str] | None = None) -> str:
    if not params:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(sorted(params.items()), safe="$',()")


@dataclass
class Fetcher:
    """GET JSON with retries and a cache keyed by the full URL (which never carries a secret)."""

    cache_dir: Path | None = None
    timeout: float = Settings.link_timeout  # the defaults of `almerekg link --timeout/--retries/--backoff`
    retries: int = Settings.link_retries
    backoff: float = Settings.link_backoff
    refresh: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    sleep: Callable[[float], None] = time.sleep
    say: Callable[[str], None] = lambda _m: None
    requests_made: int = 0

    def _cache_path(self, url: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json")

    def get_json(self, url: str, params: Mapping[str, str] | None = None) -> Response:
        target = full_url(url, params)
        cached = self._cache_path(target)
        if cached is not None and cached.is_file() and not self.refresh:
            entry = json.loads(cached.read_text(encoding="utf-8"))
            return Response(entry["url"], entry["data"], entry["retrieved"], from_cache=True)
        data, retrieved = self._fetch(target)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(".tmp")
            # Only the URL, the time and the body: request headers (and so any API key) never reach the disk.
            tmp.write_text(json.dumps({"url": target, "retrieved": retrieved, "data": data}, ensure_ascii=False),
                           encoding="utf-8")
            tmp.replace(cached)
        return Response(target, data, retrieved, from_cache=False)

    def _fetch(self, url: str) -> tuple[Any, str]:
        host = urlsplit(url).netloc
        last: str = ""
        for attempt in range(self.retries + 1):
            if attempt:
                delay = self.backoff * (2 ** (attempt - 1))
                self.say(f"  retrying in {delay:.1f}s ({last})")
                self.sleep(delay)
            try:
                self.requests_made += 1
                resp = requests.get(url, headers={"Accept": "application/json", **self.headers},
                                    timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = type(exc).__name__
                continue
            if resp.status_code in RETRY_STATUSES:
                last = f"HTTP {resp.status_code}"
                retry_after = resp.headers.get("Retry-After", "")
                if retry_after.isdigit() and int(retry_after) <= 60:
                    self.sleep(float(retry_after))
                continue
            if resp.status_code >= 400:
                raise ServiceError(f"{host} answered HTTP {resp.status_code} for {url}: {resp.text[:300].strip()}",
                                   resp.status_code, _json_or_none(resp))
            try:
                return resp.json(), utc_now()
            except ValueError as exc:
                raise ServiceError(f"{host} did not answer with JSON for {url}") from exc
        tries = f"{self.retries + 1} attempt{'s' if self.retries else ''}"
        if last.startswith("HTTP"):
            raise ServiceError(f"{host} kept answering {last} after {tries} for {url}; "
                               "the service is busy or down, try again later")
        raise OfflineError(f"cannot reach {host} ({last} after {tries}). This machine seems "
                           "to be offline or the service is down. Run this step where the service is reachable; "
                           "answers already fetched stay in the cache"
                           + (f" ({self.cache_dir})" if self.cache_dir else "") + ".")


__all__ = ["Fetcher", "LinkError", "OfflineError", "Response", "ServiceError", "full_url", "utc_now"]
