"""Names people read (issue 11): the dbt macros of dbt_project/macros/noms.sql, run on DuckDB with
the real seed `vocabulaire_noms`, put names in capitals in French title case and say « de » before
a commune the French way."""

from __future__ import annotations

from pathlib import Path

import duckdb
import jinja2
import pytest

PROJET = Path(__file__).resolve().parents[2] / "dbt_project"


@pytest.fixture(scope="module")
def macros():
    env = jinja2.Environment()
    env.globals["ref"] = lambda nom: nom  # the seed is loaded under its own name below
    return env.from_string((PROJET / "macros" / "noms.sql").read_text(encoding="utf-8")).module


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute(
        "create table vocabulaire_noms as select * from read_csv(?, header = true, all_varchar = true)",
        [str(PROJET / "seeds" / "vocabulaire_noms.csv")],
    )
    yield con
    con.close()


def _noms_propres(con, macros, noms: list[str]) -> dict[str, str | None]:
    con.execute("create or replace table noms as select unnest(?::varchar[]) as nom", [noms])
    sql = str(macros.noms_propres("noms", "nom", "nom"))
    return dict(con.execute(sql).fetchall())


@pytest.mark.parametrize(
    ("source", "affiche"),
    [
        ("ESAT DES MUGUETS", "ESAT des Muguets"),
        ("CENTRE COMMUNAL D'ACTION SOCIALE", "Centre Communal d'Action Sociale"),
        ("COMMUNE DE NOISY-LE-SEC", "Commune de Noisy-le-Sec"),
        ("LE BLANC MESNIL", "Le Blanc Mesnil"),
        ("BALUCHON A TABLE CITOYENS", "Baluchon à Table Citoyens"),
        ("SCIC SA LA MAIN 9-3.0", "SCIC SA la Main 9-3.0"),
        ("ASSOC PJJ ST DENIS", "Assoc. PJJ St Denis"),
        ("MISSION LOCALE", "Mission Locale"),
        ("ÉPICERIE SOLIDAIRE DE L'ÎLE", "Épicerie Solidaire de l'Île"),
    ],
)
def test_names_in_capitals_get_french_title_case(con, macros, source, affiche):
    assert _noms_propres(con, macros, [source])[source] == affiche


def test_names_already_cased_are_left_to_their_source(con, macros):
    resultats = _noms_propres(con, macros, ["Restos du Cœur de Bobigny", "1 2 3"])
    assert resultats == {}


@pytest.mark.parametrize(
    ("commune", "attendu"),
    [
        ("Aubervilliers", "d'Aubervilliers"),
        ("Le Blanc-Mesnil", "du Blanc-Mesnil"),
        ("Les Lilas", "des Lilas"),
        ("La Courneuve", "de La Courneuve"),
        ("Épinay-sur-Seine", "d'Épinay-sur-Seine"),
        ("Saint-Denis", "de Saint-Denis"),
        ("Hautmont", "d'Hautmont"),
    ],
)
def test_de_before_a_commune(con, macros, commune, attendu):
    sql = f"select {macros.de_lieu('c.libelle')} from (select ?::varchar as libelle) as c"
    assert con.execute(sql, [commune]).fetchone()[0] == attendu
