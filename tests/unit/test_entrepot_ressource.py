"""The warehouse resource: one connection held across the steps of a ``pacte build`` run
(``EntrepotTenu``), closed when the run ends; per-step connections otherwise; a read shared by two
steps of one run; a context built without ``with`` (tests) still works."""

import duckdb
import pytest
from dagster import AssetExecutionContext, asset, materialize

from orchestration.resources import EntrepotTenu, WarehouseResource


def _run(ressource):
    vus: list = []
    lectures: list[str] = []

    def lire(qui):
        lectures.append(qui)
        return qui

    @asset
    def premier(context: AssetExecutionContext, warehouse: WarehouseResource):
        with warehouse.connect() as con:
            con.execute("create or replace table t as select 1 as x")
        vus.append(getattr(warehouse, "_tenue", None))
        partage = context.resources.warehouse
        vus.append(partage.lu_une_fois(("cle", context.run.run_id), lambda: lire("premier")))

    @asset(deps=[premier])
    def second(context: AssetExecutionContext, warehouse: WarehouseResource):
        with warehouse.connect(read_only=True) as con:
            assert con.execute("select x from t").fetchone() == (1,)
        vus.append(getattr(warehouse, "_tenue", None))
        partage = context.resources.warehouse
        vus.append(partage.lu_une_fois(("cle", context.run.run_id), lambda: lire("second")))

    result = materialize([premier, second], resources={"warehouse": ressource})
    assert result.success
    return vus, lectures


def test_a_held_warehouse_is_one_connection_for_the_run_closed_at_its_end(tmp_path):
    (tenue_1, valeur_1, tenue_2, valeur_2), lectures = _run(EntrepotTenu(path=str(tmp_path / "e.duckdb")))
    assert tenue_1 is not None and tenue_2 is tenue_1
    with pytest.raises(duckdb.ConnectionException):  # closed by the resource's teardown
        tenue_1.execute("select 1")
    # the read of the first step serves the second one
    assert (valeur_1, valeur_2, lectures) == ("premier", "premier", ["premier"])


def test_the_plain_resource_opens_and_closes_the_file_at_each_step_opens_and_closes_the_file(tmp_path):
    (tenue_1, _, tenue_2, _), lectures = _run(WarehouseResource(path=str(tmp_path / "e.duckdb")))
    assert tenue_1 is None and tenue_2 is None
    assert lectures == ["premier"]  # the run's resource still shares the read


def test_release_closes_the_held_connection_and_the_next_use_reopens_it(tmp_path):
    ressource = EntrepotTenu(path=str(tmp_path / "entrepot.duckdb"))
    with ressource.connect() as con:
        con.execute("create table t as select 2 as x")
    premiere = ressource._tenue
    ressource.release()
    with pytest.raises(duckdb.ConnectionException):
        premiere.execute("select 1")
    duckdb.connect(str(tmp_path / "entrepot.duckdb"), read_only=True).close()  # the file is free
    with ressource.connect() as con:
        assert con.execute("select x from t").fetchone() == (2,)
    assert ressource._tenue is not None and ressource._tenue is not premiere
    ressource.release()


def test_an_asset_check_context_needs_no_with_block_for_the_warehouse(tmp_path):
    from dagster import build_asset_check_context

    ressource = WarehouseResource(path=str(tmp_path / "e.duckdb"))
    context = build_asset_check_context(resources={"warehouse": ressource})
    with context.resources.warehouse.connect() as con:
        assert con.execute("select 1").fetchone() == (1,)
