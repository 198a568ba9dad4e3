"""Readers for the quartiers prioritaires de la politique de la ville (QPV).

Files (PROVENANCE.md §5):

- ``qpv/qpv_2024_communes.csv`` (comma separated): the 2024 QPV list (codes
  ``QN…``), one row per (QPV, commune).
- ``qpv/DEMO_2022_qpv2015.csv``, ``REVN_2022_qpv2015.csv``, ``IPRO_2022_qpv2015.csv``:
  ONPV / SIG Ville statistics, millésime 2022, on the **2015** QPV list (codes
  ``QP…``): demography and CNAF counts, income and benefits, employment and
  France Travail job seekers. ``;``-separated, decimal commas, spaces (also narrow
  no-break spaces) as thousands separators (``1 075``).

Empty cells: ONPV leaves blank every value it does not publish, either one cell
under the diffusion thresholds (the block's ``NOTE_*`` is 0) or a whole block of a
source judged unreliable or withheld for that QPV (``NOTE_*`` 3 to 5; ``NOTE_*``
closes the block of columns before it). Both are withheld by the publisher, so an
empty numeric cell is read as **secret** (NULL + ``_secret``); the ``NOTE_*``
columns are kept (an empty ``NOTE_*`` is ``_indisponible``) so that later steps can
tell the two cases apart.

``REVN``: the snapshot's cleaning stripped the trailing empty cells of the seven
Martinique QPV (no CNAM/CNAF block): short rows are padded with empty cells
(``pad_short_rows``), so those values are NULL + secret like the other blanks.
"""

from __future__ import annotations

from ingest.core import ColumnSpec as C
from ingest.core import FileSpec, csv_reader, number_columns

__all__ = [
    "QPV_2024_CODE",
    "QPV_2015_CODE",
    "ONPV_VINTAGE",
    "read_qpv_communes_2024",
    "read_demographie_2015",
    "read_revenus_2015",
    "read_insertion_2015",
]

QPV_2024_CODE = r"QN\d[0-9][0-9AB]\d{2}[A-Z]"
QPV_2015_CODE = r"QP\d[0-9][0-9AB]\d{3}"
ONPV_VINTAGE = "ONPV données QPV millésime 2022 (liste des QPV 2015)"


def _onpv_columns(header: str) -> list[C]:
    """Numeric ONPV columns: empty = secret, except the NOTE_* quality flags."""
    return [
        C(c.source, kind="integer") if c.source.startswith("NOTE") else c
        for c in number_columns(header, empty_is_secret=True)
    ]


def _onpv_2015(table: str, header: str, *labels: C, pad_short_rows: bool = False) -> FileSpec:
    """An ONPV file on the 2015 QPV list: the QPV code and name, ``labels``, then its measures."""
    return FileSpec(
        table=table,
        vintage=ONPV_VINTAGE,
        pad_short_rows=pad_short_rows,
        columns=[
            C("CODGEO", "codgeo", kind="code", pattern=QPV_2015_CODE, required=True),
            C("LIBGEO", "libgeo", required=True),
            *labels,
            *_onpv_columns(header),
        ],
    )


QPV_COMMUNES_2024 = FileSpec(
    table="qpv_communes_2024",
    vintage="QPV 2024 (décret du 28/12/2023), communes COG 2026",
    sep=",",
    columns=[
        C("code_qp", kind="code", pattern=QPV_2024_CODE, required=True),
        C("lib_qp", required=True),
        C("insee_com", kind="commune", required=True),
        C("nom_commune"),
        C("dep", kind="departement", required=True),
    ],
)

DEMOGRAPHIE_2015 = _onpv_2015(
    "qpv_demographie_2015",
    "POP_MUN;POP_COM_QP;POP_COM;TX_F;TX_TOT_0A24;TX_F_0A24;TX_TOT_60ETPLUS;TX_F_60ETPLUS;"
    "IND_JEUNE;TX_TOT_MEN1;TX_TOT_MEN6;TX_TOT_ET;TX_F_ET;NOTE_RP;A;PERCOU;AM;AI;ACSSENF;"
    "ACAVENF;AC3ENF;A_NETUD_24;A_ETUD;ENF;ENF_2;ENF_3_5;ENF_6_10;ENF_11_14;ENF_15_17;"
    "ENF_18_24;NOTE_CNAF",
    C("LIB_COM", "lib_com"),
)

REVENUS_2015 = _onpv_2015(
    "qpv_revenus_2015",
    "PMIMP;DECUC_Q2;DECUC_Q1;DECUC_Q3;BREV;DECUC_D1;DECUC_D9;DECUC_D1D9;DISP_Q2;DISP_Q1;"
    "DISP_Q3;TP60;DISP_D1;DISP_D9;DISP_D1D9;PACT;PPEN;PPSOC;PIMPOT;PPAT;NOTE_FILO;C;C_C2SNP;"
    "C_C2SP;NOTE_CNAM;A;APPA;ARSAS;AAAH;NOTE_CNAF",
    pad_short_rows=True,
)

INSERTION_2015 = _onpv_2015(
    "qpv_insertion_2015",
    "TX_TOT_EMPL;TX_F_EMPL;TX_ET_EMPL;TX_TOT_EDLIM;TX_F_EDLIM;TX_ET_EDLIM;CA;NOTE_ASP;"
    "EVOL_CA_N_E ;NOTE_ASP_E;ABCDE;ABCDE_F;ABCDE_H;ABC;ABC_F;ABC_H;ABC_RSA;ABC_RSA_F;ABC_RSA_H;"
    "A;A_F;A_H;ABC_25;ABC_2649;ABC_50;ABC_FR;ABC_E;ABC_INFCAPBEP;ABC_CAPBEP;ABC_BAC;ABC_SUPBAC;"
    "ABC_INFCAPBEP_F;ABC_CAPBEP_F;ABC_BAC_F;ABC_SUPBAC_F;ABC_INFCAPBEP_H;ABC_CAPBEP_H;ABC_BAC_H;"
    "ABC_SUPBAC_H;ABC_DUR1;ABC_DUR2;ABC_DUR3;ABC_DUR4;ABC_DUR1_F;ABC_DUR2_F;ABC_DUR3_F;"
    "ABC_DUR4_F;ABC_DUR1_H;ABC_DUR2_H;ABC_DUR3_H;ABC_DUR4_H;NOTE_PE;EVOL_ABC_T4;EVOL_ABC_F_T4;"
    "EVOL_ABC_H_T4;EVOL_A_T4;EVOL_A_F_T4;EVOL_A_H_T4;NOTE_PE_T",
)


# 2024 QPV list, one row per (QPV, commune).
read_qpv_communes_2024 = csv_reader("qpv/qpv_2024_communes.csv", QPV_COMMUNES_2024)
# ONPV demography and CNAF counts by QPV (2015 list).
read_demographie_2015 = csv_reader("qpv/DEMO_2022_qpv2015.csv", DEMOGRAPHIE_2015)
# ONPV income, poverty rate and benefits by QPV (2015 list).
read_revenus_2015 = csv_reader("qpv/REVN_2022_qpv2015.csv", REVENUS_2015)
# ONPV employment rates and France Travail job seekers by QPV (2015 list).
read_insertion_2015 = csv_reader("qpv/IPRO_2022_qpv2015.csv", INSERTION_2015)
