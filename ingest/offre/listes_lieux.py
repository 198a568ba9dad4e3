"""National lists of labelled places: France services, structures hosting conseillers numériques,
ANCT's Fabriques de territoire and Cités éducatives (a dispositif), lieux de médiation numérique.
Files and choices: :mod:`ingest.offre.listes_nationales`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from ingest.core import FieldError
from ingest.offre._common import (
    DATE,
    FLOAT,
    INT,
    LIST,
    SERVICE_COLUMNS,
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
    parse_separated_list,
    services_table,
    structures_table,
)
from ingest.offre.listes_base import (
    Liste,
    ListeNationale,
    RowFunction,
    _checked,
    _coordinates,
    _plain,
    _required,
    _squash,
    _squashed,
    _text,
    lecteur,
)

#: Columns of ``raw.offre_dispositifs__cites_educatives``.
DISPOSITIF_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("_line", INT),
    ("source", TEXT),
    ("id", TEXT),
    ("nom", TEXT),
    ("codes_insee", LIST),
    ("communes", LIST),
    ("longitude", FLOAT),
    ("latitude", FLOAT),
    ("id_groupe", TEXT),
]


# --------------------------------------------------------------------------- France services

FRANCE_SERVICES = ListeNationale(
    source="france_services",
    fichier=Path("france-services") / "liste_france_services_20240801.csv",
    millesime="ANCT, liste des France services au 2024-08-01",
    colonnes=[
        "id_fs",
        "insee_dep",
        "lib_fs",
        "adresse",
        "complement_adresse",
        "insee_com",
        "code_postal",
        "lib_com",
        "latitude",
        "longitude",
        "type_fs",
        "format_fs",
        "groupe_fs",
        "labellisation_fs",
    ],
    champs={
        "id": _required("id_fs"),
        "nom": _plain("lib_fs"),
        "code_insee": _checked("insee_com", check_commune),
        "commune": _plain("lib_com"),
        "code_postal": _checked("code_postal", check_postcode),
        "adresse": _squashed("adresse"),
        "departement": _checked("insee_dep", check_departement),
        "complement_adresse": _squashed("complement_adresse"),
        "type_fs": _plain("type_fs"),
        "format_fs": _plain("format_fs"),
        "groupe_fs": _plain("groupe_fs"),
        "labellisation_fs": _plain("labellisation_fs"),
    },
    typologie="RFS",
    reseau="france-service",
    coordonnees=("longitude", "latitude"),
)


read_france_services = lecteur(FRANCE_SERVICES)


# --------------------------------------------------------------------------- conseillers numériques


def _euros(raw: Any) -> float | None:
    value = check_integer(raw, minimum=0) if raw not in (None, "") else None
    return None if value is None else float(value)


CNFS = ListeNationale(
    source="cnfs",
    fichier=Path("conseillers-numeriques") / "cnfs_structures_2021.csv",
    millesime="ANCT, structures CnFS retenues en 2021",
    types={"date_validation": DATE, "investissement_etat": FLOAT},
    colonnes=[
        "id",
        "raison_sociale",
        "siret",
        "type",
        "nb_cnfs",
        "date_de_validation_en_comité_de_sélection",
        "investissement_financier_estimatif_total_de_l.etat",
        "adresse",
        "code_postal_bis",
        "insee_com",
        "commune_insee",
        "insee_dep",
        "latitude",
        "longitude",
        "zrr",
        "qpv",
        "france_services",
    ],
    champs={
        "id": _required("id"),
        "nom": _plain("raison_sociale"),
        "siret": _checked("siret", check_siret),
        "code_insee": _checked("insee_com", check_commune),
        "commune": _plain("commune_insee"),
        "code_postal": _checked("code_postal_bis", check_postcode),
        "adresse": _squashed("adresse"),
        "departement": _checked("insee_dep", check_departement),
        "nb_conseillers": _checked("nb_cnfs", check_integer),
        "statut": _plain("type"),
        "date_validation": _checked("date_de_validation_en_comité_de_sélection", check_date),
        "investissement_etat": _checked("investissement_financier_estimatif_total_de_l.etat", _euros),
        "zrr": _plain("zrr"),
        "qpv": _plain("qpv"),
        "france_services": _plain("france_services"),
    },
    typologie="CNFS",
    reseau="conseillers-numeriques",
    coordonnees=("longitude", "latitude"),
)


read_cnfs = lecteur(CNFS)  # nb_conseillers: advisers granted in 2021


# --------------------------------------------------------------------------- ANCT labelled places

FABRIQUES_FILE = Path("anct") / "fabriques_de_territoire.csv"
CITES_FILE = Path("anct") / "cites_educatives.csv"
ANCT_COLUMNS = ["id_territoire", "lib_territoire", "codes_insee", "liste_geo", "longitude", "latitude"]
FABRIQUES_EXTRA = [("id_groupe", TEXT)]
_GEO_ITEM = re.compile(r"^(.*?)\s*\((\w{5})\)$")


def split_grouped_labels(ids: str, names: str | None) -> list[tuple[str, str | None]]:
    """Pair the ids and names of a row that groups several labelled places.

    The ANCT files put all the places of one commune on one row (``fabt-07; fabt-86``
    with ``DIAGONALES Régie de quartiers; LA PROUE``). When the counts differ the
    whole name is given to every id (raise :class:`FieldError` so the caller notes it).

    Examples
    --------
    >>> split_grouped_labels("fabt-07; fabt-86", "DIAGONALES; LA PROUE")
    [('fabt-07', 'DIAGONALES'), ('fabt-86', 'LA PROUE')]
    >>> split_grouped_labels("cite-002 ; cite-127", "Amiens Nord ; Amiens Étouvie")
    [('cite-002', 'Amiens Nord'), ('cite-127', 'Amiens Étouvie')]
    >>> split_grouped_labels("fabt-59", "LAB; 01")
    [('fabt-59', 'LAB; 01')]
    """
    id_list = [part.strip() for part in ids.split(";") if part.strip()]
    if len(id_list) == 1:
        return [(id_list[0], names)]
    name_list = [part.strip() for part in (names or "").split(";")]
    if len(name_list) != len(id_list):
        raise FieldError(f"{len(id_list)} ids but {len(name_list)} names separated by ';'")
    return list(zip(id_list, name_list, strict=True))


def _geo_list(raw: str | None) -> tuple[list[str], list[str]]:
    codes, names = [], []
    for item in (raw or "").split(";"):
        match = _GEO_ITEM.match(item.strip())
        if match:
            names.append(match[1])
            codes.append(match[2])
    return codes, names


def _anct_rows(check: RowChecker, record: Mapping[str, Any]) -> tuple[list[tuple[str, str | None]], dict]:
    ids = check.require("id_territoire", record.get("id_territoire"))
    names = _squash(record.get("lib_territoire")) if record.get("lib_territoire") else None
    raw_names = record.get("lib_territoire")
    try:
        pairs = split_grouped_labels(ids, raw_names)
    except FieldError as exc:
        check.note("lib_territoire", f"{exc}: every place gets the whole name")
        pairs = [(part.strip(), names) for part in ids.split(";") if part.strip()]
    codes = check.soft(
        "codes_insee",
        lambda raw: [check_commune(c) for c in parse_separated_list(raw) or []],
        record.get("codes_insee"),
        default=[],
    )
    _, communes = _geo_list(record.get("liste_geo"))
    common = {"codes": codes, "communes": communes, "group": ids if len(pairs) > 1 else None}
    common.update(_coordinates(check, record, "longitude", "latitude"))
    return [(i, _squash(n)) for i, n in pairs], common


def _fabrique_row(data_dir: Path, path: Path) -> RowFunction:
    reseaux = implied_reseaux(data_dir, "fabrique-de-territoire")

    def row(record: Mapping[str, Any], check: RowChecker) -> list[dict[str, Any]]:
        pairs, common = _anct_rows(check, record)
        if len(common["codes"]) > 1:
            check.note("codes_insee", f"{len(common['codes'])} communes: the first one is kept")
        return [
            {
                "source": "fabriques_territoire",
                "id": identifier,
                "nom": name,
                "code_insee": common["codes"][0] if common["codes"] else None,
                "commune": common["communes"][0] if common["communes"] else None,
                "longitude": common["longitude"],
                "latitude": common["latitude"],
                "coordonnees_corrigees": False,
                "typologie": "TIERS_LIEUX",
                "reseaux_porteurs": list(reseaux),
                "id_groupe": common["group"],
            }
            for identifier, name in pairs
        ]

    return row


def _cite_row(data_dir: Path, path: Path) -> RowFunction:
    def row(record: Mapping[str, Any], check: RowChecker) -> list[dict[str, Any]]:
        pairs, common = _anct_rows(check, record)
        return [
            {
                "source": "cites_educatives",
                "id": identifier,
                "nom": name,
                "codes_insee": common["codes"],
                "communes": common["communes"],
                "longitude": common["longitude"],
                "latitude": common["latitude"],
                "id_groupe": common["group"],
            }
            for identifier, name in pairs
        ]

    return row


FABRIQUES_TERRITOIRE = Liste(
    table=structures_table("fabriques_territoire"),
    fichier=FABRIQUES_FILE,
    millesime="ANCT, Fabriques de territoire labellisées (2024)",
    colonnes=ANCT_COLUMNS,
    ligne=_fabrique_row,
    extra=FABRIQUES_EXTRA,
)
CITES_EDUCATIVES = Liste(  # a dispositif (label of a territory), not a structure
    table="offre_dispositifs__cites_educatives",
    fichier=CITES_FILE,
    millesime="ANCT/ANRU, Cités éducatives labellisées (2024)",
    colonnes=ANCT_COLUMNS,
    ligne=_cite_row,
    sortie=DISPOSITIF_COLUMNS,
)
read_fabriques_territoire = lecteur(FABRIQUES_TERRITOIRE)
read_cites_educatives = lecteur(CITES_EDUCATIVES)


# --------------------------------------------------------------------------- médiation numérique

MEDIATION_GLOB = "mediation-numerique/*.csv.gz"
MEDIATION_COLUMNS = [
    "id",
    "nom",
    "services",
    "pivot",
    "commune",
    "code_postal",
    "adresse",
    "latitude",
    "longitude",
    "publics_accueillis",
    "modalites_accompagnement",
    "source",
    "date_maj",
    "site_web",
]
MEDIATION_STRUCTURE_EXTRA = [("source_origine", TEXT), ("fichier", TEXT), ("labels_nationaux", LIST)]
MEDIATION_SERVICE_EXTRA = [("source_origine", TEXT), ("fichier", TEXT)]
#: Labels of the médiation numérique standard → v1 réseaux porteurs.
MEDIATION_LABELS = {
    "CNFS": "conseillers-numeriques",
    "France Services": "france-service",
    "Aidants Connect": "aidants-connect",
}
MEDIATION_VINTAGE = "lieux de médiation numérique, échantillons régionaux (Hub du Sud 2023, Hinaura 2022)"


def _labels(raw: Any) -> list[str] | None:
    """Split a multi-valued cell of the médiation numérique files.

    The separator differs by file and by column (``|`` for ``services`` in the 2023
    standard, ``;`` for its ``publics_accueillis`` and ``labels_nationaux`` and for every
    list of the older flavour); no label contains either character, so both are used.

    Examples
    --------
    >>> _labels("Adultes;Familles/enfants"), _labels("Aide aux démarches|Loisirs"), _labels("")
    (['Adultes', 'Familles/enfants'], ['Aide aux démarches', 'Loisirs'], None)
    """
    text = clean_text(raw)
    if text is None:
        return None
    return [part.strip() for part in re.split(r"[|;]", text) if part.strip()]


def _file_family(path: Path) -> str:
    return path.name.split(".")[0]


def _mediation_place(check: RowChecker, record: Mapping[str, Any], family: str) -> dict[str, Any]:
    out = {
        "source": "mediation_numerique",
        "id": f"{family}--{check.require('id', record.get('id'))}",
        "nom": _squash(_text(check, record, "nom")),
        "code_insee": check.soft("code_insee", check_commune, record.get("code_insee")),
        "commune": _text(check, record, "commune"),
        "code_postal": check.soft("code_postal", check_postcode, record.get("code_postal")),
        "adresse": _squash(_text(check, record, "adresse")),
        "date_maj": check.soft("date_maj", check_date, record.get("date_maj")),
        "source_origine": _text(check, record, "source"),
        "fichier": family,
    }
    out.update(_coordinates(check, record, "longitude", "latitude"))
    return out


def _mediation_structure_row(data_dir: Path, path: Path) -> RowFunction:
    family = _file_family(path)

    def row(record: Mapping[str, Any], check: RowChecker) -> dict[str, Any]:
        out = _mediation_place(check, record, family)
        labels = _labels(record.get("labels_nationaux")) or []
        reseaux = [MEDIATION_LABELS[label] for label in labels if label in MEDIATION_LABELS]
        out.update(
            {
                "siret": check.soft("pivot", check_siret, record.get("pivot")),
                "site_web": _text(check, record, "site_web"),
                "typologie": "MEDIATION_NUMERIQUE",
                "reseaux_porteurs": implied_reseaux(data_dir, *reseaux),
                "labels_nationaux": _labels(record.get("labels_nationaux")),
            }
        )
        return out

    return row


def _mediation_service_row(data_dir: Path, path: Path) -> RowFunction:
    family = _file_family(path)

    def row(record: Mapping[str, Any], check: RowChecker) -> dict[str, Any]:
        place = _mediation_place(check, record, family)
        publics = _labels(record.get("publics_accueillis"))
        specific = _labels(record.get("publics_specifiquement_adresses"))
        if specific:
            publics = (publics or []) + [p for p in specific if p not in (publics or [])]
        fees = record.get("frais_a_charge", record.get("conditions_acces"))
        place.update(
            {
                "id": f"{place['id']}--services",
                "structure_id": place["id"],
                "thematiques": _labels(record.get("services")),
                "types": _labels(record.get("modalites_accompagnement")),
                "publics": publics,
                "frais": _labels(fees),
            }
        )
        return place

    return row


MEDIATION_NUMERIQUE_STRUCTURES = Liste(
    table=structures_table("mediation_numerique"),
    fichier=MEDIATION_GLOB,
    millesime=MEDIATION_VINTAGE,
    colonnes=MEDIATION_COLUMNS,
    ligne=_mediation_structure_row,
    extra=MEDIATION_STRUCTURE_EXTRA,
    plusieurs_fichiers=True,
    garder_colonnes_en_plus=True,
)
MEDIATION_NUMERIQUE_SERVICES = Liste(  # one service per lieu, labels as given
    table=services_table("mediation_numerique"),
    fichier=MEDIATION_GLOB,
    millesime=MEDIATION_VINTAGE,
    colonnes=MEDIATION_COLUMNS,
    ligne=_mediation_service_row,
    sortie=SERVICE_COLUMNS,
    extra=MEDIATION_SERVICE_EXTRA,
    plusieurs_fichiers=True,
    garder_colonnes_en_plus=True,
)
read_mediation_numerique_structures = lecteur(MEDIATION_NUMERIQUE_STRUCTURES)
read_mediation_numerique_services = lecteur(MEDIATION_NUMERIQUE_SERVICES)
