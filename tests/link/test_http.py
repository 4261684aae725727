"""The HTTP path of the link steps against a local server: retries with back-off, offline errors, the cache."""

from __future__ import annotations

import json

import pytest

from almerekg.link.http import Fetcher, OfflineError, ServiceError

from . import recorded
from .fake_services import TEST_KEY, TEST_TABLE, closed_port

JSON = {"$format": "json"}  # CBS's v3 service (and so the fake) answers JSON only when asked for it


def _fetcher(tmp_path, **kw) -> tuple[Fetcher, list[float]]:
    slept: list[float] = []
    return Fetcher(cache_dir=tmp_path / "cache", backoff=0.5, sleep=slept.append, **kw), slept


def test_retries_a_503_with_backoff_and_then_succeeds(services, tmp_path):
    services.fail[f"/ODataApi/odata/{TEST_TABLE}/TableInfos"] = 2
    fetcher, slept = _fetcher(tmp_path)
    resp = fetcher.get_json(f"{services.url}/ODataApi/odata/{TEST_TABLE}/TableInfos", JSON)
    assert resp.data["value"][0]["Identifier"] == TEST_TABLE
    assert fetcher.requests_made == 3  # two 503s, then the answer
    assert slept == [0.5, 1.0]  # back-off doubles per retry
    assert not resp.from_cache


def test_a_service_that_stays_down_gives_a_clear_error(services, tmp_path):
    services.fail["/ODataApi"] = 99
    fetcher, _ = _fetcher(tmp_path, retries=2)
    with pytest.raises(ServiceError, match="kept answering HTTP 503 after 3 attempts"):
        fetcher.get_json(f"{services.url}/ODataApi/odata/{TEST_TABLE}/TableInfos")


def test_offline_is_a_clear_error_not_a_traceback(tmp_path):
    fetcher, slept = _fetcher(tmp_path, retries=1, timeout=2)
    with pytest.raises(OfflineError) as err:
        fetcher.get_json(f"{closed_port()}/ODataApi/odata/{TEST_TABLE}/TableInfos")
    msg = str(err.value)
    assert "cannot reach 127.0.0.1" in msg and "offline" in msg and "2 attempts" in msg
    assert fetcher.requests_made == 2 and len(slept) == 1


def test_answers_are_cached_on_disk_and_reused(services, tmp_path):
    url = f"{services.url}/ODataApi/odata/{TEST_TABLE}/DataProperties"
    first, _ = _fetcher(tmp_path)
    a = first.get_json(url, JSON)
    again, _ = _fetcher(tmp_path)
    b = again.get_json(url, JSON)
    assert again.requests_made == 0 and b.from_cache and b.data == a.data and b.retrieved == a.retrieved
    fresh, _ = _fetcher(tmp_path, refresh=True)
    fresh.get_json(url, JSON)
    assert fresh.requests_made == 1


def test_a_secret_header_never_reaches_the_cache(services, tmp_path):
    fetcher, _ = _fetcher(tmp_path, headers={"apikey": TEST_KEY})
    fetcher.get_json(f"{services.url}/api/v2/zoeken", {"naam": "Yakult"})
    assert services.requests[-1]["headers"]["apikey"] == TEST_KEY  # it was sent ...
    for path in (tmp_path / "cache").iterdir():  # ... and not kept
        text = path.read_text(encoding="utf-8")
        assert TEST_KEY not in text
        assert json.loads(text)["url"].endswith("naam=Yakult")


def test_client_errors_are_not_retried(services, tmp_path):
    fetcher, slept = _fetcher(tmp_path)
    with pytest.raises(ServiceError, match="HTTP 404") as err:
        fetcher.get_json(f"{services.url}/ODataApi/odata/{TEST_TABLE}/NoSuchThing", JSON)
    assert err.value.status == 404 and fetcher.requests_made == 1 and slept == []


def test_an_error_keeps_the_service_s_json_body(services, tmp_path):
    """KvK says why in its error body; the fetcher keeps it for the caller to read (recorded IPD5200 body)."""
    fetcher, _ = _fetcher(tmp_path, headers={"apikey": TEST_KEY})
    with pytest.raises(ServiceError) as err:
        fetcher.get_json(f"{services.url}/recorded/kvk/api/v2/zoeken", {"naam": "Geen Zulk Bedrijf"})
    assert err.value.status == 404
    assert err.value.body == recorded.KVK_NO_RESULTS and err.value.body["fout"][0]["code"] == "IPD5200"
