"""Reader for the DORA ``stats_insertion`` seed: insertion figures by département.

File (PROVENANCE.md §11): ``dora/stats_insertion_departements_2023.csv`` (comma
separated), a GIP de l'inclusion seed updated by hand, September 2023: estimated
number of professional accompagnateurs, job seekers (``Num Dea 202309``), RSA
recipients registered at France Travail (``Num Brsa 202309``) and their sum,
France Travail advisers using les emplois de l'inclusion. Column names are
rewritten to snake case (``Code Dept`` → ``code_departement``). A row where
``Num Dea Brsa`` is not ``Num Dea 202309 + Num Brsa 202309`` is quarantined.
"""

from __future__ import annotations

from ingest.core import ColumnSpec as C
from ingest.core import FileSpec, csv_reader

__all__ = ["read_stats_insertion_departements", "sum_is_consistent"]


def sum_is_consistent(row: dict[str, object]) -> tuple[str, str] | None:
    """Job seekers + RSA recipients must equal the published sum.

    Examples
    --------
    >>> sum_is_consistent({"num_dea_brsa": 30, "num_dea_202309": 20, "num_brsa_202309": 10}) is None
    True
    >>> sum_is_consistent({"num_dea_brsa": 31, "num_dea_202309": 20, "num_brsa_202309": 10})
    ('Num Dea Brsa', 'Num Dea 202309 + Num Brsa 202309 = 30, not 31')
    >>> sum_is_consistent({"num_dea_brsa": None, "num_dea_202309": 20, "num_brsa_202309": 10}) is None
    True
    """
    parts = (row["num_dea_202309"], row["num_brsa_202309"])
    if row["num_dea_brsa"] is None or None in parts:
        return None
    if sum(parts) != row["num_dea_brsa"]:
        return "Num Dea Brsa", f"Num Dea 202309 + Num Brsa 202309 = {sum(parts)}, not {row['num_dea_brsa']}"
    return None

STATS_INSERTION = FileSpec(
    table="dora_stats_insertion_departements",
    vintage="GIP de l'inclusion, données départementales insertion, septembre 2023",
    sep=",",
    row_check=sum_is_consistent,
    columns=[
        C("Code Dept", "code_departement", kind="departement", required=True),
        C("Nom Dept", "nom_departement", required=True),
        C("Num Accompagnateurs", "num_accompagnateurs", kind="integer"),
        C("Num Dea Brsa", "num_dea_brsa", kind="integer"),
        C("Num Conseillers Ft Les Emplois", "num_conseillers_ft_les_emplois", kind="integer"),
        C("Num Dea 202309", "num_dea_202309", kind="integer"),
        C("Num Brsa 202309", "num_brsa_202309", kind="integer"),
    ],
)


# DORA insertion figures by département (September 2023).
read_stats_insertion_departements = csv_reader("dora/stats_insertion_departements_2023.csv", STATS_INSERTION)
