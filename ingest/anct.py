"""Readers for the ANCT commune grids: density, rurality, centrality.

Files (PROVENANCE.md §8): ``anct/grille_{densite,ruralite,centralite}_communes.csv.gz``
(comma separated, gzip), ``insee_com``, ``lib_com`` and the level. The rurality
labels start with a space in the source; text values are stripped on reading.
The centrality grid has no level for 129 overseas communes, written ``- undefined``
(a JavaScript artefact of the exporting tool): read as NULL + ``_indisponible``.
"""

from __future__ import annotations

from pathlib import Path

from ingest.core import ColumnSpec as C
from ingest.core import FileSpec, ReadResult, read_csv

__all__ = ["GRILLES", "read_grille_densite", "read_grille_ruralite", "read_grille_centralite"]

NOT_AVAILABLE = ("- undefined",)

# table suffix -> vintage of the grid
GRILLES = {
    "densite": "Grille communale de densité INSEE à 7 niveaux (ANCT, 2025-2026)",
    "ruralite": "Typologie des campagnes / ruralités ANCT (2025-2026)",
    "centralite": "Centralités ANCT-INRAE (2025-2026)",
}


def _spec(grille: str) -> FileSpec:
    return FileSpec(
        table=f"anct_grille_{grille}",
        vintage=GRILLES[grille],
        sep=",",
        columns=[
            C("insee_com", kind="commune", required=True),
            C("lib_com"),
            C(f"niveau_{grille}", required=True, na_values=NOT_AVAILABLE),
        ],
    )


def _read(data_dir: Path, grille: str) -> ReadResult:
    return read_csv(Path(data_dir) / "anct" / f"grille_{grille}_communes.csv.gz", _spec(grille))


def read_grille_densite(data_dir: Path) -> ReadResult:
    """INSEE 7-level density grid by commune."""
    return _read(data_dir, "densite")


def read_grille_ruralite(data_dir: Path) -> ReadResult:
    """ANCT rurality typology by commune."""
    return _read(data_dir, "ruralite")


def read_grille_centralite(data_dir: Path) -> ReadResult:
    """ANCT-INRAE centrality level by commune."""
    return _read(data_dir, "centralite")
