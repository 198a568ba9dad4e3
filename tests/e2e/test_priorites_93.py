"""Priorities, leads and the CALPAE/SPIE review of the 93, on the session's real build."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from socle.ponderations import DEFAULT_PATH, load_ponderations
from tests.e2e._pistes import pistes_par_axe

pytestmark = pytest.mark.e2e


def test_rankings_never_mix_the_departement_and_its_territories(built_93):
    lignes = built_93.frame(
        "select code_axe, echelle, niveau, rang_axe from marts.priorites "
        "where code_departement = '93' and rang_axe is not null"
    )
    assert not lignes.empty
    for (_, echelle), groupe in lignes.groupby(["code_axe", "echelle"]):
        # each ranked list holds one level only and ranks it 1..n
        assert sorted(groupe["rang_axe"]) == list(range(1, len(groupe) + 1))
        niveaux = set(groupe["niveau"])
        assert niveaux == {"departement"} if echelle == "departement" else "departement" not in niveaux


def test_every_axis_with_the_data_is_ranked(built_93):
    # with the shipped weights an unmeasured offer is neutral: a measured need is enough
    neutre = load_ponderations(DEFAULT_PATH)["ecart_offre"]["si_absente"] == "neutre"
    mesures = {
        r[0]
        for r in built_93.query(
            "select distinct code_axe from marts.priorites where code_departement = '93' "
            "and indice_besoin is not null and (? or indice_offre is not null)",
            [neutre],
        )
    }
    classes = {
        r[0]
        for r in built_93.query(
            "select distinct code_axe from marts.priorites "
            "where code_departement = '93' and rang_axe is not null"
        )
    }
    assert mesures and classes == mesures
    # and what each axis lacks is stated, with who holds it, for every domain
    couverture = built_93.frame("select * from marts.priorites_couverture where code_departement = '93'")
    assert len(couverture) == 18
    assert couverture["donnees_manquantes"].notna().all() and couverture["detenteurs"].notna().all()


def test_one_lead_per_ranked_domain_with_unique_sentences(built_93):
    par_axe = load_ponderations(DEFAULT_PATH)["pistes"]["par_axe"]
    attendues, obtenues = pistes_par_axe(built_93, "rang_axe is not null", par_axe)
    assert attendues == obtenues
    pistes = built_93.frame("select * from marts.pistes where code_departement = '93'")
    assert pistes["intitule"].is_unique and pistes["id_piste"].is_unique
    assert not pistes.duplicated(["code_domaine"]).any()
    for row in pistes.itertuples():
        figures = row.pourquoi.split(" ; ")
        assert 2 <= len(figures) <= 3, row.pourquoi
        assert "." not in row.pourquoi  # French decimal comma
        for figure in figures:
            # a figure is set against a reference (France, or the communes a partial source covers),
            # or is the distance to the nearest service
            distance = figure.startswith(("commune la plus éloignée", "un service du"))
            assert " contre " in figure or distance, figure
        assert row.limites.startswith("données manquantes : ")


def test_an_actor_is_never_both_associated_and_missing(built_93):
    acteurs = built_93.frame("select * from marts.pistes_acteurs where code_departement = '93'")
    assert not acteurs.empty and not acteurs.duplicated(["id_piste", "id_acteur"]).any()
    pistes = built_93.frame("select * from marts.pistes where code_departement = '93'")
    for row in pistes.itertuples():
        cites = acteurs[(acteurs["id_piste"] == row.id_piste) & acteurs["cite"]]["libelle_acteur"]
        manquants = acteurs[
            (acteurs["id_piste"] == row.id_piste) & (acteurs["role"] == "partenaire_manquant")
        ]["libelle_acteur"]
        assert not set(cites) & set(manquants), row.id_piste
        assert all(nom in row.acteurs_a_associer for nom in cites)


def test_at_most_five_named_actors_and_the_others_counted(built_93):
    maximum = load_ponderations(DEFAULT_PATH)["pistes"]["acteurs_max"]
    lignes = built_93.query(
        """select p.id_piste, p.acteurs_a_associer, count(*) filter (where a.cite),
               count(*) filter (where a.role <> 'partenaire_manquant')
           from marts.pistes as p left join marts.pistes_acteurs as a using (id_piste)
           where p.code_departement = '93' group by all"""
    )
    assert lignes
    for id_piste, texte, cites, associes in lignes:
        assert cites <= maximum, id_piste
        if associes > cites:
            autres = associes - cites
            assert texte.endswith(f" et {autres} autre{'s' if autres > 1 else ''}"), (id_piste, texte)


def test_calpae_review_reads_only_relevant_local_documents(built_93):
    # the national pact for the IAE states progress 22 times: none of it is a local action
    revues = built_93.frame("select * from marts.revue_documents where code_departement = '93'")
    types = dict(built_93.query("select type_document, revue_actions from marts.documents_types"))
    for row in revues.itertuples():
        assert row.revu == (types.get(row.type_document, False) and row.nb_mentions_locales >= 3)
    hors_revue = built_93.query(
        """select count(*) from marts.mentions as m join marts.revue_documents as r using (id_document)
           where m.code_departement = '93' and m.type_entite = 'avancement' and not r.revu"""
    )[0][0]
    assert hors_revue > 0  # the snapshot has statements in documents the review must not read
    fuites = built_93.query(
        """select count(*) from marts.revue_actions as a join marts.revue_documents as r using (id_document)
           where not r.revu"""
    )[0][0]
    assert fuites == 0
    page = BeautifulSoup(
        (built_93.output / "rapport_diagnostic.html").read_text(encoding="utf-8"), "html.parser"
    )
    revue = page.find("section", id="revue")
    statuts = {r[0] for r in built_93.query("select libelle_statut from marts.documents_statuts_avancement")}
    for ligne in revue.select("tbody tr"):
        cellules = ligne.find_all("td")
        if len(cellules) == 4:
            assert cellules[1].get_text(" ", strip=True).split(" (")[0] in statuts
    texte = revue.get_text(" ")
    for code in ("realise", "en_cours", "prevu", "abandonne"):
        assert code not in texte


def test_kit_sheet_lists_as_unranked_only_what_its_level_does_not_rank(built_93):
    classes = built_93.frame(
        "select code_axe, echelle, libelle_domaine from marts.priorites "
        "where code_departement = '93' and rang_axe is not null"
    )
    for code_axe, groupe in classes.groupby("code_axe"):
        fiche = BeautifulSoup(
            (built_93.output / "kit" / f"fiche_axe_{code_axe}.html").read_text(encoding="utf-8"),
            "html.parser",
        )
        titre = "Classement des domaines à l'échelle du département"
        titre_dep = next(h for h in fiche.find_all("h3") if h.get_text(strip=True) == titre)
        non_classes_dep = ""
        for frere in titre_dep.find_next_siblings():
            if frere.name in ("h2", "h3"):
                break
            if frere.name == "p" and "non classés" in frere.get_text():
                non_classes_dep = frere.get_text(" ")
        for domaine in groupe[groupe["echelle"] == "departement"]["libelle_domaine"]:
            # « Insertion des jeunes », ranked first at département level, is not « sans données » there
            assert domaine not in non_classes_dep, (code_axe, domaine)
