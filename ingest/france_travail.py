"""Readers for France Travail, need side: job seekers by commune, CLPE and bassins.

Files (PROVENANCE.md §6), comma separated:

- ``france-travail/demandeurs_emploi_communes_2025.csv``: job seekers by commune
  compiled by the GIP de l'inclusion in early 2025 (rounded to 5; category and
  reference date not documented by the publisher);
- ``france-travail/clpe_communes.csv``: the commune → CLPE (comité local pour
  l'emploi) table of France Travail, as published (``region_id`` of the overseas
  régions is written without its leading zero, e.g. ``1`` for Guadeloupe: kept as is);
- ``france-travail/bassins_emploi_communes.csv``: commune → bassin d'emploi.
"""

from __future__ import annotations

from ingest.core import ColumnSpec as C
from ingest.core import FileSpec, csv_reader

__all__ = ["read_demandeurs_emploi_communes", "read_clpe_communes", "read_bassins_emploi_communes"]


def _gip(table: str, vintage: str, *columns: C) -> FileSpec:
    """A comma-separated file of the France Travail and GIP de l'inclusion compilations."""
    return FileSpec(table=table, vintage=vintage, sep=",", columns=list(columns))


DEMANDEURS_EMPLOI_COMMUNES = _gip(
    "ft_demandeurs_emploi_communes",
    "France Travail, demandeurs d'emploi par commune (compilation GIP de l'inclusion, 2025)",
    C("code_insee", kind="commune", required=True),
    C("nom_commune"),
    C("nb_demandeurs_emploi", kind="integer", required=True),
)

CLPE_COMMUNES = _gip(
    "ft_clpe_communes",
    "France Travail, communes des CLPE 2025-2026",
    C("commune_id", kind="commune", required=True),
    C("territoire_id", kind="code", pattern=r"CLPE[0-9A-Z]{5}", required=True),
    C("territoire_libelle", required=True),
    C("departement_id", kind="departement", required=True),
    C("nom_departement"),
    C("region_id", kind="code", pattern=r"\d{1,3}", required=True),
    C("nom_region"),
)

BASSINS_EMPLOI_COMMUNES = _gip(
    "ft_bassins_emploi_communes",
    "Bassins d'emploi par commune (GIP de l'inclusion, 2025)",
    C("dep", kind="departement", required=True),
    C("bassin_emploi", required=True),
    C("code_insee", kind="commune", required=True),
)


# Job seekers by commune (France Travail, 2025).
read_demandeurs_emploi_communes = csv_reader(
    "france-travail/demandeurs_emploi_communes_2025.csv", DEMANDEURS_EMPLOI_COMMUNES
)
# Commune → CLPE territory of France Travail.
read_clpe_communes = csv_reader("france-travail/clpe_communes.csv", CLPE_COMMUNES)
# Commune → bassin d'emploi.
read_bassins_emploi_communes = csv_reader(
    "france-travail/bassins_emploi_communes.csv", BASSINS_EMPLOI_COMMUNES
)
