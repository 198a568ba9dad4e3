"""Readers for the Nord / Pas-de-Calais housing and energy tables (need side of axis A4).

Files (PROVENANCE.md §12, ``transition-ecologique/``): tables **derived by a third party**
(a personal ranking of communes around Lille, from INSEE and ADEME files), transcribed,
for **411 communes only** (266 of the Nord, 145 of the Pas-de-Calais, 1 000 inhabitants
or more, in Lille's catchment). Whatever is built on them says so and states its coverage.

- ``cadre_urbain_communes_candidates_59_62.csv``: housing shares (%), among them
  ``part_menages_sans_voiture`` (1 − households with at least one car / households).
- ``dpe_communes_candidates_59_62.csv``: ADEME « DPE logements existants » since 2021:
  ``dpe_n`` diagnosed dwellings and ``part_passoires_pct`` (F + G labels), shares of the
  **diagnosed** dwellings, not of the whole stock.

Comma separated, decimal points, ``True`` / ``False`` flags. A share outside 0-100 or a
département other than 59 / 62 is quarantined.
"""

from __future__ import annotations

from ingest.core import ColumnSpec as C
from ingest.core import FileSpec, csv_reader, number_columns

__all__ = ["TRANSITION_VINTAGE", "read_cadre_urbain_59_62", "read_dpe_59_62", "parts_entre_0_et_100"]

TRANSITION_VINTAGE = (
    "Tables dérivées par un tiers (classement-actifs-lille) de l'INSEE (RP) et de l'ADEME (DPE depuis 2021), "
    "411 communes du Nord et du Pas-de-Calais"
)

_COMMON = [
    C("code_insee", kind="commune", required=True),
    C("commune", required=True),
    C("dep", kind="code", pattern=r"59|62", required=True),
    C("PMUN", "population_municipale", kind="integer", required=True),
    C("dans_MEL", "dans_mel", kind="code", pattern=r"True|False", required=True),
]


def parts_entre_0_et_100(row: dict[str, object]) -> tuple[str, str] | None:
    """Every ``part_*`` column is a share in percent.

    Examples
    --------
    >>> parts_entre_0_et_100({"part_hlm": 28.5, "part_maisons": None}) is None
    True
    >>> parts_entre_0_et_100({"part_hlm": 128.5})
    ('part_hlm', 'share 128.5 outside 0-100')
    """
    for name, value in row.items():
        if name.startswith("part_") and value is not None and value == value and not 0 <= value <= 100:
            return name, f"share {value} outside 0-100"
    return None


CADRE_URBAIN = FileSpec(
    table="te_cadre_urbain_59_62",
    vintage=TRANSITION_VINTAGE,
    sep=",",
    row_check=parts_entre_0_et_100,
    columns=[
        *_COMMON,
        *number_columns(
            "part_logts_vacants,part_maisons,part_proprietaires,part_hlm,part_menages_sans_voiture,"
            "part_menages_2voit_plus",
            sep=",", required=True,
        ),
        C("evol_pop_2016_2022_pct", kind="number"),
    ],
)

DPE = FileSpec(
    table="te_dpe_59_62",
    vintage=TRANSITION_VINTAGE,
    sep=",",
    row_check=parts_entre_0_et_100,
    columns=[
        *_COMMON,
        C("dpe_n", kind="integer", required=True),
        *number_columns(
            "part_passoires_pct,part_dpe_g_pct,part_dpe_abc_pct", sep=",", required=True,
        ),
        *number_columns("dpe_cout_moyen_eur,dpe_conso_ep_m2,dpe_ges_m2", sep=","),
        C("dpe_echantillon_faible", kind="code", pattern=r"True|False"),
    ],
)


# Housing and car ownership shares of 411 communes of the Nord and the Pas-de-Calais.
read_cadre_urbain_59_62 = csv_reader(
    "transition-ecologique/cadre_urbain_communes_candidates_59_62.csv", CADRE_URBAIN
)
# Energy labels (DPE) of the diagnosed dwellings of 411 communes of the Nord and the Pas-de-Calais.
read_dpe_59_62 = csv_reader("transition-ecologique/dpe_communes_candidates_59_62.csv", DPE)
