"""Comparable départements, trends, the « Comparaison » part of the report and the overview pages
(issue 16), on the session's build of the 93 (the comparison marts are national: every département
has its peers and trends after one build)."""

from __future__ import annotations

import re
import statistics

import pytest
from bs4 import BeautifulSoup

from rapport.cartes import format_nombre
from rapport.comparaison import rang_texte
from rapport.contexte import enregistrements
from rapport.lisible import identifiants_visibles
from rapport.rendu import chromium, requetes_de_la_page

pytestmark = pytest.mark.e2e

OUTRE_MER = {"971", "972", "973", "974", "976"}


def _pairs(built, code: str) -> list[tuple]:
    return built.query(
        """
        select k.rang, k.code_departement_pair, k.libelle_pair, k.distance, d.valeur, r.valeur
        from marts.departements_comparables as k
        join marts.departements_profil as d
            on d.code_departement = k.code_departement_pair and d.code_variable = 'densite_log'
        join marts.departements_profil as r
            on r.code_departement = k.code_departement_pair and r.code_variable = 'part_population_rurale'
        where k.code_departement = ? order by k.rang""",
        [code],
    )


def test_the_comparable_departements_of_93_59_974_and_23_are_plausible(built_93):
    pairs = {code: _pairs(built_93, code) for code in ("93", "59", "974", "23")}
    for code, lignes in pairs.items():
        # read by a person: the list with distances, nearest first
        print(code, " ; ".join(f"{lib} {format_nombre(dist, 2)}" for _, _, lib, dist, _, _ in lignes))
        distances = [ligne[3] for ligne in lignes]
        assert distances == sorted(distances) and all(d > 0 for d in distances)
        assert [ligne[0] for ligne in lignes] == list(range(1, len(lignes) + 1))
    # metropolitan départements get 6 peers, all metropolitan; La Réunion the 4 other DROM
    for code in ("93", "59", "23"):
        assert len(pairs[code]) == 6 and not {p[1] for p in pairs[code]} & OUTRE_MER
    assert {p[1] for p in pairs["974"]} == OUTRE_MER - {"974"}
    mediane_densite, mediane_rural = built_93.query(
        "select median(valeur) filter (where code_variable = 'densite_log'), "
        "median(valeur) filter (where code_variable = 'part_population_rurale') "
        "from marts.departements_profil"
    )[0]
    # Seine-Saint-Denis with dense, urban départements; the Nord with urban ones; the Creuse with rural ones
    assert all(dens > 2 * mediane_densite and rural < 30 for *_, dens, rural in pairs["93"])
    assert {"95", "94", "59", "13"} <= {p[1] for p in pairs["93"]}
    assert all(dens > mediane_densite and rural < mediane_rural for *_, dens, rural in pairs["59"])
    assert all(dens < 50 and rural > 60 for *_, dens, rural in pairs["23"])
    # every département of the COG in France (101) has peers
    compares = built_93.query("select count(distinct code_departement) from marts.departements_comparables")
    assert compares[0][0] == 101


