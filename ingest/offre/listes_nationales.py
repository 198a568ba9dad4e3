"""Readers for the national (and regional) lists of supply: one structures table per list.

Each list becomes ``raw.offre_structures__<src>`` (and, for the lieux de médiation
numérique, ``raw.offre_services__mediation_numerique``) with the columns of the offer
contract (:mod:`ingest.offre._common`). ``source`` is the table's source name;
``typologie`` is the schema v0 code of the list's kind when one exists (``RFS``, ``FT``,
``ML``, ``ACI``/``EI``/``AI``/``ETTI``, ``GEIQ``, ``TIERS_LIEUX``...) and otherwise the
list's own kind (``ESAT``, ``CNFS``, ``MEDIATION_NUMERIQUE``); ``reseaux_porteurs``
holds the v1 network the list implies, only if that code exists in
``data-inclusion-schema/referentiels_v1.csv``. The lists giving one structure per row are
declared as :class:`ListeNationale` (file, columns, how each output column is read) and read
by the one reader :func:`read_liste`.

Files and choices (PROVENANCE.md §6, §8, §11):

``france_services``       ``france-services/liste_france_services_20240801.csv`` (quoted
                          fields with newlines), id = ``id_fs``.
``siae``                  ``siae/liste_siae_2019_07.csv`` (ASP, July 2019, no coordinates):
                          one row per (SIRET, mesure, département code), id =
                          ``<SIRET>-<MESURE>-<CODE_DEPARTEMENT>``; ``departement`` is the
                          2-3 character code (``093`` → ``93``, Nord's ``59L``/``59V`` →
                          ``59``) and ``departement_origine`` keeps the given one.
``siae_geocodees``        ``siae/lemarche_fixture_siae_geiq_2019_geocoded.csv`` (le marché
                          de l'inclusion: the same ASP list plus GEIQ and a few EA, with
                          coordinates), id = ``pk``. Kept as its own table, not merged with
                          ``siae``: the two are joined by SIRET in dbt like any two sources.
``geiq``                  ``siae/geiq_2019_11.csv``, id = SIRET as given.
``esat``                  ``esat/esat_liste_finess.csv``, id = FINESS of the establishment,
                          ``capacite`` = authorised places.
``ft_agences``            ``france-travail/agences_pole_emploi_2019.csv`` (no INSEE code:
                          commune name and postcode only), id = ``REFERENCE_PE``;
                          ``type_site`` tells agencies (ALE) from directions (DDA/DRA).
``missions_locales``      ``prescripteurs/prescripteurs_habilites_2019_62_67_93.csv``, the
                          rows whose name says "mission locale".
``prescripteurs``         the other rows of the same file (PJJ, SPIP, Cap emploi, Pôle
                          emploi, others), typologie from the name.
``cnfs``                  ``conseillers-numeriques/cnfs_structures_2021.csv``,
                          ``nb_conseillers`` = advisers granted in 2021.
``fabriques_territoire``  ``anct/fabriques_de_territoire.csv``: one row per fabrique (rows
                          grouping several fabriques of one commune are split); the
                          coordinates are the commune's point, not an address.
``cites_educatives``      ``anct/cites_educatives.csv``: a *dispositif* (label of a
                          territory), not a structure: ``raw.offre_dispositifs__cites_educatives``.
``mediation_numerique``   ``mediation-numerique/*.csv.gz`` (regional samples), id =
                          ``<file>--<id>``; one service per lieu whose ``thematiques`` are
                          the lieu's service labels as given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ingest.core import ColumnSpec, FieldError, FileSpec, ReadResult, SourceInfo, concat_results, read_csv
from ingest.offre._common import (
    DATE,
    FLOAT,
    INT,
    LIST,
    SERVICE_COLUMNS,
    STRUCTURE_COLUMNS,
    TEXT,
    RowChecker,
    build_frame,
    check_commune,
    check_coordinates,
    check_date,
    check_departement,
    check_integer,
    check_postcode,
    check_siret,
    clean_text,
    convert_records,
    empty_result,
    implied_reseaux,
    parse_separated_list,
    services_table,
    stable_id,
    structures_table,
)
from ingest.vocabulaires import normaliser_nom

__all__ = [
    "DISPOSITIF_COLUMNS",
    "ListeNationale",
    "read_liste",
    "read_france_services",
    "read_siae",
    "read_siae_geocodees",
    "read_geiq",
    "read_esat",
    "read_ft_agences",
    "read_missions_locales",
    "read_prescripteurs",
    "read_cnfs",
    "read_fabriques_territoire",
    "read_cites_educatives",
    "read_mediation_numerique_structures",
    "read_mediation_numerique_services",
    "split_grouped_labels",
    "is_mission_locale",
    "prescripteur_kind",
]

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

RowFunction = Callable[[Mapping[str, Any], RowChecker], Any]


def _text(check: RowChecker, record: Mapping[str, Any], key: str) -> str | None:
    return check.soft(key, clean_text, record.get(key))


def _join(*parts: str | None, separator: str = " ") -> str | None:
    words = [re.sub(r"\s+", " ", p).strip() for p in parts if p and p.strip()]
    return separator.join(words) or None


def _squash(value: str | None) -> str | None:
    return re.sub(r"\s+", " ", value).strip() or None if value else None


def _coordinates(check: RowChecker, record: Mapping[str, Any], lon_key: str, lat_key: str) -> dict[str, Any]:
    lon, lat = check.soft(
        f"{lon_key}/{lat_key}",
        check_coordinates,
        record.get(lon_key),
        record.get(lat_key),
        default=(None, None),
    )
    return {"longitude": lon, "latitude": lat, "coordonnees_corrigees": False}


def _read_list(
    path: Path,
    table: str,
    vintage: str,
    columns: Sequence[str],
    row_function: RowFunction,
    out_columns: Sequence[tuple[str, pa.DataType]],
    extra: Sequence[tuple[str, pa.DataType]] = (),
    sep: str = ",",
    keep_extra_columns: bool = False,
) -> ReadResult:
    """Read a delimited list with the core reader (text cells), then convert each row."""
    spec = FileSpec(
        table=table,
        vintage=vintage,
        sep=sep,
        keep_extra_columns=keep_extra_columns,
        columns=[ColumnSpec(name, name=name) for name in columns],
    )
    raw = read_csv(Path(path), spec)
    records = [
        (
            int(row.pop("_line")),
            {k: _missing_to_none(v) for k, v in row.items() if k not in ("_secret", "_indisponible")},
        )
        for row in raw.frame.to_dict("records")
    ]
    rows, quarantine = convert_records(records, row_function, table, str(path))
    frame = build_frame(rows, out_columns, extra)
    return ReadResult(table, frame, raw.source, sorted([*raw.quarantine, *quarantine], key=lambda q: q.line))


def _missing_to_none(value: Any) -> Any:
    """The core reader's frame gives NaN/NA for empty cells; the row functions expect None."""
    if value is None or isinstance(value, str):
        return value
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


