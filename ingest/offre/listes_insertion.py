"""National lists of insertion and employment structures: SIAE (ASP 2019 and its geocoded copy),
GEIQ, ESAT (FINESS), France Travail agencies, missions locales and the other habilitated
prescribers. Files and choices: :mod:`ingest.offre.listes_nationales`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ingest.offre._common import (
    DATE,
    TEXT,
    RowChecker,
    check_commune,
    check_date,
    check_departement,
    check_integer,
    check_postcode,
    check_siret,
    clean_text,
    implied_reseaux,
    stable_id,
    structures_table,
)
from ingest.offre.listes_base import (
    Liste,
    ListeNationale,
    RowFunction,
    _checked,
    _join,
    _joined,
    _plain,
    _required,
    _squash,
    _squashed,
    _text,
    _upper_required,
    lecteur,
)
from ingest.vocabulaires import normaliser_nom

# --------------------------------------------------------------------------- SIAE, GEIQ


def _siae_departement(raw: Any) -> str | None:
    """ASP département code: ``093`` → ``93``; Nord's two offices ``59L``/``59V`` → ``59``.

    Examples
    --------
    >>> _siae_departement("59L"), _siae_departement("093"), _siae_departement("02A")
    ('59', '93', '2A')
    """
    text = clean_text(raw)
    if text is None:
        return None
    if text.upper() in {"59L", "59V"}:
        return "59"
    return check_departement(text)


def _siae_id(record: Mapping[str, Any], check: RowChecker) -> str:
    """``<SIRET>-<MESURE>-<CODE_DEPARTEMENT>``, the three required."""
    mesure = check.require("MESURE", record.get("MESURE")).upper()
    siret = check.require("SIRET", record.get("SIRET"))
    return f"{siret}-{mesure}-{check.require('CODE_DEPARTEMENT', record.get('CODE_DEPARTEMENT'))}"


SIAE = ListeNationale(
    source="siae",
    fichier=Path("siae") / "liste_siae_2019_07.csv",
    millesime="ASP/DGEFP, liste des SIAE, juillet 2019",
    colonnes=[
        "MESURE",
        "CODE_DEPARTEMENT",
        "LIBELLE_DPT",
        "CODE_POSTAL",
        "COMMUNE",
        "CODE_NAF2",
        "NATURE_JURIDIQUE",
        "SIRET",
        "DENOMINATION_SOCIALE",
        "NUM_RUE",
        "NOM_RUE",
    ],
    champs={
        "id": _siae_id,
        "typologie": _upper_required("MESURE"),
        "nom": _plain("DENOMINATION_SOCIALE"),
        "siret": _checked("SIRET", check_siret),
        "commune": _plain("COMMUNE"),
        "code_postal": _checked("CODE_POSTAL", check_postcode),
        "adresse": _joined("NUM_RUE", "NOM_RUE"),
        "departement": _checked("CODE_DEPARTEMENT", _siae_departement),
        "departement_origine": _required("CODE_DEPARTEMENT"),
        "libelle_departement": _plain("LIBELLE_DPT"),
        "code_naf": _plain("CODE_NAF2"),
        "nature_juridique": _plain("NATURE_JURIDIQUE"),
    },
)

SIAE_GEOCODEES = ListeNationale(
    source="siae_geocodees",
    fichier=Path("siae") / "lemarche_fixture_siae_geiq_2019_geocoded.csv",
    millesime="le marché de l'inclusion, SIAE (ASP 2019) et GEIQ géocodés",
    colonnes=[
        "pk",
        "kind",
        "name",
        "brand",
        "siret",
        "naf",
        "address",
        "post_code",
        "city",
        "department",
        "longitude",
        "latitude",
        "source",
        "created_at",
    ],
    types={"date_creation": DATE},
    champs={
        "typologie": _upper_required("kind"),
        "id": _required("pk"),
        "nom": _plain("name"),
        "siret": _checked("siret", check_siret),
        "commune": _plain("city"),
        "code_postal": _checked("post_code", check_postcode),
        "adresse": _squashed("address"),
        "departement": _checked("department", check_departement),
        "enseigne": _plain("brand"),
        "code_naf": _plain("naf"),
        "source_origine": _plain("source"),
        "date_creation": _checked("created_at", check_date),
    },
    coordonnees=("longitude", "latitude"),
)

GEIQ = ListeNationale(
    source="geiq",
    fichier=Path("siae") / "geiq_2019_11.csv",
    millesime="GEIQ, liste au 2019-11-21",
    colonnes=["GEIQ", "ADRESSE", "COMPLEMENT ADRESSE", "VILLE", "CODE POSTAL", "NAF", "SIRET"],
    champs={
        "id": _required("SIRET"),
        "nom": _plain("GEIQ"),
        "siret": _checked("SIRET", check_siret),
        "commune": _plain("VILLE"),
        "code_postal": _checked("CODE POSTAL", check_postcode),
        "adresse": _squashed("ADRESSE"),
        "complement_adresse": _squashed("COMPLEMENT ADRESSE"),
        "code_naf": _plain("NAF"),
    },
    typologie="GEIQ",
    reseau="geiq",
)


read_siae = lecteur(SIAE)
read_siae_geocodees = lecteur(SIAE_GEOCODEES)
read_geiq = lecteur(GEIQ)


# --------------------------------------------------------------------------- ESAT

ESAT = ListeNationale(
    source="esat",
    fichier=Path("esat") / "esat_liste_finess.csv",
    millesime="FINESS, ESAT (extrait 2025-2026)",
    colonnes=[
        "EJ-N°FINESS",
        "EJ-Raison sociale",
        "EJ-Statut juridique Libellé",
        "ET-N°FINESS",
        "ET-Raison sociale",
        "ET-Adresse",
        "ET-Code Postal",
        "ET-Type",
        "ET-SIRET",
        "ET-Département Code",
        "ET-Commune Code",
        "ET-Commune Libellé",
        "Capacité autorisée agrégée",
    ],
    champs={
        "id": _required("ET-N°FINESS"),
        "nom": _plain("ET-Raison sociale"),
        "siret": _checked("ET-SIRET", check_siret),
        "code_insee": _checked("ET-Commune Code", check_commune),
        "commune": _plain("ET-Commune Libellé"),
        "code_postal": _checked("ET-Code Postal", check_postcode),
        "adresse": _squashed("ET-Adresse"),
        "capacite": _checked("Capacité autorisée agrégée", check_integer),
        "departement": _checked("ET-Département Code", check_departement),
        "finess_ej": _plain("EJ-N°FINESS"),
        "raison_sociale_ej": _plain("EJ-Raison sociale"),
        "statut_juridique": _plain("EJ-Statut juridique Libellé"),
        "type_etablissement": _plain("ET-Type"),
    },
    typologie="ESAT",
    reseau="esat",
)


read_esat = lecteur(ESAT)  # capacite: authorised places


# --------------------------------------------------------------------------- France Travail

FT_AGENCES = ListeNationale(
    source="ft_agences",
    fichier=Path("france-travail") / "agences_pole_emploi_2019.csv",
    millesime="Pôle emploi, sites 2019",
    colonnes=[
        "REFERENCE_PE",
        "NOM",
        "CODE_SAFIR",
        "TYPE_SITE",
        "REGION",
        "LIBELLE_REGION",
        "COMPLEMENT_ADRESSE",
        "DC_COMPLEMENTADRSITEPHYSIQUE",
        "ADRESSE",
        "CODE_POSTAL",
        "COMMUNE",
        "DN_LATITUDE",
        "DN_LONGITUDE",
    ],
    champs={
        "id": _required("REFERENCE_PE"),
        "nom": _plain("NOM"),
        "commune": _plain("COMMUNE"),
        "code_postal": _checked("CODE_POSTAL", check_postcode),
        "adresse": _squashed("ADRESSE"),
        "complement_adresse": _joined("COMPLEMENT_ADRESSE", "DC_COMPLEMENTADRSITEPHYSIQUE", separator=", "),
        "code_safir": _plain("CODE_SAFIR"),
        "type_site": _plain("TYPE_SITE"),
        "code_region": _plain("REGION"),
        "libelle_region": _plain("LIBELLE_REGION"),
    },
    typologie="FT",
    reseau="france-travail",
    coordonnees=("DN_LONGITUDE", "DN_LATITUDE"),
)


read_ft_agences = lecteur(FT_AGENCES)  # no INSEE code: commune name and postcode only


# --------------------------------------------------------------------------- prescripteurs

PRESCRIPTEURS_FILE = Path("prescripteurs") / "prescripteurs_habilites_2019_62_67_93.csv"
PRESCRIPTEURS_EXTRA = [("complement_adresse", TEXT), ("cedex", TEXT)]
PRESCRIPTEURS_COLUMNS = [
    "DEPARTEMENT",
    "NOM",
    "RUE",
    "COMPLEMENT",
    "COMPLEMENT 2",
    "BP/CS",
    "CODE POSTAL",
    "COMMUNE",
    "CEDEX",
    "SITE WEB",
]
_MISSION_LOCALE = re.compile(r"\bmissions? locales?\b")
#: Name pattern → (v0 typologie, v1 réseau porteur) for the prescribers that are not missions locales.
PRESCRIPTEUR_KINDS: list[tuple[re.Pattern[str], str, str | None]] = [
    (re.compile(r"protection judiciaire de la jeunesse|\bpjj\b"), "PJJ", "pjj"),
    (re.compile(r"penitentiaire d insertion et de probation|\bspip\b"), "SPIP", "spip"),
    (re.compile(r"\bcap emploi\b"), "CAP_EMPLOI", "cap-emploi-reseau-cheops"),
    (re.compile(r"\bpole emploi\b|\bfrance travail\b"), "FT", "france-travail"),
]


def is_mission_locale(name: str | None) -> bool:
    """Does a prescriber's name say it is a mission locale?

    Examples
    --------
    >>> is_mission_locale("MISSION LOCALE"), is_mission_locale("Mission locale de Bobigny")
    (True, True)
    >>> is_mission_locale("CAP EMPLOI"), is_mission_locale(None)
    (False, False)
    """
    return bool(name) and bool(_MISSION_LOCALE.search(normaliser_nom(name)))


def prescripteur_kind(name: str | None) -> tuple[str, str | None]:
    """``(typologie, réseau porteur)`` of a prescriber from its name; ``('Autre', None)`` if unknown.

    Examples
    --------
    >>> prescripteur_kind("SERVICE PENITENTIAIRE D'INSERTION ET DE PROBATION")
    ('SPIP', 'spip')
    >>> prescripteur_kind("POLE EMPLOI "), prescripteur_kind("ADEFI")
    (('FT', 'france-travail'), ('Autre', None))
    """
    text = normaliser_nom(name)
    for pattern, typologie, reseau in PRESCRIPTEUR_KINDS:
        if pattern.search(text):
            return typologie, reseau
    return "Autre", None


def _prescripteur_row(data_dir: Path, missions_locales: bool) -> RowFunction:
    def row(record: Mapping[str, Any], check: RowChecker) -> list[dict[str, Any]]:
        name = check.require("NOM", record.get("NOM"))
        if is_mission_locale(name) != missions_locales:
            return []
        if missions_locales:
            typologie, reseau, src = "ML", "mission-locale", "missions_locales"
        else:
            (typologie, reseau), src = prescripteur_kind(name), "prescripteurs"
        departement = check.soft("DEPARTEMENT", check_departement, record.get("DEPARTEMENT"))
        return [
            {
                "source": src,
                "id": stable_id(
                    src,
                    record.get("DEPARTEMENT"),
                    name,
                    record.get("RUE"),
                    record.get("CODE POSTAL"),
                    record.get("COMMUNE"),
                ),
                "nom": _squash(name),
                "commune": _text(check, record, "COMMUNE"),
                "code_postal": check.soft("CODE POSTAL", check_postcode, record.get("CODE POSTAL")),
                "adresse": _squash(_text(check, record, "RUE")),
                "coordonnees_corrigees": False,
                "typologie": typologie,
                "reseaux_porteurs": implied_reseaux(data_dir, reseau) if reseau else [],
                "site_web": _text(check, record, "SITE WEB"),
                "departement": departement,
                "complement_adresse": _join(
                    record.get("COMPLEMENT"), record.get("COMPLEMENT 2"), record.get("BP/CS"), separator=", "
                ),
                "cedex": _text(check, record, "CEDEX"),
            }
        ]

    return row


MISSIONS_LOCALES = Liste(
    table=structures_table("missions_locales"),
    fichier=PRESCRIPTEURS_FILE,
    millesime="prescripteurs habilités 2019 (62, 67, 93): missions locales",
    colonnes=PRESCRIPTEURS_COLUMNS,
    ligne=lambda data_dir, path: _prescripteur_row(data_dir, True),
    extra=PRESCRIPTEURS_EXTRA,
)
PRESCRIPTEURS = Liste(
    table=structures_table("prescripteurs"),
    fichier=PRESCRIPTEURS_FILE,
    millesime="prescripteurs habilités 2019 (62, 67, 93): hors missions locales",
    colonnes=PRESCRIPTEURS_COLUMNS,
    ligne=lambda data_dir, path: _prescripteur_row(data_dir, False),
    extra=PRESCRIPTEURS_EXTRA,
)
read_missions_locales = lecteur(MISSIONS_LOCALES)
read_prescripteurs = lecteur(PRESCRIPTEURS)  # PJJ, SPIP, Cap emploi, Pôle emploi, others