def test_trends_follow_the_sources_and_the_vintage_rules(built_93):
    def tendance(niveau, code, serie):
        return dict(
            zip(
                ["annee_debut", "annee_fin", "evolution", "lecture", "serie"],
                built_93.query(
                    "select annee_debut, annee_fin, evolution, lecture, serie "
                    "from marts.indicateurs_tendances "
                    "where niveau = ? and code_territoire = ? and code_serie = ?",
                    [niveau, code, serie],
                )[0],
                strict=True,
            )
        )

    # Filosofi medians of the 93 (PROVENANCE: 16 726 in 2014, 18 070 in 2019), in current euros
    mediane = tendance("departement", "93", "mediane_niveau_vie")
    valeurs = {p["annee"]: p["valeur"] for p in mediane["serie"]}
    assert valeurs[2014] == 16726 and valeurs[2019] == 18070
    assert mediane["lecture"] == "en hausse de 8,0\u202f% depuis 2014"
    # NEET (ANCT): 93 = 20,1 in 2018, compared with 2007, more than five years before
    neet = tendance("departement", "93", "part_neet")
    assert (neet["annee_debut"], neet["annee_fin"]) == (2007, 2018)
    assert re.fullmatch(r"en hausse de \d+,\d\u00a0points? depuis 2007", neet["lecture"])
    # two censuses one year apart (2021, 2022) are never compared
    chomage = tendance("departement", "93", "taux_chomage_15_64")
    assert chomage["annee_debut"] is None and "moins de 5 ans" in chomage["lecture"]
    # France's NEET: 2017 and 2018 only, no comparison either
    assert tendance("france", "FR", "part_neet")["annee_debut"] is None
    # DREES publishes Corsica on the Collectivité de Corse from 2018: Corse-du-Sud stops in 2017
    # (tab28: 826 places in 2016, 823 in 2017)
    corse = tendance("departement", "2A", "places_creches_collectives")
    assert corse["annee_fin"] == 2017 and [p["valeur"] for p in corse["serie"]] == [826, 823]
    # every reading has a decimal comma, never a point
    lectures = [r[0] for r in built_93.query("select lecture from marts.indicateurs_tendances")]
    assert lectures and not any(re.search(r"\d\.\d", t) for t in lectures)


def test_comparison_mart_recomputes_from_the_indicators(built_93):
    pairs = [
        r[0]
        for r in built_93.query(
            "select code_departement_pair from marts.departements_comparables where code_departement = '93'"
        )
    ]
    valeurs = dict(
        built_93.query(
            "select code_territoire, valeur from marts.indicateurs where niveau = 'departement' "
            "and code_indicateur = 'taux_pauvrete' and annee = 2021"
        )
    )
    ligne = built_93.query(
        "select valeur, mediane_pairs, rang_pairs, nb_classes, valeur_region, valeur_france "
        "from marts.comparaison_departements where code_departement = '93' and famille = 'indicateur' "
        "and code_mesure = 'taux_pauvrete'"
    )[0]
    # Filosofi 2021: 28,4 % in Seine-Saint-Denis, the highest among its peers
    assert ligne[0] == 28.4 and ligne[2] == 1 and ligne[3] == 7
    assert ligne[1] == pytest.approx(statistics.median(valeurs[p] for p in pairs), abs=0.01)
    assert ligne[4] is not None and ligne[5] is not None


@pytest.fixture(scope="module")
def lignes_mart(built_93) -> dict[str, dict]:
    frame = built_93.frame(
        "select * from marts.comparaison_departements "
        "where code_departement = '93' and famille = 'indicateur'"
    )
    return {r["code_mesure"]: r for r in enregistrements(frame)}


def _cellule(valeur, decimales: int) -> str:
    return "–" if valeur is None else format_nombre(float(valeur), decimales)


def test_the_report_shows_value_peers_median_rank_and_trend_for_the_indicators(built_93, lignes_mart):
    soupe = BeautifulSoup(
        (built_93.output / "rapport_diagnostic.html").read_text(encoding="utf-8"), "html.parser"
    )
    lignes = soupe.select("table.comparaison tr[data-mesure]")
    complets, tendances = set(), 0
    for tr in lignes:
        mart = lignes_mart.get(tr["data-mesure"])
        if mart is None:
            continue  # a domain row (need index, gap, priority score)
        valeur = tr.select_one("td.valeur").get_text(strip=True)
        mediane = tr.select_one("td.mediane").get_text(strip=True)
        # the report writes the mart's figures, the French way
        assert valeur.replace("\u202f", "") in {
            _cellule(mart["valeur"], d).replace("\u202f", "") for d in (0, 1, 2)
        }, tr.get_text(" ", strip=True)
        assert mediane.replace("\u202f", "") in {
            _cellule(mart["mediane_pairs"], d).replace("\u202f", "") for d in (0, 1, 2)
        }
        rang = mart["rang_pairs"]
        assert tr.select_one("td.rang").get_text(strip=True) == rang_texte(rang, mart["nb_classes"])
        tendance = tr.select_one("td.tendance").get_text(strip=True)
        assert tendance == (mart["tendance"] or "")
        tendances += bool(tendance)
        if mediane != "–" and rang is not None:
            complets.add(tr["data-mesure"])
    assert len(complets) >= 10, sorted(complets)
    assert tendances >= 4
    # small multiples of the series (offline SVG)
    assert len(soupe.select("svg.petit-multiple polyline.serie-departement")) >= 4
    # the peers and the région table
    texte = soupe.get_text(" ")
    assert (
        "Départements comparables à Seine-Saint-Denis" in texte and "Le département dans sa région" in texte
    )
    region = soupe.select("table.comparaison-region tbody tr")
    assert len(region) == 8 and len(soupe.select("table.comparaison-region tr.soi")) == 1
    # the committee sheet of axis 2 has its « Comparaison » page, without identifiers
    fiche = (built_93.output / "kit" / "fiche_axe_A2.html").read_text(encoding="utf-8")
    fiche_soupe = BeautifulSoup(fiche, "html.parser")
    assert any(h.get_text(strip=True) == "Comparaison" for h in fiche_soupe.find_all("h2"))
    assert fiche_soupe.select("table.comparaison tr[data-mesure='part_neet']")
    assert identifiants_visibles(fiche) == []


