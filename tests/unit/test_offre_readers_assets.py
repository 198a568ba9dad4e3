"""The raw_offre assets on the fixtures: tables written with their types, inbox and live mode wired."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
import responses
from dagster import materialize
from responses import matchers

from ingest.vocabulaires import dbt_var
from orchestration.assets import raw_offre
from orchestration.resources import PacteSettingsResource, WarehouseResource

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "offre"


def _resources(tmp_path: Path, data_dir: Path) -> dict:
    return {
        "warehouse": WarehouseResource(path=str(tmp_path / "warehouse.duckdb")),
        "settings": PacteSettingsResource(data_dir=str(data_dir), output_dir=str(tmp_path / "output"),
                                          inbox_dir=str(tmp_path / "inbox"), live_timeout=5.0),
    }


def test_every_offer_source_has_an_asset_in_the_raw_offre_group():
    # the one list of the offer's sources: the dbt var offre_sources
    tables = {source.table for source in raw_offre.SOURCES}
    sources = dbt_var("offre_sources")
    assert {f"offre_structures__{s['table_source']}" for s in sources} == {
        t for t in tables if t.startswith("offre_structures__")
    }
    assert {f"offre_services__{s['table_source']}" for s in sources if s["a_des_services"] == "oui"} == {
        t for t in tables if t.startswith("offre_services__")
    }
    assert {source.group for source in raw_offre.SOURCES} == {"raw_offre"}
    assert len(raw_offre.ASSETS) == len(raw_offre.SOURCES)


def test_assets_write_typed_tables_and_read_the_inbox(tmp_path, monkeypatch):
    monkeypatch.delenv("PACTE_OFFRE_MODE", raising=False)
    inbox = tmp_path / "inbox" / "93" / "offre_locale"
    inbox.mkdir(parents=True)
    shutil.copy(FIXTURES / "local" / "93" / "offre_locale" / "complement.csv", inbox / "complement.csv")
    selected = [a for a in raw_offre.ASSETS
                if any(k.path[-1] in {"offre_services__di_export", "offre_structures__local",
                                       "offre_services__local", "offre_structures__esat"} for k in a.keys)]
    result = materialize(selected, resources=_resources(tmp_path, FIXTURES / "data"))
    assert result.success
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        counts = dict(con.execute(
            "select table_name, rows_loaded from raw._chargements where table_name like 'offre%'").fetchall())
        assert counts == {"offre_services__di_export": 8, "offre_structures__local": 2,
                          "offre_services__local": 2, "offre_structures__esat": 4}
        types = dict(con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'offre_services__local'").fetchall())
        assert (types["thematiques"], types["date_maj"], types["latitude"]) == ("VARCHAR[]", "DATE", "DOUBLE")
        assert con.execute("select count(*) from quarantine.rejets "
                           "where table_name = 'offre_services__di_export'").fetchone() == (7,)
        assert con.execute("select list_sort(list(departement)) from raw.offre_structures__local"
                           ).fetchone() == (["93", "93"],)
    finally:
        con.close()


def test_live_mode_calls_the_api_for_the_run_departement(tmp_path, monkeypatch, data_dir):
    monkeypatch.setenv("PACTE_OFFRE_MODE", "live")
    monkeypatch.setenv("DATA_INCLUSION_API_TOKEN", "secret-token")
    monkeypatch.setenv("DATA_INCLUSION_API_URL", "https://api.test.example")
    mocks = FIXTURES / "data" / "data-inclusion" / "api-v1-mocks"
    items = json.loads((mocks / "structures.json").read_text(encoding="utf-8"))
    selected = [a for a in raw_offre.ASSETS if any(k.path[-1] == "offre_structures__di_api" for k in a.keys)]
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.add(responses.GET, "https://api.test.example/api/v1/structures", json=items,
                 match=[matchers.query_param_matcher({"code_departement": "974", "page": "1",
                                                      "size": "1000"}),
                        matchers.header_matcher({"Authorization": "Bearer secret-token"})])
        result = materialize(selected, resources=_resources(tmp_path, FIXTURES / "data"),
                             tags={"dagster/partition": "974"})
    assert result.success
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*), any_value(_mode), bool_or(_stale) "
                           "from raw.offre_structures__di_api").fetchone() == (6, "live", False)
    finally:
        con.close()


def test_live_mode_without_token_fails_the_asset_clearly(tmp_path, monkeypatch, data_dir):
    monkeypatch.setenv("PACTE_OFFRE_MODE", "live")
    monkeypatch.delenv("DATA_INCLUSION_API_TOKEN", raising=False)
    selected = [a for a in raw_offre.ASSETS if any(k.path[-1] == "offre_services__di_api" for k in a.keys)]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        with pytest.raises(Exception, match="DATA_INCLUSION_API_TOKEN"):
            materialize(selected, resources=_resources(tmp_path, FIXTURES / "data"),
                        tags={"dagster/partition": "93"})
        assert len(rsps.calls) == 0
