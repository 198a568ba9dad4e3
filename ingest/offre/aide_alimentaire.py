"""Reader for the food-aid points of the Banques Alimentaires federation's map (about 2023).

Files (PROVENANCE.md §12, ``aide-alimentaire/``), the federation's qgis2web layers flattened to
CSV (comma, UTF-8, quoted fields that may hold newlines), every one with ``code_postal_extrait``,
``lon`` and ``lat`` (WGS84) and **no INSEE commune code**:

=====================================================================  ==================  =========
file                                                                    ``famille``          rows
=====================================================================  ==================  =========
``ffba_epiceries_sociales_partenaires_banques_alimentaires.csv``        ``epicerie_partenaire_ba``  919
``ffba_epiceries_solidaires_reseau_ANDES.csv``                          ``epicerie_andes``          610
``ffba_epiceries_solidaires_reseau_UGESS.csv``                          ``epicerie_ugess``           84
``ffba_epiceries_etudiantes_partenaires_banques_alimentaires.csv``      ``epicerie_etudiante``       48
``ffba_banques_alimentaires_sieges.csv``                                ``banque_alimentaire``       79
``ffba_banques_alimentaires_antennes.csv``                              ``antenne_ba``               32
=====================================================================  ==================  =========

All go to one table, ``raw.offre_structures__aide_alimentaire`` (the offer contract of
:mod:`ingest.offre._common`): groceries have the v0 typology ``ES`` (épicerie solidaire), the
banques alimentaires and their antennas the network ``banques-alimentaires``; the seed
``offre_correspondance_domaines`` attaches both to ``aide_alimentaire``.

Choices:

- ``id`` = ``aide_alimentaire--<hash of famille, name, address, postcode>`` (the files have no
  identifier); a row repeating another one of its file is quarantined as a duplicate.
- The town name of a row is kept in ``ville_indiquee``, **not** in ``commune``: the offer's
  locating then places each point by its coordinates in the commune outlines first (method
  ``coordonnees``) and falls back on a postcode belonging to one commune only (``code_postal``),
  the method being stored per place (``int_offre__lieux_localises``).
- Postcodes written on four digits (départements 01-09 in the source) are left-padded with a
  0; ``code_postal_source`` keeps the value as given.
- The UGESS file has accents garbled to U+FFFD in the source itself: the text is kept as
  given and ``texte_altere`` is true for such rows (the name cannot be trusted for matching).
- ``volume_declare`` and ``personnes_declarees`` (``Volumes`` and ``Personnes_`` of the
  partner groceries' layer, likely kg distributed and people served) are kept as published,
  unexplained by the source; no capacity is derived from them.
- Telephones and e-mails are never read (their columns are not among those read).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.core import ReadResult, concat_results, parse_french_number
from ingest.offre._common import (
    BOOL,
    FLOAT,
    TEXT,
    RowChecker,
    check_postcode,
    clean_text,
    stable_id,
)
from ingest.offre.listes_nationales import ListeNationale, read_liste

__all__ = ["FAMILLES", "read_aide_alimentaire", "padded_postcode"]

SOURCE = "aide_alimentaire"
FOLDER = Path("aide-alimentaire")
VINTAGE = "Fédération française des Banques Alimentaires, carte des épiceries et banques alimentaires (2023)"
_FOUR_DIGITS = re.compile(r"^\d{4}$")


def padded_postcode(raw: Any) -> str | None:
    """A postcode on five digits (a four-digit one is left-padded with 0), or ``None``.

    Examples
    --------
    >>> padded_postcode("1000"), padded_postcode("93200"), padded_postcode(" ")
    ('01000', '93200', None)
    >>> padded_postcode("9320O")
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: not a postcode: '9320O'
    """
    compact = re.sub(r"\s", "", clean_text(raw) or "")
    return check_postcode("0" + compact if _FOUR_DIGITS.match(compact) else raw)


def _number(raw: Any) -> float | None:
    value, _ = parse_french_number(clean_text(raw) or "")
    return value


def _flag(raw: Any) -> bool | None:
    """Flags written ``1.0``/``0.0``/``0`` or a label (``UGESS avec CNES-BA``) → true/false."""
    text = clean_text(raw)
    if text is None:
        return None
    if text in {"0", "0.0"}:
        return False
    if text in {"1", "1.0"}:
        return True
    return True


def _squash(text: str | None) -> str | None:
    return re.sub(r"\s+", " ", text).strip() or None if text else None


@dataclass(frozen=True)
class Famille:
    """One layer of the map: its file, kind and the columns holding name, address and town."""

    code: str
    fichier: str
    colonnes: tuple[str, ...]
    nom: str
    adresse: str
    ville: str | None = None
    banque: str | None = None
    typologie: str | None = "ES"
    reseau: str | None = None
    extra: Mapping[str, tuple[str, str]] | None = None  # output column -> (source column, kind)


FAMILLES: list[Famille] = [
    Famille(
        "epicerie_partenaire_ba",
        "ffba_epiceries_sociales_partenaires_banques_alimentaires.csv",
        (
            "BA",
            "Associatio",
            "Adresse",
            "Volumes",
            "Personnes_",
            "15_25_ans",
            "ANDES",
            "UGESS-AC",
            "UGESS-SC",
            "code_postal_extrait",
            "lon",
            "lat",
        ),
        nom="Associatio",
        adresse="Adresse",
        banque="BA",
        extra={
            "volume_declare": ("Volumes", "number"),
            "personnes_declarees": ("Personnes_", "number"),
            "personnes_15_25_ans_declarees": ("15_25_ans", "number"),
            "membre_andes": ("ANDES", "flag"),
            "membre_ugess": ("UGESS-AC", "flag"),
        },
    ),
    Famille(
        "epicerie_andes",
        "ffba_epiceries_solidaires_reseau_ANDES.csv",
        ("address", "store", "permalink", "city", "zip", "code_postal_extrait", "lon", "lat"),
        nom="store",
        adresse="address",
        ville="city",
        extra={"site_web": ("permalink", "text")},
    ),
    Famille(
        "epicerie_ugess",
        "ffba_epiceries_solidaires_reseau_UGESS.csv",
        ("Associatio", "Adresse", "code_postal_extrait", "lon", "lat"),
        nom="Associatio",
        adresse="Adresse",
    ),
    Famille(
        "epicerie_etudiante",
        "ffba_epiceries_etudiantes_partenaires_banques_alimentaires.csv",
        (
            "BA",
            "Volume",
            "N Bénéfi",
            "Raison soc",
            "Type",
            "Adresse 2",
            "Code posta",
            "Ville",
            "ANDES",
            "code_postal_extrait",
            "lon",
            "lat",
        ),
        nom="Raison soc",
        adresse="Adresse 2",
        ville="Ville",
        banque="BA",
        extra={
            "volume_declare": ("Volume", "number"),
            "personnes_declarees": ("N Bénéfi", "number"),
            "membre_andes": ("ANDES", "flag"),
        },
    ),
    Famille(
        "banque_alimentaire",
        "ffba_banques_alimentaires_sieges.csv",
        ("REGION", "BANQUES AL", "Full Addre", "code_postal_extrait", "lon", "lat"),
        nom="BANQUES AL",
        adresse="Full Addre",
        typologie="BANQUE_ALIMENTAIRE",
        reseau="banques-alimentaires",
    ),
    Famille(
        "antenne_ba",
        "ffba_banques_alimentaires_antennes.csv",
        ("REGION", "Adresse", "BANQUES AL", "code_postal_extrait", "lon", "lat"),
        nom="BANQUES AL",
        adresse="Adresse",
        typologie="BANQUE_ALIMENTAIRE",
        reseau="banques-alimentaires",
    ),
]

EXTRA_TYPES = {
    "famille": TEXT,
    "banque_alimentaire": TEXT,
    "ville_indiquee": TEXT,
    "code_postal_source": TEXT,
    "texte_altere": BOOL,
    "volume_declare": FLOAT,
    "personnes_declarees": FLOAT,
    "personnes_15_25_ans_declarees": FLOAT,
    "membre_andes": BOOL,
    "membre_ugess": BOOL,
}
_EXTRA_ORDER = list(EXTRA_TYPES)


def _liste(famille: Famille) -> ListeNationale:
    def read_id(record: Mapping[str, Any], check: RowChecker) -> str:
        name = check.require(famille.nom, record.get(famille.nom))
        return stable_id(
            SOURCE, famille.code, name, record.get(famille.adresse), record.get("code_postal_extrait")
        )

    def text(column: str | None):
        return lambda record, check: (
            _squash(check.soft(column, clean_text, record.get(column))) if column else None
        )

    def altered(record: Mapping[str, Any], check: RowChecker) -> bool:
        return any(isinstance(v, str) and "\ufffd" in v for v in record.values())

    champs: dict[str, Any] = {
        "id": read_id,
        "nom": text(famille.nom),
        "adresse": text(famille.adresse),
        "code_postal": lambda record, check: check.soft(
            "code_postal_extrait", padded_postcode, record.get("code_postal_extrait")
        ),
        "famille": lambda record, check: famille.code,
        "banque_alimentaire": text(famille.banque),
        "ville_indiquee": text(famille.ville),
        "code_postal_source": text("code_postal_extrait"),
        "texte_altere": altered,
    }
    kinds = {"number": _number, "flag": _flag, "text": clean_text}
    for name, (column, kind) in (famille.extra or {}).items():
        champs[name] = (lambda c, k: lambda record, check: check.soft(c, kinds[k], record.get(c)))(
            column, kind
        )
    # every family writes the same columns, in one order, so that the stacked table is regular
    for name in _EXTRA_ORDER:
        champs.setdefault(name, lambda record, check: None)
    champs = {k: champs[k] for k in ["id", "nom", "adresse", "code_postal", "site_web"] if k in champs} | {
        k: champs[k] for k in _EXTRA_ORDER
    }
    return ListeNationale(
        source=SOURCE,
        fichier=FOLDER / famille.fichier,
        millesime=VINTAGE,
        colonnes=famille.colonnes,
        champs=champs,
        types=EXTRA_TYPES,
        typologie=famille.typologie,
        reseau=famille.reseau,
        coordonnees=("lon", "lat"),
    )


def read_aide_alimentaire(data_dir: Path) -> ReadResult:
    """Every layer of the federation's map → ``raw.offre_structures__aide_alimentaire``."""
    results = [read_liste(data_dir, _liste(famille)) for famille in FAMILLES]
    return concat_results(results[0].table_name, results, VINTAGE)
