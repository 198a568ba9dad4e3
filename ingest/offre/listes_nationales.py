"""Readers for the national (and regional) lists of supply: one structures table per list.

Each list becomes ``raw.offre_structures__<src>`` (and, for the lieux de médiation
numérique, ``raw.offre_services__mediation_numerique``) with the columns of the offer
contract (:mod:`ingest.offre._common`). ``source`` is the table's source name;
``typologie`` is the schema v0 code of the list's kind when one exists (``RFS``, ``FT``,
``ML``, ``ACI``/``EI``/``AI``/``ETTI``, ``GEIQ``, ``TIERS_LIEUX``...) and otherwise the
list's own kind (``ESAT``, ``CNFS``, ``MEDIATION_NUMERIQUE``); ``reseaux_porteurs``
holds the v1 network the list implies, only if that code exists in
``data-inclusion-schema/referentiels_v1.csv``. The lists giving one structure per row are
declared as :class:`ListeNationale` (file, columns, how each output column is read), the others
(several rows per row, a dispositif, several files) as :class:`Liste` (file or files, columns, row
function); every list is read by the one reader :func:`read_liste`, and its ``read_*`` function is
made from its declaration (:func:`ingest.offre.listes_base.lecteur`).

Files and choices (PROVENANCE.md §6, §8, §11):

``france_services``       ``france-services/liste_france_services_20240801.csv`` (quoted
                          fields with newlines), id = ``id_fs``.
``siae``                  ``siae/liste_siae_2019_07.csv`` (ASP, July 2019, no coordinates):
                          one row per (SIRET, mesure, département code), id =
                          ``<SIRET>-<MESURE>-<CODE_DEPARTEMENT>``; ``departement`` is the
                          2-3 character code (``093`` → ``93``, Nord's ``59L``/``59V`` →
                          ``59``) and ``departement_origine`` keeps the given one.
``siae_geocodees``        ``siae/lemarche_fixture_siae_geiq_2019_geocoded.csv`` (le marché
                          de l'inclusion: the same ASP list plus GEIQ and a few EA, with
                          coordinates), id = ``pk``. Kept as its own table, not merged with
                          ``siae``: the two are joined by SIRET in dbt like any two sources.
``geiq``                  ``siae/geiq_2019_11.csv``, id = SIRET as given.
``esat``                  ``esat/esat_liste_finess.csv``, id = FINESS of the establishment,
                          ``capacite`` = authorised places.
``ft_agences``            ``france-travail/agences_pole_emploi_2019.csv`` (no INSEE code:
                          commune name and postcode only), id = ``REFERENCE_PE``;
                          ``type_site`` tells agencies (ALE) from directions (DDA/DRA).
``missions_locales``      ``prescripteurs/prescripteurs_habilites_2019_62_67_93.csv``, the
                          rows whose name says "mission locale".
``prescripteurs``         the other rows of the same file (PJJ, SPIP, Cap emploi, Pôle
                          emploi, others), typologie from the name.
``cnfs``                  ``conseillers-numeriques/cnfs_structures_2021.csv``,
                          ``nb_conseillers`` = advisers granted in 2021.
``fabriques_territoire``  ``anct/fabriques_de_territoire.csv``: one row per fabrique (rows
                          grouping several fabriques of one commune are split); the
                          coordinates are the commune's point, not an address.
``cites_educatives``      ``anct/cites_educatives.csv``: a *dispositif* (label of a
                          territory), not a structure: ``raw.offre_dispositifs__cites_educatives``.
``mediation_numerique``   ``mediation-numerique/*.csv.gz`` (regional samples), id =
                          ``<file>--<id>``; one service per lieu whose ``thematiques`` are
                          the lieu's service labels as given.
"""

from __future__ import annotations

# the lists are read in three modules (issue 13 point 6); this one is their index, and the
# place the orchestration and the other readers import them from
from ingest.offre.listes_base import Liste, ListeNationale, read_liste
from ingest.offre.listes_insertion import (
    ESAT,
    FT_AGENCES,
    GEIQ,
    MISSIONS_LOCALES,
    PRESCRIPTEURS,
    SIAE,
    SIAE_GEOCODEES,
    is_mission_locale,
    prescripteur_kind,
    read_esat,
    read_ft_agences,
    read_geiq,
    read_missions_locales,
    read_prescripteurs,
    read_siae,
    read_siae_geocodees,
)
from ingest.offre.listes_lieux import (
    CITES_EDUCATIVES,
    CNFS,
    DISPOSITIF_COLUMNS,
    FABRIQUES_TERRITOIRE,
    FRANCE_SERVICES,
    MEDIATION_NUMERIQUE_SERVICES,
    MEDIATION_NUMERIQUE_STRUCTURES,
    read_cites_educatives,
    read_cnfs,
    read_fabriques_territoire,
    read_france_services,
    read_mediation_numerique_services,
    read_mediation_numerique_structures,
    split_grouped_labels,
)

__all__ = [
    "DISPOSITIF_COLUMNS",
    "Liste",
    "ListeNationale",
    "FRANCE_SERVICES",
    "SIAE",
    "SIAE_GEOCODEES",
    "GEIQ",
    "ESAT",
    "FT_AGENCES",
    "MISSIONS_LOCALES",
    "PRESCRIPTEURS",
    "CNFS",
    "FABRIQUES_TERRITOIRE",
    "CITES_EDUCATIVES",
    "MEDIATION_NUMERIQUE_STRUCTURES",
    "MEDIATION_NUMERIQUE_SERVICES",
    "read_liste",
    "read_france_services",
    "read_siae",
    "read_siae_geocodees",
    "read_geiq",
    "read_esat",
    "read_ft_agences",
    "read_missions_locales",
    "read_prescripteurs",
    "read_cnfs",
    "read_fabriques_territoire",
    "read_cites_educatives",
    "read_mediation_numerique_structures",
    "read_mediation_numerique_services",
    "split_grouped_labels",
    "is_mission_locale",
    "prescripteur_kind",
]