# --------------------------------------------------------------------------- lists of one structure per row

#: Reads one output column of a row: ``(record, checker) -> value``; it may note a soft problem
#: or reject the row through the checker.
Field = Callable[[Mapping[str, Any], RowChecker], Any]


def _required(column: str) -> Field:
    """The cell as text; an empty cell rejects the row."""
    return lambda record, check: check.require(column, record.get(column))


def _plain(column: str) -> Field:
    """The cell as text."""
    return lambda record, check: _text(check, record, column)


def _squashed(column: str) -> Field:
    """The cell as text, runs of white space folded to one space."""
    return lambda record, check: _squash(_text(check, record, column))


def _checked(column: str, convert: Callable[[Any], Any]) -> Field:
    """The cell through ``convert``; a :class:`FieldError` is noted and leaves NULL."""
    return lambda record, check: check.soft(column, convert, record.get(column))


def _joined(*columns: str, separator: str = " ") -> Field:
    """The non-empty cells of ``columns`` joined by ``separator``."""
    return lambda record, check: _join(*(record.get(column) for column in columns), separator=separator)


@dataclass(frozen=True)
class ListeNationale:
    """A list giving one structure per row, read by :func:`read_liste`.

    ``champs`` maps each output column to the :data:`Field` reading it, in the order the row is
    read (so a row's quarantine notes come in that order). ``typologie`` is the list's v0 code,
    or ``None`` when ``champs`` reads it per row; ``reseau`` is the v1 réseau porteur the whole
    list implies, or ``None`` for the one the row's typologie implies (in lower case);
    ``coordonnees`` names the longitude and latitude columns, if the list has any. The columns of
    ``champs`` outside the offer contract follow it in the table, as text unless ``types`` says.
    """

    source: str
    fichier: Path
    millesime: str
    colonnes: Sequence[str]
    champs: Mapping[str, Field]
    types: Mapping[str, pa.DataType] = field(default_factory=dict)
    typologie: str | None = None
    reseau: str | None = None
    coordonnees: tuple[str, str] | None = None

    @property
    def extra(self) -> list[tuple[str, pa.DataType]]:
        """The list's own columns, after those of the contract."""
        contract = {name for name, _ in STRUCTURE_COLUMNS}
        return [(name, self.types.get(name, TEXT)) for name in self.champs if name not in contract]


