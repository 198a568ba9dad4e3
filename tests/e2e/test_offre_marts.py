"""The offer marts on the real snapshot, through `pacte build` (session builds of 93 and 974)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def scalar(build, sql, params=None):
    return build.query(sql, params)[0][0]


# ----------------------------------------------------------------------------- Seine-Saint-Denis


def test_services_of_93_hold_the_national_networks(built_93):
    rows = dict(built_93.query(
        """select t.table_source, count(distinct st.id_structure)
           from marts.structures as st, unnest(st.tables_sources) as t(table_source)
           where st.code_departement = '93' group by 1"""))
    assert rows["france_services"] == 32                       # PROVENANCE: 93 = 32
    assert rows["missions_locales"] == 14                      # 14 missions locales of the 93 in 2019
    assert rows["ft_agences"] >= 15
    assert rows["siae"] >= 60
    assert rows["cnfs"] == 33                                  # PROVENANCE: 93 = 33 structures
    domaines = dict(built_93.query(
        """select code_domaine, count(distinct id_service) from marts.services
           where code_departement = '93' group by 1"""))
    assert domaines["acces_aux_droits"] >= 32 and domaines["inclusion_numerique"] >= 32 + 33
    assert domaines["insertion_jeunes"] >= 14 and domaines["iae"] >= 60
    assert domaines["accompagnement_emploi"] >= 15
    # every France services of the 93 is an implicit service of both of its domains
    assert scalar(built_93, """select count(distinct id_structure) from marts.services
        where code_departement = '93' and list_contains(reseaux_rattachants, 'france-service')
        and code_domaine = 'acces_aux_droits'""") == 32


def test_every_commune_of_93_has_offer_access_and_gaps_for_every_domain_with_data(built_93):
    communes = scalar(built_93, "select count(*) from marts.territoires where niveau = 'commune' "
                                "and code_departement = '93'")
    assert communes == 39
    # offer and gaps: every domain of the Pacte (NULL offer where no source covers it)
    pacte = scalar(built_93, "select count(distinct code_domaine) from marts.offre")
    assert pacte == 18
    for mart in ("offre", "ecarts"):
        n = scalar(built_93, f"""select count(*) from marts.{mart}
            where niveau = 'commune' and code_departement = '93'""")
        assert n == communes * pacte, mart
    # access distances: every domain with a service of the catalogue or a BPE equipment somewhere
    domaines = scalar(built_93, """select count(*) from (select code_domaine from marts.services
        union select code_domaine from intermediate.int_offre__equipements_communes)""")
    assert domaines >= 10
    assert scalar(built_93, "select count(*) from marts.accessibilite where code_departement = '93'") \
        == communes * domaines
    # domains whose offer is observed in the 93 have a distance for every commune, all short
    observes = [r[0] for r in built_93.query(
        "select code_domaine from intermediate.int_offre__couverture where code_departement = '93' "
        "and offre_observee")]
    assert {"acces_aux_droits", "accompagnement_emploi", "iae", "inclusion_numerique",
            "insertion_jeunes"} <= set(observes)
    for domaine in ("acces_aux_droits", "accompagnement_emploi", "iae", "inclusion_numerique"):
        n, avec, maxi = built_93.query(
            """select count(*), count(distance_km), max(distance_km) from marts.accessibilite
               where code_departement = '93' and code_domaine = ?""", [domaine])[0]
        assert n == avec == 39 and maxi < 6, domaine


def test_offer_ratios_are_recomputed_from_counts(built_93):
    n, pop, ratio, cible, ratio_cible = built_93.query(
        """select nb_services, population, services_pour_10000_habitants, population_cible,
                  services_pour_1000_public_cible
           from marts.offre where niveau = 'departement' and code_territoire = '93'
             and code_domaine = 'accompagnement_emploi'""")[0]
    assert ratio == pytest.approx(n * 10000 / pop)
    assert cible == pytest.approx(168980, rel=0.01)  # demandeurs d'emploi 2025 of the 93 (sum of communes)
    assert ratio_cible == pytest.approx(n * 1000 / cible)
    # the département counts every service of its communes once
    assert n == scalar(built_93, """select sum(nb_services) from marts.offre where niveau = 'commune'
        and code_departement = '93' and code_domaine = 'accompagnement_emploi'""")


def test_gaps_of_93_follow_the_documented_thresholds(built_93):
    rows = built_93.query(
        """select indice_besoin, indice_offre, ecart, typologie, zone_blanche, offre_observee,
                  distance_km_service_plus_proche
           from marts.ecarts where niveau = 'commune' and code_departement = '93'""")
    assert rows
    for besoin, offre, ecart, typologie, zone_blanche, observee, distance in rows:
        assert typologie.startswith("besoin ")
        if besoin is not None and offre is not None:
            assert ecart == pytest.approx(besoin - offre, abs=0.11)
            classe = "fort" if besoin >= 115 else "faible" if besoin < 85 else "modéré"
            assert typologie == f"besoin {classe} / offre {'faible' if offre < 85 else 'correcte'}"
        if not observee:
            assert offre is None and zone_blanche is None
        if zone_blanche:
            assert distance is None or distance > 10
    departement = built_93.query(
        """select typologie, indice_besoin from marts.ecarts where niveau = 'departement'
           and code_territoire = '93' and code_domaine = 'accompagnement_emploi'""")[0]
    assert departement[1] is not None and departement[0].startswith("besoin fort")


def test_catalogue_gates_hold_on_the_real_build(built_93):
    assert scalar(built_93, "select count(*) - count(distinct id_structure) from marts.structures") == 0
    assert scalar(built_93, """select count(*) from marts.services as s left join marts.structures as t
        using (id_structure) where t.id_structure is null""") == 0
    # every raw record is in exactly one structure
    raw = scalar(built_93, "select count(*) from intermediate.int_offre__structures_unies")
    kept = scalar(built_93, "select sum(len(ids_sources)) from marts.structures")
    assert raw == kept
    located = scalar(built_93, "select avg((code_commune is not null)::int) from marts.services")
    assert located >= 0.95
    # the schema check wrote its findings; national lists have no update date, the reason says so
    reasons = dict(built_93.query(
        "select champ, count(*) from quarantine.offre_non_conforme group by 1"))
    assert reasons.get("date_maj", 0) > 0
    assert scalar(built_93, "select count(*) from quarantine.offre_non_conforme where raison = ''") == 0


def test_deduplication_merged_the_same_structures_across_sources(built_93):
    rules = dict(built_93.query(
        "select regle_fusion, count(*) from intermediate.int_offre__structures_dedoublonnees group by 1"))
    assert rules["siret"] > 3000          # the ASP SIAE list and its geocoded copy share their SIRET
    assert rules.get("nom_commune", 0) > 0
    # no structure gathers two records of the same France services list
    assert scalar(built_93, """select count(*) from marts.structures
        where len(list_filter(ids_sources, lambda x: x like 'france_services--%')) > 1""") == 0


# ----------------------------------------------------------------------------- La Réunion


def test_every_reunion_service_is_mapped_or_listed_as_unmapped(built_974):
    total = scalar(built_974, """select count(*) from intermediate.int_offre__services_unis
        where table_source = 'di_export'""")
    assert total == 2705
    with_thematique = scalar(built_974, """select count(*) from intermediate.int_offre__services_unis
        where table_source = 'di_export' and len(coalesce(thematiques_source, [])) > 0""")
    mapped = scalar(built_974, """select count(distinct id_service) from marts.services
        where table_source = 'di_export' and not service_implicite""")
    unmapped = built_974.query(
        """select s.cle_service, s.thematiques_source from intermediate.int_offre__services_unis as s
           where s.table_source = 'di_export' and len(coalesce(s.thematiques_source, [])) > 0
             and s.cle_service not in (select id_service from marts.services)""")
    assert mapped + len(unmapped) >= with_thematique
    listed = {r[0] for r in built_974.query(
        "select valeur from marts.thematiques_non_rattachees where type_valeur = 'thematique'")}
    for cle, thematiques in unmapped:
        assert set(thematiques) <= listed, cle
    assert scalar(built_974, """select count(*) from marts.thematiques_non_rattachees
        where statut = 'inconnue' and type_valeur = 'thematique' and table_source = 'di_export'""") == 0


def test_reunion_offer_is_located_in_974_with_negative_latitudes(built_974):
    n, located, south = built_974.query(
        """select count(*), count(code_commune), count(*) filter (where latitude < -20)
           from marts.services where table_source = 'di_export' and code_departement = '974'""")[0]
    assert n > 2000 and located == n and south == n
    domaines = {r[0] for r in built_974.query(
        "select distinct code_domaine from marts.services where code_departement = '974'")}
    assert {"petite_enfance", "inclusion_numerique", "acces_aux_droits", "accompagnement_emploi",
            "hebergement_logement", "sante", "aide_alimentaire"} <= domaines
    # every commune of La Réunion has a distance to the nearest childcare service, inside the island
    n, avec, maxi = built_974.query(
        """select count(*), count(distance_km), max(distance_km) from marts.accessibilite
           where code_departement = '974' and code_domaine = 'petite_enfance'""")[0]
    assert n == avec == 24 and maxi < 60


def test_reunion_france_services_of_the_export_merge_with_the_national_list(built_974):
    merged = scalar(built_974, """select count(*) from marts.structures where code_departement = '974'
        and list_contains(tables_sources, 'france_services')
        and list_contains(tables_sources, 'di_export')""")
    assert merged > 0


@pytest.mark.parametrize(("commune", "code_postal", "attendu", "methode"), [
    ("ST PAUL TROIS CHATEAUX", "26130", "26324", "code_postal_nom"),   # 'ST' spelled out, no accents
    ("ST PIERRE D OLERON", "17310", "17385", "code_postal_nom"),
    ("PARIS 18", "75018", "75056", "code_postal_nom"),                # arrondissement → Paris
    ("ST DENIS", "97400", "97411", "code_postal_nom"),                 # Saint-Denis de La Réunion
    ("STRASBOURG CEDEX", "67068", "67482", "nom_departement"),        # CEDEX postcode: name in the 67
])
def test_real_names_without_insee_code_are_located(built_93, commune, code_postal, attendu, methode):
    rows = set(built_93.query(
        """select l.code_commune, l.methode_localisation
           from intermediate.int_offre__structures_unies as s
           inner join intermediate.int_offre__lieux_localises as l
               on l.type_lieu = 'structure' and l.cle = s.cle_structure
           where s.commune = ? and s.code_postal = ? and s.code_insee is null""", [commune, code_postal]))
    assert rows == {(attendu, methode)}


def test_arrondissement_codes_and_wrong_coordinates(built_93):
    paris = built_93.query(
        """select distinct l.code_commune from intermediate.int_offre__structures_unies as s
           inner join intermediate.int_offre__lieux_localises as l on l.cle = s.cle_structure
           where s.code_insee between '75101' and '75120'""")
    assert paris == [("75056",)]
    # the France Travail agency of Saint-Louis (974) is geocoded in Alsace: flagged, not used
    agence = built_93.query(
        """select st.code_departement, st.hors_departement, st.origine_coordonnees, st.latitude
           from marts.structures as st
           where list_contains(st.ids_sources, 'ft_agences--REU0051005127')""")
    assert agence == [("974", True, "point_de_la_commune", pytest.approx(agence[0][3]))]
    assert agence[0][3] < -20
