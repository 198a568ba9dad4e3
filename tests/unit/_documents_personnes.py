"""The fictional people of tests/fixtures/documents/inbox and a scan of a DuckDB file for them.

Used by the unit test of the pipeline and by the e2e test on the 93 build: no name,
e-mail address or phone number of these people may appear anywhere in the warehouse.
The strings are read from the fixture files themselves (front matter, identifying
columns of the questionnaire) plus the people the interview notes name in their text.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

__all__ = ["personal_strings", "scan_warehouse", "NAMED_IN_NOTES"]

# people, e-mails and phones written in the body of the interview notes (not in their front matter)
NAMED_IN_NOTES = [
    "Ermengarde Malbranque",
    "ermengarde.malbranque@ccas-exemple.fr",
    "06 71 28 45 90",
    "Isidore Larrouturou",
    "+33 6 12 98 33 41",
    "12 rue de Paris",
]
_PEOPLE_KEYS = {"nom", "prenom", "enqueteur", "participants", "email", "courriel", "telephone", "tel"}


def _flatten(value) -> list[str]:
    if isinstance(value, dict):
        return [" ".join(str(value[k]) for k in ("prenom", "nom") if k in value)] + [
            str(v) for v in value.values()
        ]
    if isinstance(value, list):
        return [x for item in value for x in _flatten(item)]
    return [str(value)]


def personal_strings(inbox_code: Path) -> list[str]:
    """Names (full and each part of 4 letters or more), e-mails and phones (as written and as digits)."""
    values: list[str] = list(NAMED_IN_NOTES)
    for note in sorted((inbox_code / "entretiens").glob("*.md")):
        text = note.read_text(encoding="utf-8")
        if not text.startswith("---"):
            continue
        try:
            head = yaml.safe_load(text.split("---")[1]) or {}
        except yaml.YAMLError:
            continue  # the broken note is quarantined whole
        for key, value in head.items():
            if key in _PEOPLE_KEYS:
                values += _flatten(value)
        if isinstance(head.get("nom"), str) and isinstance(head.get("prenom"), str):
            values.append(f"{head['prenom']} {head['nom']}")
    with open(
        inbox_code / "questionnaires" / "enquete_usagers_2025.csv", encoding="utf-8-sig", newline=""
    ) as h:
        for row in csv.reader(h, delimiter=";"):
            if row[0] == "Nom":
                continue
            values += row[:4] + [f"{row[1]} {row[0]}"]
    strings: set[str] = set()
    for value in values:
        value = value.strip()
        if not value:
            continue
        strings.add(value)
        if "@" not in value and not re.search(r"\d", value):
            strings |= {part for part in re.split(r"[\s-]+", value) if len(part) >= 4}
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 9 and "@" not in value:
            strings.add(digits)
    return sorted(strings)


def scan_warehouse(con, strings: list[str], skip_prefixes: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(table, string) for every string found, case-insensitively, in any column of any table."""
    pattern = "|".join(re.escape(s.lower()) for s in strings)
    found: list[tuple[str, str]] = []
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_type = 'BASE TABLE' or table_type = 'VIEW'"
    ).fetchall()
    for schema, table in tables:
        if table.startswith(skip_prefixes):
            continue
        columns = [
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchall()
        ]
        if not columns:
            continue
        text = ", ".join(f"coalesce(cast(\"{c}\" as varchar), '')" for c in columns)
        hits = con.execute(
            f'select concat_ws(\' \', {text}) as t from "{schema}"."{table}" '
            f"where regexp_matches(lower(concat_ws(' ', {text})), ?) limit 20",
            [pattern],
        ).fetchall()
        for (row,) in hits:
            found += [(f"{schema}.{table}", s) for s in strings if s.lower() in row.lower()]
    return sorted(set(found))