def read_liste(data_dir: Path, liste: ListeNationale) -> ReadResult:
    """``raw.offre_structures__<liste.source>`` from the list's file under ``data_dir``."""
    reseaux_liste = implied_reseaux(data_dir, liste.reseau) if liste.reseau else None

    def row(record: Mapping[str, Any], check: RowChecker) -> dict[str, Any]:
        out: dict[str, Any] = {"source": liste.source}
        out.update({name: read(record, check) for name, read in liste.champs.items()})
        if liste.typologie:
            out["typologie"] = liste.typologie
        out["reseaux_porteurs"] = (
            list(reseaux_liste)
            if reseaux_liste is not None
            else implied_reseaux(data_dir, out["typologie"].lower())
        )
        if liste.coordonnees:
            out.update(_coordinates(check, record, *liste.coordonnees))
        else:
            out["coordonnees_corrigees"] = False
        return out

    return _read_list(
        Path(data_dir) / liste.fichier,
        structures_table(liste.source),
        liste.millesime,
        liste.colonnes,
        row,
        STRUCTURE_COLUMNS,
        liste.extra,
    )


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


def read_france_services(data_dir: Path) -> ReadResult:
    """ANCT list of France services (2024-08-01) → ``raw.offre_structures__france_services``."""
    return read_liste(data_dir, FRANCE_SERVICES)


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


def _upper_required(column: str) -> Field:
    """The cell in upper case; an empty cell rejects the row."""
    return lambda record, check: check.require(column, record.get(column)).upper()


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


def read_siae(data_dir: Path) -> ReadResult:
    """ASP list of SIAE (July 2019) → ``raw.offre_structures__siae``."""
    return read_liste(data_dir, SIAE)


def read_siae_geocodees(data_dir: Path) -> ReadResult:
    """Le marché's SIAE + GEIQ list (2019, geocoded) → ``raw.offre_structures__siae_geocodees``."""
    return read_liste(data_dir, SIAE_GEOCODEES)


def read_geiq(data_dir: Path) -> ReadResult:
    """GEIQ list (2019-11-21) → ``raw.offre_structures__geiq``."""
    return read_liste(data_dir, GEIQ)


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


def read_esat(data_dir: Path) -> ReadResult:
    """FINESS extract of ESAT → ``raw.offre_structures__esat`` (``capacite`` = places)."""
    return read_liste(data_dir, ESAT)


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


def read_ft_agences(data_dir: Path) -> ReadResult:
    """Pôle emploi sites (2019) → ``raw.offre_structures__ft_agences`` (no INSEE code)."""
    return read_liste(data_dir, FT_AGENCES)


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


