"""Value checks and parsing of the offer readers: text, lists, SIRET, codes, dates, coordinates, JSON.

Each ``check_*`` returns a clean value, ``None`` when the value is absent, or raises
:class:`ingest.core.FieldError` with a French-readable reason (the reader puts it in the
quarantine with the file, the line and the field). :func:`iter_json_array` reads a JSON array
record by record so that one damaged record does not lose the file. Re-exported by
:mod:`ingest.offre._common`, the readers' shared module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any

from ingest.core import (
    FieldError,
    normalise_commune_code,
    normalise_departement_code,
    parse_french_number,
)

__all__ = [
    "clean_text",
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
]

_POSTCODE = re.compile(r"^\d{5}$")
_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_FRENCH_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_UNKNOWN_DATES = {dt.date(1970, 1, 1)}
_MISSING_TEXT = {"", "null", "none", "nan"}


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
