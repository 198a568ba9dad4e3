"""Raw assets of the need side (Étape 1): COG, Filosofi, census, CAF, QPV, France Travail, ANCT."""

from __future__ import annotations

from ingest.paresseux import lecteurs
from orchestration.assets._raw import RawSource, raw_asset

anct = lecteurs("ingest.anct")
caf = lecteurs("ingest.caf")
cog = lecteurs("ingest.cog")
couverture_petite_enfance = lecteurs("ingest.couverture_petite_enfance")
dora = lecteurs("ingest.dora")
filosofi = lecteurs("ingest.filosofi")
france_travail = lecteurs("ingest.france_travail")
jeunesse = lecteurs("ingest.jeunesse")
live_insee = lecteurs("ingest.live_insee")
qpv = lecteurs("ingest.qpv")
recensement = lecteurs("ingest.recensement")
transition_ecologique = lecteurs("ingest.transition_ecologique")

__all__ = ["SOURCES", "ASSETS"]

GROUP = "raw_besoins"

SOURCES: list[RawSource] = [
    RawSource(
        "cog_communes",
        cog.read_communes,
        "COG 2026 : communes actuelles, déléguées et associées, et arrondissements municipaux",
        GROUP,
        live_reader=live_insee.read_cog_communes_live,
    ),
    RawSource(
        "cog_departements",
        cog.read_departements,
        "COG 2026 : liste des départements et de leurs noms",
        GROUP,
        live_reader=live_insee.read_cog_departements_live,
    ),
    RawSource(
        "cog_regions",
        cog.read_regions,
        "COG 2026 : liste des régions et de leurs noms",
        GROUP,
        live_reader=live_insee.read_cog_regions_live,
    ),
    RawSource("cog_epci", cog.read_epci, "DGCL 2026 : EPCI à fiscalité propre et établissements publics territoriaux (EPT)", GROUP),
    RawSource(
        "cog_epci_membres", cog.read_epci_membres, "DGCL 2026 : communes membres de chaque EPCI et EPT", GROUP
    ),
    RawSource(
        "cog_communes_2023", cog.read_communes_2023, "COG 2023 : communes (géographie de Filosofi 2021)", GROUP
    ),
    RawSource("cog_mouvements", cog.read_mouvements, "COG 2023 : mouvements de communes depuis 1943", GROUP),
    # Filosofi (INSEE): income, poverty, living standard
    RawSource(
        "filosofi_communes_2021",
        filosofi.read_communes_2021,
        "Filosofi 2021 par commune (COG 2023) : niveau de vie médian, taux de pauvreté, déciles",
        GROUP,
        live_reader=live_insee.read_filosofi_communes_2021_live,
    ),
    RawSource(
        "filosofi_pauvrete_departements_2021",
        filosofi.read_pauvrete_departements_2021,
        "Filosofi 2021 par département : taux de pauvreté à 40/50/60 %, intensité",
        GROUP,
    ),
    RawSource(
        "filosofi_revenus_2019",
        filosofi.read_revenus_2019,
        "Filosofi 2019 (COG 2021) : distribution des revenus disponibles par département, EPCI, "
        "région et France métropolitaine",
        GROUP,
    ),
    RawSource(
        "filosofi_revenus_series",
        filosofi.read_revenus_series,
        "Filosofi 2014-2018 par département et France métropolitaine (une ligne par année)",
        GROUP,
    ),
    RawSource(
        "filosofi_iris_2021",
        filosofi.read_iris_2021,
        "Filosofi 2021 : revenus déclarés par IRIS (avec la commune)",
        GROUP,
    ),
    # Census and population estimates (INSEE)
    RawSource(
        "rp_comparateur_2022",
        recensement.read_comparateur_2022,
        "Comparateur de territoires INSEE, RP 2022 (communes de Seine-Saint-Denis ; en direct : "
        "toutes les communes)",
        GROUP,
        live_reader=live_insee.read_rp_comparateur_2022_live,
    ),
    RawSource(
        "rp_dossier_complet_2022",
        recensement.read_dossier_complet_2022,
        "Dossier complet INSEE, RP 2022, extrait (âges, familles, activité et chômage par âge)",
        GROUP,
        live_reader=live_insee.read_rp_dossier_complet_2022_live,
    ),
    RawSource(
        "rp_comparateur_2021",
        recensement.read_comparateur_2021,
        "Recensement 2021 pour toutes les communes de France (géographie 2024) : population, ménages, "
        "chômeurs et actifs de 15 à 64 ans",
        GROUP,
    ),
    RawSource(
        "estimations_population_departements",
        recensement.read_estimations_population_departements,
        "Estimations de population INSEE par département, sexe et âge quinquennal, 2015-2021",
        GROUP,
    ),
    RawSource(
        "neet",
        jeunesse.read_neet,
        "Part des 15-24 ans non insérés (NEET) par commune, EPCI, département et région, RP 2007-2018",
        GROUP,
    ),
    # CNAF
    RawSource(
        "caf_iris_2020",
        caf.read_caf_iris_2020,
        "CNAF au 31/12/2020 par IRIS : allocataires, RSA, AAH, prime d'activité, aides au logement",
        GROUP,
    ),
    RawSource(
        "cnaf_taux_couverture_communes",
        couverture_petite_enfance.read_taux_couverture_communes,
        "CNAF : taux de couverture de l'accueil des enfants de moins de 3 ans (places pour 100 enfants), "
        "communes de plus de 10 000 habitants, 2017-2022",
        GROUP,
    ),
    # Quartiers prioritaires (ANCT, ONPV)
    RawSource("qpv_communes_2024", qpv.read_qpv_communes_2024, "Liste des QPV 2024 et leurs communes", GROUP),
    RawSource(
        "qpv_demographie_2015",
        qpv.read_demographie_2015,
        "ONPV 2022, QPV 2015 : démographie et allocataires CNAF",
        GROUP,
    ),
    RawSource(
        "qpv_revenus_2015",
        qpv.read_revenus_2015,
        "ONPV 2022, QPV 2015 : revenus, taux de pauvreté, prestations",
        GROUP,
    ),
    RawSource(
        "qpv_insertion_2015",
        qpv.read_insertion_2015,
        "ONPV 2022, QPV 2015 : emploi et demandeurs d'emploi France Travail",
        GROUP,
    ),
    # France Travail (need side)
    RawSource(
        "ft_demandeurs_emploi_communes",
        france_travail.read_demandeurs_emploi_communes,
        "France Travail : demandeurs d'emploi par commune (2025)",
        GROUP,
    ),
    RawSource(
        "ft_clpe_communes",
        france_travail.read_clpe_communes,
        "France Travail : communes des comités locaux pour l'emploi (CLPE)",
        GROUP,
    ),
    RawSource(
        "ft_bassins_emploi_communes",
        france_travail.read_bassins_emploi_communes,
        "Bassins d'emploi par commune",
        GROUP,
    ),
    # ANCT grids
    RawSource(
        "anct_grille_densite",
        anct.read_grille_densite,
        "Grille communale de densité INSEE à 7 niveaux",
        GROUP,
    ),
    RawSource(
        "anct_grille_ruralite", anct.read_grille_ruralite, "Typologie des ruralités ANCT par commune", GROUP
    ),
    RawSource(
        "anct_grille_centralite",
        anct.read_grille_centralite,
        "Niveau de centralité ANCT-INRAE par commune",
        GROUP,
    ),
    # Transition écologique: tables derived by a third party, 411 communes of the Nord and the Pas-de-Calais
    RawSource(
        "te_cadre_urbain_59_62",
        transition_ecologique.read_cadre_urbain_59_62,
        "Logement et motorisation des ménages, 411 communes du Nord et du Pas-de-Calais (table dérivée "
        "par un tiers, couverture partielle)",
        GROUP,
    ),
    RawSource(
        "te_dpe_59_62",
        transition_ecologique.read_dpe_59_62,
        "Diagnostics de performance énergétique (ADEME) des logements diagnostiqués, 411 communes du Nord "
        "et du Pas-de-Calais (table dérivée par un tiers, couverture partielle)",
        GROUP,
    ),
    # DORA (GIP de l'inclusion)
    RawSource(
        "dora_stats_insertion_departements",
        dora.read_stats_insertion_departements,
        "GIP de l'inclusion, sept. 2023 : demandeurs d'emploi, BRSA, accompagnateurs par département",
        GROUP,
    ),
]

ASSETS = [raw_asset(source) for source in SOURCES]