def test_the_overview_command_writes_offline_pages_drawn_in_chromium(built_93, tmp_path, monkeypatch):
    from orchestration.cli import main

    apercu = built_93.output.parent / "apercu"
    # the build wrote the pages of the 93's région and of France (its Dagster asset)...
    assert (apercu / "region_11.html").exists() and (apercu / "france.html").exists()
    # ...and the command rewrites them from the warehouse
    monkeypatch.setenv("PACTE_WAREHOUSE", str(built_93.warehouse))
    monkeypatch.setenv("PACTE_OUTPUT", str(tmp_path / "sorties"))
    assert main(["apercu", "--region", "11", "--france"]) == 0
    pages = sorted(p.name for p in (tmp_path / "sorties" / "apercu").glob("*.html"))
    assert pages == ["france.html", "region_11.html"]
    if chromium() is None:
        pytest.skip("Chromium absent")
    region = tmp_path / "sorties" / "apercu" / "region_11.html"
    # a person picks another measure in the page: the map and the table follow
    texte = region.read_text(encoding="utf-8")
    scenario = (
        "<script>(function () { var b = document.body, s = document.getElementById('mesure');"
        " b.setAttribute('data-initiale', document.querySelector('#tableau tbody tr').textContent);"
        " b.setAttribute('data-colories-initiale',"
        " document.getElementById('carte').getAttribute('data-colories'));"
        " s.value = 'indice_besoin|petite_enfance'; s.dispatchEvent(new Event('change')); })();</script>"
    )
    region.write_text(texte.replace("</body>", scenario + "</body>"), encoding="utf-8")
    sortantes, dom = requetes_de_la_page(region, tmp_path / "chromium_region")
    assert sortantes == []
    soupe = BeautifulSoup(dom, "html.parser")
    assert soupe.body["data-etat"] == "dessine"
    assert soupe.body["data-colories-initiale"] == "8"  # the 8 départements of Île-de-France coloured
    assert soupe.body["data-initiale"].startswith("Seine-Saint-Denis28,42021")
    besoins = dict(
        built_93.query(
            "select libelle_departement, valeur from marts.comparaison_departements "
            "where code_region = '11' and famille = 'indice_besoin' and code_mesure = 'petite_enfance'"
        )
    )
    premiere = soupe.select("#tableau tbody tr")[0].find_all("td")
    plus_fort = max(besoins, key=besoins.get)
    assert premiere[0].get_text() == plus_fort
    assert premiere[1].get_text() == format_nombre(besoins[plus_fort], 1)
    assert len(soupe.select("#tableau tbody tr")) == 8
    # France: every département drawn (overseas in insets), no outside request
    sortantes, dom = requetes_de_la_page(
        tmp_path / "sorties" / "apercu" / "france.html", tmp_path / "chromium_fr"
    )
    soupe = BeautifulSoup(dom, "html.parser")
    assert sortantes == [] and len(soupe.select("#carte path")) == 101
    assert int(soupe.select_one("#carte")["data-colories"]) >= 95
