"""Reader for the share of young people neither in employment nor in education (NEET).

Files (PROVENANCE.md §3): ``jeunesse/neet_communes.csv.gz``, ``neet_epci.csv``,
``neet_dpt.csv``, ``neet_region.csv``, exports in the format of the ANCT Observatoire
des territoires (``codgeo;libgeo;an;part_non_inseres``, decimal comma), computed from
the census (RP 2008/2013/2018; départements and régions also 2007/2012/2017).

The rate is missing where it is not published (small communes, Mayotte): the
snapshot's cleaning stripped those trailing empty cells, so short rows are padded
(``pad_short_rows``) and the rate is NULL and listed in ``_indisponible``.
"""

from __future__ import annotations

from pathlib import Path

from ingest.core import ColumnSpec as C
from ingest.core import FileSpec, ReadResult, concat_results, insert_columns, read_csv

__all__ = ["NEET_VINTAGE", "NEET_FILES", "read_neet"]

NEET_VINTAGE = "RP 2007-2018, jeunes non insérés (Observatoire des territoires, géographie 2021-2022)"

# niveau -> (file name, codgeo column)
NEET_FILES = {
    "commune": ("neet_communes.csv.gz", C("codgeo", kind="commune", required=True)),
    "epci": ("neet_epci.csv", C("codgeo", kind="code", pattern=r"\d{9}", required=True)),
    "departement": ("neet_dpt.csv", C("codgeo", kind="departement", required=True)),
    "region": ("neet_region.csv", C("codgeo", kind="code", pattern=r"\d{2}", required=True)),
}


def _spec(code: C) -> FileSpec:
    return FileSpec(
        table="neet",
        vintage=NEET_VINTAGE,
        pad_short_rows=True,
        columns=[
            code,
            C("libgeo", required=True),
            C("an", "annee", kind="integer", required=True),
            C("part_non_inseres", kind="number"),
        ],
    )


def read_neet(data_dir: Path) -> ReadResult:
    """NEET rates (% of 15-24-year-olds) by commune, EPCI, département and région, stacked."""
    folder = Path(data_dir) / "jeunesse"
    results = [
        insert_columns(read_csv(folder / name, _spec(code)), {"niveau": niveau})
        for niveau, (name, code) in NEET_FILES.items()
    ]
    return concat_results("neet", results, NEET_VINTAGE)
