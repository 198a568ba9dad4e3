"""Skipping an unchanged dbt build: digest, records, replay (orchestration.dbt_etat)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from dagster import AssetCheckKey, AssetCheckResult, AssetCheckSeverity, AssetKey, MaterializeResult, Output

from orchestration import dbt_etat

REPO = Path(__file__).resolve().parents[2]
RELATIONS = [("marts", "territoires"), ("staging", "stg_x")]
SOURCES = [("raw", "cog_regions"), ("raw", "neet")]  # what the models of the step read


@pytest.fixture()
def project(tmp_path) -> Path:
    root = tmp_path / "dbt_project"
    for name in ("dbt_project.yml", "profiles.yml"):
        root.mkdir(exist_ok=True)
        shutil.copy(REPO / "dbt_project" / name, root / name)
    (root / "models").mkdir()
    (root / "models" / "m.sql").write_text("select 1 as a\n")
    return root


@pytest.fixture()
def con():
    con = duckdb.connect()
    con.execute("create schema raw; create schema marts; create schema staging")
    con.execute("create table raw.cog_regions as select * from (values ('11', 'Île-de-France', now()), "
                "('93', 'PACA', now())) t(code, libelle, _loaded_at)")
    con.execute("create table raw._chargements (table_name varchar, loaded_at timestamp)")
    con.execute("create table marts.territoires as select 1 as x union all select 2")
    con.execute("create view staging.stg_x as select 1 as y")
    yield con
    con.close()


def test_digest_follows_raw_content_not_load_time(con, project):
    first = dbt_etat.empreinte(con, project, ["build"], SOURCES)
    # reloaded with the same rows: only _loaded_at changes; a bookkeeping table changes too
    con.execute("update raw.cog_regions set _loaded_at = now() + interval 1 hour")
    con.execute("insert into raw._chargements values ('cog_regions', now())")
    assert dbt_etat.empreinte(con, project, ["build"], SOURCES) == first
    con.execute("update raw.cog_regions set libelle = 'Provence-Alpes-Côte d''Azur' where code = '93'")
    second = dbt_etat.empreinte(con, project, ["build"], SOURCES)
    assert second != first
    # a source that appears, another --vars, a changed model file: each changes the digest
    con.execute("create table raw.neet as select 1 as n")
    third = dbt_etat.empreinte(con, project, ["build"], SOURCES)
    assert third != second
    assert dbt_etat.empreinte(con, project, ["build", "--vars", "{}"], SOURCES) != third
    (project / "models" / "m.sql").write_text("select 2 as a\n")
    assert dbt_etat.empreinte(con, project, ["build"], SOURCES) != third


def _suivi(context) -> dbt_etat.Enregistrement:
    suivi = dbt_etat.Enregistrement()
    events = [
        Output(None, output_name="marts_territoires", metadata={"dagster/row_count": 2, "sql": "select 1"}),
        AssetCheckResult(asset_key=AssetKey(["marts", "territoires"]), check_name="not_null_x", passed=True,
                         severity=AssetCheckSeverity.ERROR, metadata={"failed_row_count": 0}),
        AssetCheckResult(asset_key=AssetKey(["marts", "territoires"]), check_name="range_x", passed=False,
                         severity=AssetCheckSeverity.WARN, description="2 lignes hors bornes"),
    ]
    passed = list(suivi.suivre(context, events))
    assert passed == events  # every event goes through unchanged
    return suivi


def _context(assets, checks):
    logs = []
    return SimpleNamespace(
        selected_asset_keys=set(assets),
        selected_asset_check_keys=set(checks),
        asset_key_for_output=lambda name: AssetKey(name.split("_", 1)),
        log=SimpleNamespace(info=logs.append),
        logs=logs,
    )


def test_record_then_replay_the_same_results(con, project):
    key = AssetKey(["marts", "territoires"])
    checks = [AssetCheckKey(key, "not_null_x"), AssetCheckKey(key, "range_x")]
    context = _context([key], checks)
    digest = dbt_etat.empreinte(con, project, ["build"], SOURCES)
    dbt_etat.enregistrer(con, "etape", digest, RELATIONS, _suivi(context))

    build = dbt_etat.dernier_build(con, "etape", digest, RELATIONS)
    assert build is not None and isinstance(build["construit_le"], dt.datetime)
    events = list(dbt_etat.rejouer(context, build))
    materialised = [e for e in events if isinstance(e, MaterializeResult)]
    assert [e.asset_key for e in materialised] == [key]
    assert materialised[0].metadata["dagster/row_count"] == 2
    assert materialised[0].metadata["unchanged"] is True
    assert "sql" in materialised[0].metadata
    by_name = {e.check_name: e for e in events if isinstance(e, AssetCheckResult)}
    assert by_name["not_null_x"].passed is True and by_name["not_null_x"].severity == AssetCheckSeverity.ERROR
    # a failed warning stays failed, with its severity and its description
    assert by_name["range_x"].passed is False and by_name["range_x"].severity == AssetCheckSeverity.WARN
    assert "2 lignes hors bornes" in by_name["range_x"].description
    assert "inchangées" in by_name["range_x"].description
    assert context.logs and "nothing this build reads has changed" in context.logs[0]


def test_no_replay_when_anything_differs(con, project):
    key = AssetKey(["marts", "territoires"])
    context = _context([key], [AssetCheckKey(key, "not_null_x")])
    digest = dbt_etat.empreinte(con, project, ["build"], SOURCES)
    dbt_etat.enregistrer(con, "etape", digest, RELATIONS, _suivi(context))
    assert dbt_etat.dernier_build(con, "etape", "another digest", RELATIONS) is None
    assert dbt_etat.dernier_build(con, "autre_etape", digest, RELATIONS) is None
    # a check or an asset that the recorded build did not report
    build = dbt_etat.dernier_build(con, "etape", digest, RELATIONS)
    assert dbt_etat.rejouer(_context([key], [AssetCheckKey(key, "unknown_test")]), build) is None
    assert dbt_etat.rejouer(_context([AssetKey(["marts", "besoins"])], []), build) is None
    # a mart that lost rows, or that is gone
    con.execute("delete from marts.territoires where x = 2")
    assert dbt_etat.dernier_build(con, "etape", digest, RELATIONS) is None
    con.execute("insert into marts.territoires values (2)")
    assert dbt_etat.dernier_build(con, "etape", digest, RELATIONS) is not None
    con.execute("drop view staging.stg_x")
    assert dbt_etat.dernier_build(con, "etape", digest, RELATIONS) is None


def test_relations_of_a_step_come_from_the_manifest():
    manifest = {"nodes": {
        "model.p.a": {"resource_type": "model", "schema": "marts", "name": "a", "alias": "a",
                      "config": {"materialized": "table"}, "tags": []},
        "model.p.b": {"resource_type": "model", "schema": "marts", "name": "b", "alias": "b",
                      "config": {"materialized": "table"}, "tags": ["apres_graphe"]},
        "model.p.c": {"resource_type": "model", "schema": "intermediate", "name": "c", "alias": "c",
                      "config": {"materialized": "ephemeral"}, "tags": []},
        "seed.p.d": {"resource_type": "seed", "schema": "marts", "name": "d", "alias": "d",
                     "config": {"materialized": "seed"}, "tags": []},
        "test.p.e": {"resource_type": "test", "schema": "quarantine", "name": "e", "config": {}, "tags": []},
    }}
    assert dbt_etat.relations_du_manifeste(manifest, exclude_tag="apres_graphe") == [
        ("marts", "a"), ("marts", "d")]
    assert dbt_etat.relations_du_manifeste(manifest, only_tag="apres_graphe") == [("marts", "b")]


def test_replay_keeps_dbt_order_parents_first(con, project):
    # Dagster refuses a multi-asset that reports a model before its parent: keep dbt's order
    parent, child = AssetKey(["staging", "z_parent"]), AssetKey(["marts", "a_child"])
    context = _context([parent, child], [])
    suivi = dbt_etat.Enregistrement()
    list(suivi.suivre(context, [MaterializeResult(asset_key=parent), MaterializeResult(asset_key=child)]))
    digest = dbt_etat.empreinte(con, project, ["build"], SOURCES)
    dbt_etat.enregistrer(con, "etape", digest, RELATIONS, suivi)
    events = list(dbt_etat.rejouer(context, dbt_etat.dernier_build(con, "etape", digest, RELATIONS)))
    assert [e.asset_key for e in events] == [parent, child]


def test_only_the_sources_the_step_reads_count(con, project):
    sources = [("raw", "cog_regions"), ("raw", "not_loaded_yet")]
    first = dbt_etat.empreinte(con, project, ["build"], sources)
    # a raw table no model reads (say, rejected files rewritten with their time at each run)
    con.execute("create table raw.documents_rejets as select now() as loaded_at")
    assert dbt_etat.empreinte(con, project, ["build"], sources) == first
    # a source that appears, or one that changes
    con.execute("create table raw.not_loaded_yet as select 1 as x")
    second = dbt_etat.empreinte(con, project, ["build"], sources)
    assert second != first
    con.execute("update raw.cog_regions set code = '94' where code = '93'")
    assert dbt_etat.empreinte(con, project, ["build"], sources) != second


def test_sources_of_a_step_come_from_the_manifest():
    manifest = {
        "sources": {
            "source.p.raw.a": {"schema": "raw", "name": "a"},
            "source.p.raw.b": {"schema": "raw", "name": "b", "identifier": "b_table"},
            "source.p.marts.g": {"schema": "marts", "name": "g"},
            "source.p.raw.unused": {"schema": "raw", "name": "unused"},
        },
        "nodes": {
            "model.p.x": {"tags": [], "depends_on": {"nodes": ["source.p.raw.a", "model.p.y"]}},
            "test.p.t": {"tags": [], "depends_on": {"nodes": ["source.p.raw.b"]}},
            "model.p.z": {"tags": ["apres_graphe"], "depends_on": {"nodes": ["source.p.marts.g"]}},
        },
    }
    found = dbt_etat.sources_du_manifeste(manifest, exclude_tag="apres_graphe")
    assert found == [("raw", "a"), ("raw", "b_table")]


def _noeud(resource_type: str, parents: list[str], materialized: str | None = None, tags=()) -> dict:
    return {
        "resource_type": resource_type,
        "tags": list(tags),
        "language": "sql",
        "config": {"materialized": materialized} if materialized else {},
        "depends_on": {"nodes": parents},
    }


def test_a_source_read_only_through_views_counts_by_its_columns():
    """The comité's corrections: a view of the first step over them, read by the graph and by a mart of
    the priorities' step (with its tests); new rows must not rebuild the national marts."""
    manifest = {
        "sources": {
            f"source.p.raw.{n}": {"schema": "raw", "name": n}
            for n in ("corrections", "teste", "en_table", "vue_en_table", "hors_etape", "python")
        },
        "nodes": {
            # a view, a view over it, a mart of another step over them, and that mart's test
            "model.p.stg_c": _noeud("model", ["source.p.raw.corrections"], "view"),
            "model.p.stg_c2": _noeud("model", ["model.p.stg_c"], "view"),
            "model.p.mart_c": _noeud("model", ["model.p.stg_c2"], "table", ["apres_graphe"]),
            "test.p.not_null_mart_c": _noeud("test", ["model.p.mart_c"], "test"),
            # a view with a data test: the test reads the rows
            "model.p.stg_t": _noeud("model", ["source.p.raw.teste"], "view"),
            "test.p.not_null_stg_t": _noeud("test", ["model.p.stg_t"], "test"),
            # a table of the step, directly or through a view
            "model.p.int_t": _noeud("model", ["source.p.raw.en_table"], "table"),
            "model.p.stg_v": _noeud("model", ["source.p.raw.vue_en_table"], "view"),
            "model.p.int_v": _noeud("model", ["model.p.stg_v"], "ephemeral"),
            # read by another step only: not a source of this step at all
            "model.p.autre": _noeud("model", ["source.p.raw.hors_etape"], "view", ["apres_graphe"]),
            # a Python model materialised as a view still reads the rows when it runs
            "model.p.py": {**_noeud("model", ["source.p.raw.python"], "view"), "language": "python"},
        },
    }
    vues = dbt_etat.sources_lues_par_des_vues(manifest, exclude_tag="apres_graphe")
    assert vues == [("raw", "corrections")]
    # without the step's exclusion, the mart and its test read the views: the rows count
    assert dbt_etat.sources_lues_par_des_vues(manifest) == [("raw", "hors_etape")]


