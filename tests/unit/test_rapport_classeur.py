"""The analysts' workbook: read-me first, synthesis per axis, grouped French sheets, formats, no raw lists.

The checker of ``_classeur_controle`` is proved on hand-made bad workbooks (each defect is caught),
then the workbook written from a small real-format warehouse must have none.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _rapport_entrepot  # noqa: E402
from _classeur_controle import LISEZ_MOI, MAUVAISES_TRADUCTIONS, defauts_classeur, texte_lisez_moi  # noqa: E402

from rapport.classeur_libelles import KINDS, SCHEMA, Libelles, charger  # noqa: E402
from rapport.exports import LARGEUR_MAX, exporter_excel, nom_feuille, texte_lisible  # noqa: E402

RACINE = Path(__file__).resolve().parents[2]
PIEGES = ['=HYPERLINK("http://example.org","clic")', "+33 1 23 45 67 89", "-2 places", "@SUM(A1:A3)"]


@pytest.fixture(scope="module")
def libelles() -> Libelles:
    """The workbook's vocabulary as the exporter reads it: the seeds, loaded into a warehouse."""
    con = duckdb.connect()
    try:
        _rapport_entrepot.charger_libelles(con)
        return charger(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def classeur(tmp_path_factory) -> Path:
    dossier = tmp_path_factory.mktemp("classeur")
    tables = _rapport_entrepot.entrees()
    # a list column (DuckDB list), lists written as text (JSON, Python) and « a|b », and formula traps
    tables["liens"] = tables["liens"].assign(
        origines='["registre", "modele"]',
        preuves="[{'origine': 'registre', 'confiance': 0.9}]",
    )
    tables["offre_sources"] = pd.DataFrame(
        [{"table_source": f"source_{i}", "libelle": piege, "priorite": i} for i, piege in enumerate(PIEGES)]
    )
    tables["parole"] = tables["parole"].iloc[0:0]  # nothing said for the département: no sheet
    tables["dispositifs_modele"] = pd.DataFrame(
        [{"code_dispositif": "pdi", "libelle": "PDI", "pilotes": "conseil_departemental|etat", "axes": "A2"}]
    )
    entrepot = _rapport_entrepot.ecrire(dossier / "entrepot.duckdb", tables)
    con = duckdb.connect(str(entrepot))
    con.execute("alter table marts.structures add column sources_liste varchar[]")
    con.execute("update marts.structures set sources_liste = ['siae', 'siae_geocodees']")
    chemin = dossier / "diagnostic_93.xlsx"
    try:
        lignes = exporter_excel(con, "93", chemin, genere_le="05/12/2026 à 07:00")
    finally:
        con.close()
    assert lignes["parole"] == 0 and lignes["structures"] > 0
    return chemin


def test_the_workbook_of_a_small_warehouse_has_no_defect(classeur):
    assert defauts_classeur(classeur, LARGEUR_MAX) == []


def test_read_me_first_then_syntheses_then_groups_in_order(classeur, libelles):
    noms = load_workbook(classeur, read_only=True).sheetnames
    assert noms[:5] == [LISEZ_MOI] + [f"Synthèse axe A{i}" for i in range(1, 5)]
    titres = {v[1]: i for i, v in enumerate(libelles.feuilles.values())}
    detail = noms[5:]
    assert [titres[n] for n in detail] == sorted(titres[n] for n in detail)
    assert detail[:2] == ["Territoires", "Indicateurs"]
    texte = texte_lisez_moi(classeur)
    # the read-me names every sheet, the date, how to filter, the sources and the sheet left out
    for nom in noms[1:]:
        assert nom in texte
    assert "05/12/2026 à 07:00" in texte and "filtre" in texte
    assert "Paroles recueillies | aucun entretien ni résultat de questionnaire" in texte
    assert "INSEE" in texte  # a publisher and dataset from the indicator catalogue
    assert "Paroles recueillies" not in noms


def test_text_looking_like_a_formula_is_stored_as_text(classeur):
    feuille = load_workbook(classeur)["Sources de l'offre"]
    entetes = [c.value for c in feuille[1]]
    colonne = entetes.index("Source")
    cellules = [r[colonne] for r in feuille.iter_rows(min_row=2)]
    assert {c.value for c in cellules} == set(PIEGES)
    assert all(c.data_type == "s" for c in cellules)
    assert all(c.quotePrefix for c in cellules)


def test_lists_are_readable_and_codes_have_their_names(classeur):
    wb = load_workbook(classeur)
    liens = wb["Liens entre acteurs"]
    entetes = [c.value for c in liens[1]]
    ligne = [c.value for c in liens[2]]
    assert ligne[entetes.index("Origines des preuves")] == "registre ; modele"
    assert ligne[entetes.index("Preuves")] == "Origine : registre, Confiance (0 à 1) : 0,9"
    structures = wb["Structures"]
    entetes = [c.value for c in structures[1]]
    assert structures.cell(2, entetes.index("Sources liste") + 1).value == "siae ; siae_geocodees"
    modele = wb["Modèle des dispositifs"]
    entetes = [c.value for c in modele[1]]
    assert modele.cell(2, entetes.index("Pilotes") + 1).value == "conseil_departemental ; etat"
    indicateurs = wb["Indicateurs"]
    entetes = [c.value for c in indicateurs[1]]
    i = entetes.index("Code du territoire")
    assert (
        entetes[i + 1] == "Territoire" and entetes[entetes.index("Code de l'indicateur") + 1] == "Indicateur"
    )
    noms = {(r[i].value, r[i + 1].value) for r in indicateurs.iter_rows(min_row=2)}
    assert (
        ("93066", "Saint-Denis") in noms
        and ("200057867", "Plaine Commune") in noms
        and ("93", "Seine-Saint-Denis") in noms
    )


def test_numbers_carry_formats(classeur):
    indicateurs = load_workbook(classeur)["Indicateurs"]
    entetes = [c.value for c in indicateurs[1]]
    ligne = indicateurs[2]
    assert ligne[entetes.index("Année")].number_format == "0"
    assert ligne[entetes.index("Valeur de la France")].number_format == "#,##0.0"
    territoires = load_workbook(classeur)["Territoires"]
    entetes = [c.value for c in territoires[1]]
    assert territoires[2][entetes.index("Population")].number_format == "#,##0"


# --- the checker catches each defect ----------------------------------------------------------


def _abime(classeur: Path, tmp_path: Path, abimer) -> list[str]:
    wb = load_workbook(classeur)
    abimer(wb)
    chemin = tmp_path / "abime.xlsx"
    wb.save(chemin)
    return defauts_classeur(chemin)


def _colonne(feuille, entete: str) -> int:
    return [c.value for c in feuille[1]].index(entete) + 1


def test_checker_catches_a_first_sheet_that_is_not_the_read_me(classeur, tmp_path):
    defauts = _abime(classeur, tmp_path, lambda wb: wb.move_sheet(LISEZ_MOI, offset=3))
    assert any("first sheet" in d for d in defauts)


def test_checker_catches_a_general_formatted_rate_column(classeur, tmp_path):
    def abimer(wb):
        feuille = wb["Indicateurs"]
        j = _colonne(feuille, "Valeur de la France")
        for ligne in feuille.iter_rows(min_row=2, min_col=j, max_col=j):
            ligne[0].number_format = "General"

    defauts = _abime(classeur, tmp_path, abimer)
    assert any("Indicateurs!" in d and "General" in d for d in defauts)


def test_checker_catches_a_raw_list_cell(classeur, tmp_path):
    def abimer(wb):
        wb["Liens entre acteurs"]["A2"] = "['93-5667', '93-5668']"

    assert any("raw list" in d for d in _abime(classeur, tmp_path, abimer))


def test_checker_catches_an_empty_sheet(classeur, tmp_path):
    assert any("empty sheet" in d for d in _abime(classeur, tmp_path, lambda wb: wb.create_sheet("Paroles")))


@pytest.mark.parametrize("mauvais", MAUVAISES_TRADUCTIONS)
def test_checker_catches_the_known_bad_translations(classeur, tmp_path, mauvais):
    def abimer(wb):
        wb["Indicateurs"]["A1"] = mauvais

    assert any("bad header" in d for d in _abime(classeur, tmp_path, abimer))


def test_checker_catches_a_code_without_its_name_and_an_identifier_title(classeur, tmp_path):
    def abimer(wb):
        feuille = wb["Indicateurs"]
        feuille.cell(1, _colonne(feuille, "Territoire")).value = "Nom du lieu"
        wb["Territoires"].title = "marts_territoires"

    defauts = _abime(classeur, tmp_path, abimer)
    assert any("« Code du territoire » without its name" in d for d in defauts)
    assert any("identifier" in d for d in defauts)


# --- the dictionary covers every mart and column declared ------------------------------------


def _colonnes_declarees() -> dict[str, list[str]]:
    """Columns of the marts declared by dbt (models of models/marts, seeds, marts sources) and the graph."""
    from graph.export import DESCRIPTIONS

    declarees: dict[str, list[str]] = {}
    projet = RACINE / "dbt_project"
    fichiers = list((projet / "models" / "marts").rglob("*.yml")) + list((projet / "seeds").glob("*.yml"))
    fichiers += list((projet / "models").rglob("*.yml"))
    for fichier in fichiers:
        contenu = yaml.safe_load(fichier.read_text(encoding="utf-8")) or {}
        marts_dir = "marts" in fichier.relative_to(projet).parts or fichier.parent.name == "seeds"
        for cle in ("models", "seeds"):
            for objet in contenu.get(cle) or []:
                # a seed built into another schema (the workbook's vocabulary, schema rapport) is no mart
                if marts_dir and (objet.get("config") or {}).get("schema", "marts") == "marts":
                    declarees.setdefault(objet["name"], []).extend(
                        c["name"] for c in objet.get("columns", [])
                    )
        for source in contenu.get("sources") or []:
            if source.get("schema") == "marts":
                for table in source.get("tables", []):
                    declarees.setdefault(table["name"], []).extend(
                        c["name"] for c in table.get("columns", [])
                    )
    for table, colonnes in DESCRIPTIONS.items():
        declarees.setdefault(table, []).extend(colonnes)
    return declarees


def test_every_declared_column_has_a_french_header_and_every_mart_a_sheet_title(libelles):
    declarees = _colonnes_declarees()
    ephemeres = {"pistes_selection", "pistes_liens_manquants"}  # dbt ephemeral models: no table
    feuilles = set(libelles.feuilles)
    assert set(declarees) - ephemeres <= feuilles, sorted(set(declarees) - ephemeres - feuilles)
    sans = sorted(
        {
            f"{m}.{c}"
            for m, cols in declarees.items()
            for c in cols
            if c not in libelles.colonnes and (m, c) not in libelles.colonnes_par_mart
        }
    )
    assert sans == [], f"columns without a header in dbt_project/seeds/classeur_colonnes.csv: {sans}"


def test_sheet_titles_and_readable_lists(libelles):
    feuilles = libelles.feuilles
    assert feuilles and all(len(t) <= 31 and "_" not in t for _, t, _ in feuilles.values())
    assert len({t.lower() for _, t, _ in feuilles.values()}) == len(feuilles)
    assert {g for g, _, _ in feuilles.values()} <= set(libelles.groupes)
    pris: set[str] = set()
    assert nom_feuille("Écarts : besoin/offre [A1]?", pris) == "Écarts - besoin-offre -A1--"
    assert texte_lisible(["a", None, "b"]) == "a ; b" and texte_lisible({}) is None


def test_lists_after_many_empty_rows_are_readable_too(tmp_path):
    con = duckdb.connect()
    _rapport_entrepot.charger_libelles(con)
    con.execute("create schema marts")
    con.execute(
        "create table marts.liens as select '93' as code_departement, lpad(i::varchar, 4, '0') as id_lien, "
        "case when i > 400 then ['caf:93', 'ccas:93001'] end as origines, "
        'case when i > 400 then \'[{"origine": "registre"}]\' end as preuves from range(450) as t(i)'
    )
    exporter_excel(con, "93", tmp_path / "k.xlsx")
    feuille = load_workbook(tmp_path / "k.xlsx")["Liens entre acteurs"]
    entetes = [c.value for c in feuille[1]]
    derniere = [c.value for c in feuille[feuille.max_row]]
    assert derniere[entetes.index("Origines des preuves")] == "caf:93 ; ccas:93001"
    assert derniere[entetes.index("Preuves")] == "Origine : registre"
    # (no territory nor axis in this warehouse: no names, no synthesis; but no raw list anywhere)
    assert not [d for d in defauts_classeur(tmp_path / "k.xlsx") if "raw list" in d]


def test_format_kinds_of_the_seed_are_the_writers_and_its_yml_says_so(libelles):
    """The seed names only kinds the writer knows (FORMATS + « liste »), and its dbt test lists them all."""
    kinds = {k for _, k in [*libelles.colonnes.values(), *libelles.colonnes_par_mart.values()] if k}
    assert kinds <= KINDS, sorted(kinds - KINDS)
    yml = yaml.safe_load(
        (RACINE / "dbt_project" / "seeds" / "_rapport__seeds.yml").read_text(encoding="utf-8")
    )
    seed = next(s for s in yml["seeds"] if s["name"] == "classeur_colonnes")
    assert seed["config"]["schema"] == SCHEMA
    colonne = next(c for c in seed["columns"] if c["name"] == "format")
    acceptees = next(t["accepted_values"]["arguments"]["values"] for t in colonne["data_tests"])
    assert set(acceptees) == KINDS


def test_a_warehouse_without_the_seeds_is_refused_with_their_names(tmp_path):
    from rapport.classeur_libelles import LibellesManquants

    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.liens as select '93' as code_departement")
    with pytest.raises(LibellesManquants, match=r"rapport\.classeur_feuilles.*dbt seed"):
        exporter_excel(con, "93", tmp_path / "k.xlsx")
    assert not (tmp_path / "k.xlsx").exists()


def test_past_the_ceiling_a_sheet_keeps_its_first_rows_and_says_where_the_rest_is(tmp_path):
    """A mart larger than the ceiling: its first rows, then a French note, also in the read-me; below the
    ceiling the same mart is written whole, without the note."""
    from rapport.exports import note_plafond

    con = duckdb.connect()
    _rapport_entrepot.charger_libelles(con)
    con.execute("create schema marts")
    con.execute(
        "create table marts.liens as select '93' as code_departement, lpad(i::varchar, 4, '0') as id_lien "
        "from range(450) as t(i)"
    )
    assert exporter_excel(con, "93", tmp_path / "coupe.xlsx", plafond=100)["liens"] == 450
    assert exporter_excel(con, "93", tmp_path / "entier.xlsx", plafond=450)["liens"] == 450
    note = note_plafond(100, 450)
    assert note == "Les 100 premières lignes sur 450 ; la table complète est dans les exports Parquet."
    coupe = load_workbook(tmp_path / "coupe.xlsx")
    feuille = coupe["Liens entre acteurs"]
    assert feuille.max_row == 1 + 100 + 1
    assert "0099" in [c.value for c in feuille[101]]  # the first 100 rows, in order
    assert feuille.cell(row=102, column=1).value == note
    assert note in texte_lisez_moi(tmp_path / "coupe.xlsx")
    entier = load_workbook(tmp_path / "entier.xlsx")
    assert entier["Liens entre acteurs"].max_row == 1 + 450
    assert "premières lignes sur" not in texte_lisez_moi(tmp_path / "entier.xlsx")
    assert defauts_classeur(tmp_path / "coupe.xlsx") == defauts_classeur(tmp_path / "entier.xlsx")
    with pytest.raises(ValueError, match="plafond"):
        exporter_excel(con, "93", tmp_path / "rien.xlsx", plafond=0)
