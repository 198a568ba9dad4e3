"""Readers for the census (RP) extracts and the INSEE population estimates.

Files (PROVENANCE.md §3):

- ``insee-rp/base_cc_comparateur_rp2022_dep93.csv``: INSEE « Comparateur de
  territoires » (RP 2022, geography 2025) for the communes of Seine-Saint-Denis.
  RP counts are weighted estimates written with a decimal *point*
  (``34990.0902194347``), ``SUPERF`` too (``5.76``); the Filosofi columns
  (``PIMP21``, ``MED21``, ``TP6021``) use decimal commas or ``s``. A commune merged
  in 2025 (93059) keeps only its Filosofi values: its empty RP cells are NULL and
  listed in ``_indisponible``.
- ``insee-rp/dossier_complet_extrait_rp2022_dep93.csv``: first columns of the INSEE
  « Dossier complet » (age bands, households, activity and unemployment by age).
- ``insee-estimations-pop/estim_pop_dep_sexe_age_quinquennal_2015_2021.csv``
  (comma separated): population estimates at 1 January by département, sex and
  five-year age band, 2015-2021. A row whose age bands do not add up to its
  ``aTotal`` is quarantined (the snapshot has one: Corrèze 2021, ``a65_69`` = 1
  where men + women give 17 901).
"""

from __future__ import annotations

from pathlib import Path

from ingest.core import ColumnSpec as C
from ingest.core import FileSpec, ReadResult, number_columns, read_csv

__all__ = [
    "RP_VINTAGE",
    "ESTIMATIONS_VINTAGE",
    "read_comparateur_2022",
    "read_dossier_complet_2022",
    "read_estimations_population_departements",
]

RP_VINTAGE = "RP 2022 (géographie 2025), Filosofi 2021"
ESTIMATIONS_VINTAGE = "Estimations de population au 1er janvier 2015-2021 (2020-2021 provisoires)"

COMPARATEUR_2022 = FileSpec(
    table="rp_comparateur_2022",
    vintage=RP_VINTAGE,
    columns=[
        C("CODGEO", "codgeo", kind="commune", required=True),
        *number_columns(
            "P22_POP;P16_POP;SUPERF;NAIS1621;DECE1621;P22_MEN;NAISD24;DECESD24;P22_LOG;P22_RP;"
            "P22_RSECOCC;P22_LOGVAC;P22_RP_PROP;NBMENFISC21;PIMP21;MED21;TP6021;P22_EMPLT;"
            "P22_EMPLT_SAL;P16_EMPLT;P22_POP1564;P22_CHOM1564;P22_ACT1564;ETTOT24;ETAZ24;ETBE24;"
            "ETFZ24;ETGU24;ETOQ24;ETTEF124;ETTEFP1024"
        ),
    ],
)

DOSSIER_COMPLET_2022 = FileSpec(
    table="rp_dossier_complet_2022",
    vintage="RP 2022, RP 2016, RP 2011 (Dossier complet, extrait)",
    columns=[
        C("CODGEO", "codgeo", kind="commune", required=True),
        *number_columns(
            "P22_POP0014;P22_POP1529;P22_POP3044;P22_POP4559;P22_POP6074;P22_POP7589;P22_POP90P;"
            "P16_POP;P11_POP;C22_MENPSEUL;C22_MENFAM;C22_COUPAENF;C22_FAMMONO;C22_COUPSENF;"
            "P22_ACT1524;P22_ACT2554;P22_ACT5564;P22_CHOM1524;P22_CHOM2554;P22_CHOM5564"
        ),
    ],
)

AGE_BANDS = (
    "a0_4,a5_9,a10_14,a15_19,a20_24,a25_29,a30_34,a35_39,a40_44,a45_49,a50_54,a55_59,"
    "a60_64,a65_69,a70_74,a75_79,a80_84,a85_89,a90_94,a95_plus,aTotal"
)

_BANDS = [name for name in AGE_BANDS.split(",") if name != "aTotal"]


def bands_add_up(row: dict[str, object]) -> tuple[str, str] | None:
    """Check that the five-year age bands of a row add up to its total.

    Examples
    --------
    >>> row = dict.fromkeys(_BANDS, 1) | {"atotal": 20}
    >>> bands_add_up(row) is None
    True
    >>> bands_add_up(row | {"atotal": 21})
    ('aTotal', 'age bands add up to 20, not to aTotal 21')
    """
    total = sum(int(row[name]) for name in _BANDS)
    if total != row["atotal"]:
        return "aTotal", f"age bands add up to {total}, not to aTotal {row['atotal']}"
    return None


ESTIMATIONS_DEPARTEMENTS = FileSpec(
    table="estimations_population_departements",
    vintage=ESTIMATIONS_VINTAGE,
    sep=",",
    row_check=bands_add_up,
    columns=[
        C("annee", kind="integer", required=True),
        C("dep", kind="departement", required=True),
        C("nom", required=True),
        C("sexe", kind="code", pattern=r"ensemble|hommes|femmes", required=True),
        *number_columns(AGE_BANDS, sep=",", kind="integer", required=True),
    ],
)


def read_comparateur_2022(data_dir: Path) -> ReadResult:
    """INSEE Comparateur de territoires (RP 2022) for the communes of the extract."""
    return read_csv(Path(data_dir) / "insee-rp" / "base_cc_comparateur_rp2022_dep93.csv", COMPARATEUR_2022)


def read_dossier_complet_2022(data_dir: Path) -> ReadResult:
    """INSEE Dossier complet (RP 2022 extract): age bands, families, activity by age."""
    return read_csv(
        Path(data_dir) / "insee-rp" / "dossier_complet_extrait_rp2022_dep93.csv", DOSSIER_COMPLET_2022
    )


def read_estimations_population_departements(data_dir: Path) -> ReadResult:
    """INSEE population estimates by département, sex and five-year age band, 2015-2021."""
    return read_csv(
        Path(data_dir) / "insee-estimations-pop" / "estim_pop_dep_sexe_age_quinquennal_2015_2021.csv",
        ESTIMATIONS_DEPARTEMENTS,
    )
