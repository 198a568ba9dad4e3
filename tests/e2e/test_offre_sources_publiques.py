"""Supply from the public sources of issue 10 on the real snapshot (session build of 93): BPE 2018,
CNAF and DREES early-childhood places, the Banques Alimentaires map. The published figures quoted
in PROVENANCE.md §12 come out of the marts unchanged; an offer no source observes is NULL, not 0."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def scalar(build, sql, params=None):
    return build.query(sql, params)[0][0]


def offre(build, colonne, niveau, code_territoire, code_domaine):
    """One column of marts.offre for a territory and a domain."""
    return scalar(
        build,
        f"select {colonne} from marts.offre where niveau = ? and code_territoire = ? and code_domaine = ?",
        [niveau, code_territoire, code_domaine],
    )


def test_bpe_creches_2018_come_out_of_marts_offre_unchanged(built_93):
    rows = dict(
        built_93.query(
            """select code_territoire, nb_equipements_bpe from marts.offre
           where code_domaine = 'petite_enfance' and (niveau, code_territoire) in
               (('departement', '93'), ('departement', '59'), ('france', 'FR'))"""
        )
    )
    assert rows == {"93": 334, "59": 418, "FR": 12196}  # PROVENANCE §12: D502 93 = 334, Nord = 418
    # COG 2018 → 2026: the communes' counts add up to the département's (mergers summed)
    assert (
        scalar(
            built_93,
            """select sum(nb_equipements_bpe) from marts.offre where niveau = 'commune'
        and code_departement = '93' and code_domaine = 'petite_enfance'""",
        )
        == 334
    )
    # Paris is counted once, from its arrondissements
    assert (
        scalar(
            built_93,
            """select count(*) from intermediate.int_offre__equipements_communes
        where code_commune like '751%'""",
        )
        == 0
    )
    assert offre(built_93, "nb_equipements_bpe", "commune", "75056", "hebergement_logement") > 0


def test_cnaf_and_drees_places_come_out_unchanged(built_93):
    lille = built_93.query(
        """select offre_observee, unite_offre, source_offre, annee_offre, nb_places, nb_places_accueil_formel
           from marts.offre where niveau = 'commune' and code_territoire = '59350'
             and code_domaine = 'petite_enfance'"""
    )[0]
    assert lille == (2733, "places", "cnaf_places", 2022, 2733, 5157)  # PROVENANCE §12: Lille 2022
    # and the CNAF's coverage rate where it covers the whole commune (Lille 2022: 67.4 published)
    assert built_93.query(
        """select taux_couverture_cnaf, methode_taux_couverture from marts.offre where niveau = 'commune'
           and code_territoire = '59350' and code_domaine = 'petite_enfance'"""
    ) == [(67.4, "publie")]
    assert built_93.query(
        """select places_eaje, places_accueil_formel from staging.stg_petite_enfance__cnaf_places_communes
           where code_commune_source = '93066' and annee = 2018"""
    ) == [(1083, 1920)]
    drees = dict(
        built_93.query(
            """select code_mesure || ' ' || code_territoire_drees || ' ' || annee, valeur
           from staging.stg_petite_enfance__drees_departements
           where (code_mesure, code_territoire_drees, annee) in (('creches_collectives', '59', 2023),
               ('creches_collectives', '93', 2023), ('places_creches_collectives', '59', 2016))"""
        )
    )
    assert drees == {
        "creches_collectives 59 2023": 813,
        "creches_collectives 93 2023": 406,
        "places_creches_collectives 59 2016": 11070,
    }
    # the département's places are the DREES crèches collectives + parent-run places of the latest year
    assert built_93.query(
        """select offre_observee, source_offre, annee_offre from marts.offre
           where niveau = 'departement' and code_territoire = '93' and code_domaine = 'petite_enfance'"""
    ) == [(14676 + 132, "drees_places", 2023)]
    # Corse: the DREES publishes only the collectivité (2A and 2B are 0): the région has it, the
    # départements fall back on the BPE count instead of showing 0 places
    corse = dict(
        built_93.query(
            """select code_territoire, source_offre from marts.offre where code_domaine = 'petite_enfance'
           and (niveau, code_territoire)
               in (('region', '94'), ('departement', '2A'), ('departement', '2B'))"""
        )
    )
    assert corse == {"94": "drees_places", "2A": "bpe_2018", "2B": "bpe_2018"}


def test_offer_is_null_with_a_reason_never_zero_where_no_source_covers_it(built_93):
    # a domain no source describes: NULL everywhere, with its reason
    n, observed, reasons = built_93.query(
        """select count(*), count(offre_observee), count(motif_offre_non_observee) from marts.offre
           where code_domaine = 'precarite_energetique'"""
    )[0]
    assert n > 35000 and observed == 0 and reasons == n
    # the catalogue's missions locales cover the 93 but not the 59: no count, not 0, in the 59
    nord = built_93.query(
        """select offre_observee, motif_offre_non_observee from marts.offre
           where niveau = 'departement' and code_territoire = '59' and code_domaine = 'insertion_jeunes'"""
    )[0]
    assert nord[0] is None and "ne prouve pas" in nord[1]
    assert offre(built_93, "offre_observee", "departement", "93", "insertion_jeunes") > 0
    # the reason is there exactly when the offer is not
    assert (
        scalar(
            built_93,
            """select count(*) from marts.offre
        where (offre_observee is null) <> (motif_offre_non_observee is not null)""",
        )
        == 0
    )
    # a zero is only ever an observed zero: a source that counts the territory found none
    assert {
        r[0] for r in built_93.query("select distinct source_offre from marts.offre where offre_observee = 0")
    } <= {"bpe_2018", "catalogue", "cnaf_places"}
    assert (
        scalar(built_93, "select count(*) from marts.offre where offre_observee = 0 and source_offre is null")
        == 0
    )
    # marts.ecarts follows marts.offre
    assert (
        scalar(
            built_93,
            """select count(*) from marts.ecarts as e inner join marts.offre as o
        using (niveau, code_territoire, code_domaine)
        where e.offre_observee <> (o.offre_observee is not null)""",
        )
        == 0
    )
    assert (
        scalar(
            built_93,
            """select count(*) from marts.ecarts
        where not offre_observee and (indice_offre is not null or zone_blanche is not null)""",
        )
        == 0
    )


def test_equipments_enter_access_distances_not_the_catalogue(built_93):
    for domaine in ("petite_enfance", "hebergement_logement", "sante", "jeunes_vulnerables"):
        n, avec, equipement = built_93.query(
            """select count(*), count(distance_km), count(*) filter (where nature_plus_proche = 'equipement')
               from marts.accessibilite where code_departement = '93' and code_domaine = ?""",
            [domaine],
        )[0]
        assert n == avec == 39 and equipement > 0, domaine
    assert scalar(built_93, "select count(*) from marts.services where id_service like 'bpe_2018--%'") == 0
    assert (
        scalar(built_93, "select count(*) from marts.structures where id_structure like 'bpe_2018--%'") == 0
    )
    # a commune with a crèche is at distance 0 of the childcare offer (equipment at its own point)
    assert (
        scalar(
            built_93,
            """select distance_km from marts.accessibilite
        where code_commune = '93066' and code_domaine = 'petite_enfance'""",
        )
        == 0
    )


def test_food_aid_points_are_located_by_their_coordinates(built_93):
    methods = dict(
        built_93.query(
            """select methode_localisation, count(*) from intermediate.int_offre__lieux_localises
           where table_source = 'aide_alimentaire' group by 1"""
        )
    )
    assert sum(methods.values()) == 1770
    assert methods["coordonnees"] >= 1760 and set(methods) <= {"coordonnees", "code_postal"}
    assert offre(built_93, "offre_observee", "departement", "93", "aide_alimentaire") > 20


def test_cnaf_published_figures_come_out_of_the_marts_unchanged(built_93):
    """PROVENANCE §12: Saint-Denis 2022 coverage 35,7 and 2018 places 1 083 / 1 920, Lille 2022
    67,4 and 2 733 / 5 157, as published, on the CNAF's own communes (Saint-Denis before it took in
    Pierrefitte-sur-Seine), each tied to its COG 2026 commune."""
    rows = {
        (annee, code): (commune, taux, eaje, formel)
        for annee, code, commune, taux, eaje, formel in built_93.query(
            "select annee, code_commune_cnaf, code_commune, taux_couverture_global, places_eaje, "
            "places_accueil_formel from marts.accueil_jeune_enfant_cnaf "
            "where code_commune_cnaf in ('93066', '93059', '59350')"
        )
    }
    assert rows[(2022, "93066")][:2] == ("93066", 35.7)
    assert rows[(2018, "93066")][2:] == (1083, 1920)
    assert rows[(2022, "59350")][1:] == (67.4, 2733, 5157)
    assert rows[(2022, "93059")][0] == "93066"  # Pierrefitte-sur-Seine, now part of Saint-Denis
