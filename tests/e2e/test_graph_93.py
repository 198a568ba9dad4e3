"""The actor graph of Seine-Saint-Denis built by `pacte build --departement 93` (shared session build)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest

pytestmark = pytest.mark.e2e

ROLES = {"liaison", "gardien_representant", "consultant", "coordinateur", "aucun"}
REGLES = {
    "partenaire_attendu_absent",
    "insertion_sans_lien_ft_pdi",
    "operateurs_sans_lien",
    "besoin_eleve_offre_non_coordonnee",
}


def test_graph_tables(built_93):
    kinds = dict(
        built_93.query(
            "select type_noeud, count(*) from marts.acteurs where code_departement = '93' group by 1"
        )
    )
    assert {"acteur", "dispositif", "territoire", "domaine", "axe", "service"} <= set(kinds)
    assert kinds["domaine"] == 18 and kinds["axe"] == 4
    assert (
        built_93.query(
            "select count(*) from marts.acteurs where code_departement = '93' "
            "group by id_noeud having count(*) > 1"
        )
        == []
    )
    # every edge joins two nodes of the graph, with evidence and a confidence in [0, 1]
    assert built_93.query("""
        select count(*) from marts.liens l
        where l.code_departement = '93' and (
            l.source not in (select id_noeud from marts.acteurs where code_departement = '93')
            or l.cible not in (select id_noeud from marts.acteurs where code_departement = '93')
            or l.confiance not between 0 and 1 or l.nb_preuves < 1)""") == [(0,)]
    kinds = {
        k for (k,) in built_93.query("select distinct type_lien from marts.liens where code_departement='93'")
    }
    assert {"pilote", "membre_de", "couvre", "offre", "releve_de", "situe_dans", "partenaire_de"} <= kinds


def test_registry_and_catalogue_are_merged_without_duplicates(built_93):
    name = built_93.query(
        "select libelle from marts.acteurs where id_noeud = 'conseil_departemental:93' "
        "and code_departement = '93'"
    )
    assert name == [("Département de la Seine-Saint-Denis (conseil départemental)",)]
    registry_edges = built_93.query(
        "select count(*) from marts.liens "
        "where code_departement = '93' and list_contains(origines, 'registre')"
    )[0][0]
    assert registry_edges >= 8
    # the four EPT and the Métropole du Grand Paris come from the COG
    epts = {
        c
        for (c,) in built_93.query(
            "select code_territoire from marts.acteurs where code_departement = '93' and type_acteur = 'ept'"
        )
    }
    assert epts == {"200057867", "200057875", "200058097", "200058790"}
    # France Travail agencies of the catalogue are members of the direction, never entered twice
    agencies = built_93.query("""select count(*) from marts.liens where code_departement = '93'
        and type_lien = 'membre_de' and cible = 'france_travail:93' and source like 'structure:%'""")[0][0]
    assert agencies >= 1
    assert (
        built_93.query("""select siret, count(*) from marts.acteurs where code_departement = '93'
        and type_noeud = 'acteur' and siret is not null group by 1 having count(*) > 1""")
        == []
    )
    assert built_93.query(
        "select count(*) from quarantine.rejets where table_name like 'registre%' "
        "and source_file like '%/93/%'"
    ) == [(0,)]


def test_dispositif_instances(built_93):
    codes = dict(
        built_93.query("""select code_dispositif, count(*) from marts.acteurs
        where code_departement = '93' and type_noeud = 'dispositif' group by 1""")
    )
    for code in (
        "pdi",
        "pti",
        "contrat_local_solidarites",
        "convention_france_travail",
        "comite_departemental_emploi",
        "sdsf",
        "pdalhpd",
    ):
        assert codes.get(code, 0) >= 1, code
    assert codes["comite_local_emploi"] == 4  # the 4 CLPE of the 93
    assert codes["contrat_de_ville"] >= 4 + 10  # current ones per EPT and the 2015-2023 contracts
    assert codes["abs"] >= 35


def test_coordination_marts(built_93):
    acteurs = built_93.frame("select * from marts.coordination_acteurs where code_departement = '93'")
    assert len(acteurs) and acteurs["id_noeud"].is_unique
    assert set(acteurs["role_courtage"]) <= ROLES
    assert set(acteurs["methode_intermediarite"]) <= {"exacte", "approchee"}
    assert acteurs["intermediarite"].between(0, 1).all()
    assert acteurs.loc[acteurs["id_noeud"] == "france_travail:93", "distance_france_travail"].iloc[0] == 0
    dispositifs = built_93.frame("select * from marts.coordination_dispositifs where code_departement = '93'")
    pdi = dispositifs[dispositifs["id_dispositif"] == "dispositif:pdi:departement:93"]
    assert pdi.loc[pdi["role_attendu"] == "pilote", "present"].all()
    assert dispositifs["taux_couverture_dispositif"].between(0, 1).all()
    manquants = built_93.frame("select * from marts.liens_manquants where code_departement = '93'")
    assert set(manquants["regle"]) <= REGLES and "partenaire_attendu_absent" in set(manquants["regle"])
    assert manquants["raison"].str.len().min() > 20
    faiblesse = built_93.frame("select * from marts.faiblesse_coordination where code_departement = '93'")
    assert set(faiblesse["niveau"]) == {"commune", "ept", "departement"}
    assert faiblesse["score"].between(0, 1).all()
    assert set(faiblesse.loc[faiblesse["niveau"] == "ept", "code_territoire"]) == {
        "200057867",
        "200057875",
        "200058097",
        "200058790",
    }
    for components in faiblesse["composantes"].head(50):
        assert set(json.loads(components)) <= {
            "isolement",
            "fragmentation",
            "partenaires_manquants",
            "eloignement_france_travail",
        }


def test_page_and_graphml(built_93):
    page = built_93.output / "reseau_acteurs.html"
    html = page.read_text(encoding="utf-8")
    assert "Seine-Saint-Denis (93)" in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    graph = nx.read_graphml(built_93.output / "graphe_acteurs.graphml", force_multigraph=True)
    nodes = built_93.query("select count(*) from marts.acteurs where code_departement = '93'")[0][0]
    assert graph.number_of_nodes() == nodes


@pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and not shutil.which("chromium"),
    reason="Chromium absent : apt-get update && apt-get install -y chromium",
)
def test_page_draws_offline(built_93, tmp_path):
    from tests.unit.test_graph_page import _chromium

    dom, requests = _chromium((built_93.output / "reseau_acteurs.html").as_uri(), tmp_path, 60_000)
    assert requests == []
    attrs = dict(
        re.findall(r'data-([a-z-]+)="([^"]*)"', re.search(r'<div id="reseau"([^>]*)>', dom).group(1))
    )
    assert attrs.get("etat") == "stabilise" and int(attrs["noeuds"]) > 50
    assert int(attrs["positions"]) == int(attrs["noeuds"]) and int(attrs["pixels"]) > 200
    assert "violations" not in attrs


def test_no_document_title_or_redacted_mention_is_a_node(built_93):
    """The 93 corpus has documents titled « Article 6 » and « décision de sanction … [NOM] … »: none is a
    node, no node is a document."""
    rows = built_93.query(
        "select type_noeud, libelle from marts.acteurs where code_departement = '93' and "
        "(type_noeud = 'document' or regexp_matches(libelle, '^Article [LRD]?[0-9]') "
        "or libelle like '%[NOM]%' or libelle ilike 'décision de sanction%')"
    )
    assert rows == []


@pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and not shutil.which("chromium"),
    reason="Chromium absent : apt-get update && apt-get install -y chromium",
)
def test_page_filters_counter_and_names_on_real_data(built_93, tmp_path):
    """On the real page: unticking then reticking « Sans axe » moves no node, the counter says what is
    drawn at every step, the most central names are drawn and none overlaps another, and no text a person
    reads (page, tooltips, focus panels) holds a node id, a passage id or a table name."""
    from tests.unit import _reseau_chromium as rc
    from tests.unit.test_graph_page import IDENTIFIANT

    steps = [
        "R.defaut = etat(); R.superposees = document.getElementById('reseau')"
        ".getAttribute('data-etiquettes-superposees');",
        "cocher('Sans axe', false);",
        "R.sans_axe = etat();",
        "cocher('Sans axe', true);",
        "R.retour = etat();",
        # every text a person can read: the page, the tooltips, the focus panel of every node
        "R.textes = [document.body.innerText].concat(window.reseauActeurs.infobulles());"
        " Object.keys(window.reseauActeurs.reseau.getPositions()).forEach(function (id) {"
        " window.reseauActeurs.focaliser(id); R.textes.push(document.getElementById('fiche').innerText); });",
    ]
    result = rc.run(built_93.output / "reseau_acteurs.html", steps, tmp_path, budget_ms=120_000)
    assert "erreur" not in result
    defaut, sans_axe, retour = result["defaut"], result["sans_axe"], result["retour"]
    assert sans_axe["noeuds_dessines"] < defaut["noeuds_dessines"] == retour["noeuds_dessines"]
    assert rc.moved(defaut["positions"], retour["positions"]) == []
    assert all(rc.counter_matches(s) for s in (defaut, sans_axe, retour))
    assert len(defaut["etiquettes"]) >= 15 and result["superposees"] == "0"
    found = [m.group(0) for text in result["textes"] for m in IDENTIFIANT.finditer(text)]
    assert len(result["textes"]) > 300 and found == []
