"""Reader for the DORA ``stats_insertion`` seed: insertion figures by département.

File (PROVENANCE.md §11): ``dora/stats_insertion_departements_2023.csv`` (comma
separated), a GIP de l'inclusion seed updated by hand, September 2023: estimated
number of professional accompagnateurs, job seekers (``Num Dea 202309``), RSA
recipients registered at France Travail (``Num Brsa 202309``) and their sum,
France Travail advisers using les emplois de l'inclusion. Column names are
rewritten to snake case (``Code Dept`` → ``code_departement``).
"""

from __future__ import annotations

from pathlib import Path

from ingest.core import ColumnSpec as C
from ingest.core import FileSpec, ReadResult, read_csv

__all__ = ["read_stats_insertion_departements"]

STATS_INSERTION = FileSpec(
    table="dora_stats_insertion_departements",
    vintage="GIP de l'inclusion, données départementales insertion, septembre 2023",
    sep=",",
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


def read_stats_insertion_departements(data_dir: Path) -> ReadResult:
    """DORA insertion figures by département (September 2023)."""
    return read_csv(Path(data_dir) / "dora" / "stats_insertion_departements_2023.csv", STATS_INSERTION)
