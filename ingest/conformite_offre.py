"""Conformity of the offer catalogue to the data·inclusion schema v1 (JSON Schema).

The catalogue (``intermediate.int_offre__structures_unies`` and ``int_offre__services_unis``)
is turned back into v1 records — the fields the schema knows, with the v1 codes produced by
the mappings — and each record is validated with :mod:`jsonschema` against
``data-inclusion-schema/structure.schema.json`` / ``service.schema.json`` of the snapshot.
Every violation becomes one row (record key, field, reason in French) for the quarantine
table ``quarantine.offre_non_conforme``; nothing is dropped from the catalogue.

Records rebuilt by the pipeline (structures that no source describes) are validated too: they
lack the required ``date_maj`` and say so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from ingest.paresseux import module_paresseux
from ingest.warehouse import insert_rows

pd = module_paresseux("pandas")

__all__ = [
    "SCHEMA_DIR",
    "QUARANTINE_TABLE",
    "STRUCTURE_FIELDS",
    "SERVICE_FIELDS",
    "Violation",
    "load_validator",
    "structure_record",
    "service_record",
    "violations",
    "write_violations",
    "valider_catalogue",
]

SCHEMA_DIR = Path("data-inclusion-schema")
QUARANTINE_TABLE = "quarantine.offre_non_conforme"

#: catalogue column → v1 field of a structure
STRUCTURE_FIELDS = {
    "source": "source", "cle_structure": "id", "nom": "nom", "date_maj": "date_maj", "siret": "siret",
    "commune": "commune", "code_postal": "code_postal", "code_insee": "code_insee", "adresse": "adresse",
    "longitude": "longitude", "latitude": "latitude", "site_web": "site_web",
    "reseaux_porteurs": "reseaux_porteurs",
}
#: catalogue column → v1 field of a service
SERVICE_FIELDS = {
    "source": "source", "cle_structure": "structure_id", "cle_service": "id", "nom": "nom",
    "description": "description", "date_maj": "date_maj", "type_service": "type",
    "thematiques": "thematiques",
    "frais": "frais", "publics": "publics", "commune": "commune", "code_postal": "code_postal",
    "code_insee": "code_insee", "adresse": "adresse", "longitude": "longitude", "latitude": "latitude",
    "modes_accueil": "modes_accueil", "zone_eligibilite": "zone_eligibilite",
}


@dataclass(frozen=True)
class Violation:
    """One way a record breaks the schema."""

    entite: str
    cle: str
    table_source: str
    champ: str
    raison: str
    valeur: str


@lru_cache(maxsize=4)
def load_validator(data_dir: str, entite: str) -> Draft202012Validator:
    """The JSON Schema validator of ``structure`` or ``service`` from the snapshot.

    Raises ``FileNotFoundError`` naming the file when the schema is missing.
    """
    path = Path(data_dir) / SCHEMA_DIR / f"{entite}.schema.json"
    if not path.exists():
        raise FileNotFoundError(f"data·inclusion JSON schema not found: {path}")
    schema = json.loads(path.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _plain(value: Any) -> Any:
    """A DuckDB/pandas value as JSON data (NULL and NaN → None, dates → ISO, arrays → lists)."""
    if value is None:
        return None
    if not isinstance(value, (str, bytes, list, tuple)) and not hasattr(value, "__len__"):
        try:
            if pd.isna(value):
                return None
        except (TypeError, ValueError):
            pass
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _record(row: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, Any]:
    return {target: _plain(row.get(column)) for column, target in fields.items()}


def structure_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """A catalogue structure as a v1 ``Structure`` record.

    Examples
    --------
    >>> structure_record({"source": "dora", "cle_structure": "di_api--1", "nom": "CCAS", "siret": None,
    ...                   "reseaux_porteurs": ["ccas-cias"], "longitude": float("nan")})["reseaux_porteurs"]
    ['ccas-cias']
    """
    return _record(row, STRUCTURE_FIELDS)


def service_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """A catalogue service as a v1 ``Service`` record."""
    return _record(row, SERVICE_FIELDS)


def _reason(error: Any) -> tuple[str, str]:
    champ = ".".join(str(p) for p in error.absolute_path if not isinstance(p, int)) or (
        error.message.split("'")[1] if error.validator == "required" and "'" in error.message else "")
    kinds = {
        "required": "champ obligatoire absent",
        "enum": "valeur hors du référentiel v1",
        "pattern": "format non conforme",
        "minLength": "texte trop court",
        "maxLength": "texte trop long",
        "type": "type de valeur inattendu",
        "format": "format non conforme",
        "uniqueItems": "valeurs répétées dans la liste",
        "minItems": "liste vide",
        "anyOf": "valeur non conforme",
    }
    return champ, f"{kinds.get(error.validator, error.validator)} : {error.message}"[:500]


def violations(rows: Iterable[Mapping[str, Any]], entite: str, validator: Draft202012Validator,
               key: str) -> Iterator[Violation]:
    """Every schema violation of ``rows`` (catalogue rows of ``entite``, keyed by column ``key``).

    Examples
    --------
    >>> v = Draft202012Validator({"type": "object", "required": ["nom"],
    ...     "properties": {"nom": {"type": "string", "minLength": 3}}})
    >>> [x.raison.split(" :")[0] for x in violations([{"cle_structure": "a", "nom": "AB"}], "structure", v,
    ...                                                "cle_structure")]
    ['texte trop court']
    """
    to_record = structure_record if entite == "structure" else service_record
    check = _par_champ(validator)
    for row in rows:
        record = {k: v for k, v in to_record(row).items() if v is not None}
        source = str(row.get("table_source") or "")
        for champ, raison, texte in check(record):
            yield Violation(entite, str(row.get(key)), source, champ, raison, texte)


def _deviation(error: Any) -> tuple[str, str, str]:
    champ, raison = _reason(error)
    valeur = error.instance if error.validator != "required" else None
    texte = json.dumps(valeur, ensure_ascii=False, default=str)[:200] if valeur is not None else ""
    return champ, raison, texte


# keywords of the v1 schemas' root; with any other, records are validated whole (see _par_champ)
_RACINE_CONNUE = {"$defs", "$schema", "$id", "title", "description", "properties", "required", "type"}


def _par_champ(validator: Draft202012Validator):
    """A function giving the deviations of a record, the same and in the same order as
    ``validator.iter_errors`` on the whole record, validating each distinct (field, value) once.

    The root of the v1 schemas is an object with ``properties`` and ``required`` only: a record's
    errors are those of each of its fields against its property, then the required fields it lacks.
    The catalogue repeats most values (sources, codes, lists of thématiques, communes), and with
    100 000 local offer rows validating every record whole took minutes. Any other root keyword:
    whole records, as before."""
    schema = validator.schema
    if not isinstance(schema, dict) or set(schema) - _RACINE_CONNUE or schema.get("type") != "object":
        return lambda record: [_deviation(e) for e in validator.iter_errors(record)]
    proprietes = validator.evolve(schema={k: v for k, v in schema.items() if k != "required"})
    obligatoires = [_deviation(e) for e in validator.iter_errors({}) if e.validator == "required"]
    requis = list(zip(schema.get("required", []), obligatoires, strict=True))
    vus: dict[tuple, list[tuple[str, str, str]]] = {}

    def check(record: dict[str, Any]) -> list[tuple[str, str, str]]:
        found: list[tuple[str, str, str]] = []
        for keyword in schema:
            if keyword == "properties":
                for champ in schema["properties"]:
                    if champ not in record:
                        continue
                    value = record[champ]
                    cle = (champ, type(value).__name__, value if isinstance(value, (str, int, float)) else
                           json.dumps(value, sort_keys=True, default=str))
                    errors = vus.get(cle)
                    if errors is None:
                        errors = vus[cle] = [_deviation(e) for e in proprietes.iter_errors({champ: value})]
                    found.extend(errors)
            elif keyword == "required":
                found.extend(error for champ, error in requis if champ not in record)
        return found

    return check


def write_violations(con: Any, found: list[Violation]) -> int:
    """Replace ``quarantine.offre_non_conforme`` with ``found``; returns the number of rows."""
    con.execute("create schema if not exists quarantine")
    con.execute(
        f"""create or replace table {QUARANTINE_TABLE} (
            entite varchar, cle varchar, table_source varchar, champ varchar, raison varchar,
            valeur varchar, controle_le timestamp)"""
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if found:
        insert_rows(con, QUARANTINE_TABLE,
                    [(v.entite, v.cle, v.table_source, v.champ, v.raison, v.valeur, now) for v in found])
    return len(found)


VERIFICATIONS_TABLE = "quarantine.offre_conformite_verifications"
CATALOGUE_TABLES = (
    ("structure", "intermediate", "int_offre__structures_unies", "cle_structure"),
    ("service", "intermediate", "int_offre__services_unis", "cle_service"),
)


@dataclass(frozen=True)
class Conformite:
    """Outcome of the schema validation of the catalogue."""

    counts: dict[str, int]  # structures, structures_non_conformes, services, services_non_conformes
    by_reason: dict[tuple[str, str, str], int]  # (source table, field, reason) -> deviations
    controle_le: dt.datetime
    reprise: bool  # True when taken over from an earlier validation of identical tables


def _catalogue_key(con: Any, data_dir: str) -> str:
    from ingest.expectations import table_fingerprint

    parts: list[Any] = [hashlib.sha256(Path(__file__).read_bytes()).hexdigest()]
    for entite, schema, table, _ in CATALOGUE_TABLES:
        schema_file = Path(data_dir) / SCHEMA_DIR / f"{entite}.schema.json"
        parts.append(hashlib.sha256(schema_file.read_bytes()).hexdigest() if schema_file.exists() else None)
        parts.append(table_fingerprint(con, table, schema=schema))
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def valider_catalogue(con: Any, data_dir: str, force: bool = False) -> Conformite:
    """Validate the catalogue against the v1 schema, or take over the last validation.

    The deviations are written to :data:`QUARANTINE_TABLE`. When the two catalogue tables, the
    schema files and this module are identical to those of the last validation (and its
    quarantine table is still there), nothing is validated again: the quarantine rows stay and
    the recorded figures are returned with ``reprise=True``. ``force`` validates anyway.
    """
    con.execute("create schema if not exists quarantine")
    con.execute(
        f"create table if not exists {VERIFICATIONS_TABLE} "
        "(cle varchar, counts varchar, by_reason varchar, controle_le timestamp)"
    )
    key = _catalogue_key(con, data_dir)
    if not force and _table_exists(con, QUARANTINE_TABLE):
        row = con.execute(
            f"select counts, by_reason, controle_le from {VERIFICATIONS_TABLE} where cle = ?", [key]
        ).fetchone()
        if row is not None:
            by_reason = {tuple(k.split("\x1f")): n for k, n in json.loads(row[1]).items()}
            return Conformite(json.loads(row[0]), by_reason, row[2], True)
    found: list[Violation] = []
    counts: dict[str, int] = {}
    for entite, schema, table, column in CATALOGUE_TABLES:
        rows = con.execute(f"select * from {schema}.{table}").df().to_dict("records")
        entity_found = list(violations(rows, entite, load_validator(str(data_dir), entite), column))
        found += entity_found
        counts[f"{entite}s"] = len(rows)
        counts[f"{entite}s_non_conformes"] = len({v.cle for v in entity_found})
    write_violations(con, found)
    by_reason: dict[tuple[str, str, str], int] = {}
    for v in found:
        motif = (v.table_source, v.champ, v.raison.split(" :")[0])
        by_reason[motif] = by_reason.get(motif, 0) + 1
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(f"delete from {VERIFICATIONS_TABLE}")
    con.execute(
        f"insert into {VERIFICATIONS_TABLE} values (?, ?, ?, ?)",
        [key, json.dumps(counts), json.dumps({"\x1f".join(k): n for k, n in by_reason.items()}), now],
    )
    return Conformite(counts, by_reason, now, False)


def _table_exists(con: Any, qualified: str) -> bool:
    schema, table = qualified.split(".")
    return con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()[0] > 0
