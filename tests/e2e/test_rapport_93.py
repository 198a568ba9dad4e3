"""The report, the kit, the exports and the dictionary of the 93, on the session's real build."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from rapport.dictionnaire import colonnes_reelles, descriptions_completes, sans_description
from rapport.preuves import CLES_PREUVES, preuves_orphelines
from rapport.rendu import chromium, requetes_de_la_page
from socle.ponderations import DEFAULT_PATH, dbt_vars_argument, load_ponderations
from tests._dbt import dbt_sur
from tests.e2e._pistes import pistes_par_axe
from tests.unit._rapport_chiffres import comparer_cellules

pytestmark = pytest.mark.e2e

AXES = ["A1", "A2", "A3", "A4"]


@pytest.fixture(scope="module")
def rapport_html(built_93) -> Path:
    path = built_93.output / "rapport_diagnostic.html"
    assert path.exists(), f"report not produced: {path}"
    return path


@pytest.fixture(scope="module")
def page(rapport_html) -> BeautifulSoup:
    return BeautifulSoup(rapport_html.read_text(encoding="utf-8"), "html.parser")


def test_build_produces_report_kit_workbook_exports_and_dictionary(built_93):
    sortie = built_93.output
    attendus = [
        sortie / "rapport_diagnostic.html",
        sortie / "kit" / "diagnostic_93.xlsx",
        sortie.parent / "dictionnaire" / "index.html",  # one national dictionary, beside the départements
    ]
    attendus += [sortie / "kit" / f"fiche_axe_{a}.html" for a in AXES]
    for path in attendus:
        assert path.exists() and path.stat().st_size > 0, path
    marts = {
        r[0]
        for r in built_93.query(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        )
    }
    exports = {p.stem for p in (sortie / "exports").glob("*.parquet")}
    assert marts == exports
    if chromium() is not None:
        from rapport.rendu import controle_pdf

        assert (sortie / "rapport_diagnostic.pdf").read_bytes().startswith(b"%PDF")
        # page numbers, outline, numbered sommaire, no empty page, nothing printed under 7,9 pt
        assert controle_pdf(sortie / "rapport_diagnostic.pdf") == []


def test_every_lead_of_93_has_resolvable_evidence(built_93):
    pistes = built_93.query("select id_piste from marts.pistes where code_departement = '93'")
    assert len(pistes) >= 1
    # one lead per ranked domain (at either level), at most par_axe per axis
    par_axe = load_ponderations(DEFAULT_PATH)["pistes"]["par_axe"]
    attendues, obtenues = pistes_par_axe(built_93, "donnees_suffisantes", par_axe)
    assert attendues == obtenues
    con = duckdb.connect(str(built_93.warehouse), read_only=True)
    try:
        orphelines = preuves_orphelines(con, "93")
        par_piste = con.execute("""select p.id_piste, count(e.id_preuve) from marts.pistes as p
            left join marts.pistes_preuves as e using (id_piste) where p.code_departement = '93'
            group by all""").fetchall()
        types = {
            r[0]
            for r in con.execute(
                "select distinct type_preuve from marts.pistes_preuves where code_departement = '93'"
            ).fetchall()
        }
    finally:
        con.close()
    assert orphelines.empty, orphelines.head(20).to_string()
    assert all(n > 0 for _, n in par_piste), [p for p, n in par_piste if n == 0]
    assert types <= set(CLES_PREUVES) and {"indicateur", "ecart", "lien_manquant", "passage"} <= types


def test_insufficient_priorities_are_not_ranked(built_93):
    lignes = built_93.query("""select
        count(*) filter (where not donnees_suffisantes and rang_axe is not null),
        count(*) filter (where not donnees_suffisantes and raison is null),
        count(*) filter (where donnees_suffisantes and rang_axe is null)
        from marts.priorites where code_departement = '93'""")
    assert lignes[0] == (0, 0, 0)


def test_report_figures_match_marts_indicateurs(page, built_93):
    cellules = page.select("td[data-indicateur]")
    assert len(cellules) >= 20
    valeurs = {
        (n, t, i, a): (v, s)
        for n, t, i, a, v, s in built_93.query(
            "select niveau, code_territoire, code_indicateur, annee, valeur, secret from marts.indicateurs "
            "where code_departement = '93'"
        )
    }
    assert comparer_cellules(cellules, valeurs)["chiffre"] >= 20
    # the published poverty rate of Seine-Saint-Denis (Filosofi 2021) is in the report
    taux = page.select_one(
        'td[data-indicateur="taux_pauvrete"][data-niveau="departement"][data-territoire="93"]'
    )
    assert taux is not None and taux.get_text(strip=True) == "28,4"


def test_report_is_self_contained_and_escaped(page, rapport_html):
    assert not page.find_all(["script", "link", "iframe", "img", "object", "embed"])
    for tag in page.find_all(True):
        for attribut in ("src", "href", "action", "poster"):
            valeur = tag.get(attribut)
            assert valeur is None or valeur.startswith(("#", "data:")), (tag.name, valeur)
    assert len(page.select("svg.carte")) >= 5
    assert len(page.select("article.fiche")) >= 4


@pytest.mark.skipif(chromium() is None, reason="no Chromium at /usr/bin/chromium (Debian package 'chromium')")
def test_report_renders_offline_in_chromium_without_any_outside_request(rapport_html, tmp_path):
    # the detector sees a page's outside requests...
    piege = tmp_path / "piege.html"
    piege.write_text('<html><body><img src="http://example.org/x.png"></body></html>', encoding="utf-8")
    assert requetes_de_la_page(piege, tmp_path / "piege")[0] == ["http://example.org/x.png"]
    # ...and the report makes none, and renders its sections and maps
    sortantes, dom = requetes_de_la_page(rapport_html, tmp_path / "rapport")
    assert sortantes == []
    soupe = BeautifulSoup(dom, "html.parser")
    assert soupe.select("section#synthese-A1") and soupe.select("svg.carte path")


def test_committee_sheets_and_workbook(built_93):
    kit = built_93.output / "kit"
    for axe in AXES:
        soupe = BeautifulSoup((kit / f"fiche_axe_{axe}.html").read_text(encoding="utf-8"), "html.parser")
        assert soupe.find("h1").get_text().startswith(f"Axe {axe}")
    classeur = load_workbook(kit / "diagnostic_93.xlsx", read_only=False)
    assert classeur.sheetnames[0] == "Lisez-moi"
    feuille = classeur["Indicateurs"]
    assert feuille.freeze_panes == "A2" and feuille.auto_filter.ref
    assert "Code du territoire" in [c.value for c in feuille[1]]


def test_every_mart_and_column_is_described(built_93):
    target = Path(os.environ["PACTE_DBT_TARGET"])
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    con = duckdb.connect(str(built_93.warehouse), read_only=True)
    try:
        manquants = sans_description(descriptions_completes(manifest), colonnes_reelles(con))
    finally:
        con.close()
    assert manquants == [], f"marts or columns without a description: {manquants}"
    page = (built_93.output.parent / "dictionnaire" / "index.html").read_text(encoding="utf-8")
    assert not (built_93.output / "dictionnaire").exists()  # published once, not per département
    assert "marts.priorites" in page and "rang_axe" in page


def test_a_weight_change_through_dbt_vars_changes_the_real_ranking(built_93, tmp_path):
    copie = tmp_path / "copie.duckdb"
    shutil.copy(built_93.warehouse, copie)
    ponderations = load_ponderations(DEFAULT_PATH)
    ponderations["coordination"]["poids"] = 0.0
    ponderations["ecart_offre"]["exposant"] = 3.0
    proc = dbt_sur(copie, tmp_path, "run", "--select", "priorites", *dbt_vars_argument(ponderations))
    assert proc.returncode == 0, proc.stdout[-3000:]
    sql = (
        "select id_priorite, rang_axe from marts.priorites where code_departement = '93' "
        "and donnees_suffisantes order by id_priorite"
    )
    avant = built_93.query(sql)
    con = duckdb.connect(str(copie), read_only=True)
    try:
        apres = con.execute(sql).fetchall()
    finally:
        con.close()
    assert [r[0] for r in avant] == [r[0] for r in apres]
    assert avant != apres


def test_what_people_read_holds_no_table_name_id_or_mode_name(built_93):
    """Issue 11: the report and the committee sheets of the real 93 name no table (« marts.… »),
    key (« ddets:93 »), SIREN, passage id, UUID or mode (« snapshot », « inbox »), and write
    numbers the French way. The data dictionary is the analysts' reference to the tables: out
    of scope (see rapport.lisible)."""
    from rapport.lisible import identifiants_visibles

    pages = [
        built_93.output / "rapport_diagnostic.html",
        *sorted((built_93.output / "kit").glob("fiche_axe_*.html")),
    ]
    assert len(pages) == 1 + len(AXES)
    trouves = {p.name: identifiants_visibles(p.read_text(encoding="utf-8")) for p in pages}
    assert all(not t for t in trouves.values()), {n: t[:10] for n, t in trouves.items() if t}


def test_sources_are_named_by_publisher_and_dataset(page):
    sources = page.find("section", id="sources")
    entetes = [th.get_text(strip=True) for th in sources.find_all("th")]
    assert entetes[:3] == ["Partie", "Producteur", "Jeu de données"]
    # the part of the diagnostic spans its rows: the producer is the fifth cell from the end
    producteurs = {tr.find_all("td")[-5].get_text(strip=True) for tr in sources.find("tbody").find_all("tr")}
    assert {"INSEE", "France Travail", "ANCT", "IGN"} <= producteurs
    assert "Autres sources" not in sources.get_text()


def test_actors_are_named_for_people(built_93, page):
    """Names in capitals are title-cased, France Travail sites are named as agencies and the
    « MISSION LOCALE » rows carry their commune: one name per actor, from marts.structures."""
    annuaire = [tr.find("td").get_text(strip=True) for tr in page.select("table.annuaire tbody tr")]
    assert annuaire
    assert "France Travail – agence de Bobigny" in annuaire
    missions = [n for n in annuaire if n.lower().startswith("mission locale")]
    assert len(missions) >= 10 and len(set(missions)) == len(missions), missions
    assert not [n for n in annuaire if n == n.upper() and len(n) > 12], "names left in capitals"
    con = duckdb.connect(str(built_93.warehouse), read_only=True)
    try:
        n = con.execute(
            "select count(*) from marts.structures where code_departement = '93' and nom_affiche is null"
        ).fetchone()[0]
    finally:
        con.close()
    assert n == 0


def test_committee_sheets_rank_levels_apart_and_say_what_is_missing(built_93):
    for axe in AXES:
        soupe = BeautifulSoup(
            (built_93.output / "kit" / f"fiche_axe_{axe}.html").read_text(encoding="utf-8"), "html.parser"
        )
        titres = [h.get_text(strip=True) for h in soupe.find_all("h3")]
        matrices = soupe.select("table.matrice")
        if matrices:
            assert "Classement des territoires infra-départementaux" in titres
            for matrice in matrices:  # one ranking per table: ranks never repeat
                rangs = [tr.find("td").get_text(strip=True) for tr in matrice.find("tbody").find_all("tr")]
                assert len(rangs) == len(set(rangs)), (axe, rangs)
        else:
            texte = soupe.get_text(" ")
            assert "Aucune priorité n'est classée sur cet axe" in texte
            assert "Données encore manquantes" in texte, axe
