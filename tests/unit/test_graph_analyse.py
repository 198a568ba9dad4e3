"""Coordination metrics and missing-link rules on small hand-made graphs, against answers worked out by hand.

Graph ``arbre`` (coordination ties only, weights in brackets)::

    cd --(0.9)-- pdi --(0.5)-- ft --(0.5)-- ml          iso (no tie)
                  |
                (0.6)
                  |
                 siae --(0.5 + 0.5 → 0.75)-- asso

Graph ``territoire``: three communes (c1, c2 in EPT E1; c3 in EPT E2), see :func:`territoire`.
"""

from __future__ import annotations

import json
import math

import networkx as nx
import pandas as pd
import pytest

from graph import analyse
from graph.modele import Evidence, add_edge, add_node, new_graph


def ev(confiance: float, ref: str = "x") -> Evidence:
    return Evidence("registre", "convention", ref, confiance)


def actor(g, node, type_acteur, **attrs):
    add_node(g, node, "acteur", node.upper(), type_acteur=type_acteur, **attrs)


@pytest.fixture()
def arbre():
    g = new_graph("93")
    actor(g, "cd", "conseil_departemental")
    actor(g, "ft", "france_travail")
    actor(g, "ml", "mission_locale")
    actor(g, "siae", "siae")
    actor(g, "asso", "association")
    actor(g, "iso", "association")
    add_node(g, "pdi", "dispositif", "PDI", code_dispositif="pdi", axes=["A2"], communes=[])
    add_node(g, "t", "territoire", "Commune", niveau="commune", code_territoire="93001")
    add_edge(g, "cd", "pdi", "pilote", ev(0.9))
    add_edge(g, "ft", "pdi", "partenaire_de", ev(0.5))
    add_edge(g, "ml", "ft", "partenaire_de", ev(0.5))
    add_edge(g, "pdi", "siae", "finance", ev(0.6))
    add_edge(g, "siae", "asso", "partenaire_de", ev(0.5, "a"))
    add_edge(g, "asso", "siae", "opere", ev(0.5, "b"))
    add_edge(g, "iso", "t", "situe_dans", ev(1.0))  # context, not coordination
    return g


def test_coordination_graph_keeps_actor_and_dispositif_ties_only(arbre):
    gc = analyse.coordination_graph(arbre)
    assert set(gc.nodes) == {"cd", "ft", "ml", "siae", "asso", "iso", "pdi"}
    assert gc.number_of_edges() == 5
    assert gc.edges["siae", "asso"]["poids"] == pytest.approx(0.75)  # two clues 0.5 → 1 - 0.5²
    assert gc.edges["siae", "asso"]["types"] == ["opere", "partenaire_de"]


def test_metrics_by_hand(arbre):
    frame = analyse.coordination_acteurs(arbre).set_index("id_noeud")
    assert frame.loc["pdi", "degre"] == 3 and frame.loc["iso", "degre"] == 0
    assert frame.loc["pdi", "degre_pondere"] == pytest.approx(0.9 + 0.5 + 0.6)
    assert frame.loc["siae", "degre_pondere"] == pytest.approx(0.6 + 0.75)
    # 7 nodes: 15 pairs of other nodes; pdi is on 8 shortest paths, ft and siae on 4 each
    assert frame.loc["pdi", "intermediarite"] == pytest.approx(8 / 15)
    assert frame.loc["ft", "intermediarite"] == pytest.approx(4 / 15)
    assert frame.loc["siae", "intermediarite"] == pytest.approx(4 / 15)
    assert frame.loc["cd", "intermediarite"] == 0
    assert set(frame["methode_intermediarite"]) == {"exacte"}
    assert frame["k_echantillon"].isna().all()
    distances = frame["distance_france_travail"]
    assert [distances[n] for n in ("ft", "pdi", "ml", "cd", "siae", "asso")] == [0, 1, 1, 2, 2, 3]
    assert pd.isna(distances["iso"])
    # brokerage: pdi links three groups (liaison ×3), ft brokers pdi–ml with ml in its own group,
    # siae brokers two other groups (liaison ×1)
    assert frame.loc["pdi", "role_courtage"] == "liaison" and frame.loc["pdi", "nb_liaison"] == 3
    assert frame.loc["ft", "role_courtage"] == "gardien_representant"
    assert frame.loc["ft", "nb_gardien_representant"] == 1
    assert frame.loc["siae", "role_courtage"] == "liaison" and frame.loc["siae", "nb_liaison"] == 1
    assert frame.loc["cd", "role_courtage"] == "aucun"


