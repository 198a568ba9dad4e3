"""Reader for the contrats de ville 2015-2023 (ANCT, politique de la ville).

File (PROVENANCE.md §11): ``politique-ville/contrats_de_ville_2015_2023.csv``, comma separated:
``code_cv`` (contract key, ``CV001``), ``lib_cv`` (``93 - CA Plaine Commune``), ``codgeo`` (SIREN of
the signatory EPCI of the time, or commune code), ``insee_dep``, ``pop`` (QPV population covered),
``longitude``, ``latitude`` (label point). EPCI SIRENs are those of 2015: several EPCI have since
been dissolved (in the Grand Paris, into the EPT of 2016); the graph code maps them to today's
territories, not this reader. ``insee_dep`` is empty for three contracts of Corsica (kept:
the graph places them by their label point).
"""

from __future__ import annotations

from ingest.core import ColumnSpec as C
from ingest.core import FileSpec, csv_reader

__all__ = ["CONTRATS_DE_VILLE", "read_contrats_de_ville"]

CONTRATS_DE_VILLE = FileSpec(
    table="politique_ville_contrats",
    vintage="ANCT, contrats de ville 2015-2023",
    sep=",",
    columns=[
        C("code_cv", kind="code", pattern=r"CV\d{3,4}", required=True),
        C("lib_cv", required=True),
        C("codgeo", kind="code", pattern=r"\d{9}|\d{5}|2[AB]\d{3}", required=True),
        C("insee_dep", kind="departement"),  # empty for the 3 Corsican contracts
        C("pop", kind="number"),
        C("longitude", kind="number"),
        C("latitude", kind="number"),
    ],
)


# The 434 contrats de ville 2015-2023 with their signatory code and label point.
read_contrats_de_ville = csv_reader("politique-ville/contrats_de_ville_2015_2023.csv", CONTRATS_DE_VILLE)
