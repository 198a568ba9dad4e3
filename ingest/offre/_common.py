"""Shared pieces of the offer readers: the raw contract, value checks, row conversion.

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
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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
    normalise_commune_code,
    normalise_departement_code,
    parse_french_number,
)

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
    "parse_brace_list",
    "parse_separated_list",
    "parse_json_list",
    "check_siret",
    "check_commune",
    "check_postcode",
    "check_departement",
    "check_date",
    "check_coordinates",
    "check_integer",
    "restore_reunion_latitude",
    "stable_id",
    "iter_json_array",
    "referentiel_values",
    "v0_values",
    "implied_reseaux",
    "REFERENTIELS_FILE",
]

REFERENTIELS_FILE = Path("data-inclusion-schema") / "referentiels_v1.csv"
V0_SEEDS_DIR = Path("data-inclusion-schema") / "v0-seeds"

TEXT = pa.string()
LIST = pa.list_(pa.string())
FLOAT = pa.float64()
INT = pa.int64()
BOOL = pa.bool_()
DATE = pa.date32()

#: Columns of every ``raw.offre_structures__<src>`` table, in order.
STRUCTURE_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("_line", INT),
    ("source", TEXT),
    ("id", TEXT),
    ("nom", TEXT),
    ("siret", TEXT),
    ("code_insee", TEXT),
    ("commune", TEXT),
    ("code_postal", TEXT),
    ("adresse", TEXT),
    ("longitude", FLOAT),
    ("latitude", FLOAT),
    ("coordonnees_corrigees", BOOL),
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
    ("code_insee", TEXT),
    ("commune", TEXT),
    ("code_postal", TEXT),
    ("adresse", TEXT),
    ("longitude", FLOAT),
    ("latitude", FLOAT),
    ("coordonnees_corrigees", BOOL),
    ("zone_eligibilite", LIST),
    ("date_maj", DATE),
]

#: Keys never read from any record (contacts of organisations and advisers' names).
PERSONAL_KEYS = frozenset({
    "telephone", "téléphone", "courriel", "courriels", "email", "e-mail", "mail", "tel",
    "contact_nom_prenom", "contact_nom", "contact_prenom", "contact_public", "telephones",
    "mail_siae", "tel_siae",
})

_POSTCODE = re.compile(r"^\d{5}$")
_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_FRENCH_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_UNKNOWN_DATES = {dt.date(1970, 1, 1)}
_MISSING_TEXT = {"", "null", "none", "nan"}


def structures_table(src: str) -> str:
    """Name of the raw structures table of a source.

    Examples
    --------
    >>> structures_table("france_services")
    'offre_structures__france_services'
    """
    return f"offre_structures__{src}"


def services_table(src: str) -> str:
    """Name of the raw services table of a source.

    Examples
    --------
    >>> services_table("di_export")
    'offre_services__di_export'
    """
    return f"offre_services__{src}"


# --------------------------------------------------------------------------- values


def clean_text(raw: Any) -> str | None:
    """Strip a value; empty strings and textual nulls become ``None``.

    Examples
    --------
    >>> clean_text("  Bobigny "), clean_text(""), clean_text("null"), clean_text(None)
    ('Bobigny', None, None, None)
    >>> clean_text(93)
    '93'
    """
    if raw is None:
        return None
    if isinstance(raw, (dict, list)):
        raise FieldError(f"expected a text value, found {type(raw).__name__}")
    text = str(raw).strip()
    return None if text.lower() in _MISSING_TEXT else text


def parse_brace_list(raw: str | None) -> list[str] | None:
    """Parse a Postgres array literal such as ``{a,"b, c"}`` into a list of strings.

    Elements may be double-quoted (then commas, braces and spaces are kept, and ``\\"``
    and ``\\\\`` are escapes); unquoted elements are stripped and an unquoted ``NULL``
    element is left out. An empty cell is ``None`` (the source has no value), ``{}``
    is an empty list. Anything else raises :class:`FieldError`.

    Examples
    --------
    >>> parse_brace_list("{gratuit}")
    ['gratuit']
    >>> parse_brace_list('{logement,"logement--etre-accompagne-en cas-de-difficultes, financieres",x}')
    ['logement', 'logement--etre-accompagne-en cas-de-difficultes, financieres', 'x']
    >>> parse_brace_list("{}"), parse_brace_list(""), parse_brace_list(None)
    ([], None, None)
    >>> parse_brace_list('{"a \\\\"b\\\\"",NULL}')
    ['a "b"']
    >>> parse_brace_list("{a,b")
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: not a brace list: '{a,b' (no closing brace)
    """
    if raw is None:
        return None
    text = str(raw).strip()
    if text == "":
        return None
    if not text.startswith("{"):
        raise FieldError(f"not a brace list: {raw!r} (no opening brace)")
    if not text.endswith("}") or len(text) < 2:
        raise FieldError(f"not a brace list: {raw!r} (no closing brace)")
    body = text[1:-1]
    items: list[str] = []
    if body.strip() == "":
        return items
    i, n = 0, len(body)
    while True:
        while i < n and body[i] == " ":
            i += 1
        if i < n and body[i] == '"':
            i += 1
            chars: list[str] = []
            while True:
                if i >= n:
                    raise FieldError(f"not a brace list: {raw!r} (unterminated quotes)")
                ch = body[i]
                if ch == "\\":
                    if i + 1 >= n:
                        raise FieldError(f"not a brace list: {raw!r} (dangling escape)")
                    chars.append(body[i + 1])
                    i += 2
                    continue
                if ch == '"':
                    i += 1
                    break
                chars.append(ch)
                i += 1
            while i < n and body[i] == " ":
                i += 1
            items.append("".join(chars))
        else:
            start = i
            while i < n and body[i] != ",":
                if body[i] in '{}"\\':
                    raise FieldError(f"not a brace list: {raw!r} (unexpected {body[i]!r})")
                i += 1
            element = body[start:i].strip()
            if element == "":
                raise FieldError(f"not a brace list: {raw!r} (empty element)")
            if element.upper() != "NULL":
                items.append(element)
        if i >= n:
            return items
        if body[i] != ",":
            raise FieldError(f"not a brace list: {raw!r} (text after a quoted element)")
        i += 1
        if i >= n:
            raise FieldError(f"not a brace list: {raw!r} (trailing comma)")


def parse_separated_list(raw: str | None, separator: str = "|") -> list[str] | None:
    """Split a ``|``-separated (or other) cell into a list of stripped, non-empty values.

    Examples
    --------
    >>> parse_separated_list("a| b |c")
    ['a', 'b', 'c']
    >>> parse_separated_list(""), parse_separated_list(None)
    (None, None)
    >>> parse_separated_list("Adultes;Jeunes (16-26 ans)", ";")
    ['Adultes', 'Jeunes (16-26 ans)']
    """
    text = clean_text(raw)
    if text is None:
        return None
    return [part.strip() for part in text.split(separator) if part.strip()]


def parse_json_list(raw: Any) -> list[str] | None:
    """Read a JSON list of strings (API v1); a single string becomes a one-item list.

    Examples
    --------
    >>> parse_json_list(["a", "b"]), parse_json_list("gratuit"), parse_json_list(None)
    (['a', 'b'], ['gratuit'], None)
    >>> parse_json_list([]), parse_json_list("")
    ([], None)
    >>> parse_json_list({"a": 1})
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: expected a list of texts, found dict
    """
    if raw is None:
        return None
    if isinstance(raw, str):
        text = raw.strip()
        return [text] if text else None
    if not isinstance(raw, list):
        raise FieldError(f"expected a list of texts, found {type(raw).__name__}")
    out: list[str] = []
    for item in raw:
        if item is None:
            continue
        if not isinstance(item, (str, int, float)) or isinstance(item, bool):
            raise FieldError(f"expected a list of texts, found an element of type {type(item).__name__}")
        text = str(item).strip()
        if text:
            out.append(text)
    return out


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def check_siret(raw: Any) -> str | None:
    """Return a valid 14-digit SIRET, ``None`` when absent, or raise :class:`FieldError`.

    Spaces are ignored; ``00000000000000`` and textual nulls mean "no SIRET". The key
    is checked with the Luhn algorithm, except for La Poste (SIREN ``356000000``),
    whose establishments use the sum of digits modulo 5.

    Examples
    --------
    >>> check_siret("130 030 133 00016")
    '13003013300016'
    >>> check_siret("00000000000000"), check_siret("null"), check_siret("")
    (None, None, None)
    >>> check_siret("35600000049837")
    '35600000049837'
    >>> check_siret("7793112240000")
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: invalid SIRET '7793112240000': 13 characters, 14 digits expected
    >>> check_siret("12345678901234")
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: invalid SIRET '12345678901234': wrong check digit (Luhn)
    """
    text = clean_text(raw)
    if text is None:
        return None
    digits = re.sub(r"[\s\u00a0\u202f.]", "", text)
    if digits.isdigit() and set(digits) == {"0"}:
        return None
    if len(digits) != 14 or not digits.isdigit():
        raise FieldError(f"invalid SIRET {text!r}: {len(digits)} characters, 14 digits expected"
                         if digits.isdigit() else f"invalid SIRET {text!r}: not 14 digits")
    if digits.startswith("356000000"):
        if sum(int(c) for c in digits) % 5:
            raise FieldError(f"invalid SIRET {text!r}: wrong check digit (La Poste rule)")
        return digits
    if not _luhn_ok(digits):
        raise FieldError(f"invalid SIRET {text!r}: wrong check digit (Luhn)")
    return digits


def check_commune(raw: Any) -> str | None:
    """A syntactically valid INSEE commune code, or ``None`` when absent.

    Examples
    --------
    >>> check_commune("97411"), check_commune(""), check_commune("2a004")
    ('97411', None, '2A004')
    >>> check_commune("974")
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: not an INSEE commune code: '974'
    """
    text = clean_text(raw)
    if text is None:
        return None
    return normalise_commune_code(text)


def check_postcode(raw: Any) -> str | None:
    """A five-digit postcode (inner spaces removed), or ``None``.

    Examples
    --------
    >>> check_postcode("93200"), check_postcode("93 200"), check_postcode(None)
    ('93200', '93200', None)
    >>> check_postcode("9320O")
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: not a postcode: '9320O'
    """
    text = clean_text(raw)
    if text is None:
        return None
    text = re.sub(r"\s", "", text)
    if not _POSTCODE.match(text):
        raise FieldError(f"not a postcode: {raw!r}")
    return text


def check_departement(raw: Any) -> str | None:
    """A département code; three-digit metropolitan codes (``093``, ``02A``) are shortened.

    Examples
    --------
    >>> check_departement("093"), check_departement("02A"), check_departement("974"), check_departement("1")
    ('93', '2A', '974', '01')
    >>> check_departement("59L")
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: not a département code: '59L'
    """
    text = clean_text(raw)
    if text is None:
        return None
    text = text.upper()
    if len(text) == 3 and text.startswith("0"):
        text = text[1:]
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    return normalise_departement_code(text)


def check_date(raw: Any) -> dt.date | None:
    """An ISO date (``2024-02-02``, also with a time) or a French ``02/02/2024``.

    ``1970-01-01`` is the "unknown" marker of the médiation numérique exports: ``None``.

    Examples
    --------
    >>> check_date("2025-02-14"), check_date("2025-02-14T10:00:00+00:00"), check_date("14/02/2025")
    (datetime.date(2025, 2, 14), datetime.date(2025, 2, 14), datetime.date(2025, 2, 14))
    >>> check_date("1970-01-01") is None, check_date("") is None
    (True, True)
    >>> check_date("2025-02-30")
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: not a date: '2025-02-30'
    """
    text = clean_text(raw)
    if text is None:
        return None
    match = _DATE_PREFIX.match(text)
    french = _FRENCH_DATE.match(text)
    try:
        if match:
            value = dt.date(int(match[1]), int(match[2]), int(match[3]))
        elif french:
            value = dt.date(int(french[3]), int(french[2]), int(french[1]))
        else:
            raise ValueError
    except ValueError:
        raise FieldError(f"not a date: {raw!r}") from None
    return None if value in _UNKNOWN_DATES else value


def check_integer(raw: Any, minimum: int | None = 0) -> int | None:
    """A whole number (French formatting accepted), ``None`` when empty.

    Examples
    --------
    >>> check_integer("1 075"), check_integer(""), check_integer(12)
    (1075, None, 12)
    >>> check_integer("2,5")
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: not a whole number: '2,5'
    >>> check_integer("-3")
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: negative value: '-3'
    """
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, bool):
        raise FieldError(f"not a whole number: {raw!r}")
    number = float(raw) if isinstance(raw, (int, float)) else parse_french_number(str(raw))[0]
    if number is None:
        return None
    if abs(number - round(number)) > 1e-9:
        raise FieldError(f"not a whole number: {raw!r}")
    if minimum is not None and number < minimum:
        raise FieldError(f"negative value: {raw!r}")
    return int(round(number))


def _coordinate(raw: Any) -> float | None:
    if raw is None or isinstance(raw, bool):
        if isinstance(raw, bool):
            raise FieldError(f"not a number: {raw!r}")
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
        if value != value:
            return None
        return value
    if isinstance(raw, (dict, list)):
        raise FieldError(f"not a number: {type(raw).__name__}")
    text = str(raw).strip()
    if text == "" or text.lower() in _MISSING_TEXT:
        return None
    value, marker = parse_french_number(text)
    if marker is not None:
        return None
    return value


def check_coordinates(longitude: Any, latitude: Any) -> tuple[float | None, float | None]:
    """Parse a longitude/latitude pair (decimal commas accepted) and check it.

    Both must be present or both absent; the latitude must lie in [-90, 90] and the
    longitude in [-180, 180]; (0, 0) is a placeholder, not a place. Raises
    :class:`FieldError` (the caller then keeps the row without coordinates).

    Examples
    --------
    >>> check_coordinates("55,446522", "-20,881455")
    (55.446522, -20.881455)
    >>> check_coordinates(None, ""), check_coordinates(2.35, 48.86)
    ((None, None), (2.35, 48.86))
    >>> check_coordinates("2.35", "148.86")
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: latitude out of range [-90, 90]: 148.86
    >>> check_coordinates(0.0, 0.0)
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: coordinates (0, 0) are a placeholder, not a location
    """
    lon = _coordinate(longitude)
    lat = _coordinate(latitude)
    if lon is None and lat is None:
        return None, None
    if lon is None or lat is None:
        missing = "longitude" if lon is None else "latitude"
        raise FieldError(f"{missing} missing while the other coordinate is given")
    if not -90.0 <= lat <= 90.0:
        raise FieldError(f"latitude out of range [-90, 90]: {lat}")
    if not -180.0 <= lon <= 180.0:
        raise FieldError(f"longitude out of range [-180, 180]: {lon}")
    if lon == 0.0 and lat == 0.0:
        raise FieldError("coordinates (0, 0) are a placeholder, not a location")
    return lon, lat


def restore_reunion_latitude(
    latitude: float | None, code_insee: str | None, code_postal: str | None
) -> tuple[float | None, bool]:
    """Give back its minus sign to a La Réunion latitude that lost it.

    The Réunion export of data·inclusion writes every latitude without its sign
    (PROVENANCE.md §7). Only records whose commune code or postcode is in 974 and whose
    latitude is positive are corrected; the flag says whether the value was changed.

    Examples
    --------
    >>> restore_reunion_latitude(20.88, "97411", "97400")
    (-20.88, True)
    >>> restore_reunion_latitude(20.88, None, "97410")
    (-20.88, True)
    >>> restore_reunion_latitude(-20.88, "97411", None), restore_reunion_latitude(48.9, "93066", "93200")
    ((-20.88, False), (48.9, False))
    """
    in_reunion = (code_insee or "").startswith("974") or (code_postal or "").startswith("974")
    if latitude is not None and in_reunion and latitude > 0:
        return -latitude, True
    return latitude, False


def stable_id(prefix: str, *parts: Any) -> str:
    """A short identifier derived from the parts of a record's natural key.

    Examples
    --------
    >>> stable_id("prescripteurs", "93", "MISSION LOCALE", "93200")
    'prescripteurs--f19aec8b1b7a'
    """
    key = "|".join("" if p is None else str(p).strip().upper() for p in parts)
    return f"{prefix}--{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"


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


# --------------------------------------------------------------------------- JSON


_NEXT_RECORD = re.compile(r",\s*(?=\{)")


def iter_json_array(text: str, start: int = 0) -> Iterator[tuple[int, Any, str | None]]:
    """Yield ``(line, value, error)`` for each element of the JSON array at ``start``.

    ``line`` is the physical line where the element starts. A syntactically broken
    element yields ``(line, None, message)`` and reading resumes at the next element
    that starts with ``{`` after a comma, so one damaged record does not lose the file.
    A text that is not a JSON array at all raises :class:`FieldError`.

    Examples
    --------
    >>> list(iter_json_array('[\\n {"a": 1},\\n {"a": 2}\\n]'))
    [(2, {'a': 1}, None), (3, {'a': 2}, None)]
    >>> [(line, err is not None) for line, _, err in iter_json_array('[{"a": 1},\\n{"a": ,},\\n{"a": 3}]')]
    [(1, False), (2, True), (3, False)]
    """
    decoder = json.JSONDecoder()
    length = len(text)
    position = start
    while position < length and text[position] in " \t\r\n\ufeff":
        position += 1
    if position >= length or text[position] != "[":
        raise FieldError("not a JSON array (the file must start with '[')")
    position += 1

    def skip_space(pos: int) -> int:
        while pos < length and text[pos] in " \t\r\n":
            pos += 1
        return pos

    position = skip_space(position)
    if position < length and text[position] == "]":
        return
    while position < length:
        line = text.count("\n", 0, position) + 1
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            yield line, None, f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            match = _NEXT_RECORD.search(text, exc.pos if exc.pos > position else position + 1)
            if match is None:
                return
            position = skip_space(match.end())
            continue
        yield line, value, None
        position = skip_space(end)
        if position < length and text[position] == ",":
            position = skip_space(position + 1)
            continue
        if position < length and text[position] == "]":
            return
        if position >= length:
            yield text.count("\n") + 1, None, "invalid JSON: the array is not closed"
            return
        line = text.count("\n", 0, position) + 1
        yield line, None, f"invalid JSON: expected ',' or ']' at line {line}"
        match = _NEXT_RECORD.search(text, position)
        if match is None:
            return
        position = skip_space(match.end())
