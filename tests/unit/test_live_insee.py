"""Live INSEE readers (ingest.live_insee): pynsee against mocked answers, never the network.

INSEE's answers are served by ``responses`` from recorded-shape fixtures
(tests/fixtures/live_insee, values taken from the snapshot); any request that is not
mocked is refused by ``responses``, and sockets to anything but the loopback are refused
too. The hanging server is a local TCP server used as the HTTPS proxy that accepts the
connection and never answers.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pandas as pd
import pytest
import responses
from _live_assets import HANG_GUARD, materialize_live, read_while_refused, wait_for_live_workers

from ingest import cog, filosofi, live_deadline, live_insee
from orchestration.assets.raw_besoins import SOURCES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "live_insee"
GEO = json.loads((FIXTURES / "geo.json").read_text(encoding="utf-8"))
MELODI = json.loads((FIXTURES / "melodi.json").read_text(encoding="utf-8"))
LIST_URL = re.compile(r"^https://api\.insee\.fr/metadonnees/geo/(\w+)(\?.*)?$")
DESCENDANTS_URL = re.compile(r"^https://api\.insee\.fr/metadonnees/geo/region/(\w+)/descendants(\?.*)?$")
MELODI_URL = re.compile(r"^https://api\.insee\.fr/melodi/data/(\w+)(\?.*)?$")

API_TABLES = ("cog_regions", "cog_departements", "cog_communes", "filosofi_communes_2021")

pytestmark = pytest.mark.usefixtures("pynsee_imported", "isolated_pynsee")


def _json(body) -> tuple[int, dict, str]:
    return 200, {"Content-Type": "application/json"}, json.dumps(body, ensure_ascii=False)


def _list(request):
    area = LIST_URL.match(request.url).group(1)
    return _json(GEO[area]) if area in GEO and area != "descendants" else (404, {}, "")


def _descendants(request):
    code = DESCENDANTS_URL.match(request.url).group(1)
    assert parse_qs(urlparse(request.url).query)["type"] == ["departement"]
    return _json(GEO["descendants"][code])


def _melodi(request):
    dataset = MELODI_URL.match(request.url).group(1)
    params = {k: v[0] for k, v in parse_qs(urlparse(request.url).query).items()}
    answer = dict(MELODI[dataset])
    filters = {k: v for k, v in params.items() if k not in {"totalCount", "maxResult", "page"}}
    observations = [
        o
        for o in answer["observations"]
        if all(k == "GEO" or o["dimensions"].get(k) == v for k, v in filters.items())
        and (filters.get("GEO") != "COM" or "-COM-" in o["dimensions"]["GEO"])
    ]
    if params.get("maxResult") == "0":
        paging = {"first": request.url, "count": len(observations)}
        return _json({**answer, "observations": [], "paging": paging})
    return _json({**answer, "observations": observations, "paging": {"first": request.url, "isLast": True}})


@pytest.fixture
def insee_api(no_internet):
    """Mocked INSEE APIs (strict: an unmocked URL raises ConnectionError)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add_callback(responses.GET, DESCENDANTS_URL, callback=_descendants)
        rsps.add_callback(responses.GET, LIST_URL, callback=_list)
        rsps.add_callback(responses.GET, MELODI_URL, callback=_melodi)
        yield rsps
    assert no_internet == []


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    cols = [c for c in frame.columns if c != "_line"]
    return frame[cols].sort_values(keys).reset_index(drop=True)


# ----------------------------------------------------------------- live answers parsed right


def test_live_regions_match_the_snapshot_table(insee_api, data_dir):
    result = live_insee.read_cog_regions_live(data_dir, HANG_GUARD)
    snapshot = cog.read_regions(data_dir)
    assert result.table_name == "cog_regions"
    assert result.source.mode == "live" and not result.source.stale
    assert "api.insee.fr/metadonnees/geo/regions" in result.source.source_file
    assert result.quarantine == []
    assert list(result.frame.columns) == list(snapshot.frame.columns)
    assert result.frame.dtypes.equals(snapshot.frame.dtypes)
    live, snap = _sorted(result.frame, ["reg"]), _sorted(snapshot.frame, ["reg"])
    metro_drom = live["reg"].str.len() == 2
    pd.testing.assert_frame_equal(live[metro_drom], snap[metro_drom])
    assert live.loc[~metro_drom, ["reg", "nom", "zone"]].equals(snap.loc[~metro_drom, ["reg", "nom", "zone"]])


