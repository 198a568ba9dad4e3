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
- ``insee-rp/datasfun_communes_rp2021_comparateur.csv`` (comma separated, PROVENANCE.md §12):
  census 2021 for every commune of France (COG 2024), one row per commune × postcode,
  plus rows for the communes déléguées (``COMD``, repeating their parent's figures) and the
  arrondissements municipaux (``ARM``; Paris, Lyon and Marseille have figures only there).
  The reader keeps one row per commune code and type, with every postcode of the
  commune in ``codes_postaux`` (``93200|93210``); a repeated row whose figures differ
  from the first row of the same commune is quarantined (the snapshot has none).
  The host writes **0 for figures the comparateur does not publish**: Mayotte (every count 0
  although births and deaths are not) and communes restored or created in 2024 (population but
  no household and no 15-64). Those zeros become NULL, listed in ``_indisponible``
  (:func:`zeros_non_publies`); a real zero (the uninhabited « villages morts pour la France »
  of the Meuse: no birth, no death) stays 0.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ingest.core import ColumnSpec as C
from ingest.core import (
    FileSpec,
    QuarantineRow,
    ReadResult,
    codgeo_measures,
    csv_reader,
    number_columns,
    read_csv,
)

__all__ = [
    "RP_VINTAGE",
    "ESTIMATIONS_VINTAGE",
    "read_comparateur_2022",
    "read_dossier_complet_2022",
    "read_estimations_population_departements",
    "RP2021_VINTAGE",
    "read_comparateur_2021",
    "une_ligne_par_commune",
    "zeros_non_publies",
]

RP_VINTAGE = "RP 2022 (géographie 2025), Filosofi 2021"
RP2021_VINTAGE = "RP 2021 (géographie 2024), comparateur de territoires INSEE du 27/06/2024 via datas.fun"
ESTIMATIONS_VINTAGE = "Estimations de population au 1er janvier 2015-2021 (2020-2021 provisoires)"

COMPARATEUR_2022 = codgeo_measures(
    "rp_comparateur_2022",
    RP_VINTAGE,
    "P22_POP;P16_POP;SUPERF;NAIS1621;DECE1621;P22_MEN;NAISD24;DECESD24;P22_LOG;P22_RP;"
    "P22_RSECOCC;P22_LOGVAC;P22_RP_PROP;NBMENFISC21;PIMP21;MED21;TP6021;P22_EMPLT;"
    "P22_EMPLT_SAL;P16_EMPLT;P22_POP1564;P22_CHOM1564;P22_ACT1564;ETTOT24;ETAZ24;ETBE24;"
    "ETFZ24;ETGU24;ETOQ24;ETTEF124;ETTEFP1024",
)

DOSSIER_COMPLET_2022 = codgeo_measures(
    "rp_dossier_complet_2022",
    "RP 2022, RP 2016, RP 2011 (Dossier complet, extrait)",
    "P22_POP0014;P22_POP1529;P22_POP3044;P22_POP4559;P22_POP6074;P22_POP7589;P22_POP90P;"
    "P16_POP;P11_POP;C22_MENPSEUL;C22_MENFAM;C22_COUPAENF;C22_FAMMONO;C22_COUPSENF;"
    "P22_ACT1524;P22_ACT2554;P22_ACT5564;P22_CHOM1524;P22_CHOM2554;P22_CHOM5564",
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


RP2021_COUNTS = (
    "population_2021,population_2015,menages_2021,naissances_2022,deces_2022,"
    "pop_15_64_totale_2021,pop_15_64_chomage_2021,pop_15_64_active_2021"
)


def _chomeurs_parmi_actifs(row: dict[str, object]) -> tuple[str, str] | None:
    """The unemployed 15-64 are part of the active 15-64, who are part of the 15-64.

    Examples
    --------
    >>> ok = {"pop_15_64_chomage_2021": 27, "pop_15_64_active_2021": 417, "pop_15_64_totale_2021": 508}
    >>> _chomeurs_parmi_actifs(ok) is None
    True
    >>> _chomeurs_parmi_actifs(ok | {"pop_15_64_chomage_2021": 418})
    ('pop_15_64_chomage_2021', 'unemployed 15-64 (418) exceed the active 15-64 (417)')
    """
    chomeurs, actifs, total = (row[c] for c in (
        "pop_15_64_chomage_2021", "pop_15_64_active_2021", "pop_15_64_totale_2021"))
    if chomeurs is not None and actifs is not None and chomeurs > actifs:
        return "pop_15_64_chomage_2021", f"unemployed 15-64 ({chomeurs}) exceed the active 15-64 ({actifs})"
    if actifs is not None and total is not None and actifs > total:
        return "pop_15_64_active_2021", f"active 15-64 ({actifs}) exceed the population 15-64 ({total})"
    return None


COMPARATEUR_2021 = FileSpec(
    table="rp_comparateur_2021",
    vintage=RP2021_VINTAGE,
    sep=",",
    row_check=_chomeurs_parmi_actifs,
    columns=[
        C("insee_com", kind="commune", required=True),
        C("insee_reg", kind="code", pattern=r"\d{2}"),
        C("insee_dep", kind="departement"),
        C("commune", required=True),
        C("code_postal", kind="code", pattern=r"\d{5}", required=True),
        C("commune_type", kind="code", pattern=r"COM|COMD|ARM", required=True),
        C("insee_parente", kind="commune"),
        *number_columns("lat,lng,superficie_km2", sep=","),
        *number_columns(RP2021_COUNTS, sep=",", kind="integer", required=True),
    ],
)


def une_ligne_par_commune(result: ReadResult, keys: list[str], postcode: str, target: str) -> ReadResult:
    """Collapse rows repeated once per postcode into one row per ``keys``.

    The first row of each key is kept, with every postcode of the key joined by ``|``
    in ``target`` (in place of ``postcode``). A later row whose other values differ
    from the first one is quarantined, naming the first differing field and the line
    it disagrees with; the first row stays.
    """
    frame = result.frame
    compared = [c for c in frame.columns if c not in {"_line", postcode, "_secret", "_indisponible", *keys}]
    kept: dict[tuple, int] = {}
    postcodes: dict[tuple, list[str]] = {}
    drop: list[int] = []
    quarantine = list(result.quarantine)
    for index, row in zip(frame.index, frame.to_dict("records"), strict=True):
        key = tuple(row[k] for k in keys)
        if key not in kept:
            kept[key] = index
            postcodes[key] = [row[postcode]]
            continue
        first = frame.loc[kept[key]].to_dict()
        differing = [c for c in compared if not _same(first[c], row[c])]
        drop.append(index)
        if differing:
            quarantine.append(QuarantineRow(
                result.table_name, result.source.source_file, int(row["_line"]), differing[0],
                f"differs from line {int(first['_line'])} of the same commune ({_plain(row[differing[0]])!r} "
                f"against {_plain(first[differing[0]])!r}); the first line is kept",
            ))
        elif row[postcode] not in postcodes[key]:
            postcodes[key].append(row[postcode])
    out = frame.drop(index=drop)
    joined = ["|".join(sorted(postcodes[tuple(r[k] for k in keys)])) for r in out.to_dict("records")]
    position = list(out.columns).index(postcode)
    out = out.drop(columns=[postcode])
    out.insert(position, target, pd.Series(joined, index=out.index, dtype="object"))
    return ReadResult(result.table_name, out.reset_index(drop=True), result.source, quarantine)


def _plain(value: object) -> object:
    """A numpy / pandas scalar as the plain Python value (for messages)."""
    return value.item() if hasattr(value, "item") else value


def _same(a: object, b: object) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    return bool(a == b)


_DETAIL_2021 = ("menages_2021", "pop_15_64_totale_2021", "pop_15_64_chomage_2021", "pop_15_64_active_2021")


def zeros_non_publies(result: ReadResult) -> ReadResult:
    """Zeros standing for unpublished census figures become NULL (listed in ``_indisponible``).

    - no inhabitant although births or deaths were registered: every census count is unpublished;
    - inhabitants but neither households nor people aged 15-64: the detail is unpublished.

    Examples
    --------
    >>> from ingest.core import SourceInfo
    >>> counts = dict.fromkeys(["population_2015", *_DETAIL_2021], 0)
    >>> rows = [
    ...     {"population_2021": 0, "naissances_2022": 163, "deces_2022": 24, **counts},  # Mayotte
    ...     {"population_2021": 543, "naissances_2022": 0, "deces_2022": 0, **counts},  # created in 2024
    ...     {"population_2021": 0, "naissances_2022": 0, "deces_2022": 0, **counts},  # uninhabited
    ... ]
    >>> frame = pd.DataFrame([r | {"_indisponible": []} for r in rows])
    >>> out = zeros_non_publies(ReadResult("t", frame, SourceInfo("f", "", "v"))).frame
    >>> out["population_2021"].isna().tolist(), out["menages_2021"].isna().tolist()
    ([True, False, False], [True, True, False])
    >>> out["_indisponible"].tolist()[1]
    ['menages_2021', 'pop_15_64_totale_2021', 'pop_15_64_chomage_2021', 'pop_15_64_active_2021']
    """
    frame = result.frame.copy()
    if frame.empty:
        return result
    frame = frame.astype({c: "object" for c in ("population_2021", "population_2015", *_DETAIL_2021)})
    sans_habitant = (frame["population_2021"] == 0) & (
        (frame["naissances_2022"] > 0) | (frame["deces_2022"] > 0))
    sans_detail = (frame["population_2021"] > 0) & (frame["menages_2021"] == 0) & (
        frame["pop_15_64_totale_2021"] == 0)
    for mask, columns in ((sans_habitant, ("population_2021", "population_2015", *_DETAIL_2021)),
                          (sans_detail, _DETAIL_2021)):
        for index in frame.index[mask.fillna(False).astype(bool)]:
            for column in columns:
                frame.at[index, column] = None
            frame.at[index, "_indisponible"] = list(frame.at[index, "_indisponible"]) + [
                c for c in columns if c not in frame.at[index, "_indisponible"]]
    for column in ("population_2021", "population_2015", *_DETAIL_2021):
        frame[column] = pd.array(frame[column], dtype="Int64")
    return ReadResult(result.table_name, frame, result.source, list(result.quarantine))


def read_comparateur_2021(data_dir: Path) -> ReadResult:
    """Census 2021 for every commune (COG 2024): one row per commune code and type."""
    path = Path(data_dir) / "insee-rp" / "datasfun_communes_rp2021_comparateur.csv"
    result = read_csv(path, COMPARATEUR_2021)
    result = une_ligne_par_commune(result, ["insee_com", "commune_type"], "code_postal", "codes_postaux")
    return zeros_non_publies(result)


# INSEE Comparateur de territoires (RP 2022) for the communes of the extract.
read_comparateur_2022 = csv_reader("insee-rp/base_cc_comparateur_rp2022_dep93.csv", COMPARATEUR_2022)
# INSEE Dossier complet (RP 2022 extract): age bands, families, activity by age.
read_dossier_complet_2022 = csv_reader(
    "insee-rp/dossier_complet_extrait_rp2022_dep93.csv", DOSSIER_COMPLET_2022
)
# INSEE population estimates by département, sex and five-year age band, 2015-2021.
read_estimations_population_departements = csv_reader(
    "insee-estimations-pop/estim_pop_dep_sexe_age_quinquennal_2015_2021.csv", ESTIMATIONS_DEPARTEMENTS
)
