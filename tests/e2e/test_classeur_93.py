"""The analysts' workbook of the 93 on the session's real build (issue 11, point 6)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))

from _classeur_controle import LISEZ_MOI, defauts_classeur, texte_lisez_moi  # noqa: E402

from rapport.classeur_libelles import Libelles, charger  # noqa: E402
from rapport.donnees import filtre_departement  # noqa: E402

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def classeur(built_93) -> Path:
    chemin = built_93.output / "kit" / "diagnostic_93.xlsx"
    assert chemin.exists(), chemin
    return chemin


@pytest.fixture(scope="module")
def libelles(built_93) -> Libelles:
    """The workbook's vocabulary as the build seeded it (dbt seeds of schema rapport)."""
    import duckdb

    con = duckdb.connect(str(built_93.warehouse), read_only=True)
    try:
        return charger(con)
    finally:
        con.close()


def _lignes_par_mart(built_93) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(built_93.warehouse), read_only=True)
    try:
        marts = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        ]
        lignes = {}
        for mart in marts:
            where, params = filtre_departement(con, mart, "93")
            lignes[mart] = con.execute(
                f'select count(*) from marts."{mart}" where {where}', params
            ).fetchone()[0]
        return lignes
    finally:
        con.close()


def test_the_workbook_of_93_has_no_defect(classeur):
    # read-me first, syntheses next, formats on every number, no raw list, no empty sheet, French
    # headers without the old translation bugs, a name beside every territory code, filters
    assert defauts_classeur(classeur) == []


def test_every_mart_with_rows_has_its_sheet_and_every_empty_one_is_explained(built_93, classeur, libelles):
    lignes = _lignes_par_mart(built_93)
    noms = load_workbook(classeur, read_only=True).sheetnames
    texte = texte_lisez_moi(classeur)
    assert noms[0] == LISEZ_MOI and noms[1:5] == [f"Synthèse axe A{i}" for i in range(1, 5)]
    assert set(lignes) <= set(libelles.feuilles), sorted(set(lignes) - set(libelles.feuilles))
    for mart, n in lignes.items():
        titre = libelles.feuilles[mart][1]
        if n:
            assert titre in noms, mart
            assert f"{titre} | " in texte, mart
        else:
            assert titre not in noms, mart
            assert f"{titre} | {libelles.motif_absence(mart)}" in texte, mart
    # the 93 has no interview nor questionnaire in the snapshot: « parole » is left out and said so
    if lignes.get("parole") == 0:
        assert "Paroles recueillies | aucun entretien" in texte


def test_every_column_of_the_real_marts_has_a_french_header(built_93, libelles):
    colonnes = built_93.query(
        "select table_name, column_name from information_schema.columns where table_schema = 'marts'"
    )
    sans = sorted(
        f"{m}.{c}"
        for m, c in colonnes
        if c not in libelles.colonnes and (m, c) not in libelles.colonnes_par_mart
    )
    assert sans == [], f"columns without a header in dbt_project/seeds/classeur_colonnes.csv: {sans}"


def test_synthesis_sheets_show_ranked_priorities_and_indicators_against_france(built_93, classeur):
    classeur_ = load_workbook(classeur)
    rangs = dict(
        built_93.query(
            "select code_axe, count(*) from marts.priorites where code_departement = '93' "
            "and donnees_suffisantes group by 1"
        )
    )
    for axe in ("A1", "A2", "A3", "A4"):
        feuille = classeur_[f"Synthèse axe {axe}"]
        textes = [c.value for r in feuille.iter_rows() for c in r if isinstance(c.value, str)]
        assert textes[0].startswith(f"Axe {axe} : ")
        assert "Contexte : le département face à la France" in textes
        if rangs.get(axe):
            assert textes.count("Rang dans l'axe") >= 1
    # the published poverty rate of Seine-Saint-Denis (Filosofi 2021) is in the context of every axis
    feuille = classeur_["Synthèse axe A1"]
    lignes = [[c.value for c in r] for r in feuille.iter_rows()]
    pauvrete = [r for r in lignes if r[0] == "Taux de pauvreté au seuil de 60 %"]
    assert pauvrete and pauvrete[0][3] == pytest.approx(28.4)