def test_live_departements_carry_their_region(insee_api, data_dir):
    result = live_insee.read_cog_departements_live(data_dir, HANG_GUARD)
    snapshot = cog.read_departements(data_dir)
    assert result.source.mode == "live" and len(result.frame) == len(snapshot.frame) == 109
    live, snap = _sorted(result.frame, ["dep"]), _sorted(snapshot.frame, ["dep"])
    assert live[["dep", "nom", "reg", "zone"]].equals(snap[["dep", "nom", "reg", "zone"]])
    not_com = live["zone"] != "com"
    assert live.loc[not_com, "chef_lieu"].equals(snap.loc[not_com, "chef_lieu"])
    assert dict(zip(live["dep"], live["reg"], strict=True))["93"] == "11"
    urls = [c.request.url for c in insee_api.calls]
    assert sum("/descendants" in u for u in urls) == 18, "one call per région (pynsee get_geo_list)"


def test_live_communes_lists_populations_and_completed_attributes(insee_api, data_dir):
    result = live_insee.read_cog_communes_live(data_dir, HANG_GUARD)
    snapshot = cog.read_communes(data_dir).frame
    frame = result.frame
    assert result.table_name == "cog_communes" and result.source.mode == "live"
    assert list(frame.columns) == list(snapshot.columns)
    assert frame.dtypes.equals(snapshot.dtypes)
    actual = frame[frame["type"] == "commune-actuelle"].set_index("code_insee")
    snap = snapshot[snapshot["type"] == "commune-actuelle"].set_index("code_insee")
    # population légale read live (DS_POPULATIONS_REFERENCE) equals the snapshot's
    assert actual.loc["93066", "population_municipale"] == snap.loc["93066", "population_municipale"]
    assert actual.loc["93066", "reg"] == "11" and actual.loc["2A004", "dep"] == "2A"
    assert actual.loc["97411", "dep"] == "974" and actual.loc["97411", "zone"] == "drom"
    # what the INSEE APIs do not publish comes from the snapshot
    assert actual.loc["93066", "epci_siren"] == "200054781"
    assert actual.loc["93066", "ept_siren"] == "200057867"
    # a commune unknown to the snapshot is kept, with what INSEE gives
    assert actual.loc["93999", "nom"] == "Commune nouvelle de test"
    assert pd.isna(actual.loc["93999", "epci_siren"])
    assert pd.isna(actual.loc["93999", "population_municipale"])
    arrondissement = frame[frame["code_insee"] == "75101"].iloc[0]
    assert arrondissement["type"] == "arrondissement-municipal"
    assert arrondissement["commune_parente"] == "75056"
    assert set(frame.loc[frame["zone"] == "com", "code_insee"]) == set(
        snapshot.loc[snapshot["zone"] == "com", "code_insee"]
    )
    assert "repris de l'instantané" in result.source.message
    assert {"commune-deleguee", "commune-associee"} <= set(frame["type"])


def test_live_filosofi_parses_melodi_observations(insee_api, data_dir):
    result = live_insee.read_filosofi_communes_2021_live(data_dir, HANG_GUARD)
    snapshot = filosofi.read_communes_2021(data_dir).frame
    frame = result.frame.set_index("codgeo")
    assert result.table_name == "filosofi_communes_2021" and result.source.mode == "live"
    assert list(result.frame.columns) == list(snapshot.columns)
    assert sorted(frame.index) == ["01001", "93001", "93066"]
    snap = snapshot.set_index("codgeo")
    published = [
        "nbmenfisc21",
        "nbpersmenfisc21",
        "med21",
        "pimp21",
        "tp6021",
        "pact21",
        "ppsoc21",
        "pimpot21",
        "d121",
        "d921",
        "rd21",
    ]
    both = ["93001", "93066"]
    pd.testing.assert_frame_equal(frame.loc[both, published], snap.loc[both, published])
    assert frame.loc["93066", "tp6021"] == 36.0
    # secret observations (CONF_STATUS = C) stay NULL and flagged secret, never zero
    assert pd.isna(frame.loc["01001", "tp6021"]) and "tp6021" in frame.loc["01001", "_secret"]
    assert frame.loc["01001", "med21"] == 25820.0
    # measures DS_FILOSOFI_CC does not carry are NULL and flagged unavailable
    assert pd.isna(frame.loc["93066", "tp60age121"]) and "tp60age121" in frame.loc["93066", "_indisponible"]
    assert "géographie 2025" in result.source.vintage


def test_all_live_requests_go_to_mocked_insee_urls_only(insee_api, data_dir, no_internet):
    for table in API_TABLES:  # the census readers fetch files: tests/unit/test_live_recensement.py
        assert live_insee.LIVE_READERS[table](data_dir, HANG_GUARD).source.mode == "live"
    urls = [c.request.url for c in insee_api.calls]
    assert urls and all(
        u.startswith(("https://api.insee.fr/metadonnees/geo/", "https://api.insee.fr/melodi/data/"))
        for u in urls
    )
    assert no_internet == []


# ----------------------------------------------------------------- failures fall back, in time


def test_unmocked_url_is_refused_and_falls_back(no_internet, data_dir):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:  # nothing registered
        result = live_insee.read_cog_regions_live(data_dir, HANG_GUARD)
        assert len(rsps.calls) >= 1
    assert result.source.stale and result.source.mode == "snapshot"
    assert "ConnectionError" in result.source.message
    assert no_internet == []


