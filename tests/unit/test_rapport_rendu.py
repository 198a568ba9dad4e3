"""The report, the committee kit and the exports rendered from a small hand-made warehouse."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import duckdb
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _priorites_lignes  # noqa: E402
from _rapport_chiffres import comparer_cellules  # noqa: E402

from rapport.donnees import MartManquant, liste_marts  # noqa: E402
from rapport.production import produire_exports, produire_kit, produire_rapport  # noqa: E402
from rapport.rendu import chromium  # noqa: E402
from socle.ponderations import DEFAULT_PATH, load_ponderations  # noqa: E402

RACINE = Path(tempfile.mkdtemp(prefix="pacte-rapport-"))
AXES = ["A1", "A2", "A3", "A4"]


@pytest.fixture(scope="module")
def entrepot() -> Path:
    return _priorites_lignes.entrepot_priorites(RACINE)


@pytest.fixture(scope="module")
def sortie(entrepot, data_dir) -> dict:
    dossier = RACINE / "sortie"
    con = duckdb.connect(str(entrepot), read_only=True)
    try:
        rapport = produire_rapport(
            con, "93", dossier, data_dir / "geo", load_ponderations(DEFAULT_PATH), pdf=chromium() is not None
        )
        kit = produire_kit(
            con,
            "93",
            dossier,
            data_dir / "geo",
            load_ponderations(DEFAULT_PATH),
            contexte=rapport["contexte"],
        )
        exports = produire_exports(con, "93", dossier)
    finally:
        con.close()
    return {"dossier": dossier, "rapport": rapport, "kit": kit, "exports": exports}


@pytest.fixture(scope="module")
def page(sortie) -> BeautifulSoup:
    return BeautifulSoup(sortie["rapport"]["fichiers"]["html"].read_text(encoding="utf-8"), "html.parser")


def test_report_follows_the_structure_of_the_deliverable(page):
    ids = {s.get("id") for s in page.find_all("section")}
    attendus = {"couverture", "methode", "portrait", "revue", "matrice", "fiches", "suivi", "annexes"}
    attendus |= {f"synthese-{a}" for a in AXES} | {f"axe-{a}" for a in AXES}
    assert attendus <= ids
    assert page.find("html")["lang"] == "fr"
    assert "Seine-Saint-Denis" in page.find("h1").get_text()


def test_report_is_self_contained(page, sortie):
    html = sortie["rapport"]["fichiers"]["html"].read_text(encoding="utf-8")
    assert not page.find_all(["script", "link", "iframe", "img", "object", "embed"])
    for tag in page.find_all(True):
        for attribut in ("src", "href", "action", "poster"):
            valeur = tag.get(attribut)
            assert valeur is None or valeur.startswith(("#", "data:")), (tag.name, valeur)
    assert "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html


def test_text_from_data_is_escaped(page, sortie):
    html = sortie["rapport"]["fichiers"]["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "<b>93</b>" not in html
    assert "Conseil départemental <b>93</b>" in page.get_text()


def test_figures_are_the_marts_values_and_secrets_stay_hidden(page, entrepot):
    con = duckdb.connect(str(entrepot), read_only=True)
    try:
        valeurs = {
            (n, t, i, a): (v, s)
            for n, t, i, a, v, s in con.execute(
                "select niveau, code_territoire, code_indicateur, annee, valeur, secret "
                "from marts.indicateurs"
            ).fetchall()
        }
    finally:
        con.close()
    cellules = page.select("td[data-indicateur]")
    assert len(cellules) >= 6
    vus = comparer_cellules(cellules, valeurs)
    assert vus["secret"] >= 1  # Est Ensemble's RSA rate is secret in the hand-made marts
    assert vus["non disponible"] == 0  # every figure of the hand-made marts is published


def test_every_map_names_its_source_and_year(page):
    cartes = page.select("svg.carte")
    assert len(cartes) >= 4
    for carte in cartes:
        texte = carte.get_text(" ")
        assert "Source" in texte and "2026" in texte


def test_one_action_sheet_per_lead_with_its_evidence(page, entrepot):
    con = duckdb.connect(str(entrepot), read_only=True)
    try:
        pistes = [r[0] for r in con.execute("select id_piste from marts.pistes").fetchall()]
    finally:
        con.close()
    fiches = page.select("article.fiche")
    assert sorted(f["id"] for f in fiches) == sorted(f"piste-{p}" for p in pistes)
    rsa = page.find("article", id="piste-93-accompagnement_emploi")
    # evidence named where a person finds it (document title and page, testimony), never by mart key
    texte = rsa.get_text(" ")
    assert "Bilan CALPAE 2022, p. 3" in texte and "Parole recueillie" in texte
    assert "On attend des mois avant un premier rendez-vous." in texte
    assert "marts." not in texte and "p1" not in texte.split() and "q1" not in texte.split()


def test_calpae_review_cites_progress_statements_and_passages(page):
    revue = page.find("section", id="revue").get_text(" ")
    assert "Bilan CALPAE 2022" in revue
    assert "Le référent de parcours <i>unique</i>" in revue
    # the status in words, never its code; the national text set aside is named with the reason
    assert "réalisé" in revue and "realise" not in revue
    assert "Pacte national pour l'IAE (type non retenu pour la revue : Autre document)" in revue
    assert "(Bilan CALPAE 2022, p. 3)" in revue and "marts." not in revue


def test_kit_sheet_keeps_the_two_rankings_apart_and_says_what_is_missing(sortie):
    fiche = BeautifulSoup(
        (sortie["dossier"] / "kit" / "fiche_axe_A2.html").read_text(encoding="utf-8"), "html.parser"
    )
    titres = [h.get_text(strip=True) for h in fiche.find_all("h3")]
    assert "Classement des territoires infra-départementaux" in titres
    assert "Classement des domaines à l'échelle du département" in titres
    matrices = fiche.select("table.matrice")
    assert len(matrices) == 2
    # the first table ranks EPT only, the second the département only
    territoires = [
        [tr.find_all("td")[2].get_text(strip=True) for tr in t.select("tbody tr")] for t in matrices
    ]
    assert territoires[0] and "Seine-Saint-Denis" not in territoires[0]
    assert set(territoires[1]) == {"Seine-Saint-Denis"}
    couverture = fiche.select_one("table.couverture").get_text(" ")
    assert "France Travail" in couverture and "Qui les détient" in couverture


def test_insufficient_priorities_are_shown_as_such(page):
    matrice = page.find("section", id="matrice").get_text(" ")
    assert "Données insuffisantes : indice de besoin absent" in matrice


def test_committee_kit_has_one_sheet_per_axis(sortie):
    fiches = sortie["kit"]["fiches"]
    assert [f.name for f in fiches] == [f"fiche_axe_{a}.html" for a in AXES]
    for fiche in fiches:
        soupe = BeautifulSoup(fiche.read_text(encoding="utf-8"), "html.parser")
        assert not soupe.find_all(["script", "link", "img"])
        assert soupe.find("h1").get_text().startswith("Axe ")


def test_workbook_has_one_filtered_sheet_per_mart(sortie, entrepot):
    from _classeur_controle import LISEZ_MOI, defauts_classeur

    from rapport.classeur_libelles import charger

    classeur = load_workbook(sortie["kit"]["classeur"])
    con = duckdb.connect(str(entrepot), read_only=True)
    try:
        marts = liste_marts(con)
        FEUILLES = charger(con).feuilles  # noqa: N806 (the seed's rows, read as the exporter reads them)
    finally:
        con.close()
    lignes = sortie["kit"]["lignes"]
    assert set(lignes) == set(marts)
    # read-me, one synthesis per axis, then one sheet per mart that has rows for the département
    assert classeur.sheetnames[:5] == [LISEZ_MOI] + [f"Synthèse axe {a}" for a in AXES]
    attendus = [FEUILLES[m][1] if m in FEUILLES else m for m in FEUILLES if m in marts and lignes[m]]
    assert classeur.sheetnames[5:] == attendus
    assert defauts_classeur(sortie["kit"]["classeur"]) == []
    feuille = classeur[FEUILLES["priorites"][1]]
    entetes = [c.value for c in feuille[1]]
    assert "Code département" in entetes and "Données suffisantes" in entetes
    assert feuille.freeze_panes == "A2"
    assert feuille.auto_filter.ref and feuille.auto_filter.ref.startswith("A1:")
    assert feuille.max_row == lignes["priorites"] + 1
    # the header keeps its style and the column name as a comment (the workbook is streamed)
    entete = feuille["A1"]
    assert entete.font.b and entete.fill.fgColor.rgb.endswith("DDE4EE")
    assert entete.comment is not None
    assert f"« {colonnes_du_mart(entrepot, 'priorites')[0]} »" in entete.comment.text
    assert feuille.column_dimensions["A"].width >= 12


def colonnes_du_mart(entrepot: Path, mart: str) -> list[str]:
    con = duckdb.connect(str(entrepot), read_only=True)
    try:
        return [d[0] for d in con.execute(f"select * from marts.{mart} limit 0").description]
    finally:
        con.close()


def test_parquet_export_of_every_mart(sortie, entrepot):
    dossier = sortie["exports"]["dossier"]
    con = duckdb.connect(str(entrepot), read_only=True)
    try:
        for mart in liste_marts(con):
            fichier = dossier / f"{mart}.parquet"
            assert fichier.exists(), mart
            lignes = con.execute(f"select count(*) from read_parquet('{fichier.as_posix()}')").fetchone()[0]
            assert lignes == sortie["exports"]["lignes"][mart]
        # the département's rows plus the région and France references
        niveaux = {
            r[0]
            for r in con.execute(
                f"select distinct niveau from read_parquet('{(dossier / 'territoires.parquet').as_posix()}')"
            ).fetchall()
        }
        assert {"commune", "ept", "departement", "region", "france"} == niveaux
    finally:
        con.close()


@pytest.mark.skipif(chromium() is None, reason="no Chromium (Debian package 'chromium'): PDF not tested")
def test_pdf_is_printed_by_chromium(sortie):
    pdf = sortie["rapport"]["fichiers"]["pdf"]
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.skipif(chromium() is None, reason="no Chromium (Debian package 'chromium'): PDF not tested")
def test_pdf_has_page_numbers_outline_numbered_sommaire_and_maps_printed_at_8_pt(sortie):
    from pypdf import PdfReader

    from rapport.rendu import _releve_tailles, controle_pdf

    pdf = sortie["rapport"]["fichiers"]["pdf"]
    assert controle_pdf(pdf) == []
    lecteur = PdfReader(str(pdf))
    titres, a_voir = set(), list(lecteur.outline)
    while a_voir:
        noeud = a_voir.pop()
        if isinstance(noeud, list):
            a_voir += noeud
        else:
            titres.add(noeud.title)
    assert {"Portrait territorial", "Annexes"} <= titres
    # the maps' legends and commune names as printed, not as written in the SVG
    tailles: list = []
    for i, page in enumerate(lecteur.pages):
        page.extract_text(visitor_text=_releve_tailles(tailles, i + 1))
    legendes = [t for t in tailles if "proche de la" in t[2] or t[2].strip() in {"Saint-Denis", "Montreuil"}]
    assert legendes and min(t[0] for t in legendes) >= 7.95, min(legendes)


def test_a_missing_mart_stops_the_report_with_its_name(tmp_path, data_dir):
    import _rapport_entrepot

    tables = _rapport_entrepot.entrees()
    del tables["parole"]
    entrepot = _rapport_entrepot.ecrire(tmp_path / "w.duckdb", tables)
    con = duckdb.connect(str(entrepot), read_only=True)
    try:
        with pytest.raises(MartManquant, match=r"marts\.parole \(documents"):
            produire_rapport(con, "93", tmp_path / "out", data_dir / "geo", None, pdf=False)
    finally:
        con.close()
    assert not (tmp_path / "out" / "rapport_diagnostic.html").exists()


def test_governance_table_reads_the_rows_dbt_makes_for_it(page, entrepot):
    """The « Gouvernance » table is the dbt model gouvernance_dispositifs (schema rapport): the PDI with
    its pilot and two of its three expected partner types present, the closed CALPAE after it."""
    lignes = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in page.find(id="gouvernance").find("tbody").find_all("tr")
    ]
    assert lignes == [
        ["PDI de la Seine-Saint-Denis", "", "Conseil départemental <b>93</b>", "67 %"],
        ["CALPAE 2019-2023 (clos)", "", "pilote non renseigné", "–"],
    ]
    with duckdb.connect(str(entrepot), read_only=True) as con:
        assert con.execute("select count(*) from rapport.gouvernance_dispositifs").fetchone()[0] == 2
