"""The vocabularies written once (issue 13 point 2): the name key's SQL macro and its Python twin
agree, and the seeds read without a warehouse are the ones dbt loads."""

from __future__ import annotations

import duckdb
import jinja2
import pytest

from ingest.vocabulaires import DBT_PROJECT_DIR, dbt_var, normaliser_nom, seed_rows

NOMS = [
    "CCAS de Saint-Denis",
    "C.C.A.S. de  St-Ouen-sur-Seine",
    "Centre communal d’action sociale d'Aubervilliers",
    "Mission Locale  de l'Été",
    "MISSION LOCALE INTERCOMMUNALE DE NOISY-LE-SEC",
    "Ste-Geneviève-des-Bois",
    "Épicerie sociale « Le Panier »",
    "Œuvre de l'hospitalité de nuit",
    "ŒUVRE ST-JEAN — L’ÉPICERIE",
    "France Travail Saint-Denis Pleyel",
    "Maison France services d’Île-de-France",
    "Association Aurore (75)",
    "PLIE du Blanc-Mesnil",
    "ESAT « Les Ateliers de l'Ourcq »",
    "  espaces   en  trop  ",
    "Crèche Ste-Anne & St-Joseph",
    "St Étienne du Rouvray",
    "Cité de l’Emploi - Saint-Étienne-du-Rouvray",
    "Saint-Ouen-l'Aumône",
    "L'Haÿ-les-Roses",
    "Pôle emploi / Cap Emploi",
    "Resto du cœur n°12",
    "STE",
    "Stains",
    "Les Restaurants du Cœur – Relais du cœur",
    "Lieu d'accueil enfants-parents (LAEP) Ça pousse",
    "",
]


@pytest.fixture(scope="module")
def macro():
    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    source = (DBT_PROJECT_DIR / "macros" / "offre.sql").read_text(encoding="utf-8")
    return env.from_string(source).module.normaliser_nom


def test_the_name_macro_and_its_python_twin_agree(macro):
    sql = f"select {macro('?')}"
    con = duckdb.connect()
    try:
        got = {nom: con.execute(sql, [nom]).fetchone()[0] for nom in NOMS}
    finally:
        con.close()
    assert got == {nom: normaliser_nom(nom) for nom in NOMS}
    assert got["C.C.A.S. de  St-Ouen-sur-Seine"] == "c c a s de saint ouen sur seine"
    assert got["Centre communal d’action sociale d'Aubervilliers"].startswith("centre communal d action")
    assert normaliser_nom("Stains") == "stains" and normaliser_nom("STE") == "sainte"


def test_python_twin_on_missing_values():
    assert normaliser_nom(None) == normaliser_nom(float("nan")) == ""
    pd = pytest.importorskip("pandas")
    assert normaliser_nom(pd.NA) == ""


def test_seed_rows_and_dbt_var_name_their_file():
    assert [r["niveau"] for r in seed_rows("grille_densite_niveaux")][0] == "Grands centres urbains"
    with pytest.raises(FileNotFoundError, match="pas_de_seed"):
        seed_rows("pas_de_seed")
    with pytest.raises(KeyError, match="dbt_project.yml"):
        dbt_var("pas_de_variable")
