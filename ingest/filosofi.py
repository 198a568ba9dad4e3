"""Readers for INSEE Filosofi (revenus disponibles, pauvreté, niveau de vie).

Files (PROVENANCE.md §2), all ``;``-separated with decimal commas:

- ``filosofi/cc_filosofi_2021_COM.csv``: communes, Filosofi 2021 (COG 2023), ``s`` = secret;
- ``filosofi/filo2021_disp_pauvres_dep_extract.csv``: poverty rates by département, 2021;
- ``filosofi/FILO2019_DISP_{DEP,EPCI,REG,METROPOLE}.csv``: income distribution 2019
  (COG 2021), stacked into one table with ``niveau``;
- ``filosofi/series_dep_2014_2018/FILO{2014..2018}_DISP_{DEP,METROPOLE}.csv``: the
  same distribution by département for 2014-2018, reshaped to a long table (one row
  per territory and year, year suffix removed from the column names);
- ``filosofi/BASE_TD_FILO_IRIS_2021_DEC.csv.gz``: *declared* income by IRIS, 2021
  (``ns`` non significatif and ``so`` sans objet become NULL + ``_indisponible``).

The France métropolitaine rows carry the code ``1`` as published (``niveau = 'france'``).
"""

from __future__ import annotations

from pathlib import Path

from ingest.core import ColumnSpec as C
from ingest.core import (
    FileSpec,
    ReadResult,
    codgeo_measures,
    concat_results,
    csv_reader,
    insert_columns,
    number_columns,
    read_csv,
    with_year,
)

__all__ = [
    "FILOSOFI_2021_VINTAGE",
    "FILOSOFI_2019_VINTAGE",
    "SERIES_VINTAGE",
    "SERIES_YEARS",
    "read_communes_2021",
    "read_pauvrete_departements_2021",
    "read_revenus_2019",
    "read_revenus_series",
    "read_iris_2021",
]

FILOSOFI_2021_VINTAGE = "Filosofi 2021 (géographie COG 2023)"
FILOSOFI_2019_VINTAGE = "Filosofi 2019 (géographie COG 2021)"
SERIES_VINTAGE = "Filosofi 2014-2018 (départements et France métropolitaine)"
SERIES_YEARS = (2014, 2015, 2016, 2017, 2018)
SIREN = r"\d{9}"
REGION = r"\d{2}"
FRANCE_METROPOLE = r"1"

COMMUNES_2021 = codgeo_measures(
    "filosofi_communes_2021",
    FILOSOFI_2021_VINTAGE,
    "NBMENFISC21;NBPERSMENFISC21;MED21;PIMP21;TP6021;TP60AGE121;TP60AGE221;TP60AGE321;"
    "TP60AGE421;TP60AGE521;TP60AGE621;TP60TOL121;TP60TOL221;PACT21;PTSA21;PCHO21;PBEN21;"
    "PPEN21;PPAT21;PPSOC21;PPFAM21;PPMINI21;PPLOGT21;PIMPOT21;D121;D921;RD21",
)

PAUVRETE_DEPARTEMENTS_2021 = codgeo_measures(
    "filosofi_pauvrete_departements_2021",
    "Filosofi 2021, taux de pauvreté par département (extrait)",
    "TP4021;TP5021;TP6021;TP60Q221;TP60IP21",
    kind="departement",
)

_REVENUS_2019_MEASURES = (
    "NBMEN19;NBPERS19;NBUC19;Q119;Q219;Q319;Q3_Q1;D119;D219;D319;D419;D619;D719;D819;D919;RD;"
    "S80S2019;GI19;PACT19;PTSA19;PCHO19;PBEN19;PPEN19;PPAT19;PPSOC19;PPFAM19;PPMINI19;PPLOGT19;PIMPOT19"
)

# niveau -> (file suffix, codgeo column)
_REVENUS_2019_LEVELS = {
    "departement": ("DEP", C("CODGEO", "codgeo", kind="departement", required=True)),
    "epci": ("EPCI", C("CODGEO", "codgeo", kind="code", pattern=SIREN, required=True)),
    "region": ("REG", C("CODGEO", "codgeo", kind="code", pattern=REGION, required=True)),
    "france": ("METROPOLE", C("CODGEO", "codgeo", kind="code", pattern=FRANCE_METROPOLE, required=True)),
}

