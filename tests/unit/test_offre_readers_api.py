"""Live data·inclusion API client, tested on recorded answers only (``responses``, no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import responses
from responses import matchers
from responses.registries import OrderedRegistry

from ingest.offre import api_data_inclusion as api

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "offre" / "data"
MOCKS = FIXTURES / "data-inclusion" / "api-v1-mocks"
BASE = "https://api.test.example"
STRUCTURES = f"{BASE}/api/v1/structures"
SERVICES = f"{BASE}/api/v1/services"
TOKEN = {"Authorization": "Bearer secret-token"}


def _items(name: str) -> list[dict]:
    return json.loads((MOCKS / f"{name}.json").read_text(encoding="utf-8"))["items"]


def _page(items: list[dict], page: int, size: int, total: int) -> dict:
    return {"items": items, "total": total, "page": page, "size": len(items), "pages": -(-total // size)}


def _config(**overrides) -> api.ApiConfig:
    values = {"token": "secret-token", "base_url": BASE, "timeout": 5.0, "page_size": 2, "max_attempts": 3}
    values.update(overrides)
    return api.ApiConfig(**values)


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_structures_are_read_over_three_pages_with_the_token_and_the_departement():
    items = _items("structures")[:5]
    sleeps = Sleeps()
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        for page in (1, 2, 3):
            rsps.add(
                responses.GET, STRUCTURES,
                json=_page(items[(page - 1) * 2:page * 2], page, 2, len(items)),
                match=[matchers.query_param_matcher({"code_departement": "93", "page": str(page),
                                                     "size": "2"}),
                       matchers.header_matcher(TOKEN)],
            )
        result = api.read_structures_live(["93"], _config(), sleep=sleeps)
    assert result.table_name == "offre_structures__di_api"
    assert list(result.frame["id"]) == [item["id"] for item in items]
    assert list(result.frame["_line"]) == [1, 2, 3, 4, 5]  # item number across pages
    assert result.source.mode == "live" and not result.source.stale
    assert result.source.source_file == f"{STRUCTURES}?code_departement=93"
    assert result.source.vintage.startswith("data·inclusion API v1, fetched ")
    assert len(result.source.checksum) == 64
    assert [(q.line, q.field) for q in result.quarantine] == [(2, "longitude/latitude"), (5, "siret")]
    assert sleeps == []


def test_paging_stops_on_total_or_on_a_short_page_when_pages_is_absent():
    items = _items("services")
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.add(responses.GET, SERVICES, json={"items": items[:3], "total": 5},
                 match=[matchers.query_param_matcher({"page": "1", "size": "3"})])
        rsps.add(responses.GET, SERVICES, json={"items": items[3:5], "total": 5},
                 match=[matchers.query_param_matcher({"page": "2", "size": "3"})])
        client = api.DataInclusionClient(_config(page_size=3))
        assert [i["id"] for i in client.services()] == [i["id"] for i in items[:5]]
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.add(responses.GET, SERVICES, json={"items": items[:3]},
                 match=[matchers.query_param_matcher({"page": "1", "size": "3"})])
        rsps.add(responses.GET, SERVICES, json={"items": items[3:4]},
                 match=[matchers.query_param_matcher({"page": "2", "size": "3"})])
        assert len(api.DataInclusionClient(_config(page_size=3)).services()) == 4


def test_a_503_is_retried_after_a_backoff_then_succeeds():
    items = _items("services")[:2]
    sleeps = Sleeps()
    with responses.RequestsMock(assert_all_requests_are_fired=True, registry=OrderedRegistry) as rsps:
        rsps.add(responses.GET, SERVICES, status=503, body="maintenance")
        rsps.add(responses.GET, SERVICES, status=502)
        rsps.add(responses.GET, SERVICES, json=_page(items, 1, 2, 2))
        result = api.read_services_live(["974"], _config(), sleep=sleeps)
        assert len(rsps.calls) == 3
    assert result.rows == 2
    assert sleeps == [1.0, 2.0]  # exponential backoff between the three attempts


def test_a_429_waits_for_retry_after():
    sleeps = Sleeps()
    with responses.RequestsMock(assert_all_requests_are_fired=True, registry=OrderedRegistry) as rsps:
        rsps.add(responses.GET, STRUCTURES, status=429, headers={"Retry-After": "7"})
        rsps.add(responses.GET, STRUCTURES, json=_page([], 1, 2, 0))
        client = api.DataInclusionClient(_config(), sleep=sleeps)
        assert client.structures("93") == []
    assert sleeps == [7.0]


def test_timeouts_are_bounded_and_end_in_a_clear_error():
    sleeps = Sleeps()
    with responses.RequestsMock(assert_all_requests_are_fired=True, registry=OrderedRegistry) as rsps:
        for _ in range(3):
            rsps.add(responses.GET, STRUCTURES, body=requests.exceptions.ReadTimeout("read timed out"))
        with pytest.raises(api.DataInclusionApiError) as excinfo:
            api.read_structures_live(["93"], _config(), sleep=sleeps)
        assert len(rsps.calls) == 3
    assert str(excinfo.value) == f"{STRUCTURES}: gave up after 3 attempts (last: no answer within 5 s)"
    assert sleeps == [1.0, 2.0]


def test_transport_errors_are_retried_too():
    sleeps = Sleeps()
    with responses.RequestsMock(assert_all_requests_are_fired=True, registry=OrderedRegistry) as rsps:
        rsps.add(responses.GET, STRUCTURES, body=requests.exceptions.ChunkedEncodingError("cut"))
        rsps.add(responses.GET, STRUCTURES, json=_page(_items("structures")[:1], 1, 2, 1))
        assert len(api.DataInclusionClient(_config(), sleep=sleeps).structures("93")) == 1
    assert sleeps == [1.0]


def test_live_mode_falls_back_to_the_snapshot_marked_stale_when_unreachable():
    with responses.RequestsMock(assert_all_requests_are_fired=True, registry=OrderedRegistry) as rsps:
        for _ in range(3):
            rsps.add(responses.GET, SERVICES, body=requests.exceptions.ConnectionError("no route to host"))
        result = api.read_di_api_services(FIXTURES, mode="live", departements=["93"], config=_config(),
                                          sleep=Sleeps())
    assert result.rows == 7  # the recorded answers
    assert result.source.stale is True and result.source.mode == "live"
    assert result.source.message.startswith("API data·inclusion injoignable (")
    assert "gave up after 3 attempts (last: connection failed (ConnectionError))" in result.source.message
    assert str(MOCKS) in result.source.message


def test_401_fails_at_once_and_is_not_retried():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.add(responses.GET, STRUCTURES, status=401, json={"detail": "Not authenticated"})
        with pytest.raises(api.DataInclusionApiError, match=r"refused the token \(HTTP 401\); check "
                                                            r"DATA_INCLUSION_API_TOKEN"):
            api.DataInclusionClient(_config(), sleep=Sleeps()).structures("93")
        assert len(rsps.calls) == 1


def test_no_token_is_a_clear_error_before_any_call():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        with pytest.raises(api.MissingTokenError, match="no data·inclusion API token: set "
                                                        "DATA_INCLUSION_API_TOKEN"):
            api.read_di_api_structures(FIXTURES, mode="live", departements=["93"],
                                       config=api.ApiConfig.from_env({"DATA_INCLUSION_API_URL": BASE}))
        assert len(rsps.calls) == 0


def test_other_client_errors_and_non_json_answers_fail_without_retry():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.add(responses.GET, STRUCTURES, status=422, json={"detail": "bad code_departement"})
        with pytest.raises(api.DataInclusionApiError, match="HTTP 422"):
            api.DataInclusionClient(_config()).structures("00")
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.add(responses.GET, STRUCTURES, body="<html>proxy</html>", status=200)
        with pytest.raises(api.DataInclusionApiError, match="not JSON"):
            api.DataInclusionClient(_config()).structures("93")
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.add(responses.GET, STRUCTURES, json={"results": []})
        with pytest.raises(api.DataInclusionApiError, match="no 'items' list"):
            api.DataInclusionClient(_config()).structures("93")


def test_search_services_unwraps_service_structure_and_distance():
    service = dict(_items("services")[2])
    structure = _items("structures")[2]
    body = {"items": [{"service": {**service, "structure": structure}, "distance": 1200}],
            "total": 1, "page": 1, "size": 1, "pages": 1}
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.add(responses.GET, f"{BASE}/api/v1/search/services", json=body,
                 match=[matchers.query_param_matcher({"code_commune": "93066", "thematiques": "famille",
                                                      "page": "1", "size": "2"})])
        results = api.DataInclusionClient(_config()).search_services("93066", thematiques="famille")
    assert results == [(service, structure, 1200)]


def test_configuration_from_the_environment():
    config = api.ApiConfig.from_env({"DATA_INCLUSION_API_TOKEN": " t ", "DATA_INCLUSION_API_URL": f"{BASE}/"},
                                    timeout=3)
    assert (config.token, config.base_url, config.timeout) == ("t", BASE, 3)
    assert api.ApiConfig.from_env({}).token is None
    assert api.offre_mode({"PACTE_OFFRE_MODE": "live"}) == "live"
    with pytest.raises(ValueError):
        api.offre_mode({"PACTE_OFFRE_MODE": "api"})
    with pytest.raises(ValueError, match="page_size"):
        api.DataInclusionClient(_config(page_size=20_000))


def test_snapshot_mode_never_calls_the_network():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        result = api.read_di_api_structures(FIXTURES)
        assert len(rsps.calls) == 0
    assert result.rows == 6 and result.source.mode == "snapshot" and not result.source.stale