def test_connection_error_falls_back_to_snapshot_at_once(no_internet, data_dir):
    """A refused connection falls back on its own error, not on the deadline, with one retry at most.

    The deadline is far longer than any run (10 min): had the reader waited for it, the
    message would name the timeout instead of the refused connection. No clock decides.
    """
    result, calls = read_while_refused(
        r"https://api\.insee\.fr/.*", lambda: live_insee.read_filosofi_communes_2021_live(data_dir, 600)
    )
    snapshot = filosofi.read_communes_2021(data_dir)
    assert 1 <= calls <= 2, f"{calls} requests for one refused connection (one retry at most)"
    assert result.source.stale and result.source.mode == "snapshot"
    assert result.source.source_file == snapshot.source.source_file
    assert "Connection refused" in result.source.message and "Timeout" not in result.source.message
    assert str(snapshot.source.source_file) in result.source.message
    assert "PACTE_LIVE_TIMEOUT" in result.source.message
    pd.testing.assert_frame_equal(result.frame, snapshot.frame)


def test_server_errors_fall_back(no_internet, data_dir):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.GET, re.compile(r"https://api\.insee\.fr/.*"), status=503)
        result = live_insee.read_cog_departements_live(data_dir, HANG_GUARD)
    assert result.source.stale and "503" in result.source.message


def test_malformed_answer_falls_back(no_internet, data_dir):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.GET, re.compile(r"https://api\.insee\.fr/.*"), json={"unexpected": True})
        result = live_insee.read_cog_regions_live(data_dir, HANG_GUARD)
    assert result.source.stale and result.source.mode == "snapshot"


def test_hanging_server_times_out_and_falls_back(hanging_proxy, no_internet, data_dir):
    """A server that never answers ends in the deadline's timeout and the snapshot.

    The server never answers, so only the deadline can end the call: the outcome (the
    timeout named in the message) is the proof; no elapsed time is compared.
    """
    result = live_insee.read_cog_regions_live(data_dir, 2)
    assert hanging_proxy, "the request did reach the (local) hanging server"
    assert result.source.stale and result.source.mode == "snapshot"
    assert "limite 2 s" in result.source.message
    assert "LiveTimeout" in result.source.message or "Timeout" in result.source.message
    assert no_internet == []


def test_a_request_started_after_the_deadline_is_refused(no_internet):
    live_deadline.install_bounds()
    from pynsee.utils.requests_session import PynseeAPISession

    started = threading.Event()
    release = threading.Event()
    outcome: list[BaseException] = []

    def late_call():
        started.set()
        release.wait(600)  # held until the caller has given up on it
        try:
            with PynseeAPISession() as session:
                session.get("https://api.insee.fr/metadonnees/geo/regions")
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
            outcome.append(exc)
            raise

    with pytest.raises(live_deadline.LiveTimeout):
        live_deadline.run_with_deadline(late_call, 0.1)
    assert started.is_set()
    release.set()  # the worker wakes up after the deadline and must not reach the network
    wait_for_live_workers()
    assert outcome and isinstance(outcome[0], live_deadline.LiveTimeout)
    assert no_internet == []


# ----------------------------------------------------------------- wiring in the raw assets


def test_live_readers_are_wired_in_the_raw_sources():
    # the raw sources name their readers lazily (ingest.paresseux.Lecteur): compare the function called
    import importlib

    def called(reader):
        return getattr(importlib.import_module(reader.__module__), reader.__name__)

    wired = {s.table: called(s.live_reader) for s in SOURCES if s.live_reader is not None}
    assert wired == live_insee.LIVE_READERS


def _materialize(data_dir: Path, tmp_path: Path, timeout: float):
    result, warehouse = materialize_live("cog_regions", data_dir, tmp_path, timeout)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        table = con.execute("select distinct _mode, _stale from raw.cog_regions").fetchall()
        loads = con.execute(
            "select mode, stale, message from raw._chargements where table_name = 'cog_regions'"
        ).fetchall()
    finally:
        con.close()
    return result, table, loads


def test_raw_asset_in_live_mode_loads_the_live_table(insee_api, data_dir, tmp_path):
    result, table, loads = _materialize(data_dir, tmp_path, HANG_GUARD)
    assert result.success
    assert table == [("live", False)]
    assert loads[0][:2] == ("live", False)


def test_raw_asset_in_live_mode_marks_the_fallback_stale(no_internet, data_dir, tmp_path):
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        result, table, loads = _materialize(data_dir, tmp_path, 3)
    assert result.success
    assert table == [("snapshot", True)]
    mode, stale, message = loads[0]
    assert (mode, stale) == ("snapshot", True) and "Repli sur l'instantané" in message
