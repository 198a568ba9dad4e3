"""The offer's tabular checks are dbt tests only (issue 13, one owner per fact): their real SQL catches
duplicates, orphans, points outside France and an unlocated catalogue on small hand-made tables, and
each is a blocking Dagster check described in French.

The singular tests of ``dbt_project/tests`` are rendered with Jinja (``ref`` → the hand-made table,
``var`` → the value of ``dbt_project.yml``) and run on DuckDB: the SQL dbt runs, without starting dbt.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

from ingest.vocabulaires import dbt_var

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _dbt_sql import rendre  # noqa: E402


def _echecs(con: duckdb.DuckDBPyConnection, test: str, **variables) -> list[tuple]:
    """Failing rows of the singular dbt test ``test`` on the tables of schema ``fx``."""
    refs = {name: f"fx.{name}" for (name,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'fx'").fetchall()}
    return con.execute(rendre(Path("tests") / f"{test}.sql", refs, **variables)).fetchall()


@pytest.fixture()
def catalogue():
    con = duckdb.connect()
    con.execute("create schema fx; create schema raw")
    con.execute("""create table fx.structures as select * from (values
        ('s1', 'France services de Bondy', '93010', 2.48, 48.90),
        ('s2', 'Agence', null, null, null),
        ('s3', 'Mauvaises coordonnées', '97414', 7.19, 48.72))
        t(id_structure, nom, code_commune, longitude, latitude)""")
    con.execute("""create table fx.services as select * from (values
        ('v1', 's1', 'acces_aux_droits', 2.48, 48.90),
        ('v2', 's2', 'iae', -40.0, 10.0),
        ('v3', 's2', 'iae', null, null)) t(id_service, id_structure, code_domaine, longitude, latitude)""")
    con.execute("""create table raw.geo_departements as select * from (values
        ('93', 2.28, 48.81, 2.61, 49.01), ('67', 6.94, 47.42, 8.24, 49.08),
        ('974', 55.21, -21.39, 55.84, -20.87))
        t(dep, xmin, ymin, xmax, ymax)""")
    con.execute("""create table fx.int_offre__services_domaines as select * from (values
        ('v1', 's1'), ('v2', 's2'), ('v3', 's2')) t(id_service, id_structure)""")
    con.execute("""create table fx.int_offre__lieux_localises as select * from (values
        ('service', 'v3', '93066')) t(type_lieu, cle, code_commune)""")
    con.execute("""create table fx.int_offre__services_unis as select * from (values
        ('di--v1', 'di--s1'), ('di--v2', 'di--s2'), ('di--v9', 'di--s9')) t(cle_service, cle_structure)""")
    con.execute("""create table fx.int_offre__structures_dedoublonnees as select * from (values
        ('di--s1', 's1'), ('di--s2', 's2')) t(cle_structure, id_structure)""")
    return con


def test_a_point_outside_every_departement_fails_and_a_drom_point_passes(catalogue):
    # the Réunion agency geocoded in Alsace is in France: the gate is about France, the flag
    # hors_departement of the marts tells the département mismatch
    assert _echecs(catalogue, "offre_coordonnees_en_france") == [("service", "v2", -40.0, 10.0)]
    # the margin is 0.05°: a point 0.04° east of the 93's box is in, 0.06° is out
    catalogue.execute("update fx.services set longitude = 2.65, latitude = 48.9 where id_service = 'v2'")
    assert _echecs(catalogue, "offre_coordonnees_en_france") == []
    catalogue.execute("update fx.services set longitude = 2.67 where id_service = 'v2'")
    assert [r[1] for r in _echecs(catalogue, "offre_coordonnees_en_france")] == ["v2"]


def test_the_located_share_is_compared_with_the_minimum_of_the_dbt_project(catalogue):
    # v1 through its structure's commune, v3 through its own place, v2 nowhere: 2 of 3
    ((services, localises, part),) = _echecs(catalogue, "offre_part_services_localises",
                                               offre_part_localisee_minimum=0.95)
    assert (services, localises) == (3, 2) and part == pytest.approx(2 / 3)
    assert _echecs(catalogue, "offre_part_services_localises", offre_part_localisee_minimum=0.5) == []
    assert 0 < float(dbt_var("offre_part_localisee_minimum")) <= 1
    catalogue.execute("delete from fx.int_offre__services_domaines")
    assert [r[:2] for r in _echecs(catalogue, "offre_part_services_localises")] == [(0, 0)]


def test_a_service_whose_structure_was_lost_at_deduplication_fails(catalogue):
    assert _echecs(catalogue, "offre_services_vers_structure") == [("di--v9", "di--s9")]


@pytest.fixture(scope="module")
def checks_dbt():
    from orchestration.manifest import ensure_manifest

    ensure_manifest()  # the dbt assets are built from the manifest
    from orchestration.assets.dbt_models import ASSETS

    return {spec.name: spec for assets in ASSETS for spec in assets.check_specs}


@pytest.mark.parametrize(
    ("check", "asset"),
    [
        ("unique_structures_id_structure", "marts/structures"),
        ("unique_combination_services_id_service__code_domaine", "marts/services"),
        ("not_null_services_id_structure", "marts/services"),
        ("relationships_services_id_structure__id_structure__ref_structures_", "marts/services"),
        ("offre_coordonnees_en_france", "marts/services"),
        ("offre_part_services_localises", "intermediate/int_offre__services_domaines"),
        ("offre_services_vers_structure", "intermediate/int_offre__services_unis"),
    ],
)
def test_the_offer_rules_are_blocking_dbt_checks_described_in_french(checks_dbt, check, asset):
    """The four gates once re-implemented in Python (unique ids, services → structures, coordinates
    in France, located share) stop the build through their dbt tests alone."""
    from orchestration.assets.checks_offre import CHECKS

    spec = checks_dbt[check]
    assert spec.blocking and spec.asset_key.to_user_string() == asset
    # the failure of the step quotes this text (orchestration/assets/_bloquant.py): French, no test name
    assert spec.description and check not in spec.description
    python = {key.name for definition in CHECKS for key in definition.check_keys}
    assert python == {"conformite_schema_data_inclusion"}