def test_new_rows_of_a_source_read_through_views_keep_the_digest(con, project):
    con.execute(
        "create table raw.corrections as select * from (values ('93', 'ajout_acteur', now())) "
        "t(code_departement, action, _loaded_at)"
    )
    sources = [*SOURCES, ("raw", "corrections")]
    vues = [("raw", "corrections")]
    first = dbt_etat.empreinte(con, project, ["build"], sources, colonnes_seules=vues)
    # a new workbook: new rows, same columns; the step's views show them without a rebuild
    con.execute("insert into raw.corrections values ('93', 'lien_errone', now())")
    assert dbt_etat.empreinte(con, project, ["build"], sources, colonnes_seules=vues) == first
    # counted by its rows otherwise
    rows_first = dbt_etat.empreinte(con, project, ["build"], sources)
    con.execute("insert into raw.corrections values ('93', 'ajout_lien', now())")
    assert dbt_etat.empreinte(con, project, ["build"], sources) != rows_first
    # a new column changes what the view shows: the step runs again
    before = dbt_etat.empreinte(con, project, ["build"], sources, colonnes_seules=vues)
    con.execute("alter table raw.corrections add column preuve varchar")
    assert dbt_etat.empreinte(con, project, ["build"], sources, colonnes_seules=vues) != before
    # the other sources still count by their rows
    before = dbt_etat.empreinte(con, project, ["build"], sources, colonnes_seules=vues)
    con.execute("update raw.cog_regions set code = '94' where code = '93'")
    assert dbt_etat.empreinte(con, project, ["build"], sources, colonnes_seules=vues) != before


def test_the_first_step_reads_the_comites_corrections_only_through_views():
    """On the real manifest: the view the graph reads has no data test and nothing of the first step
    reads it but views, so a new « acteurs et liens » workbook keeps the first step's replay."""
    import json

    from orchestration.dbt_project import dbt_project
    from orchestration.manifest import ensure_manifest

    ensure_manifest()
    manifest = json.loads(Path(dbt_project.manifest_path).read_text(encoding="utf-8"))
    vues = dbt_etat.sources_lues_par_des_vues(manifest, exclude_tag="apres_graphe")
    assert ("raw", "reseau_corrections") in vues
    assert set(vues) <= set(dbt_etat.sources_du_manifeste(manifest, exclude_tag="apres_graphe"))
    # the national sources stay counted by their rows
    assert ("raw", "cog_communes") not in vues
