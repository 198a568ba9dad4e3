"""marts.priorites and the leads, built by the real dbt models on a small hand-made warehouse.

The warehouse (tests/unit/_rapport_entrepot.py) has three communes of the 93 in two EPT; the
domain ``alimentation_durable`` has no data at all and ``mobilite_solidaire`` has a need index
but no offer measure on the EPT, so both must come out as insufficient, never ranked.
"""

from __future__ import annotations

import copy
import json
import math
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _priorites_dbt  # noqa: E402
import _rapport_entrepot  # noqa: E402
import pandas as pd  # noqa: E402

from rapport.preuves import CLES_PREUVES, preuves_orphelines  # noqa: E402
from socle.ponderations import DEFAULT_PATH, load_ponderations  # noqa: E402

RACINE = Path(tempfile.mkdtemp(prefix="pacte-priorites-"))


def _requete(entrepot: Path, sql: str, params: list | None = None):
    con = duckdb.connect(str(entrepot), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


@pytest.fixture(scope="module")
def ponderations() -> dict:
    return load_ponderations(DEFAULT_PATH)


@pytest.fixture(scope="module")
def entrepot(ponderations) -> Path:
    return _priorites_dbt.entrepot_priorites(RACINE, ponderations)


def test_every_domain_and_territory_is_listed(entrepot):
    frame = _requete(entrepot, "select * from marts.priorites")
    # 2 EPT + the département, × 18 domains
    assert len(frame) == 3 * 18
    assert frame["id_priorite"].is_unique
    assert set(frame["niveau"]) == {"ept", "departement"}


def test_score_is_the_product_of_the_stored_factors(entrepot, ponderations):
    frame = _requete(entrepot, "select * from marts.priorites where donnees_suffisantes")
    assert len(frame) > 0
    for row in frame.itertuples():
        attendu = (
            row.facteur_besoin
            * row.facteur_ecart_offre
            * row.facteur_coordination
            * row.facteur_publics_prioritaires
        )
        assert math.isclose(row.score, attendu, rel_tol=1e-4), row.id_priorite
        assert math.isclose(row.facteur_besoin, row.indice_besoin / 100, rel_tol=1e-6)
        # a coordination or an offer the sources do not measure counts as neutral (policy `neutre`)
        faiblesse = 0 if math.isnan(row.faiblesse_coordination) else row.faiblesse_coordination
        assert math.isclose(
            row.facteur_coordination,
            1 + ponderations["coordination"]["poids"] * faiblesse,
            rel_tol=1e-6,
        )
        if math.isnan(row.indice_offre):
            assert row.facteur_ecart_offre == 1 and "offre non mesurée" in row.remarques
        else:
            borne = min(max(100 / max(row.indice_offre, 10), 0.25), 4.0)
            assert math.isclose(row.facteur_ecart_offre, borne, rel_tol=1e-6)


def test_priority_public_factor_uses_the_qpv_share(entrepot):
    # Plaine Commune: 55 % of its population in QPV (hand-made), weight 0.5; no rural indicator
    frame = _requete(
        entrepot,
        "select facteur_publics_prioritaires, parts_publics_prioritaires, remarques "
        "from marts.priorites where code_territoire = '200057867'",
    )
    assert frame["facteur_publics_prioritaires"].nunique() == 1
    assert math.isclose(frame.iloc[0]["facteur_publics_prioritaires"], 1 + 0.5 * 0.55, rel_tol=1e-6)
    assert json.loads(frame.iloc[0]["parts_publics_prioritaires"])["qpv"] == pytest.approx(0.55)
    assert frame["remarques"].str.contains("part_population_rurale absent").all()


def test_insufficient_lines_are_marked_and_not_ranked(ponderations):
    # with the offer policy `insuffisant`, a line without offer measure is insufficient too
    strict = copy.deepcopy(ponderations)
    strict["ecart_offre"]["si_absente"] = "insuffisant"
    entrepot = _priorites_dbt.entrepot_priorites(RACINE, strict)
    frame = _requete(entrepot, "select * from marts.priorites where not donnees_suffisantes")
    assert set(frame["code_domaine"]) == {"alimentation_durable", "mobilite_solidaire"}
    assert frame["rang_axe"].isna().all() and frame["score"].isna().all()
    assert frame["raison"].notna().all()
    sans_besoin = frame[frame["code_domaine"] == "alimentation_durable"]
    assert sans_besoin["raison"].str.contains("indice de besoin absent").all()
    sans_offre = frame[(frame["code_domaine"] == "mobilite_solidaire")]
    assert sans_offre["raison"].str.contains("offre non mesurée").all()


def test_unmeasured_offer_is_neutral_by_default_and_said(entrepot, ponderations):
    assert ponderations["ecart_offre"]["si_absente"] == "neutre"
    frame = _requete(entrepot, "select * from marts.priorites where not donnees_suffisantes")
    # only the domain without any need index stays unranked
    assert set(frame["code_domaine"]) == {"alimentation_durable"}
    sans_offre = _requete(
        entrepot,
        "select * from marts.priorites where code_domaine = 'mobilite_solidaire' and indice_offre is null",
    )
    assert len(sans_offre) == 2 and sans_offre["rang_axe"].notna().all()
    assert (sans_offre["facteur_ecart_offre"] == 1).all()
    assert sans_offre["remarques"].str.contains("offre non mesurée").all()
    piste = _requete(entrepot, "select * from marts.pistes where code_domaine = 'mobilite_solidaire'").iloc[0]
    # the lead does not call itself new nor a reinforcement when no source measures the offer
    assert piste["nature"] == "a_preciser" and piste["intitule"].startswith("Créer ou renforcer ")
    assert "offre non mesurée" in piste["limites"]


def test_ranks_are_dense_within_each_axis_and_scale(entrepot):
    frame = _requete(entrepot, "select * from marts.priorites where donnees_suffisantes")
    for (_, _, _), groupe in frame.groupby(["code_departement", "code_axe", "echelle"]):
        groupe = groupe.sort_values("rang_axe")
        assert list(groupe["rang_axe"]) == list(range(1, len(groupe) + 1))
        assert groupe["score"].is_monotonic_decreasing


def test_changing_a_weight_changes_the_ranking(ponderations):
    base = _requete(
        _priorites_dbt.entrepot_priorites(RACINE, ponderations),
        "select id_priorite, rang_axe from marts.priorites where donnees_suffisantes order by id_priorite",
    )
    autre = copy.deepcopy(ponderations)
    autre["coordination"]["poids"] = 8.0  # coordination weakness now dominates the score
    change = _requete(
        _priorites_dbt.entrepot_priorites(RACINE, autre),
        "select id_priorite, rang_axe from marts.priorites where donnees_suffisantes order by id_priorite",
    )
    assert list(base["id_priorite"]) == list(change["id_priorite"])
    assert list(base["rang_axe"]) != list(change["rang_axe"])


def test_coordination_missing_can_make_a_line_insufficient(ponderations):
    strict = copy.deepcopy(ponderations)
    strict["coordination"]["si_absente"] = "insuffisant"
    entrepot = _priorites_dbt.entrepot_priorites(RACINE, strict)
    frame = _requete(entrepot, "select * from marts.priorites where faiblesse_coordination is null")
    assert len(frame) > 0
    assert (~frame["donnees_suffisantes"]).all()
    assert frame["raison"].str.contains("coordination non évaluée").all()


def test_one_lead_per_ranked_domain_on_its_worst_territories(entrepot, ponderations):
    pistes = _requete(entrepot, "select * from marts.pistes")
    priorites = _requete(entrepot, "select * from marts.priorites where donnees_suffisantes")
    # one lead per département and domain with a ranked line (par_axe covers every domain of an axis)
    assert ponderations["pistes"]["par_axe"] >= priorites.groupby("code_axe")["code_domaine"].nunique().max()
    assert sorted(pistes["id_piste"]) == sorted(
        f"{d}-{c}" for d, c in set(zip(priorites["code_departement"], priorites["code_domaine"], strict=True))
    )
    assert pistes["intitule"].is_unique
    assert set(pistes["nature"]) <= {"nouvelle", "renforcement", "a_preciser"}
    for row in pistes.itertuples():
        lignes = priorites[priorites["code_domaine"] == row.code_domaine]
        infra = lignes[lignes["echelle"] == "infra"]
        # an infra lead names the best-scored territories of the domain, never the département line
        attendus = (
            infra.sort_values(["score", "code_territoire"], ascending=[False, True])
            .head(ponderations["pistes"]["territoires_max"])["libelle_territoire"]
            .tolist()
            if len(infra)
            else lignes["libelle_territoire"].tolist()
        )
        assert row.libelle_territoire == ", ".join(attendus)
        assert row.echelle == ("infra" if len(infra) else "departement")
        assert row.intitule.startswith(
            ("Renforcer", "Développer", "Mettre en place", "Créer", "Organiser", "Étendre")
        )
        assert all(t in row.intitule for t in attendus)
        assert "dans le cadre" in row.intitule
        assert row.actions_proposees and row.limites.startswith("données manquantes : ")


def test_lead_why_gives_french_figures_against_france(entrepot):
    piste = _requete(entrepot, "select * from marts.pistes where code_domaine = 'accompagnement_emploi'")
    pourquoi = piste.iloc[0]["pourquoi"]
    morceaux = pourquoi.split(" ; ")
    assert 2 <= len(morceaux) <= 3
    assert "en France" in morceaux[0] and "14,5 %" in morceaux[0]  # decimal comma, unit repeated
    assert " pour 1 000 " in morceaux[1]
    assert "." not in pourquoi  # no decimal point anywhere


def test_lead_of_rsa_support_names_the_graph_actors(entrepot):
    piste = _requete(entrepot, "select * from marts.pistes where code_domaine = 'accompagnement_emploi'")
    assert len(piste) == 1
    texte = piste.iloc[0]["intitule"]
    assert texte.startswith(
        "Renforcer l'accompagnement des allocataires du RSA en priorité sur les territoires "
    )
    assert "Est Ensemble" in texte and "Plaine Commune" in texte
    assert "programme départemental d'insertion (PDI)" in texte
    acteurs = _requete(
        entrepot, "select * from marts.pistes_acteurs where id_piste = ?", [piste.iloc[0]["id_piste"]]
    )
    roles = dict(zip(acteurs["id_acteur"], acteurs["role"], strict=True))
    # the PDI's pilot; the EPT Est Ensemble, a broker of the graph, acting on a territory of the lead;
    # the mission locale offers the domain's services in Plaine Commune: it is associated, so it is
    # not also reported missing although it has no tie to France Travail (that tie stays evidence)
    assert roles == {
        "conseil_departemental:93": "pilote_dispositif",
        "ept:200057875": "courtier",
        "structure:s1": "operateur",
        "france_travail:93": "partenaire_manquant",
    }
    associes = piste.iloc[0]["acteurs_a_associer"]
    assert "Conseil départemental <b>93</b>" in associes and "Mission locale de Saint-Denis" in associes
    assert "France Travail" not in associes
    assert piste.iloc[0]["partenaires_manquants"] == "France Travail Seine-Saint-Denis"


def test_an_actor_is_never_both_associated_and_missing(entrepot):
    acteurs = _requete(entrepot, "select * from marts.pistes_acteurs")
    assert not acteurs.duplicated(["id_piste", "id_acteur"]).any()
    preuves = _requete(entrepot, "select * from marts.pistes_preuves where type_preuve = 'lien_manquant'")
    # the mission locale's missing tie is still evidence of the RSA lead
    assert "93-accompagnement_emploi" in set(preuves["id_piste"])


def test_at_most_five_named_actors_and_the_others_counted(tmp_path, ponderations):
    # ten operators of the RSA domain in Plaine Commune: five are named, « et 6 autres » counts the rest
    tables = _rapport_entrepot.entrees()
    noeuds, liens = [tables["acteurs"]], [tables["liens"]]
    for i in range(10):
        noeuds.append(
            pd.DataFrame(
                [
                    {
                        "code_departement": "93",
                        "id_noeud": f"structure:x{i}",
                        "type_noeud": "acteur",
                        "libelle": f"Structure {i:02d}",
                        "type_acteur": "association",
                        "code_commune": "93001",
                        "historique": False,
                    },
                    {
                        "code_departement": "93",
                        "id_noeud": f"service:x{i}",
                        "type_noeud": "service",
                        "libelle": f"Service x{i}",
                        "code_domaine": "accompagnement_emploi",
                        "code_commune": "93001",
                        "historique": False,
                    },
                ]
            )
        )
        liens.append(
            pd.DataFrame(
                [
                    {
                        "code_departement": "93",
                        "source": f"structure:x{i}",
                        "cible": f"service:x{i}",
                        "type_lien": "offre",
                    }
                ]
            )
        )
    tables["acteurs"] = pd.concat(noeuds, ignore_index=True)
    tables["liens"] = pd.concat(liens, ignore_index=True)
    entrepot = _priorites_dbt.entrepot_priorites(tmp_path, ponderations, tables)
    piste = _requete(
        entrepot, "select * from marts.pistes where code_domaine = 'accompagnement_emploi'"
    ).iloc[0]
    acteurs = _requete(entrepot, "select * from marts.pistes_acteurs where id_piste = ?", [piste["id_piste"]])
    associes = acteurs[acteurs["role"] != "partenaire_manquant"]
    assert len(associes) == 13 and acteurs["cite"].sum() == 5
    assert piste["acteurs_a_associer"].endswith(" et 8 autres")
    assert piste["acteurs_a_associer"].count(", ") == 4
    # pilot first, then the broker, then the operator with most services
    assert acteurs.sort_values("rang_citation")["role"].tolist()[:3] == [
        "pilote_dispositif",
        "courtier",
        "operateur",
    ]


def test_operators_come_from_the_graph_offer_edges(entrepot):
    acteurs = _requete(entrepot, "select * from marts.pistes_acteurs where role = 'operateur'")
    assert set(acteurs["id_acteur"]) <= {"structure:s1", "structure:s2"}
    # the Aubervilliers grocery offers food aid in Plaine Commune only
    epicerie = acteurs[acteurs["id_acteur"] == "structure:s2"]
    assert set(epicerie["id_piste"]) <= {"93-aide_alimentaire"}
    pistes = _requete(entrepot, "select * from marts.pistes where code_domaine = 'aide_alimentaire'")
    assert pistes.empty or "Plaine Commune" in pistes.iloc[0]["libelle_territoire"]


def test_every_evidence_key_resolves(entrepot):
    preuves = _requete(entrepot, "select * from marts.pistes_preuves")
    assert set(preuves["type_preuve"]) == set(CLES_PREUVES)
    con = duckdb.connect(str(entrepot), read_only=True)
    try:
        orphelines = preuves_orphelines(con)
    finally:
        con.close()
    assert orphelines.empty, orphelines


def test_an_unresolvable_key_is_caught(entrepot, tmp_path):
    import shutil

    copie = tmp_path / "copie.duckdb"
    shutil.copy(entrepot, copie)
    con = duckdb.connect(str(copie))
    try:
        con.execute("update marts.pistes_preuves set id_passage = 'inconnu' where type_preuve = 'passage'")
        con.execute("delete from marts.liens_manquants where regle = 'insertion_sans_lien_ft_pdi'")
        orphelines = preuves_orphelines(con)
    finally:
        con.close()
    assert {"passage", "lien_manquant"} <= set(orphelines["type_preuve"])


def test_secret_indicators_are_never_evidence(entrepot):
    preuves = _requete(
        entrepot,
        """select p.* from marts.pistes_preuves as p join marts.indicateurs as i
        using (niveau, code_territoire, code_indicateur, annee) where i.secret""",
    )
    assert preuves.empty
