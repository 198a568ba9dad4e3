"""Shared pieces of the offer readers: the raw contract, referentiels, row conversion.

The value checks (``check_*``, list parsing, JSON arrays) are in :mod:`ingest.offre.valeurs`
and re-exported here, so that every reader imports its helpers from this one module.

Every offer source becomes ``raw.offre_structures__<src>`` and, when it describes
services, ``raw.offre_services__<src>``, with the columns of :data:`STRUCTURE_COLUMNS`
and :data:`SERVICE_COLUMNS` (NULL when the source lacks them) plus a few columns of
its own. Columns carry Arrow types so that DuckDB gets ``VARCHAR[]``, ``DATE``,
``DOUBLE`` and ``BOOLEAN`` even when a column is empty.

Two kinds of problems are told apart, both written to the quarantine with the file,
the line and the field:

- a **hard** problem (no identifier, duplicate identifier, a record that is not an
  object, a wrong number of fields) rejects the row;
- a **soft** problem (a bad SIRET, a commune code of the wrong shape, coordinates out
  of range, a list that cannot be parsed) sets that value to NULL and keeps the row:
  a structure is worth more with its name and address than not at all.

Personal data is never read: telephone numbers, e-mail addresses and advisers' names
are dropped before anything else (:data:`PERSONAL_KEYS`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ingest.core import (
    FieldError,
    QuarantineRow,
    ReadResult,
    SourceInfo,
)

# value checks and parsing live in ingest.offre.valeurs; re-exported here, the readers' one import
from ingest.offre import valeurs
from ingest.offre.valeurs import *  # noqa: F403
from ingest.offre.valeurs import clean_text

__all__ = [
    "STRUCTURE_COLUMNS",
    "SERVICE_COLUMNS",
    "PERSONAL_KEYS",
    "RowRejected",
    "RowChecker",
    "structures_table",
    "services_table",
    "convert_records",
    "build_frame",
    "empty_result",
    "referentiel_values",
    "v0_values",
    "implied_reseaux",
    "REFERENTIELS_FILE",
    *valeurs.__all__,
]

REFERENTIELS_FILE = Path("data-inclusion-schema") / "referentiels_v1.csv"
V0_SEEDS_DIR = Path("data-inclusion-schema") / "v0-seeds"

TEXT = pa.string()
LIST = pa.list_(pa.string())
FLOAT = pa.float64()
INT = pa.int64()
BOOL = pa.bool_()
DATE = pa.date32()

#: Where a structure or a service is: its commune, address and point (both tables, in this order).
_LIEU: list[tuple[str, pa.DataType]] = [
    ("code_insee", TEXT),
    ("commune", TEXT),
    ("code_postal", TEXT),
    ("adresse", TEXT),
    ("longitude", FLOAT),
    ("latitude", FLOAT),
    ("coordonnees_corrigees", BOOL),
]

#: Columns of every ``raw.offre_structures__<src>`` table, in order.
STRUCTURE_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("_line", INT),
    ("source", TEXT),
    ("id", TEXT),
    ("nom", TEXT),
    ("siret", TEXT),
    *_LIEU,
    ("typologie", TEXT),
    ("reseaux_porteurs", LIST),
    ("site_web", TEXT),
    ("date_maj", DATE),
    ("capacite", INT),
    ("departement", TEXT),
    ("nb_conseillers", INT),
]

#: Columns of every ``raw.offre_services__<src>`` table, in order.
SERVICE_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("_line", INT),
    ("source", TEXT),
    ("id", TEXT),
    ("structure_id", TEXT),
    ("nom", TEXT),
    ("description", TEXT),
    ("types", LIST),
    ("thematiques", LIST),
    ("frais", LIST),
    ("publics", LIST),
    ("modes_accueil", LIST),
    *_LIEU,
    ("zone_eligibilite", LIST),
    ("date_maj", DATE),
]

#: Keys never read from any record (contacts of organisations and advisers' names).
PERSONAL_KEYS = frozenset({
    "telephone", "téléphone", "courriel", "courriels", "email", "e-mail", "mail", "tel",
    "contact_nom_prenom", "contact_nom", "contact_prenom", "contact_public", "telephones",
    "mail_siae", "tel_siae",
})


def _raw_table(kind: str, src: str) -> str:
    """Name of the raw table of a source's ``structures`` or ``services``.

    Examples
    --------
    >>> structures_table("france_services"), services_table("di_export")
    ('offre_structures__france_services', 'offre_services__di_export')
    """
    return f"offre_{kind}__{src}"


def structures_table(src: str) -> str:
    """Name of the raw structures table of a source."""
    return _raw_table("structures", src)


def services_table(src: str) -> str:
    """Name of the raw services table of a source."""
    return _raw_table("services", src)




# --------------------------------------------------------------------------- referentiels


@lru_cache(maxsize=8)
def _referentiels(path: Path) -> dict[str, frozenset[str]]:
    values: dict[str, set[str]] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            values.setdefault(row["referentiel"].strip(), set()).add(row["value"].strip())
    return {name: frozenset(codes) for name, codes in values.items()}


def referentiel_values(data_dir: Path, referentiel: str) -> frozenset[str]:
    """The codes of one data·inclusion v1 referentiel (``Thematique``, ``ReseauPorteur``...).

    Raises ``FileNotFoundError`` when the referentiels file is absent and ``KeyError``
    for an unknown referentiel name.
    """
    return _referentiels(Path(data_dir) / REFERENTIELS_FILE)[referentiel]


@lru_cache(maxsize=16)
def _v0(path: Path) -> frozenset[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return frozenset(row["value"].strip() for row in csv.DictReader(handle))


def v0_values(data_dir: Path, name: str) -> frozenset[str]:
    """The codes of one schema v0 list (e.g. ``typologies_de_structures``)."""
    return _v0(Path(data_dir) / V0_SEEDS_DIR / f"{name}.csv")


def implied_reseaux(data_dir: Path, *codes: str) -> list[str]:
    """The réseaux porteurs implied by a list, kept only if they exist in the v1 referentiel.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp()); (d / "data-inclusion-schema").mkdir()
    >>> _ = (d / REFERENTIELS_FILE).write_text("referentiel,value,label,description\\n"
    ...                                       "ReseauPorteur,geiq,GEIQ,\\n")
    >>> implied_reseaux(d, "geiq", "not-a-network")
    ['geiq']
    """
    try:
        known = referentiel_values(data_dir, "ReseauPorteur")
    except (FileNotFoundError, KeyError):
        return []
    return [code for code in codes if code in known]


# --------------------------------------------------------------------------- rows


class RowRejected(Exception):
    """Raised inside a row function to reject the whole row (hard problem)."""

    def __init__(self, field_name: str, reason: str):
        super().__init__(f"{field_name}: {reason}")
        self.field_name = field_name
        self.reason = reason


@dataclass
class RowChecker:
    """Collects the soft problems of one row and rejects it on hard ones."""

    table: str
    source_file: str
    line: int
    content: str
    issues: list[QuarantineRow] = field(default_factory=list)

    def soft(self, field_name: str, check: Callable[..., Any], *raw: Any, default: Any = None) -> Any:
        """Apply ``check``; on :class:`FieldError`, note the problem and return ``default``."""
        try:
            return check(*raw)
        except FieldError as exc:
            self.note(field_name, str(exc))
            return default

    def hard(self, field_name: str, check: Callable[..., Any], *raw: Any) -> Any:
        """Apply ``check``; on :class:`FieldError`, reject the row."""
        try:
            return check(*raw)
        except FieldError as exc:
            raise RowRejected(field_name, str(exc)) from None

    def note(self, field_name: str, reason: str) -> None:
        """Record a soft problem (the row is kept)."""
        self.issues.append(
            QuarantineRow(self.table, self.source_file, self.line, field_name, reason, self.content)
        )

    def require(self, field_name: str, raw: Any) -> str:
        """A non-empty text, or reject the row."""
        value = self.hard(field_name, clean_text, raw)
        if value is None:
            raise RowRejected(field_name, "empty value in a required field")
        return value


def record_content(record: Mapping[str, Any] | Sequence[Any] | Any, limit: int = 500) -> str:
    """A short, personal-data-free text of a record for the quarantine ``content`` column."""
    if isinstance(record, Mapping):
        safe = {k: v for k, v in record.items() if str(k).strip().lower() not in PERSONAL_KEYS}
        text = json.dumps(safe, ensure_ascii=False, default=str)
    else:
        text = json.dumps(record, ensure_ascii=False, default=str)
    return text[:limit]


def drop_personal(record: Mapping[str, Any]) -> dict[str, Any]:
    """Copy of a record without its personal-data keys.

    Examples
    --------
    >>> drop_personal({"nom": "X", "courriel": "a@b.fr", "Telephone": "01"})
    {'nom': 'X'}
    """
    return {k: v for k, v in record.items() if str(k).strip().lower() not in PERSONAL_KEYS}


RowFunction = Callable[[Mapping[str, Any], RowChecker], "dict[str, Any] | list[dict[str, Any]]"]


def convert_records(
    records: Iterable[tuple[int, Any]],
    row_function: RowFunction,
    table: str,
    source_file: str,
    id_field: str = "id",
    id_label: str | None = None,
) -> tuple[list[dict[str, Any]], list[QuarantineRow]]:
    """Turn ``(line, record)`` pairs into output rows with :class:`RowChecker` semantics.

    ``row_function`` returns one row (or a list of rows) for a record, calls
    ``checker.soft`` for values that may be dropped and raises :class:`RowRejected`
    (directly or through ``checker.hard``/``require``) to reject the record. A record
    that is not a JSON object, and a row whose ``id_field`` repeats an earlier one,
    are rejected too (the quarantine names the field ``id_label``, by default
    ``id_field``). Personal-data keys are removed before the row function sees the record.
    """
    rows: list[dict[str, Any]] = []
    quarantine: list[QuarantineRow] = []
    seen: dict[str, int] = {}
    for line, record in records:
        if not isinstance(record, Mapping):
            quarantine.append(QuarantineRow(
                table, source_file, line, "",
                f"record is not an object but {type(record).__name__}", record_content(record),
            ))
            continue
        record = drop_personal(record)
        checker = RowChecker(table, source_file, line, record_content(record))
        try:
            produced = row_function(record, checker)
        except RowRejected as exc:
            quarantine.append(QuarantineRow(table, source_file, line, exc.field_name, exc.reason,
                                            checker.content))
            continue
        produced_rows = produced if isinstance(produced, list) else [produced]
        accepted: list[dict[str, Any]] = []
        for row in produced_rows:
            key = row.get(id_field)
            if key in seen:
                quarantine.append(QuarantineRow(
                    table, source_file, line, id_label or id_field,
                    f"duplicate {id_field} {key!r} (first seen at line {seen[key]})", checker.content,
                ))
                continue
            seen[key] = line
            row["_line"] = line
            accepted.append(row)
        quarantine.extend(checker.issues)
        rows.extend(accepted)
    return rows, quarantine


def build_frame(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[tuple[str, pa.DataType]],
    extra: Sequence[tuple[str, pa.DataType]] = (),
) -> pd.DataFrame:
    """A DataFrame with exactly the contract columns (then ``extra``), Arrow-typed.

    Missing keys are NULL; keys not in the columns are an error (a typo in a reader).

    Examples
    --------
    >>> f = build_frame([{"id": "a", "reseaux_porteurs": ["geiq"]}], STRUCTURE_COLUMNS)
    >>> f.loc[0, "reseaux_porteurs"], str(f["latitude"].dtype)
    (['geiq'], 'double[pyarrow]')
    """
    spec = list(columns) + list(extra)
    names = [name for name, _ in spec]
    unknown = {key for row in rows for key in row} - set(names)
    if unknown:
        raise ValueError(f"columns outside the contract: {sorted(unknown)}")
    data: dict[str, pd.Series] = {}
    for name, arrow_type in spec:
        values = [row.get(name) for row in rows]
        data[name] = pd.Series(pd.arrays.ArrowExtensionArray(pa.array(values, type=arrow_type)))
    frame = pd.DataFrame(data, columns=names)
    frame.index = pd.RangeIndex(len(frame))
    return frame


def empty_result(
    table: str,
    columns: Sequence[tuple[str, pa.DataType]],
    source: SourceInfo,
    reason: str,
    extra: Sequence[tuple[str, pa.DataType]] = (),
) -> ReadResult:
    """An empty, correctly typed table with one file-level quarantine entry (line 0)."""
    return ReadResult(
        table, build_frame([], columns, extra), source,
        [QuarantineRow(table, source.source_file, 0, "", reason)],
    )
