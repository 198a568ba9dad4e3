"""Readers for data·inclusion: the flattened exports and answers of the API v1.

Files (PROVENANCE.md §7):

- ``data-inclusion/export-*/structures.json`` and ``services.json(.gz)``: exports in
  the flattened format of the GIP "pilotage" API (JSON arrays of records with keys
  such as ``Service ID``, ``Code Insee``, ``Long``). The only one in the snapshot is
  La Réunion, early 2025 (2 705 services, 276 structures). Its quirks are fixed here:
  decimal commas in ``Long``/``Lat``, Postgres array literals (``{a,"b c"}``) in
  ``Thematiques``, ``Frais``, ``Profils`` and ``Modes Accueil``, and latitudes that
  lost their minus sign (restored only for records located in 974, flagged in
  ``coordonnees_corrigees``). Codes are schema v0 (``Typologie``, thématiques,
  profils) and are **kept as given**; the mapping to v1 and to the Pacte is done in dbt.
  The structures file has no ``Source``: a structure takes the source of its services
  (NULL for the structures no service refers to).
- ``data-inclusion/api-v1-mocks/structures.json`` and ``services.json``: answers shaped
  like the API v1 (``{"items": [...], "total", "page", "size", "pages"}``). They are
  the snapshot of the ``di_api`` tables; :mod:`ingest.offre.api_data_inclusion` fills
  the same tables from the live API.

``line`` in the quarantine is the physical line where the record starts in the file
(or the item number for answers received from the live API).
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from ingest.core import FieldError, QuarantineRow, ReadResult, SourceInfo, file_checksum
from ingest.offre._common import (
    BOOL,
    FLOAT,
    INT,
    LIST,
    SERVICE_COLUMNS,
    STRUCTURE_COLUMNS,
    TEXT,
    RowChecker,
    RowFunction,
    build_frame,
    check_commune,
    check_coordinates,
    check_date,
    check_integer,
    check_postcode,
    check_siret,
    clean_text,
    convert_records,
    empty_result,
    iter_json_array,
    parse_brace_list,
    parse_json_list,
    restore_reunion_latitude,
    services_table,
    structures_table,
)

__all__ = [
    "EXPORT_GLOB",
    "API_MOCKS_DIR",
    "EXPORT_SERVICE_EXTRA",
    "API_STRUCTURE_EXTRA",
    "API_SERVICE_EXTRA",
    "read_export_structures",
    "read_export_services",
    "read_api_snapshot_structures",
    "read_api_snapshot_services",
    "api_structure_rows",
    "api_service_rows",
    "api_structures_result",
    "api_services_result",
]

EXPORT_GLOB = "data-inclusion/export-*"
API_MOCKS_DIR = Path("data-inclusion") / "api-v1-mocks"
EXPORT_VINTAGE = "data·inclusion export (schema v0 codes), La Réunion ≈ 2025-01"
API_SNAPSHOT_VINTAGE = "data·inclusion API v1 (recorded answers, les-emplois mocks)"

EXPORT_STRUCTURES = structures_table("di_export")
EXPORT_SERVICES = services_table("di_export")
API_STRUCTURES = structures_table("di_api")
API_SERVICES = services_table("di_api")

EXPORT_SERVICE_EXTRA = [("annee_creation", INT), ("maj_derniere_annee", BOOL)]
API_STRUCTURE_EXTRA = [("complement_adresse", TEXT), ("doublons", LIST), ("score_qualite", FLOAT)]
API_SERVICE_EXTRA = [("complement_adresse", TEXT), ("score_qualite", FLOAT)]


def _read_text(path: Path) -> str:
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as handle:
            return handle.read().decode("utf-8-sig")
    return path.read_text(encoding="utf-8-sig")


def _export_dirs(data_dir: Path) -> list[Path]:
    return sorted(p for p in Path(data_dir).glob(EXPORT_GLOB) if p.is_dir())


def _export_file(folder: Path, stem: str) -> Path:
    for name in (f"{stem}.json", f"{stem}.json.gz"):
        if (folder / name).exists():
            return folder / name
    return folder / f"{stem}.json"


_ITEMS_KEY = re.compile(r'"items"\s*:\s*(?=\[)')


def _json_records(
    table: str, path: Path, api_answer: bool = False
) -> tuple[list[tuple[int, Any]], list[QuarantineRow], str | None]:
    """Elements of a JSON array file, the quarantine rows of broken ones, or a file error.

    With ``api_answer``, the array is the ``items`` of a recorded API v1 answer
    (``{"items": [...]}``); lines stay the physical lines of the file.
    """
    if not path.exists():
        return [], [], f"file not found: {path}"
    try:
        text = _read_text(path)
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        return [], [], f"unreadable file: {exc}"
    start = 0
    if api_answer:
        match = _ITEMS_KEY.search(text)
        if match is None:
            return [], [], 'not an API v1 answer: no "items" array'
        start = match.end()
    records: list[tuple[int, Any]] = []
    broken: list[QuarantineRow] = []
    try:
        for line, value, error in iter_json_array(text, start):
            if error is not None:
                broken.append(QuarantineRow(table, str(path), line, "", error, _excerpt(text, line)))
            else:
                records.append((line, value))
    except FieldError as exc:
        return [], [], str(exc)
    return records, broken, None


def _excerpt(text: str, line: int, limit: int = 300) -> str:
    lines = text.splitlines()
    return "\n".join(lines[line - 1 : line + 4])[:limit] if 0 < line <= len(lines) else ""


def _bool_text(raw: Any) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return raw
    text = str(raw).strip().upper()
    if text in {"", "NULL"}:
        return None
    if text in {"TRUE", "VRAI", "T", "1", "OUI"}:
        return True
    if text in {"FALSE", "FAUX", "F", "0", "NON"}:
        return False
    raise FieldError(f"not a boolean: {raw!r}")


def _located(
    check: RowChecker, record: Mapping[str, Any], keys: dict[str, str], reunion_fix: bool = False
) -> dict[str, Any]:
    """Commune, postcode, address and checked coordinates of a record."""
    code_insee = check.soft(keys["code_insee"], check_commune, record.get(keys["code_insee"]))
    code_postal = check.soft(keys["code_postal"], check_postcode, record.get(keys["code_postal"]))
    lon, lat = check.soft(
        f"{keys['longitude']}/{keys['latitude']}",
        check_coordinates,
        record.get(keys["longitude"]),
        record.get(keys["latitude"]),
        default=(None, None),
    )
    corrected = False
    if reunion_fix:
        lat, corrected = restore_reunion_latitude(lat, code_insee, code_postal)
    return {
        "code_insee": code_insee,
        "commune": check.soft(keys["commune"], clean_text, record.get(keys["commune"])),
        "code_postal": code_postal,
        "adresse": check.soft(keys["adresse"], clean_text, record.get(keys["adresse"])),
        "longitude": lon,
        "latitude": lat,
        "coordonnees_corrigees": corrected,
    }


# --------------------------------------------------------------------------- export


_EXPORT_SERVICE_PLACE = {
    "code_insee": "Code Insee",
    "code_postal": "Code Postal",
    "commune": "Commune",
    "adresse": "Adresse",
    "longitude": "Long",
    "latitude": "Lat",
}


def _export_service_row(record: Mapping[str, Any], check: RowChecker) -> dict[str, Any]:
    row = {
        "source": check.require("Source", record.get("Source")),
        "id": check.require("Service ID", record.get("Service ID")),
        "structure_id": check.require("Structure ID", record.get("Structure ID")),
        "nom": check.soft("Nom", clean_text, record.get("Nom")),
        "thematiques": check.soft("Thematiques", parse_brace_list, record.get("Thematiques")),
        "frais": check.soft("Frais", parse_brace_list, record.get("Frais")),
        "publics": check.soft("Profils", parse_brace_list, record.get("Profils")),
        "modes_accueil": check.soft("Modes Accueil", parse_brace_list, record.get("Modes Accueil")),
        "annee_creation": check.soft("Année-creation", check_integer, record.get("Année-creation")),
        "maj_derniere_annee": check.soft("Update-last-year", _bool_text, record.get("Update-last-year")),
    }
    row.update(_located(check, record, _EXPORT_SERVICE_PLACE, reunion_fix=True))
    return row


def _concat(table: str, results: list[ReadResult], vintage: str, columns, extra=()) -> ReadResult:
    import pandas as pd

    frames = [r.frame for r in results if len(r.frame)]
    frame = pd.concat(frames, ignore_index=True) if frames else build_frame([], columns, extra)
    checksum = hashlib.sha256("".join(r.source.checksum for r in results).encode()).hexdigest()
    files = ";".join(r.source.source_file for r in results)
    quarantine = [q for r in results for q in r.quarantine]
    seen: set[str] = set()
    keep = []
    for position, (key, line) in enumerate(zip(frame["id"], frame["_line"], strict=True)):
        if key in seen:
            quarantine.append(
                QuarantineRow(table, files, int(line), "id", f"duplicate id {key!r} across export folders")
            )
            continue
        seen.add(key)
        keep.append(position)
    frame = frame.iloc[keep].reset_index(drop=True)
    return ReadResult(table, frame, SourceInfo(files, checksum, vintage), quarantine)


def _read_export(
    data_dir: Path,
    stem: str,
    table: str,
    columns: Sequence[tuple[str, pa.DataType]],
    extra: Sequence[tuple[str, pa.DataType]],
    row_function: Callable[[Path], RowFunction],
) -> ReadResult:
    """The ``<stem>.json[.gz]`` file of every export folder, one table.

    ``row_function(folder)`` gives the row function of a folder whose file could be read.
    """
    folders = _export_dirs(data_dir)
    if not folders:
        info = SourceInfo(str(Path(data_dir) / EXPORT_GLOB), "", EXPORT_VINTAGE)
        return empty_result(table, columns, info, f"no export folder matches {EXPORT_GLOB}", extra)
    results = []
    for folder in folders:
        path = _export_file(folder, stem)
        records, broken, error = _json_records(table, path)
        info = SourceInfo(str(path), file_checksum(path) if path.exists() else "", EXPORT_VINTAGE)
        if error is not None:
            results.append(empty_result(table, columns, info, error, extra))
            continue
        rows, quarantine = convert_records(records, row_function(folder), table, str(path))
        frame = build_frame(rows, columns, extra)
        results.append(ReadResult(table, frame, info, sorted(broken + quarantine, key=lambda q: q.line)))
    if len(results) == 1:
        return results[0]
    return _concat(table, results, EXPORT_VINTAGE, columns, extra)


def read_export_services(data_dir: Path) -> ReadResult:
    """Services of every data·inclusion export folder (``raw.offre_services__di_export``)."""
    return _read_export(
        data_dir,
        "services",
        EXPORT_SERVICES,
        SERVICE_COLUMNS,
        EXPORT_SERVICE_EXTRA,
        lambda folder: _export_service_row,
    )


def _service_sources(folder: Path) -> dict[str, str]:
    """Structure ID → Source, from the services file of the same export (first one seen)."""
    records, _, error = _json_records(EXPORT_SERVICES, _export_file(folder, "services"))
    if error is not None:
        return {}
    sources: dict[str, str] = {}
    for _, record in records:
        if isinstance(record, Mapping):
            structure = (
                clean_text(record.get("Structure ID"))
                if not isinstance(record.get("Structure ID"), (dict, list))
                else None
            )
            source = record.get("Source")
            if structure and isinstance(source, str) and source.strip():
                sources.setdefault(structure, source.strip())
    return sources


def _export_structure_row(folder: Path) -> RowFunction:
    """Row function of a folder's structures, whose source is given by the folder's services."""
    sources = _service_sources(folder)

    def row_function(record: Mapping[str, Any], check: RowChecker) -> dict[str, Any]:
        identifier = check.require("ID", record.get("ID"))
        return {
            "source": sources.get(identifier),
            "id": identifier,
            "nom": check.soft("Nom", clean_text, record.get("Nom")),
            "code_insee": check.soft("Code Insee", check_commune, record.get("Code Insee")),
            "commune": check.soft("Commune", clean_text, record.get("Commune")),
            "typologie": check.soft("Typologie", clean_text, record.get("Typologie")),
            "reseaux_porteurs": [],
            "coordonnees_corrigees": False,
        }

    return row_function


def read_export_structures(data_dir: Path) -> ReadResult:
    """Structures of every data·inclusion export folder (``raw.offre_structures__di_export``)."""
    return _read_export(
        data_dir, "structures", EXPORT_STRUCTURES, STRUCTURE_COLUMNS, (), _export_structure_row
    )


# --------------------------------------------------------------------------- API v1


_API_PLACE = {
    "code_insee": "code_insee",
    "code_postal": "code_postal",
    "commune": "commune",
    "adresse": "adresse",
    "longitude": "longitude",
    "latitude": "latitude",
}


def _score(raw: Any) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise FieldError(f"not a number: {raw!r}")
    return float(raw)


def _doublons(raw: Any) -> list[str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise FieldError(f"expected a list, found {type(raw).__name__}")
    out = []
    for item in raw:
        if isinstance(item, Mapping):
            if item.get("id"):
                out.append(str(item["id"]))
        elif isinstance(item, str):
            out.append(item)
        else:
            raise FieldError(f"unexpected element of type {type(item).__name__}")
    return out


def _api_structure_row(record: Mapping[str, Any], check: RowChecker) -> dict[str, Any]:
    row = {
        "source": check.require("source", record.get("source")),
        "id": check.require("id", record.get("id")),
        "nom": check.soft("nom", clean_text, record.get("nom")),
        "siret": check.soft("siret", check_siret, record.get("siret")),
        "date_maj": check.soft("date_maj", check_date, record.get("date_maj")),
        "site_web": check.soft("site_web", clean_text, record.get("site_web")),
        "reseaux_porteurs": check.soft("reseaux_porteurs", parse_json_list, record.get("reseaux_porteurs"))
        or [],
        "complement_adresse": check.soft("complement_adresse", clean_text, record.get("complement_adresse")),
        "doublons": check.soft("doublons", _doublons, record.get("doublons")),
        "score_qualite": check.soft("score_qualite", _score, record.get("score_qualite")),
    }
    row.update(_located(check, record, _API_PLACE))
    return row


def _api_service_row(record: Mapping[str, Any], check: RowChecker) -> dict[str, Any]:
    types = record.get("types", record.get("type"))
    row = {
        "source": check.require("source", record.get("source")),
        "id": check.require("id", record.get("id")),
        "structure_id": check.require("structure_id", record.get("structure_id")),
        "nom": check.soft("nom", clean_text, record.get("nom")),
        "description": check.soft("description", clean_text, record.get("description")),
        "types": check.soft("type", parse_json_list, types),
        "thematiques": check.soft("thematiques", parse_json_list, record.get("thematiques")),
        "frais": check.soft("frais", parse_json_list, record.get("frais")),
        "publics": check.soft("publics", parse_json_list, record.get("publics")),
        "modes_accueil": check.soft("modes_accueil", parse_json_list, record.get("modes_accueil")),
        "zone_eligibilite": check.soft("zone_eligibilite", parse_json_list, record.get("zone_eligibilite")),
        "date_maj": check.soft("date_maj", check_date, record.get("date_maj")),
        "complement_adresse": check.soft("complement_adresse", clean_text, record.get("complement_adresse")),
        "score_qualite": check.soft("score_qualite", _score, record.get("score_qualite")),
    }
    row.update(_located(check, record, _API_PLACE))
    return row


@dataclass(frozen=True)
class _ApiTable:
    """One table of the API v1: its answer file in the snapshot, raw table, columns and rows."""

    name: str
    table: str
    columns: Sequence[tuple[str, pa.DataType]]
    extra: Sequence[tuple[str, pa.DataType]]
    row_function: RowFunction


_API_STRUCTURES_TABLE = _ApiTable(
    "structures", API_STRUCTURES, STRUCTURE_COLUMNS, API_STRUCTURE_EXTRA, _api_structure_row
)
_API_SERVICES_TABLE = _ApiTable(
    "services", API_SERVICES, SERVICE_COLUMNS, API_SERVICE_EXTRA, _api_service_row
)


def api_structure_rows(items: Iterable[tuple[int, Any]], table: str, source_file: str):
    """Rows and quarantine of API v1 structure items given as ``(line, item)``."""
    return convert_records(items, _api_structure_row, table, source_file)


def api_service_rows(items: Iterable[tuple[int, Any]], table: str, source_file: str):
    """Rows and quarantine of API v1 service items given as ``(line, item)``."""
    return convert_records(items, _api_service_row, table, source_file)


def _api_result(
    api: _ApiTable,
    items: Iterable[tuple[int, Any]],
    info: SourceInfo,
    extra_quarantine: Iterable[QuarantineRow],
) -> ReadResult:
    rows, quarantine = convert_records(items, api.row_function, api.table, info.source_file)
    frame = build_frame(rows, api.columns, api.extra)
    return ReadResult(api.table, frame, info, sorted([*extra_quarantine, *quarantine], key=lambda q: q.line))


def api_structures_result(
    items: Iterable[tuple[int, Any]], info: SourceInfo, extra_quarantine: Iterable[QuarantineRow] = ()
) -> ReadResult:
    """``raw.offre_structures__di_api`` from API v1 items."""
    return _api_result(_API_STRUCTURES_TABLE, items, info, extra_quarantine)


def api_services_result(
    items: Iterable[tuple[int, Any]], info: SourceInfo, extra_quarantine: Iterable[QuarantineRow] = ()
) -> ReadResult:
    """``raw.offre_services__di_api`` from API v1 items."""
    return _api_result(_API_SERVICES_TABLE, items, info, extra_quarantine)


def _read_api_snapshot(data_dir: Path, api: _ApiTable) -> ReadResult:
    """The table from the recorded API v1 answer ``<api.name>.json`` of the snapshot."""
    path = Path(data_dir) / API_MOCKS_DIR / f"{api.name}.json"
    items, broken, error = _json_records(api.table, path, api_answer=True)
    info = SourceInfo(str(path), file_checksum(path) if path.exists() else "", API_SNAPSHOT_VINTAGE)
    if error is not None:
        return empty_result(api.table, api.columns, info, error, api.extra)
    return _api_result(api, items, info, broken)


def read_api_snapshot_structures(data_dir: Path) -> ReadResult:
    """``raw.offre_structures__di_api`` from the recorded API v1 answers (snapshot mode)."""
    return _read_api_snapshot(data_dir, _API_STRUCTURES_TABLE)


def read_api_snapshot_services(data_dir: Path) -> ReadResult:
    """``raw.offre_services__di_api`` from the recorded API v1 answers (snapshot mode)."""
    return _read_api_snapshot(data_dir, _API_SERVICES_TABLE)
