"""The Great Expectations suite of each raw table of the need side (``SUITES``), written with the
builders of :mod:`ingest.expectations`, which runs them. Ranges come from the real files
(PROVENANCE.md) with a margin for the next vintage.

Examples
--------
>>> suite = SUITES["cog_regions"]
>>> [e.kind for e in suite.expectations][:4]
['columns', 'not_null', 'unique', 'regex']
"""

from __future__ import annotations

from ingest.core import COMMUNE_CODE, DEPARTEMENT_CODE
from ingest.expectations import (
    Suite,
    between,
    columns,
    count,
    in_set,
    key,
    matches,
    not_null,
    rate,
    required,
    rows,
    unique,
    unique_together,
)
from ingest.vocabulaires import seed_rows

__all__ = ["AGE_BANDS", "SUITES"]

COMMUNE = COMMUNE_CODE.pattern
DEPARTEMENT = DEPARTEMENT_CODE.pattern
REGION = r"^(?:\d{2}|97[5-8]|98[4-9])$"
SIREN = r"^\d{9}$"
IRIS = r"^(?:\d{5}|2[AB]\d{3})\d{4}$"
QPV_2024 = r"^QN\d{2}[\dAB]\d{2}[A-Z]$"
QPV_2015 = r"^QP\d{2}[\dAB]\d{3}$"
CLPE = r"^CLPE[0-9A-Z]{5}$"
AGE_BANDS = tuple(f"a{low}_{low + 4}" for low in range(0, 95, 5)) + ("a95_plus",)
PLAUSIBLE_MEDIAN = "niveau de vie médian plausible (1 000 à 200 000 €)"

ACTUELLE = ("type", "commune-actuelle")
# the 411 candidate communes of the Nord and the Pas-de-Calais: one row each, in those two départements
CANDIDATES_59_62 = (*key("code_insee", COMMUNE, what="code commune INSEE"), in_set("dep", ("59", "62")))