# The columns kept in the long series; sources carry the year suffix (RD has none).
_SERIES_COLUMNS = [
    C("NBMEN{yy}", "nbmen", kind="number", optional=True),
    C("NBPERS{yy}", "nbpers", kind="number", optional=True),
    C("Q1{yy}", "q1", kind="number", optional=True),
    C("Q2{yy}", "q2", kind="number", optional=True),
    C("Q3{yy}", "q3", kind="number", optional=True),
    C("D1{yy}", "d1", kind="number", optional=True),
    C("D9{yy}", "d9", kind="number", optional=True),
    C("RD", "rd", kind="number", optional=True),
    C("GI{yy}", "gi", kind="number", optional=True),
]

_SERIES_LEVELS = {
    "departement": ("DEP", C("CODGEO", "codgeo", kind="departement", required=True)),
    "france": ("METROPOLE", C("CODGEO", "codgeo", kind="code", pattern=FRANCE_METROPOLE, required=True)),
}

IRIS_2021 = FileSpec(
    table="filosofi_iris_2021",
    vintage="Filosofi 2021, revenus déclarés par IRIS (géographie IRIS 2023)",
    columns=[
        C("IRIS", "iris", kind="code", pattern=r"(?:\d{5}|2[AB]\d{3})\d{4}", required=True),
        *number_columns(
            "DEC_PIMP21;DEC_TP6021;DEC_INCERT21;DEC_Q121;DEC_MED21;DEC_Q321;DEC_EQ21;DEC_D121;DEC_D221;"
            "DEC_D321;DEC_D421;DEC_D621;DEC_D721;DEC_D821;DEC_D921;DEC_RD21;DEC_S80S2021;DEC_GI21;"
            "DEC_PACT21;DEC_PTSA21;DEC_PCHO21;DEC_PBEN21;DEC_PPEN21;DEC_PAUT21;DEC_NOTE21"
        ),
    ],
)


# Filosofi 2021 by commune (COG 2023): households, median, poverty rates, deciles.
read_communes_2021 = csv_reader("filosofi/cc_filosofi_2021_COM.csv", COMMUNES_2021)
# Poverty rates at 40/50/60 % of the median by département, Filosofi 2021.
read_pauvrete_departements_2021 = csv_reader(
    "filosofi/filo2021_disp_pauvres_dep_extract.csv", PAUVRETE_DEPARTEMENTS_2021
)


def read_revenus_2019(data_dir: Path) -> ReadResult:
    """Filosofi 2019 income distribution by département, EPCI, région and France métropolitaine."""
    results = []
    for niveau, (suffix, code) in _REVENUS_2019_LEVELS.items():
        spec = FileSpec(
            table="filosofi_revenus_2019",
            vintage=FILOSOFI_2019_VINTAGE,
            columns=[code, C("LIBGEO", "libgeo", required=True), *number_columns(_REVENUS_2019_MEASURES)],
        )
        result = read_csv(Path(data_dir) / "filosofi" / f"FILO2019_DISP_{suffix}.csv", spec)
        results.append(insert_columns(result, {"niveau": niveau}))
    return concat_results("filosofi_revenus_2019", results, FILOSOFI_2019_VINTAGE)


def read_revenus_series(data_dir: Path) -> ReadResult:
    """Filosofi 2014-2018 by département and France métropolitaine, one row per year."""
    folder = Path(data_dir) / "filosofi" / "series_dep_2014_2018"
    results = []
    for year in SERIES_YEARS:
        for niveau, (suffix, code) in _SERIES_LEVELS.items():
            spec = FileSpec(
                table="filosofi_revenus_series",
                vintage=SERIES_VINTAGE,
                columns=[code, C("LIBGEO", "libgeo", required=True), *with_year(_SERIES_COLUMNS, year)],
            )
            result = read_csv(folder / f"FILO{year}_DISP_{suffix}.csv", spec)
            results.append(insert_columns(result, {"annee": year, "niveau": niveau}))
    return concat_results("filosofi_revenus_series", results, SERIES_VINTAGE)


def read_iris_2021(data_dir: Path) -> ReadResult:
    """Filosofi 2021 declared income by IRIS, with the commune code (first 5 characters)."""
    result = read_csv(Path(data_dir) / "filosofi" / "BASE_TD_FILO_IRIS_2021_DEC.csv.gz", IRIS_2021)
    return insert_columns(result, {"code_commune": lambda f: f["iris"].str[:5]}, after="iris")
