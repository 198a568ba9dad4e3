"""Reader for the CNAF childcare coverage rates by commune (need side of axis A1).

File (PROVENANCE.md §12): ``petite-enfance/cnaf_txcouv_pe_com_2017_2022.csv``, CNAF
« taux de couverture » of the formal care of children under 3 (places per 100 children
under 3) in December of each year 2017-2022, comma separated, UTF-8 (the CNAF files may
start with a BOM: ``utf-8-sig`` reads both). Only communes over 10 000 inhabitants are
published; Paris, Lyon and Marseille by arrondissement. Commune codes are those of the
CNAF vintage (mapped to COG 2026 in dbt). Rates may exceed 100 by design (a place can be
used by several children). ``numero_epci`` is ``XX`` for a few communes without an EPCI:
read as NULL, listed in ``_indisponible``. ``numero_departement`` follows the CNAF, which
splits the Rhône into ``69D`` (département) and ``69M`` (Métropole de Lyon) and writes
``20R`` for Corsica in some years; the commune
code alone places a row.

A row whose detailed rates do not add up to their subtotals (EAJE PSU + hors PSU = EAJE;
assistante maternelle + salariée à domicile = accueil individuel, within the 0.1 rounding
of the publication) is quarantined. The global rate is not checked against its parts:
the publisher's global differs from their sum by up to 4.8 points on real rows.
"""

from __future__ import annotations

from ingest.core import ColumnSpec as C
from ingest.core import FileSpec, csv_reader, number_columns

__all__ = ["CNAF_COUVERTURE_VINTAGE", "read_taux_couverture_communes", "sous_totaux_coherents"]

CNAF_COUVERTURE_VINTAGE = (
    "CNAF, taux de couverture en décembre 2017-2022 (communes de plus de 10 000 habitants)"
)

RATES = (
    "taux_de_couv_eaje_psu,taux_de_couv_hors_eaje_psu,taux_de_couv_eaje_ensemble,"
    "taux_de_couv_prescolarisation,taux_de_couv_assistante_maternelle,taux_de_couv_salariee_a_domicile,"
    "taux_de_couv_accueil_individuel_ensemble,taux_de_couv_global"
)
CNAF_DEPARTEMENT = r"0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-8]|69[DM]|20R"
# published to one decimal: a subtotal may differ from the sum of its rounded parts by 0.1
TOLERANCE = 0.15


def sous_totaux_coherents(row: dict[str, object]) -> tuple[str, str] | None:
    """Subtotals equal the sum of their parts (rounding aside); no rate is negative.

    Examples
    --------
    >>> lille = {"taux_de_couv_eaje_psu": 28.4, "taux_de_couv_hors_eaje_psu": 7.4,
    ...          "taux_de_couv_eaje_ensemble": 35.7, "taux_de_couv_assistante_maternelle": 21.4,
    ...          "taux_de_couv_salariee_a_domicile": 2.3, "taux_de_couv_accueil_individuel_ensemble": 23.7,
    ...          "taux_de_couv_prescolarisation": 8.0, "taux_de_couv_global": 67.4}
    >>> sous_totaux_coherents(lille) is None
    True
    >>> sous_totaux_coherents(lille | {"taux_de_couv_eaje_ensemble": 37.7})
    ('taux_de_couv_eaje_ensemble', 'EAJE rate 37.7 is not EAJE PSU + hors PSU (35.8)')
    >>> sous_totaux_coherents(lille | {"taux_de_couv_global": -1.0})
    ('taux_de_couv_global', 'negative rate -1.0')
    """
    for name in RATES.split(","):
        value = row.get(name)
        if value is not None and value == value and value < 0:
            return name, f"negative rate {value}"
    checks = (
        ("taux_de_couv_eaje_ensemble", "EAJE", ("taux_de_couv_eaje_psu", "taux_de_couv_hors_eaje_psu"),
         "EAJE PSU + hors PSU"),
        ("taux_de_couv_accueil_individuel_ensemble", "individual care",
         ("taux_de_couv_assistante_maternelle", "taux_de_couv_salariee_a_domicile"),
         "assistante maternelle + salariée à domicile"),
    )
    for total, label, parts, parts_label in checks:
        values = [row.get(p) for p in parts]
        if row.get(total) is None or any(v is None or v != v for v in values):
            continue
        expected = round(sum(values), 1)
        if abs(row[total] - expected) > TOLERANCE:
            return total, f"{label} rate {row[total]} is not {parts_label} ({expected})"
    return None


TAUX_COUVERTURE = FileSpec(
    table="cnaf_taux_couverture_communes",
    vintage=CNAF_COUVERTURE_VINTAGE,
    sep=",",
    row_check=sous_totaux_coherents,
    columns=[
        C("date_reference", "annee", kind="integer", required=True),
        C("numero_commune", "code_commune", kind="commune", required=True),
        C("nom_commune", required=True),
        C("numero_epci", "code_epci", kind="code", pattern=r"\d{9}", na_values=("XX",)),
        C("nom_epci", na_values=("XX",)),
        # the CNAF splits the Rhône into 69D and 69M and writes 20R for Corsica in some years
        C("numero_departement", "code_departement", kind="code", pattern=CNAF_DEPARTEMENT, required=True),
        *number_columns(RATES, sep=",", required=True),
    ],
)


# CNAF childcare coverage rates (places per 100 children under 3) by commune and year.
read_taux_couverture_communes = csv_reader("petite-enfance/cnaf_txcouv_pe_com_2017_2022.csv", TAUX_COUVERTURE)