def _suites() -> dict[str, Suite]:
    suites = [
        Suite("cog_communes", (
            columns("code_insee", "nom", "type", "dep", "reg", "epci_siren", "ept_siren",
                    "population_municipale", "chef_lieu", "commune_parente", "anciens_codes"),
            not_null("code_insee"),
            matches("code_insee", COMMUNE, what="code commune INSEE"),
            unique_together("code_insee", "type"),
            *key("code_insee", where=ACTUELLE),
            in_set("type", ("commune-actuelle", "commune-deleguee", "commune-associee",
                            "arrondissement-municipal")),
            not_null("nom"),
            matches("dep", DEPARTEMENT, what="code département"),
            matches("reg", REGION, what="code région"),
            matches("epci_siren", SIREN, what="SIREN"),
            matches("ept_siren", SIREN, what="SIREN"),
            not_null("epci_siren", where=ACTUELLE, mostly=0.99),
            not_null("population_municipale", where=ACTUELLE, mostly=0.99),
            count("population_municipale"),
            rows(34_000, 36_000, where=ACTUELLE),
            rows(36_000, 40_000),
        ), "COG 2026 : communes actuelles, déléguées, associées et arrondissements municipaux"),
        Suite("cog_departements", (
            columns("dep", "nom", "reg", "chef_lieu", "zone"),
            *key("dep", DEPARTEMENT, what="code département"),
            not_null("nom"),
            matches("reg", REGION, what="code région"),
            matches("chef_lieu", COMMUNE, what="code commune INSEE"),
            rows(101, 115),
        ), "COG 2026 : départements et collectivités d'outre-mer"),
        Suite("cog_regions", (
            columns("reg", "nom", "chef_lieu", "zone"),
            not_null("reg"), unique("reg"), matches("reg", REGION, what="code région"),
            not_null("nom"),
            matches("chef_lieu", COMMUNE, what="code commune INSEE"),
            rows(18, 30),
        ), "COG 2026 : régions et collectivités d'outre-mer"),
        Suite("cog_epci", (
            columns("epci_siren", "nom", "type", "population_municipale", "nb_communes"),
            *key("epci_siren", SIREN, what="SIREN"),
            not_null("nom"),
            in_set("type", ("CC", "CA", "CU", "METRO", "MET69", "EPT")),
            count("population_municipale"),
            between("nb_communes", 1, None),
            rows(1_150, 1_400),
        ), "DGCL 2026 : EPCI à fiscalité propre et EPT"),
        Suite("cog_epci_membres", (
            columns("epci_siren", "epci_type", "code_insee", "population_municipale"),
            *required("epci_siren", SIREN, what="SIREN"),
            *required("code_insee", COMMUNE, what="code commune INSEE"),
            unique_together("epci_siren", "code_insee"),
            count("population_municipale"),
            rows(34_000, 36_500),
        ), "DGCL 2026 : communes membres des EPCI et EPT"),
        Suite("cog_communes_2023", (
            columns("typecom", "com", "reg", "dep", "libelle", "comparent"),
            *required("com", COMMUNE, what="code commune INSEE"),
            unique_together("com", "typecom"),
            *key("com", where=("typecom", "COM")),
            in_set("typecom", ("COM", "COMA", "COMD", "ARM")),
            not_null("libelle"),
            rows(34_000, 36_000, where=("typecom", "COM")),
        ), "COG 2023 (géographie de Filosofi 2021)"),
        Suite("cog_mouvements", (
            columns("mod", "date_eff", "com_av", "com_ap", "typecom_ap"),
            not_null("mod"), not_null("date_eff"), not_null("com_ap"),
            unique_together("mod", "date_eff", "typecom_av", "com_av", "typecom_ap", "com_ap"),
            matches("date_eff", r"^(?:19[4-9]\d|20\d{2})-\d{2}-\d{2}$", what="date AAAA-MM-JJ"),
            matches("com_av", COMMUNE, what="code commune INSEE"),
            matches("com_ap", COMMUNE, what="code commune INSEE"),
            rows(10_000, 25_000),
        ), "COG 2023 : mouvements de communes"),
        Suite("filosofi_communes_2021", (
            columns("codgeo", "nbmenfisc21", "nbpersmenfisc21", "med21", "pimp21", "tp6021", "d121", "d921",
                    "rd21"),
            *key("codgeo", COMMUNE, what="code commune INSEE"),
            count("nbmenfisc21"), count("nbpersmenfisc21"),
            between("med21", 1_000, 200_000, what=PLAUSIBLE_MEDIAN),
            rate("pimp21"), rate("tp6021"),
            *(rate(f"tp60age{i}21") for i in range(1, 7)),
            rate("tp60tol121"), rate("tp60tol221"),
            between("d121", 0, None), between("d921", 0, None), between("rd21", 1, None),
            rows(30_000, 36_000),
        ), "Filosofi 2021 par commune"),
        Suite("filosofi_pauvrete_departements_2021", (
            columns("codgeo", "tp4021", "tp5021", "tp6021"),
            *key("codgeo", DEPARTEMENT, what="code département"),
            rate("tp4021"), rate("tp5021"), rate("tp6021"),
            rows(90, 110),
        ), "Filosofi 2021 : taux de pauvreté par département"),
        Suite("filosofi_revenus_2019", (
            columns("niveau", "codgeo", "libgeo", "nbmen19", "nbpers19", "q219"),
            not_null("codgeo"), not_null("niveau"),
            in_set("niveau", ("departement", "epci", "region", "france")),
            unique_together("niveau", "codgeo"),
            matches("codgeo", DEPARTEMENT, where=("niveau", "departement"), what="code département"),
            matches("codgeo", SIREN, where=("niveau", "epci"), what="SIREN"),
            matches("codgeo", REGION, where=("niveau", "region"), what="code région"),
            count("nbmen19"), count("nbpers19"),
            between("q219", 1_000, 200_000, what=PLAUSIBLE_MEDIAN),
            rows(1_200, 1_500),
        ), "Filosofi 2019 par département, EPCI, région et France métropolitaine"),
        Suite("filosofi_revenus_series", (
            columns("annee", "niveau", "codgeo", "q2"),
            not_null("codgeo"), not_null("annee"),
            unique_together("niveau", "codgeo", "annee"),
            between("annee", 2014, 2018),
            matches("codgeo", DEPARTEMENT, where=("niveau", "departement"), what="code département"),
            count("nbmen"), count("nbpers"),
            between("q2", 1_000, 200_000, what=PLAUSIBLE_MEDIAN),
            rows(450, 550),
        ), "Filosofi 2014-2018 par département"),
        Suite("filosofi_iris_2021", (
            columns("iris", "code_commune", "dec_tp6021", "dec_pimp21", "dec_med21"),
            *key("iris", IRIS, what="code IRIS"),
            *required("code_commune", COMMUNE, what="code commune INSEE"),
            rate("dec_tp6021"), rate("dec_pimp21"),
            between("dec_med21", 0, None),
            rows(14_000, 18_000),
        ), "Filosofi 2021 : revenus déclarés par IRIS"),
        Suite("rp_comparateur_2022", (
            columns("codgeo", "p22_pop", "p22_men", "p22_pop1564", "p22_chom1564", "p22_act1564", "med21",
                    "tp6021", "pimp21", "superf"),
            *key("codgeo", COMMUNE, what="code commune INSEE"),
            *(count(c) for c in ("p22_pop", "p16_pop", "p22_men", "p22_log", "p22_rp", "p22_pop1564",
                                 "p22_chom1564", "p22_act1564", "p22_emplt", "nbmenfisc21", "ettot24")),
            rate("pimp21"), rate("tp6021"),
            between("med21", 1_000, 200_000, what=PLAUSIBLE_MEDIAN),
            between("superf", 0, None),
            rows(30, 36_000),
        ), "Comparateur de territoires, RP 2022 (snapshot : Seine-Saint-Denis)"),
        Suite("rp_dossier_complet_2022", (
            columns("codgeo", "p22_pop0014", "c22_menfam", "c22_fammono", "p22_act1524", "p22_chom1524"),
            *key("codgeo", COMMUNE, what="code commune INSEE"),
            *(count(c) for c in ("p22_pop0014", "p22_pop1529", "p22_pop3044", "p22_pop4559", "p22_pop6074",
                                 "p22_pop7589", "p22_pop90p", "c22_menpseul", "c22_menfam", "c22_coupaenf",
                                 "c22_fammono", "c22_coupsenf", "p22_act1524", "p22_act2554", "p22_act5564",
                                 "p22_chom1524", "p22_chom2554", "p22_chom5564")),
            rows(30, 36_000),
        ), "Dossier complet, RP 2022 (snapshot : Seine-Saint-Denis)"),
        Suite("rp_comparateur_2021", (
            columns("insee_com", "commune_type", "insee_dep", "codes_postaux", "population_2021",
                    "menages_2021",
                    "pop_15_64_totale_2021", "pop_15_64_chomage_2021", "pop_15_64_active_2021"),
            *required("insee_com", COMMUNE, what="code commune INSEE"),
            unique_together("insee_com", "commune_type"),
            in_set("commune_type", ("COM", "COMD", "ARM")),
            not_null("insee_dep", where=("commune_type", "COM")),
            matches("insee_dep", DEPARTEMENT, what="code département"),
            not_null("insee_parente", where=("commune_type", "ARM")),
            matches("codes_postaux", r"^\d{5}(?:\|\d{5})*$", what="codes postaux séparés par « | »"),
            *(count(c) for c in ("population_2021", "population_2015", "menages_2021", "naissances_2022",
                                 "deces_2022", "pop_15_64_totale_2021", "pop_15_64_chomage_2021",
                                 "pop_15_64_active_2021")),
            rows(34_000, 36_000, where=("commune_type", "COM")),
            rows(34_500, 37_500),
        ), "Recensement 2021, toutes les communes (géographie 2024)"),
        Suite("estimations_population_departements", (
            columns("annee", "dep", "sexe", "a0_4", "atotal"),
            not_null("annee"), not_null("dep"), not_null("sexe"),
            unique_together("annee", "dep", "sexe"),
            matches("dep", DEPARTEMENT, what="code département"),
            in_set("sexe", ("ensemble", "hommes", "femmes")),
            between("annee", 2010, 2030),
            *(count(c) for c in AGE_BANDS),
            between("atotal", 1, None),
            rows(2_000, 2_200),
        ), "Estimations de population par département, sexe et âge"),
        Suite("neet", (
            columns("niveau", "codgeo", "annee", "part_non_inseres"),
            not_null("niveau"), not_null("codgeo"), not_null("annee"),
            unique_together("niveau", "codgeo", "annee"),
            in_set("niveau", ("commune", "epci", "departement", "region")),
            matches("codgeo", COMMUNE, where=("niveau", "commune"), what="code commune INSEE"),
            matches("codgeo", SIREN, where=("niveau", "epci"), what="SIREN"),
            matches("codgeo", DEPARTEMENT, where=("niveau", "departement"), what="code département"),
            matches("codgeo", REGION, where=("niveau", "region"), what="code région"),
            rate("part_non_inseres"),
            between("annee", 2000, 2030),
            rows(100_000, 120_000),
            rows(95_000, 115_000, where=("niveau", "commune")),
        ), "Part des 15-24 ans non insérés (NEET)"),
        Suite("caf_iris_2020", (
            columns("codgeo", "code_commune", "a", "am", "aaah", "appa", "arsas", "aal"),
            *key("codgeo", IRIS, what="code IRIS"),
            *required("code_commune", COMMUNE, what="code commune INSEE"),
            in_set("note", (0, 1, 2, 3, 4, 5)),
            *(count(c) for c in ("a", "percou", "ai", "am", "acssenf", "acavenf", "ac3enf", "enf", "a_etud",
                                 "a_netud_24", "aal", "aapl", "aaah", "appa", "arsas")),
            rows(12_000, 15_000),
        ), "CNAF 2020 par IRIS"),
        Suite("cnaf_taux_couverture_communes", (
            columns("annee", "code_commune", "nom_commune", "code_epci", "code_departement",
                    "taux_de_couv_eaje_ensemble", "taux_de_couv_global"),
            # the key (annee, code_commune: not null, unique, a known commune) is tested by dbt
            # (stg_cnaf__taux_couverture_communes): one owner per check, docs/architecture.md
            matches("code_commune", COMMUNE, what="code commune INSEE"),
            between("annee", 2010, 2030),
            matches("code_epci", SIREN, what="SIREN"),
            # places per 100 children under 3: above 100 is possible (a place serves several children)
            *(between(c, 0, 300, what="taux de couverture plausible (0 à 300 places pour 100 enfants)")
              for c in ("taux_de_couv_eaje_psu", "taux_de_couv_hors_eaje_psu", "taux_de_couv_eaje_ensemble",
                        "taux_de_couv_prescolarisation", "taux_de_couv_assistante_maternelle",
                        "taux_de_couv_salariee_a_domicile", "taux_de_couv_accueil_individuel_ensemble",
                        "taux_de_couv_global")),
            not_null("taux_de_couv_global"),
            rows(5_000, 8_000),
        ), "CNAF : taux de couverture petite enfance par commune"),
        Suite("te_cadre_urbain_59_62", (
            columns("code_insee", "dep", "population_municipale", "part_menages_sans_voiture"),
            *CANDIDATES_59_62,
            count("population_municipale"),
            *(rate(c) for c in ("part_logts_vacants", "part_maisons", "part_proprietaires", "part_hlm",
                                "part_menages_sans_voiture", "part_menages_2voit_plus")),
            not_null("part_menages_sans_voiture"),
            rows(400, 500),
        ), "Logement et motorisation, 411 communes du Nord et du Pas-de-Calais (dérivé par un tiers)"),
        Suite("te_dpe_59_62", (
            columns("code_insee", "dep", "dpe_n", "part_passoires_pct"),
            *CANDIDATES_59_62,
            not_null("dpe_n"), count("dpe_n"), count("population_municipale"),
            *(rate(c) for c in ("part_passoires_pct", "part_dpe_g_pct", "part_dpe_abc_pct")),
            not_null("part_passoires_pct"),
            rows(400, 500),
        ), "DPE des logements diagnostiqués, 411 communes du Nord et du Pas-de-Calais (dérivé par un tiers)"),
        Suite("qpv_communes_2024", (
            columns("code_qp", "lib_qp", "insee_com", "dep"),
            *required("code_qp", QPV_2024, what="code QPV 2024 (QN…)"),
            *required("insee_com", COMMUNE, what="code commune INSEE"),
            unique_together("code_qp", "insee_com"),
            not_null("lib_qp"),
            matches("dep", DEPARTEMENT, what="code département"),
            rows(1_400, 2_000),
        ), "Liste des QPV 2024 et leurs communes"),
        Suite("qpv_demographie_2015", (
            columns("codgeo", "pop_mun", "tx_tot_0a24", "tx_tot_et", "a", "am"),
            *key("codgeo", QPV_2015, what="code QPV 2015 (QP…)"),
            count("pop_mun"), count("pop_com"),
            *(rate(c) for c in ("tx_f", "tx_tot_0a24", "tx_f_0a24", "tx_tot_60etplus", "tx_f_60etplus",
                                "tx_tot_men1", "tx_tot_men6", "tx_tot_et", "tx_f_et")),
            *(count(c) for c in ("a", "percou", "am", "ai", "acssenf", "acavenf", "ac3enf", "enf")),
            rows(1_300, 1_550),
        ), "ONPV 2022, QPV 2015 : démographie"),
        Suite("qpv_revenus_2015", (
            columns("codgeo", "tp60", "disp_q2", "a", "appa", "arsas", "aaah"),
            *key("codgeo", QPV_2015, what="code QPV 2015 (QP…)"),
            rate("tp60"), rate("pmimp"), rate("brev"),
            between("disp_q2", 1_000, 200_000, what=PLAUSIBLE_MEDIAN),
            *(count(c) for c in ("c", "c_c2snp", "c_c2sp", "a", "appa", "arsas", "aaah")),
            rows(1_250, 1_550),
        ), "ONPV 2022, QPV 2015 : revenus et prestations"),
        Suite("qpv_insertion_2015", (
            columns("codgeo", "tx_tot_empl", "abc", "abc_rsa", "a"),
            *key("codgeo", QPV_2015, what="code QPV 2015 (QP…)"),
            *(rate(c) for c in ("tx_tot_empl", "tx_f_empl", "tx_et_empl", "tx_tot_edlim", "tx_f_edlim",
                                "tx_et_edlim")),
            *(count(c) for c in ("ca", "abcde", "abc", "abc_rsa", "a", "abc_25", "abc_50")),
            rows(1_250, 1_550),
        ), "ONPV 2022, QPV 2015 : emploi et demandeurs d'emploi"),
        Suite("ft_demandeurs_emploi_communes", (
            columns("code_insee", "nom_commune", "nb_demandeurs_emploi"),
            *key("code_insee", COMMUNE, what="code commune INSEE"),
            count("nb_demandeurs_emploi"),
            rows(34_000, 36_000),
        ), "France Travail : demandeurs d'emploi par commune"),
        Suite("ft_clpe_communes", (
            columns("commune_id", "territoire_id", "territoire_libelle", "departement_id", "region_id"),
            *key("commune_id", COMMUNE, what="code commune INSEE"),
            *required("territoire_id", CLPE, what="code CLPE"),
            matches("departement_id", DEPARTEMENT, what="code département"),
            # published without the leading zero of the overseas régions (1 for Guadeloupe)
            matches("region_id", r"^\d{1,3}$", what="code région tel que publié (1 à 3 chiffres)"),
            rows(34_000, 36_000),
        ), "France Travail : communes des CLPE"),
        Suite("ft_bassins_emploi_communes", (
            columns("dep", "bassin_emploi", "code_insee"),
            *key("code_insee", COMMUNE, what="code commune INSEE"),
            not_null("bassin_emploi"),
            matches("dep", DEPARTEMENT, what="code département"),
            rows(34_000, 36_000),
        ), "Bassins d'emploi par commune"),
        Suite("anct_grille_densite", (
            columns("insee_com", "niveau_densite"),
            *key("insee_com", COMMUNE, what="code commune INSEE"),
            not_null("niveau_densite"),
            in_set("niveau_densite", [r["niveau"] for r in seed_rows("grille_densite_niveaux")]),
            rows(34_000, 36_000),
        ), "Grille communale de densité à 7 niveaux"),
        Suite("anct_grille_ruralite", (
            columns("insee_com", "niveau_ruralite"),
            *key("insee_com", COMMUNE, what="code commune INSEE"),
            not_null("niveau_ruralite"),
            rows(34_000, 36_000),
        ), "Typologie des ruralités ANCT"),
        Suite("anct_grille_centralite", (
            columns("insee_com", "niveau_centralite"),
            *key("insee_com", COMMUNE, what="code commune INSEE"),
            not_null("niveau_centralite", mostly=0.99),
            in_set("niveau_centralite", ("Centre majeur d'équipements et de services",
                                         "Centre structurant d'équipements et de services",
                                         "Centre intermédiaire d'équipements et de services",
                                         "Centre local d'équipements et de services", "Communes non centre")),
            rows(34_000, 36_000),
        ), "Niveaux de centralité ANCT-INRAE"),
        Suite("dora_stats_insertion_departements", (
            columns("code_departement", "num_accompagnateurs", "num_dea_brsa", "num_brsa_202309"),
            *key("code_departement", DEPARTEMENT, what="code département"),
            *(count(c) for c in ("num_accompagnateurs", "num_dea_brsa", "num_conseillers_ft_les_emplois",
                                 "num_dea_202309", "num_brsa_202309")),
            rows(90, 110),
        ), "GIP de l'inclusion : demandeurs d'emploi, BRSA et accompagnateurs par département"),
        # supply side (issue 10): early childhood, BPE 2018, food aid
        Suite("cnaf_places_petite_enfance_communes", (
            columns("annee", "code_commune", "code_departement_cnaf", "places_eaje_ensemble",
                    "places_offertes_ensemble"),
            # the key (annee, code_commune) is tested by dbt (stg_petite_enfance__cnaf_places_communes)
            matches("code_commune", COMMUNE, what="code commune INSEE"),
            between("annee", 2010, 2035, what="année de référence plausible"),
            *(count(c) for c in ("places_eaje_psu", "places_hors_eaje_psu", "places_eaje_ensemble",
                                 "places_prescolarisation", "places_assistante_maternelle",
                                 "places_salariee_domicile", "places_accueil_individuel_ensemble",
                                 "places_offertes_ensemble")),
            rows(5_000, 8_000),
        ), "CNAF : places d'accueil des moins de 3 ans par commune de plus de 10 000 habitants"),
        Suite("drees_accueil_jeune_enfant_departements", (
            columns("tableau", "code_territoire_drees", "annee", "valeur"),
            # the key (tableau, code_territoire_drees, annee) and the tables known to the seed
            # offre_drees_tableaux are tested by dbt (source and stg_petite_enfance__drees_departements)
            count("valeur"),
            rows(5_000, 8_000),
        ), "DREES : accueil du jeune enfant par département"),
        Suite("bpe_2018_equipements", (
            columns("code_commune_2018", "type_equipement", "nb_equipements", "code_departement"),
            # its key (code_commune_2018, type_equipement) is tested by dbt (stg_bpe__equipements_2018)
            matches("code_commune_2018", COMMUNE, what="code commune INSEE"),
            matches("type_equipement", r"^[A-G]\d{3}$", what="type d'équipement BPE"),
            not_null("nb_equipements"), count("nb_equipements"),
            rows(600_000, 700_000),
        ), "INSEE : base permanente des équipements 2018 par commune et type"),
        Suite("offre_structures__aide_alimentaire", (
            columns("id", "nom", "famille", "code_postal", "longitude", "latitude"),
            *key("id"),
            not_null("famille"),
            in_set("famille", ("epicerie_partenaire_ba", "epicerie_andes", "epicerie_ugess",
                               "epicerie_etudiante", "banque_alimentaire", "antenne_ba")),
            matches("code_postal", r"^\d{5}$", what="code postal à 5 chiffres"),
            between("longitude", -180, 180, what="longitude WGS84"),
            between("latitude", -90, 90, what="latitude WGS84"),
            rows(1_500, 2_200),
        ), "Banques Alimentaires : épiceries sociales et solidaires, banques alimentaires"),
    ]
    return {suite.table: suite for suite in suites}


SUITES: dict[str, Suite] = _suites()
