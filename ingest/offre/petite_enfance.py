"""Readers for the early-childhood supply: CNAF places per commune, DREES tables per département.

Files (PROVENANCE.md §12, ``petite-enfance/``):

``cnaf_nbpla_pe_com_2017_2022.csv``  CNAF « offre d'accueil formel des enfants de moins de 3 ans »:
                                     places in December of each year 2017-2022, one row per
                                     commune of more than 10 000 inhabitants and year (commune
                                     codes of the CNAF vintage), comma separated, **UTF-8 BOM**
                                     (the core reader's ``utf-8-sig`` strips it). A row whose
                                     parts do not add up to its totals is quarantined
                                     (:func:`places_are_consistent`), as is a commune repeated
                                     within one year.
``drees_eaje_dep_tab<NN>.csv``       DREES « aide sociale / accueil du jeune enfant » tables per
                                     département, long format (code_region, code_departement,
                                     departement, annee, valeur), with the DREES's collectivités
                                     beside the départements (``20`` Corse, whose 2A / 2B rows
                                     are 0 in recent years, ``6AE`` Alsace, ``69D`` / ``69M``):
                                     kept as given in ``code_territoire_drees``, dbt tells
                                     them apart. One raw table holds them all,
                                     the table number in ``tableau``; what each table counts is
                                     the seed ``offre_drees_tableaux`` (dbt owns the vocabulary;
                                     the host's descriptions of tab32 and tab33 are swapped, the
                                     seed follows the values, see PROVENANCE.md).
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.core import ColumnSpec as C
from ingest.core import FileSpec, QuarantineRow, ReadResult, concat_results, insert_columns, read_csv

__all__ = [
    "CNAF_PLACES_FILE",
    "DREES_GLOB",
    "places_are_consistent",
    "read_cnaf_places_communes",
    "read_drees_accueil_jeune_enfant",
]

CNAF_PLACES_FILE = Path("petite-enfance") / "cnaf_nbpla_pe_com_2017_2022.csv"
DREES_GLOB = "drees_eaje_dep_tab*.csv"
#: Département codes as the CNAF and the DREES write them: INSEE codes plus their own
#: collectivités (20 / 20R Corse, 6AE Collectivité européenne d'Alsace, 69D Rhône without
#: 69M Métropole de Lyon).
CNAF_DEPARTEMENT = r"(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|20R|69[DM]|97[1-8])"
DREES_TERRITOIRE = r"(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|20|6AE|69[DM]|97[1-6])"
_TABLE_NUMBER = re.compile(r"drees_eaje_dep_(tab\d+)\.csv$")


def places_are_consistent(row: dict[str, object]) -> tuple[str, str] | None:
    """The CNAF parts must add up to their totals (EAJE, individual care, all formal care).

    Examples
    --------
    >>> ok = {"places_eaje_psu": 80, "places_hors_eaje_psu": 3, "places_eaje_ensemble": 83,
    ...       "places_prescolarisation": 0, "places_assistante_maternelle": 320,
    ...       "places_salariee_domicile": 2, "places_accueil_individuel_ensemble": 322,
    ...       "places_offertes_ensemble": 405}
    >>> places_are_consistent(ok) is None
    True
    >>> places_are_consistent({**ok, "places_eaje_ensemble": 84})
    ('places_EAJE_ensemble', 'places_EAJE_PSU + places_hors_EAJE_PSU = 83, not 84')
    """
    checks = [
        (
            "places_EAJE_ensemble",
            "places_eaje_ensemble",
            ["places_eaje_psu", "places_hors_eaje_psu"],
            "places_EAJE_PSU + places_hors_EAJE_PSU",
        ),
        (
            "places_accueil_individuel_ensemble",
            "places_accueil_individuel_ensemble",
            ["places_assistante_maternelle", "places_salariee_domicile"],
            "places_assistante_maternelle + places_salariee_domicile",
        ),
        (
            "places_offertes_ensemble",
            "places_offertes_ensemble",
            ["places_eaje_ensemble", "places_prescolarisation", "places_accueil_individuel_ensemble"],
            "places_EAJE_ensemble + places_prescolarisation + places_accueil_individuel_ensemble",
        ),
    ]
    for field_name, total, parts, label in checks:
        values = [row.get(p) for p in parts]
        if row.get(total) is None or any(v is None for v in values):
            continue
        # the CNAF rounds each figure separately: allow one place of rounding per part
        if abs(sum(values) - row[total]) > len(parts) - 1:
            return field_name, f"{label} = {sum(values)}, not {row[total]}"
    return None


CNAF_PLACES = FileSpec(
    table="cnaf_places_petite_enfance_communes",
    vintage=(
        "CNAF, offre d'accueil formel des moins de 3 ans au 31/12, 2017-2022, "
        "communes de plus de 10 000 habitants"
    ),
    sep=",",
    row_check=places_are_consistent,
    columns=[
        C("date_reference", "annee", kind="integer", required=True),
        C("num_commune", "code_commune", kind="commune", required=True),
        C("nom_commune", "nom_commune"),
        C("numero_EPCI", "code_epci", kind="code", pattern=r"\d{9}", na_values=("XX",)),
        C("nom_EPCI", "nom_epci", na_values=("XX",)),
        # the CNAF's own codes: 20R (Corse), 69D / 69M (Rhône / Métropole de Lyon), 977, 978
        C(
            "numero_departement",
            "code_departement_cnaf",
            kind="code",
            required=True,
            pattern=CNAF_DEPARTEMENT,
        ),
        C("nom_departement", "nom_departement"),
        C("places_EAJE_PSU", "places_eaje_psu", kind="integer"),
        C("places_hors_EAJE_PSU", "places_hors_eaje_psu", kind="integer"),
        C("places_EAJE_ensemble", "places_eaje_ensemble", kind="integer"),
        C("places_prescolarisation", "places_prescolarisation", kind="integer"),
        C("places_assistante_maternelle", "places_assistante_maternelle", kind="integer"),
        C("places_salariee_domicile", "places_salariee_domicile", kind="integer"),
        C("places_accueil_individuel_ensemble", "places_accueil_individuel_ensemble", kind="integer"),
        C("places_offertes_ensemble", "places_offertes_ensemble", kind="integer"),
    ],
)


def _duplicates_to_quarantine(result: ReadResult, keys: list[str], label: str) -> ReadResult:
    """Rows repeating the key of an earlier row go to the quarantine (the first one stays)."""
    frame = result.frame
    if frame.empty:
        return result
    repeated = frame.duplicated(subset=keys, keep="first")
    quarantine = list(result.quarantine)
    for _, row in frame[repeated].iterrows():
        first = frame[(frame[keys] == row[keys]).all(axis=1)]["_line"].iloc[0]
        quarantine.append(
            QuarantineRow(
                result.table_name,
                result.source.source_file,
                int(row["_line"]),
                label,
                f"duplicate {label} {' '.join(str(row[k]) for k in keys)} (first seen at line {first})",
            )
        )
    return ReadResult(
        result.table_name,
        frame[~repeated].reset_index(drop=True),
        result.source,
        sorted(quarantine, key=lambda q: q.line),
    )


def _year_in(first: int, last: int):
    def check(row: dict[str, object]) -> tuple[str, str] | None:
        year = row.get("annee")
        if year is not None and not first <= int(year) <= last:
            return "annee", f"year {year} outside {first}-{last}"
        return None

    return check


def read_cnaf_places_communes(data_dir: Path) -> ReadResult:
    """CNAF places for children under 3 per commune and year → ``raw.cnaf_places_petite_enfance_communes``."""
    result = read_csv(Path(data_dir) / CNAF_PLACES_FILE, CNAF_PLACES)
    return _duplicates_to_quarantine(result, ["annee", "code_commune"], "num_commune")


def _drees_spec(tableau: str) -> FileSpec:
    year_check = _year_in(2000, 2100)

    def check(row: dict[str, object]) -> tuple[str, str] | None:
        problem = year_check(row)
        if problem is None and row.get("valeur") is not None and row["valeur"] < 0:
            return "valeur", f"negative count {row['valeur']}"
        return problem

    return FileSpec(
        table="drees_accueil_jeune_enfant_departements",
        vintage="DREES, enquête Aide sociale, accueil du jeune enfant, par département, 2010-2023",
        sep=",",
        row_check=check,
        columns=[
            C("code_region", "code_region", kind="code", pattern=r"\d{2,3}"),
            C(
                "code_departement",
                "code_territoire_drees",
                kind="code",
                required=True,
                pattern=DREES_TERRITOIRE,
            ),
            C("departement", "departement"),
            C("annee", "annee", kind="integer", required=True),
            C("valeur", "valeur", kind="number"),
        ],
    )


def read_drees_accueil_jeune_enfant(data_dir: Path) -> ReadResult:
    """Every DREES early-childhood table per département, stacked.

    Written to ``raw.drees_accueil_jeune_enfant_departements``.

    ``tableau`` is the table number from the file name (``tab23``...). A file named otherwise
    is not read; no file at all gives an empty table and one quarantine entry.
    """
    folder = Path(data_dir) / "petite-enfance"
    files = sorted(folder.glob(DREES_GLOB))
    results = []
    for path in files:
        match = _TABLE_NUMBER.search(path.name)
        if match is None:
            continue
        result = read_csv(path, _drees_spec(match.group(1)))
        result = insert_columns(result, {"tableau": match.group(1)})
        results.append(
            _duplicates_to_quarantine(
                result, ["tableau", "code_territoire_drees", "annee"], "code_departement"
            )
        )
    if not results:
        missing = read_csv(folder / "drees_eaje_dep_tab23.csv", _drees_spec("tab23"))
        return insert_columns(missing, {"tableau": "tab23"})
    return concat_results("drees_accueil_jeune_enfant_departements", results, results[0].source.vintage)
