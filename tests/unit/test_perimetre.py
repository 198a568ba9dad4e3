"""The perimeter of a département's files (dbt model ``perimetre``, schema ``rapport``) is computed once,
by dbt, and read by every exporter: the workbook and the Parquet exports (rapport.donnees.filtre_departement)
and the need extracts (orchestration/assets/outputs_besoins.py). Its real SQL runs on a hand-made
``marts.territoires`` (tests/unit/_dbt_sql.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

from rapport.donnees import PERIMETRE, MartManquant, filtre_departement

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _dbt_sql import creer_perimetre  # noqa: E402

# the Grand Paris, Plaine Commune, an EPCI astride 77 and 93 (made up)
MGP, PLAINE, MARNE = "200054781", "200057867", "200072130"


@pytest.fixture()
def entrepot():
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(f"""create table marts.territoires as select * from (values
        ('commune', '93066', '{MGP}', '{PLAINE}', '93', '11'),
        ('commune', '93047', '{MARNE}', null, '93', '11'),
        ('commune', '77001', '{MARNE}', null, '77', '11'),
        ('commune', '77002', '{MARNE}', null, '77', '11'),
        ('commune', '59350', '200093201', null, '59', '32'),
        ('qpv', 'QN09301M', '{MGP}', '{PLAINE}', '93', '11'),
        ('epci', '{MGP}', '{MGP}', null, '75', '11'),
        ('ept', '{PLAINE}', '{MGP}', '{PLAINE}', '93', '11'),
        ('epci', '{MARNE}', '{MARNE}', null, '77', '11'),
        ('epci', '200093201', '200093201', null, '59', '32'),
        ('departement', '93', null, null, '93', '11'),
        ('departement', '77', null, null, '77', '11'),
        ('departement', '59', null, null, '59', '32'),
        ('region', '11', null, null, null, '11'),
        ('region', '32', null, null, null, '32'),
        ('france', 'FR', null, null, null, null)
    ) t(niveau, code_territoire, code_epci, code_ept, code_departement, code_region)""")
    creer_perimetre(con)
    yield con
    con.close()


def _perimetre(con, code: str) -> set[tuple[str, str, str]]:
    return set(con.execute(f"select niveau, code_territoire, rattachement from {PERIMETRE} "
                           "where code_departement = ?", [code]).fetchall())


def test_a_departement_keeps_its_territories_the_intercommunalities_of_its_communes_and_its_references(
    entrepot,
):
    assert _perimetre(entrepot, "93") == {
        ("departement", "93", "territoire"), ("commune", "93066", "territoire"),
        ("commune", "93047", "territoire"), ("qpv", "QN09301M", "territoire"),
        # the Grand Paris's main département is Paris, and the EPCI astride 77 and 93 is 77's: both
        # are in the 93's files, since communes of the 93 belong to them
        ("epci", MGP, "territoire"), ("ept", PLAINE, "territoire"), ("epci", MARNE, "territoire"),
        ("region", "11", "reference"), ("france", "FR", "reference"),
    }
    assert ("epci", MARNE, "territoire") in _perimetre(entrepot, "77")
    assert not {c for _, c, _ in _perimetre(entrepot, "59")} & {"93", "77", "11", MARNE, MGP}


def test_the_exports_keep_the_rows_of_the_perimeter_and_the_rows_of_the_graph_of_the_departement(entrepot):
    entrepot.execute("""create table marts.indicateurs as
        select niveau, code_territoire, code_departement, 1.0 as valeur from marts.territoires""")
    where, params = filtre_departement(entrepot, "indicateurs", "93")
    gardes = {c for (c,) in entrepot.execute(f"select code_territoire from marts.indicateurs where {where}",
                                             params).fetchall()}
    assert gardes == {"93", "93066", "93047", "QN09301M", MGP, PLAINE, MARNE, "11", "FR"}
    # a mart computed per département build keeps its own rows, whatever the territory
    entrepot.execute(f"""create table marts.liens as select * from (values
        ('93', 'epci', '{MARNE}'), ('77', 'epci', '{MARNE}')) t(code_departement, niveau, code_territoire)""")
    where, params = filtre_departement(entrepot, "liens", "93")
    assert entrepot.execute(f"select code_departement from marts.liens where {where}", params).fetchall() == [
        ("93",)]


def test_without_the_perimeter_the_exports_stop_and_say_what_to_do(entrepot):
    entrepot.execute("create table marts.besoins as select niveau, code_territoire, code_departement "
                     "from marts.territoires")
    entrepot.execute(f"drop table {PERIMETRE}")
    with pytest.raises(MartManquant, match="périmètre des départements.*relancez la construction"):
        filtre_departement(entrepot, "besoins", "93")


def test_every_exporter_runs_after_the_perimeter():
    from orchestration.manifest import ensure_manifest

    ensure_manifest()
    from dagster import AssetKey

    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    perimetre = AssetKey(PERIMETRE.split("."))
    assert perimetre in graph.get_all_asset_keys()
    for exporter in (["outputs", "exports_besoins"], ["rapport", "exports"], ["rapport", "kit_comite"]):
        assert perimetre in graph.get(AssetKey(exporter)).parent_keys, exporter
