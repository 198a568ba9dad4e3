"""Reader for the CNAF allocataires by IRIS (INSEE « données infracommunales »).

File (PROVENANCE.md §4): ``caf/data_CAF_2020_IRIS.csv``, situation at 31/12/2020,
``;``-separated. ``CODGEO`` is the 9-character IRIS code (its first 5 characters are
the commune, 2020 geography); ``NOTE`` is the publisher's quality flag (0 = published;
otherwise the whole row is withheld).

An **empty cell is secret** here (NULL + ``_secret``): CNAF blanks small counts.
The snapshot's cleaning stripped the trailing empty cells of a row (a withheld IRIS
is reduced to ``CODGEO;NOTE``), so short rows are padded with empty, hence secret,
cells (``pad_short_rows``).
"""

from __future__ import annotations

from pathlib import Path

from ingest.core import ColumnSpec as C
from ingest.core import FileSpec, ReadResult, insert_columns, number_columns, read_csv

__all__ = ["CAF_VINTAGE", "IRIS_CODE", "read_caf_iris_2020"]

CAF_VINTAGE = "CNAF au 31/12/2020, par IRIS (géographie 2020)"
IRIS_CODE = r"(?:\d{5}|2[AB]\d{3})\d{4}"

CAF_IRIS_2020 = FileSpec(
    table="caf_iris_2020",
    vintage=CAF_VINTAGE,
    pad_short_rows=True,
    columns=[
        C("CODGEO", "codgeo", kind="code", pattern=IRIS_CODE, required=True),
        C("NOTE", "note", kind="integer", required=True),
        *number_columns(
            "A;PERCOU;AI;AM;ACSSENF;ACAVENF;AC3ENF;ENF;ENF_2;ENF_3_5;ENF_6_10;ENF_11_14;ENF_15_17;"
            "ENF_18_24;A_ETUD;A_NETUD_24;AAL;AAPL;AAAH;APPA;ARSAS",
            empty_is_secret=True,
        ),
    ],
)


def read_caf_iris_2020(data_dir: Path) -> ReadResult:
    """CNAF allocataires and benefits by IRIS, with the commune code (first 5 characters)."""
    result = read_csv(Path(data_dir) / "caf" / "data_CAF_2020_IRIS.csv", CAF_IRIS_2020)
    return insert_columns(result, {"code_commune": lambda f: f["codgeo"].str[:5]}, after="codgeo")
