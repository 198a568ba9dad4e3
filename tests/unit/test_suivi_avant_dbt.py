"""The « acteurs et liens » workbooks are read before dbt's first step (issue 13): against the seed
files (ingest.vocabulaires) and the raw COG, so the same as against the tables dbt loads, and in a new
warehouse that holds no table dbt made yet."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _priorites_lignes  # noqa: E402

from ingest.suivi import referentiel  # noqa: E402
from ingest.suivi_chargement import ingest_suivi  # noqa: E402
from rapport.suivi_classeurs import ecrire_classeur_reseau  # noqa: E402

RACINE = Path(tempfile.mkdtemp(prefix="pacte-suivi-avant-dbt-"))


@pytest.fixture(scope="module")
def entrepot() -> Path:
    return _priorites_lignes.entrepot_priorites(RACINE)


def test_the_seed_files_give_the_referential_the_tables_dbt_loaded_give(entrepot, tmp_path):
    copie = tmp_path / "w.duckdb"
    shutil.copy(entrepot, copie)
    with duckdb.connect(str(copie)) as con:
        from tests.unit._vocabulaire_graphe import charger_seed

        charger_seed(con, "acteurs_types")
        tables = referentiel(con, "93", avant_dbt=False)
        fichiers = referentiel(con, "93", avant_dbt=True)
    assert tables.colonnes and tables.listes and tables.saisie and tables.types_acteurs
    for champ in ("colonnes", "listes", "saisie", "types_acteurs", "communes", "acteurs", "liens", "details"):
        assert getattr(fichiers, champ) == getattr(tables, champ), champ
    # the sheets in their order: the first one of the network workbook is the actors'
    assert list(fichiers.colonnes["reseau"]) == list(tables.colonnes["reseau"])


def test_a_new_warehouse_reads_an_added_actor_with_its_commune(entrepot, tmp_path):
    """No table dbt made (first build of a new warehouse): the vocabulary comes from the seed files, the
    commune from the raw COG; rows naming the graph's actors wait for a graph, said so."""
    with duckdb.connect(str(entrepot), read_only=True) as source:
        chemin = tmp_path / "kit" / "acteurs_liens_93.xlsx"
        ecrire_classeur_reseau(source, "93", "Seine-Saint-Denis", chemin, dt.date(2026, 3, 2))
        communes = source.execute(
            "select code_insee, nom, type, dep from raw.cog_communes order by all"
        ).fetchall()
    wb = load_workbook(chemin)
    ws = wb["Lisez-moi"]
    for row in ws.iter_rows(min_row=1, max_row=30, max_col=2):
        if row[0].value == "Rôle ou organisation de l'auteur":
            row[1].value = "DDETS"
        if row[0].value == "Date de la correction":
            row[1].value = dt.datetime(2026, 4, 2)
    acteurs = wb["Acteurs"]
    entetes = {c.value: c.column for c in acteurs[1] if c.value}
    ligne = acteurs.max_row + 1
    acteurs.cell(ligne, entetes["Nom de l'acteur"]).value = "Épicerie solidaire du Pont"
    acteurs.cell(ligne, entetes["Type d'acteur"]).value = "Association"
    acteurs.cell(ligne, entetes["Commune"]).value = "Bobigny"
    acteurs.cell(ligne, entetes["Sources"]).value = "https://example.org/epicerie"
    depot = tmp_path / "inbox" / "93" / "suivi" / "reseau.xlsx"
    depot.parent.mkdir(parents=True)
    wb.save(depot)
    os.utime(depot, (1_770_000_000, 1_770_000_000))

    with duckdb.connect(str(tmp_path / "neuf.duckdb")) as con:
        con.execute("create schema raw")
        con.execute(
            "create table raw.cog_communes (code_insee varchar, nom varchar, type varchar, dep varchar)"
        )
        con.executemany("insert into raw.cog_communes values (?, ?, ?, ?)", communes)
        ref = referentiel(con, "93", avant_dbt=True)
        assert ref.communes["Bobigny"] == "93008" and ref.types_acteurs["Association"] == "association"
        rapport = ingest_suivi(
            con, "93", tmp_path / "inbox", b"sel", "reseau", maintenant=dt.datetime(2026, 4, 3)
        )
        ajout = con.execute(
            "select id_acteur, type_acteur, code_commune from raw.reseau_corrections "
            "where action = 'ajout_acteur'"
        ).fetchall()
    assert ajout == [("comite:epicerie_solidaire_du_pont_93008", "association", "93008")]
    assert rapport.corrections == 1
    # the graph's actors and links the workbook lists are not in this warehouse yet: rows naming them
    # (only unchanged ones here, never read) are set aside, each said so
    assert rapport.rejets and all(
        "acteur inconnu" in q.reason or "lien inconnu" in q.reason for q in rapport.rejets
    )
