"""The fictional people of tests/fixtures/documents/inbox and a scan of a DuckDB file for them.

Used by the unit test of the pipeline and by the e2e test on the 93 build: no name,
e-mail address or phone number of these people may appear anywhere in the warehouse.
The strings are read from the fixture files themselves (front matter, identifying
columns of the questionnaire) plus the people the interview notes name in their text.
The surnames were chosen so that none of them is found in the real reference data.
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
]
_NAME_KEYS = {"nom", "enqueteur", "participants"}
_CONTACT_KEYS = {"email", "courriel", "telephone", "tel"}


def _people(value) -> list[tuple[str, str]]:
    """(first name, surname) of a front-matter value: "First Last", a list, or {prenom, nom}."""
    if isinstance(value, dict):
        return [(str(value.get("prenom", "")), str(value["nom"]))] if value.get("nom") else []
    if isinstance(value, list):
        return [person for item in value for person in _people(item)]
    first, _, last = str(value).strip().rpartition(" ")
    return [(first, last)] if last else []


def _strings_of(first: str, last: str) -> set[str]:
    out = {last} if len(last) >= 4 else set()  # the scan ignores case
    if first:
        out |= {f"{first} {last}", f"{last} {first}"}
    return out


def _contact(value: str) -> set[str]:
    digits = re.sub(r"\D", "", value)
    return {value} | ({digits} if "@" not in value and len(digits) >= 9 else set())


def personal_strings(inbox_code: Path) -> list[str]:
    """The fixture people's full names (both orders), surnames, e-mails and phone numbers.

    First names alone are left out: many are also names of places or organisations in the
    national reference data (a commune « Saint-Barnabé », a structure « Isidore »).
    """
    people: list[tuple[str, str]] = []
    contacts: list[str] = []
    for entry in NAMED_IN_NOTES:
        if "@" in entry or re.search(r"\d", entry):
            contacts.append(entry)
        else:
            people += _people(entry)
    for note in sorted((inbox_code / "entretiens").glob("*.md")):
        text = note.read_text(encoding="utf-8")
        try:
            head = yaml.safe_load(text.split("---")[1]) or {}
        except yaml.YAMLError:
            continue  # the broken note is quarantined whole
        if isinstance(head.get("nom"), str) and isinstance(head.get("prenom"), str):
            people.append((head["prenom"], head["nom"]))
        for key in _NAME_KEYS:
            if key in head and not (key == "nom" and "prenom" in head):
                people += _people(head[key])
        contacts += [str(head[key]) for key in _CONTACT_KEYS if key in head]
    with open(
        inbox_code / "questionnaires" / "enquete_usagers_2025.csv", encoding="utf-8-sig", newline=""
    ) as h:
        for row in csv.reader(h, delimiter=";"):
            if row[0] != "Nom":
                people.append((row[1], row[0]))
                contacts += row[2:4]
    strings: set[str] = set()
    for first, last in people:
        strings |= _strings_of(first.strip(), last.strip())
    for contact in contacts:
        strings |= _contact(contact.strip())
    return sorted(s for s in strings if s)


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