def test_betweenness_switches_to_k_sample_above_the_threshold(arbre):
    gc = analyse.coordination_graph(arbre)
    params = analyse.Parametres(seuil_intermediarite_exacte=3, k_echantillon=7)
    values, method, k = analyse.intermediarite(gc, params)
    assert (method, k) == ("approchee", 7)
    exact = nx.betweenness_centrality(gc, normalized=True)  # k = n pivots: the estimate is exact
    assert values == pytest.approx(exact)
    frame = analyse.coordination_acteurs(
        arbre, analyse.Parametres(seuil_intermediarite_exacte=3, k_echantillon=4)
    )
    assert set(frame["methode_intermediarite"]) == {"approchee"} and set(frame["k_echantillon"]) == {4}
    again = analyse.coordination_acteurs(
        arbre, analyse.Parametres(seuil_intermediarite_exacte=3, k_echantillon=4)
    )
    assert frame["intermediarite"].tolist() == again["intermediarite"].tolist()  # fixed seed


def test_louvain_communities_are_reproducible_and_numbered_by_size():
    gc = nx.Graph()
    gc.add_edges_from(
        [("a", "b"), ("b", "c"), ("a", "c"), ("c", "d"), ("d", "e"), ("e", "f"), ("d", "f"), ("x", "y")],
        poids=1.0,
    )
    gc.add_node("z")
    found = analyse.communautes(gc, graine=42)
    assert found == analyse.communautes(gc, graine=42)
    assert found["a"] == found["b"] == found["c"]
    assert found["d"] == found["e"] == found["f"] != found["a"]
    assert found["x"] == found["y"] == 3 and found["z"] == 4  # sizes 3, 3, 2, 1; ties by smallest id
    assert {found["a"], found["d"]} == {1, 2} and found["a"] == 1


def test_brokerage_counts_remove_closed_pairs():
    gc = nx.Graph([("b", "a1"), ("b", "a2"), ("b", "c1"), ("b", "d1"), ("a1", "a2")])
    groups = {"b": "B", "a1": "A", "a2": "A", "c1": "C", "d1": "B"}
    roles = analyse.courtage(gc, groups)["b"]
    # pairs of b's neighbours: (a1,a2) tied → not brokered; (a1,c1), (a2,c1) liaison;
    # (a1,d1), (a2,d1), (c1,d1) gardien/représentant (d1 shares b's group)
    assert (
        roles["nb_liaison"],
        roles["nb_gardien_representant"],
        roles["nb_consultant"],
        roles["nb_coordinateur"],
    ) == (2, 3, 0, 0)
    assert roles["role"] == "gardien_representant"