def read_missions_locales(data_dir: Path) -> ReadResult:
    """Missions locales of the 2019 prescribers (62, 67, 93) → ``raw.offre_structures__missions_locales``."""
    return _read_list(
        Path(data_dir) / PRESCRIPTEURS_FILE,
        structures_table("missions_locales"),
        "prescripteurs habilités 2019 (62, 67, 93): missions locales",
        PRESCRIPTEURS_COLUMNS,
        _prescripteur_row(data_dir, True),
        STRUCTURE_COLUMNS,
        PRESCRIPTEURS_EXTRA,
    )


def read_prescripteurs(data_dir: Path) -> ReadResult:
    """The other 2019 prescribers (PJJ, SPIP, Cap emploi...) → ``raw.offre_structures__prescripteurs``."""
    return _read_list(
        Path(data_dir) / PRESCRIPTEURS_FILE,
        structures_table("prescripteurs"),
        "prescripteurs habilités 2019 (62, 67, 93): hors missions locales",
        PRESCRIPTEURS_COLUMNS,
        _prescripteur_row(data_dir, False),
        STRUCTURE_COLUMNS,
        PRESCRIPTEURS_EXTRA,
    )


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


def read_cnfs(data_dir: Path) -> ReadResult:
    """Structures granted conseillers numériques France Services in 2021 → ``raw.offre_structures__cnfs``."""
    return read_liste(data_dir, CNFS)


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


def read_fabriques_territoire(data_dir: Path) -> ReadResult:
    """ANCT Fabriques de territoire (2024) → ``raw.offre_structures__fabriques_territoire``."""
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

    return _read_list(
        Path(data_dir) / FABRIQUES_FILE,
        structures_table("fabriques_territoire"),
        "ANCT, Fabriques de territoire labellisées (2024)",
        ANCT_COLUMNS,
        row,
        STRUCTURE_COLUMNS,
        FABRIQUES_EXTRA,
    )


def read_cites_educatives(data_dir: Path) -> ReadResult:
    """ANCT/ANRU Cités éducatives (2024), a dispositif → ``raw.offre_dispositifs__cites_educatives``."""

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

    return _read_list(
        Path(data_dir) / CITES_FILE,
        "offre_dispositifs__cites_educatives",
        "ANCT/ANRU, Cités éducatives labellisées (2024)",
        ANCT_COLUMNS,
        row,
        DISPOSITIF_COLUMNS,
    )


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


def _mediation_files(data_dir: Path) -> list[Path]:
    return sorted(Path(data_dir).glob(MEDIATION_GLOB))


def _read_mediation(data_dir: Path, services: bool) -> ReadResult:
    table = services_table("mediation_numerique") if services else structures_table("mediation_numerique")
    columns = SERVICE_COLUMNS if services else STRUCTURE_COLUMNS
    extra = MEDIATION_SERVICE_EXTRA if services else MEDIATION_STRUCTURE_EXTRA
    files = _mediation_files(data_dir)
    if not files:
        info = SourceInfo(str(Path(data_dir) / MEDIATION_GLOB), "", MEDIATION_VINTAGE)
        return empty_result(table, columns, info, f"no file matches {MEDIATION_GLOB}", extra)
    results = []
    for path in files:
        family = _file_family(path)
        row = _mediation_service_row(family) if services else _mediation_structure_row(data_dir, family)
        results.append(
            _read_list(
                path,
                table,
                MEDIATION_VINTAGE,
                MEDIATION_COLUMNS,
                row,
                columns,
                extra,
                keep_extra_columns=True,
            )
        )
    return results[0] if len(results) == 1 else concat_results(table, results, MEDIATION_VINTAGE)


def _mediation_structure_row(data_dir: Path, family: str) -> RowFunction:
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


def _mediation_service_row(family: str) -> RowFunction:
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


def read_mediation_numerique_structures(data_dir: Path) -> ReadResult:
    """Lieux de médiation numérique (regional samples) → ``raw.offre_structures__mediation_numerique``."""
    return _read_mediation(data_dir, services=False)


def read_mediation_numerique_services(data_dir: Path) -> ReadResult:
    """Their services (one per lieu, labels as given) → ``raw.offre_services__mediation_numerique``."""
    return _read_mediation(data_dir, services=True)