def territoire():
    """Three communes in two EPT, a PDI and a PTI, France Travail, insertion actors and their offer."""
    g = new_graph("93")
    for code, ept in (("c1", "E1"), ("c2", "E1"), ("c3", "E2")):
        add_node(
            g,
            f"territoire:commune:{code}",
            "territoire",
            f"Commune {code}",
            niveau="commune",
            code_territoire=code,
            code_ept=ept,
            code_epci="MGP",
        )
    for ept in ("E1", "E2"):
        add_node(g, f"territoire:ept:{ept}", "territoire", f"EPT {ept}", niveau="ept", code_territoire=ept)
    for dom, axe in (("iae", "A2"), ("acces_aux_droits", "A3"), ("aide_alimentaire", "A3")):
        add_node(g, f"domaine:{dom}", "domaine", dom.replace("_", " "), code_domaine=dom, code_axe=axe)
    actor(g, "france_travail:93", "france_travail", niveau_territoire="departement", code_territoire="93")
    actor(g, "caf:93", "caf", niveau_territoire="departement", code_territoire="93")
    actor(
        g,
        "conseil_departemental:93",
        "conseil_departemental",
        niveau_territoire="departement",
        code_territoire="93",
    )
    actor(g, "agence", "france_travail", code_commune="c3")
    actor(g, "siae1", "siae", code_commune="c1")
    actor(g, "siae2", "siae", code_commune="c2")
    actor(g, "ml1", "mission_locale", code_commune="c3")
    actor(g, "plie1", "plie", code_commune="c1")
    actor(g, "ccas3", "ccas", code_commune="c3")
    actor(g, "asso3", "association", code_commune="c3")
    departement = dict(communes=["c1", "c2", "c3"], niveau="departement", code_territoire="93")

    def dispositif(node, code, libelle, axe, attendus, historique=False, territoire=departement):
        pilotes, signataires, partenaires = attendus
        add_node(
            g, node, "dispositif", libelle, code_dispositif=code, axes=[axe], pilotes_attendus=pilotes,
            signataires_attendus=signataires, partenaires_attendus=partenaires, historique=historique,
            **territoire,
        )

    dispositif("pdi", "pdi", "PDI", "A2", (["conseil_departemental"], [], ["france_travail", "caf", "siae"]))
    dispositif("pti", "pti", "PTI", "A2", (["conseil_departemental"], ["france_travail"], []))
    dispositif(
        "cv", "contrat_de_ville", "Contrat de ville E2", "A3", (["ept"], ["commune"], ["association"]),
        territoire=dict(communes=["c3"], niveau="ept", code_territoire="E2"),
    )
    dispositif("ancien", "calpae", "CALPAE", "A2", (["prefecture"], [], []), historique=True)
    add_edge(g, "conseil_departemental:93", "pdi", "pilote", ev(0.9))
    add_edge(g, "conseil_departemental:93", "pti", "pilote", ev(0.9))
    add_edge(g, "agence", "pdi", "partenaire_de", ev(0.5))
    add_edge(g, "agence", "france_travail:93", "membre_de", ev(0.95))
    add_edge(g, "siae1", "pdi", "signe", ev(0.8))
    add_edge(g, "ml1", "agence", "partenaire_de", ev(0.5))
    add_edge(g, "plie1", "conseil_departemental:93", "partenaire_de", ev(0.5))
    add_edge(g, "ccas3", "cv", "partenaire_de", ev(0.5))
    add_edge(g, "asso3", "cv", "signe", ev(0.5))
    services = [
        ("s1", "siae1", "c1", "iae", "A2"),
        ("s2", "siae2", "c2", "iae", "A2"),
        ("s3", "ccas3", "c3", "acces_aux_droits", "A3"),
        ("s4", "asso3", "c3", "acces_aux_droits", "A3"),
        ("s5", "plie1", "c1", "acces_aux_droits", "A3"),
    ]
    for sid, owner, commune, dom, axe in services:
        add_node(g, sid, "service", sid, code_commune=commune, code_domaine=dom, code_axe=axe)
        add_edge(g, owner, sid, "offre", Evidence("catalogue", "donnee", sid, 1.0))
    return g


def test_expected_partners_by_hand():
    g = territoire()
    frame = analyse.coordination_dispositifs(g)
    assert "ancien" not in set(frame["id_dispositif"])  # closed period: not checked
    pdi = frame[frame["id_dispositif"] == "pdi"].set_index("type_acteur")
    assert list(pdi.index) == ["conseil_departemental", "france_travail", "caf", "siae"]
    assert pdi.loc["france_travail", "present"]  # the agency counts for France Travail
    assert json.loads(pdi.loc["france_travail", "observes"]) == ["agence"]
    assert not pdi.loc["caf", "present"] and json.loads(pdi.loc["caf", "manquants"]) == ["caf:93"]
    assert json.loads(pdi.loc["siae", "candidats"]) == ["siae1", "siae2"]
    assert pdi.loc["siae", "nb_observes"] == 1 and json.loads(pdi.loc["siae", "manquants"]) == []
    assert set(pdi["taux_couverture_dispositif"]) == {0.75}
    cv = frame[frame["id_dispositif"] == "cv"].set_index("type_acteur")
    assert list(cv.index) == ["intercommunalite", "commune", "association"]
    assert not cv.loc["intercommunalite", "present"] and cv.loc["intercommunalite", "nb_candidats"] == 0
    assert cv.loc["association", "present"] and cv.loc["association", "role_attendu"] == "partenaire"
    assert cv.loc["commune", "type_lien_attendu"] == "signe"


def test_missing_link_rules_by_hand():
    g = territoire()
    besoins = pd.DataFrame(
        [
            {"niveau": "commune", "code_territoire": "c2", "code_domaine": "iae", "indice_besoin": 150.0},
            {"niveau": "commune", "code_territoire": "c1", "code_domaine": "iae", "indice_besoin": 150.0},
            {
                "niveau": "commune",
                "code_territoire": "c3",
                "code_domaine": "acces_aux_droits",
                "indice_besoin": 110.0,
            },
            {
                "niveau": "commune",
                "code_territoire": "c3",
                "code_domaine": "aide_alimentaire",
                "indice_besoin": 200.0,
            },
            {"niveau": "ept", "code_territoire": "E1", "code_domaine": "iae", "indice_besoin": 130.0},
            {
                "niveau": "commune",
                "code_territoire": "c1",
                "code_domaine": "acces_aux_droits",
                "indice_besoin": float("nan"),
            },
        ]
    )
    frame = analyse.liens_manquants(g, besoins=besoins)
    rules = frame.groupby("regle")
    insertion = rules.get_group("insertion_sans_lien_ft_pdi")
    # siae2 has no tie at all, plie1 is tied to the département only; siae1 signs the PDI and ml1
    # works with the France Travail agency
    assert sorted(insertion["id_source"]) == ["plie1", "siae2"]
    assert set(insertion["id_cible"]) == {"france_travail:93"}
    assert all("ni avec France Travail ni avec le PDI ou le PTI" in r for r in insertion["raison"])
    operators = rules.get_group("operateurs_sans_lien")
    # E1/iae: siae1 and siae2 not tied; E1/acces: one operator only; E2/acces: ccas3 and asso3 share the
    # contrat de ville → tied through a common dispositif
    assert operators[["niveau", "code_territoire", "code_domaine"]].values.tolist() == [["ept", "E1", "iae"]]
    assert json.loads(operators["details"].iloc[0])["operateurs"] == ["siae1", "siae2"]
    high = rules.get_group("besoin_eleve_offre_non_coordonnee")
    # c2/iae: need 150, offer only siae2 (no tie); c1/iae: siae1 is coordinated; E1/iae: siae1 is in E1;
    # c3/acces: 110 < 115 (dbt var offre_seuil_besoin_fort); c3/aide_alimentaire: no offer at all
    # (a zone blanche, not a coordination gap)
    assert high[["niveau", "code_territoire", "code_domaine"]].values.tolist() == [["commune", "c2", "iae"]]
    assert "indice 150" in high["raison"].iloc[0]
    expected = rules.get_group("partenaire_attendu_absent")
    pairs = sorted((r["id_source"], json.loads(r["details"])["type_acteur"]) for _, r in expected.iterrows())
    # pdi misses the CAF, the pti France Travail (signatory), the contrat de ville its EPT (no EPT actor
    # known) and its communes
    assert pairs == [("cv", "commune"), ("cv", "intercommunalite"), ("pdi", "caf"), ("pti", "france_travail")]
    caf = expected[expected["id_source"] == "pdi"].iloc[0]
    assert caf["id_cible"] == "caf:93" and caf["type_lien_attendu"] == "partenaire_de"


def test_weakness_score_by_hand():
    g = territoire()
    frame = analyse.faiblesse_coordination(g).set_index(["niveau", "code_territoire", "code_domaine"])
    row = frame.loc[("ept", "E1", "iae")]
    # operators siae1 (coordinated) and siae2 (isolated)
    assert row["isolement"] == pytest.approx(0.5)
    assert row["fragmentation"] == pytest.approx(1.0)  # their only pair is not tied
    # A2 dispositifs covering E1: pdi (3 of 4 expected types present) and pti (conseil départemental
    # present, France Travail absent: 1 of 2) → 1 - mean(0.75, 0.5)
    assert row["partenaires_manquants"] == pytest.approx(1 - (0.75 + 0.5) / 2)
    # distance to France Travail: siae1 → pdi → agence = 2 (not far), siae2 unreachable
    assert row["eloignement_france_travail"] == pytest.approx(0.5)
    assert row["score"] == pytest.approx((0.5 + 1.0 + 0.375 + 0.5) / 4)
    assert row["nb_composantes"] == 4 and row["nb_operateurs"] == 2 and row["nb_dispositifs"] == 2
    assert json.loads(row["composantes"]) == pytest.approx(
        {
            "isolement": 0.5,
            "fragmentation": 1.0,
            "partenaires_manquants": 0.375,
            "eloignement_france_travail": 0.5,
        }
    )
    e2 = frame.loc[("ept", "E2", "acces_aux_droits")]
    # ccas3 and asso3 tied through the contrat de ville (1 of 3 expected types present)
    assert e2["isolement"] == 0 and e2["fragmentation"] == 0
    assert e2["partenaires_manquants"] == pytest.approx(1 - 1 / 3)
    assert math.isnan(e2["eloignement_france_travail"])  # axis A3
    assert e2["score"] == pytest.approx((0 + 0 + 2 / 3) / 3)
    # no operator and no dispositif on the axis: not measured, no row
    assert ("commune", "c1", "aide_alimentaire") not in frame.index
    weighted = analyse.faiblesse_coordination(
        g,
        params=analyse.Parametres(
            poids={
                "isolement": 2.0,
                "fragmentation": 0.0,
                "partenaires_manquants": 0.0,
                "eloignement_france_travail": 0.0,
            }
        ),
    )
    assert weighted.set_index(["niveau", "code_territoire", "code_domaine"]).loc[
        ("ept", "E1", "iae"), "score"
    ] == pytest.approx(0.5)
    assert frame["score"].between(0, 1).all()


def test_tie_through_a_common_dispositif_only():
    g = territoire()
    gc = analyse.coordination_graph(g)
    assert analyse.lie(gc, g, "ccas3", "asso3")
    assert not analyse.lie(gc, g, "siae1", "siae2")
    assert analyse.lie(gc, g, "ml1", "agence")


def _grand_graphe(n_acteurs: int, ordre: int = 0):
    """A département-like graph: n actors each offering one service in one of 6 communes (2 EPT) and
    4 domains, a few ties and dispositifs; ``ordre`` shuffles the order nodes and edges are added."""
    import random

    rnd = random.Random(7)
    noeuds, liens = [], []
    communes = [f"9300{i}" for i in range(6)]
    for i, c in enumerate(communes):
        noeuds.append(
            (
                f"territoire:commune:{c}",
                "territoire",
                {"niveau": "commune", "code_territoire": c, "code_ept": f"E{i % 2}"},
            )
        )
    for d in range(4):
        noeuds.append((f"domaine:D{d}", "domaine", {"code_axe": "A2", "code_domaine": f"D{d}"}))
    noeuds.append(("france_travail:93", "acteur", {"type_acteur": "france_travail"}))
    for k in range(3):
        noeuds.append(
            (
                f"disp{k}",
                "dispositif",
                {
                    "code_dispositif": f"x{k}",
                    "communes": communes[k : k + 3],
                    "axes": ["A2"],
                    "partenaires_attendus": ["association"],
                },
            )
        )
    for a in range(n_acteurs):
        c = rnd.choice(communes)
        noeuds.append((f"s{a:05d}", "acteur", {"type_acteur": "association", "code_commune": c}))
        noeuds.append((f"svc{a:05d}", "service", {"code_commune": c, "code_domaine": f"D{rnd.randrange(4)}"}))
        liens.append((f"s{a:05d}", f"svc{a:05d}", "offre", 1.0))
        if rnd.random() < 0.1:
            liens.append(
                (f"s{a:05d}", f"disp{rnd.randrange(3)}", "partenaire_de", rnd.choice([0.3, 0.55, 0.7]))
            )
        if a and rnd.random() < 0.1:
            liens.append((f"s{a:05d}", f"s{rnd.randrange(a):05d}", "partenaire_de", rnd.choice([0.3, 0.55])))
        if rnd.random() < 0.05:
            liens.append((f"s{a:05d}", "france_travail:93", "partenaire_de", 0.45))
    if ordre:
        random.Random(ordre).shuffle(noeuds)
        random.Random(ordre).shuffle(liens)
    g = new_graph("93")
    for node, kind, attrs in noeuds:
        add_node(g, node, kind, node.upper(), **attrs)
    for u, v, kind, conf in liens:
        add_edge(g, u, v, kind, ev(conf, f"{u}-{v}"))
    return g


def test_tied_pairs_counted_by_bit_sets_equal_the_pair_by_pair_rule():
    g = _grand_graphe(300)
    gc = analyse.coordination_graph(g)
    operators = analyse.operateurs_par_domaine(g)
    for domaine, liaisons in analyse._liaisons_par_domaine(gc, g, operators).items():
        actors = sorted(liaisons.index)
        for subset in (actors, actors[::3], actors[:2], []):
            expected = sum(analyse.lie(gc, g, a, b) for i, a in enumerate(subset) for b in subset[i + 1 :])
            assert liaisons.paires_liees(subset) == expected, domaine


def test_the_analysis_does_not_depend_on_the_order_the_graph_was_read_in():
    """The marts of one graph whose nodes and edges were added in two different orders are equal to the
    last bit (the warehouse returns rows in no fixed order; sampling, Louvain and float sums follow it)."""
    params = analyse.Parametres(seuil_intermediarite_exacte=50, k_echantillon=20)
    results = []
    for ordre in (0, 1):
        g = _grand_graphe(400, ordre)
        dispositifs = analyse.coordination_dispositifs(g, params)
        results.append(
            [
                analyse.coordination_acteurs(g, params),
                dispositifs,
                analyse.liens_manquants(g, dispositifs, None, params),
                analyse.faiblesse_coordination(g, dispositifs, params),
            ]
        )
    assert results[0][0]["methode_intermediarite"].eq("approchee").all()
    assert results[0][3]["fragmentation"].notna().any()
    for first, second in zip(*results, strict=True):
        pd.testing.assert_frame_equal(first, second, check_exact=True)
