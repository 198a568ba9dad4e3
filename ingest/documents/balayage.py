"""Where the personal-data detector of :mod:`ingest.documents.detection` looks.

:func:`scan_warehouse` scans every text column of the raw document tables and of every dbt
model downstream of them (found in the dbt manifest), plus the documents' quarantine rows;
:func:`scan_files` scans the files written for people (Parquet, workbook, HTML, CSV…).
``python -m ingest.documents.balayage --entrepot <warehouse.duckdb> --sorties <output>`` runs
both on a real build. Like the detector, it shares no code with the pseudonymiser.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from ingest.documents.detection import (
    ALL_KINDS,
    DERIVED_KINDS,
    METADATA_COLUMNS,
    MIXED_KINDS,
    Finding,
    declared_name_finder,
    find_personal_data,
    mask_value,
    metadata_person,
)

__all__ = ["RAW_DOCUMENT_TABLES", "document_relations", "scan_files", "scan_warehouse", "main"]

RAW_DOCUMENT_TABLES = (
    "documents_fichiers",
    "documents_extractions",
    "documents_pages",
    "documents_passages",
    "documents_mentions",
    "documents_entretiens",
    "questionnaires_fichiers",
    "questionnaires_reponses",
    "documents_rejets",
)

# ------------------------------------------------------------------ warehouse
def document_relations(manifest: Path | None, textes_seuls: bool = False) -> list[tuple[str, str]]:
    """(schema, name) of the dbt models downstream of the raw document sources, from the manifest.

    ``textes_seuls``: only the models of the documents themselves (``models/*/documents/``), whose
    every text comes from a document; the others downstream (leads, their evidence) mix document
    extracts with public registries, where structures are named after people (« crèche Louise
    Michel »): names without a civility are looked for in the documents' own tables, where those
    extracts come from."""
    relations = [("raw", t) for t in RAW_DOCUMENT_TABLES]
    if manifest is None or not Path(manifest).exists():
        return relations
    data = json.loads(Path(manifest).read_text(encoding="utf-8"))
    children = data.get("child_map", {})
    stack = [
        key
        for key, node in data.get("sources", {}).items()
        if node.get("schema") == "raw" and node.get("name") in RAW_DOCUMENT_TABLES
    ]
    seen: set[str] = set()
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    for key in sorted(seen):
        node = data.get("nodes", {}).get(key)
        if node and node.get("resource_type") in {"model", "snapshot"}:
            if textes_seuls and "/documents/" not in "/" + str(node.get("original_file_path", "")):
                continue
            relations.append((node["schema"], node.get("alias") or node["name"]))
    return relations


def _text_columns(con, schema: str, name: str) -> list[str]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    return [c for c, t in rows if t.upper().startswith("VARCHAR") or t.upper() in {"JSON", "VARCHAR[]"}]

def _scan_rows(
    rows: Iterable[tuple], columns: list[str], where: str, out: dict[str, int], declared=None,
    kinds: frozenset[str] = ALL_KINDS, seen: dict | None = None,
) -> None:
    # each distinct (text, kinds, kind of column) is examined once, its findings counted at every
    # occurrence (``seen``: shared by the calls of one scan, as in scan_files)
    seen = {} if seen is None else seen
    for row in rows:
        for column, value in zip(columns, row, strict=True):
            values = value if isinstance(value, list) else [value]
            meta = column.startswith(("auteur", "editeur")) if column in METADATA_COLUMNS else None
            for item in values:
                text = item if isinstance(item, str) else None
                cle = (text, kinds, meta)
                labels = seen.get(cle)
                if labels is None:
                    findings = find_personal_data(text, kinds)
                    if meta is not None and metadata_person(text, author=meta):
                        findings.append(Finding("metadonnee", mask_value(text or "")))
                    if declared is not None and text and declared(text):
                        findings.append(Finding("nom_declare", "…"))
                    labels = seen[cle] = [finding.label for finding in findings]
                for label in labels:
                    key = f"{label} dans {where}.{column}"
                    out[key] = out.get(key, 0) + 1


def scan_warehouse(
    con, manifest: Path | None = None, departement: str | None = None, names: Iterable[str] = ()
) -> list[str]:
    """Personal data left in the document tables of the warehouse (French, one line per place);
    ``names`` are the persons declared to the pseudonymiser in this run (none may be left)."""
    found: dict[str, int] = {}
    seen: dict = {}
    declared = declared_name_finder(names)
    existing = {
        (s, n)
        for s, n in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    }
    textes = set(document_relations(manifest, textes_seuls=True))
    for schema, name in document_relations(manifest):
        if (schema, name) not in existing:
            continue
        columns = _text_columns(con, schema, name)
        if not columns:
            continue
        has_code = bool(
            con.execute(
                "select count(*) from information_schema.columns where table_schema = ? and table_name = ? "
                "and column_name = 'code_departement'",
                [schema, name],
            ).fetchone()[0]
        )
        select = ", ".join(f'"{c}"' for c in columns)
        query = f'select {select} from "{schema}"."{name}"'
        params: list[str] = []
        if departement and has_code:
            query += " where code_departement = ?"
            params.append(departement)
        kinds = ALL_KINDS if (schema, name) in textes else DERIVED_KINDS
        _scan_rows(con.execute(query, params).fetchall(), columns, f"{schema}.{name}", found, declared, kinds,
                   seen)
    if ("quarantine", "rejets") in existing:
        rows = con.execute(
            "select source_file, field, reason, content from quarantine.rejets where table_name in "
            "(select unnest(?::varchar[]))",
            [list(RAW_DOCUMENT_TABLES)],
        ).fetchall()
        _scan_rows(rows, ["source_file", "field", "reason", "content"], "quarantine.rejets", found, declared,
                   seen=seen)
    return [f"{place} ({count})" for place, count in sorted(found.items())]


# ------------------------------------------------------------------ files
class _HtmlText(HTMLParser):
    """Text, titles and links of a page, and the strings of its JSON data islands
    (``<script type="application/json">``, e.g. the network page's data); code is skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._json: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script" and dict(attrs).get("type", "").endswith("json"):
            self._json = []
        elif tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            if name in {"title", "alt", "aria-label", "href", "data-texte"} and value:
                self.parts.append(value.removeprefix("mailto:").removeprefix("tel:"))

    def handle_endtag(self, tag):
        if tag == "script" and self._json is not None:
            try:
                self.parts.extend(_json_strings(json.loads("".join(self._json))))
            except ValueError:
                self.parts.append("".join(self._json))
            self._json = None
        elif tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._json is not None:
            self._json.append(data)
        elif not self._skip:
            self.parts.append(data)


def _json_strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


# Cells of a worksheet's XML holding text: inline strings, shared strings (an index), formula
# results and errors; with a formula, the formula itself. Everything else is a number or a boolean.
_XLSX_CELL = re.compile(r'<c\b([^>]*)>(.*?)</c>', re.S)
_XLSX_TYPE = re.compile(r'\bt="([^"]*)"')
_XLSX_T = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
_XLSX_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)
_XLSX_V = re.compile(r"<v(?:\s[^>]*)?>(.*?)</v>", re.S)
_XLSX_F = re.compile(r"<f(?:\s[^>]*)?>(.*?)</f>", re.S)


def _xlsx_text(fragment: str) -> str:
    """The text of a ``<si>`` or ``<is>`` element's content: its runs, phonetic hints left out."""
    import html

    return html.unescape("".join(_XLSX_T.findall(_XLSX_PHONETIC.sub("", fragment))))


def _xlsx_texts(path: Path) -> Iterator[str]:
    """Every text value of the cells of a workbook, as openpyxl would give it (``values_only``).

    Read from the XML with regular expressions: openpyxl took 25 s of CPU on the workbook of the
    Nord (1.1 million text cells), this about one. Cells are all the ``<c>`` of every worksheet."""
    import html

    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            xml = archive.read("xl/sharedStrings.xml").decode("utf-8")
            shared = [_xlsx_text(m.group(1)) for m in re.finditer(r"<si>(.*?)</si>", xml, re.S)]
        for name in sorted(n for n in names if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n)):
            xml = archive.read(name).decode("utf-8")
            for cell in _XLSX_CELL.finditer(xml):
                attributes, content = cell.group(1), cell.group(2)
                formula = _XLSX_F.search(content)
                if formula is not None:
                    yield "=" + html.unescape(formula.group(1))
                    continue
                kind = _XLSX_TYPE.search(attributes)
                kind = kind.group(1) if kind else "n"
                if kind == "inlineStr":
                    inline = re.search(r"<is>(.*?)</is>", content, re.S)
                    if inline is not None:
                        yield _xlsx_text(inline.group(1))
                    continue
                value = _XLSX_V.search(content)
                if value is None or not value.group(1):
                    continue
                if kind == "s":
                    yield shared[int(value.group(1))]
                elif kind in {"str", "e"}:
                    yield html.unescape(value.group(1))


def _file_texts(path: Path) -> Iterator[str]:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import duckdb

        con = duckdb.connect()
        try:
            described = con.execute(
                "select column_name, column_type from (describe select * from read_parquet(?))", [str(path)]
            ).fetchall()
            columns = [c for c, t in described if t.upper().startswith("VARCHAR")]
            if columns:
                select = ", ".join(f'"{c}"' for c in columns)
                for row in con.execute(f"select {select} from read_parquet(?)", [str(path)]).fetchall():
                    for value in row:
                        for item in value if isinstance(value, list) else [value]:
                            if isinstance(item, str):
                                yield item
        finally:
            con.close()
    elif suffix == ".xlsx":
        yield from _xlsx_texts(path)
    elif suffix in {".html", ".htm", ".svg"}:
        parser = _HtmlText()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        yield from parser.parts
    elif suffix in {".csv", ".md", ".txt", ".json", ".geojson"}:
        yield from path.read_text(encoding="utf-8", errors="replace").splitlines()
    elif suffix in {".odt", ".docx"}:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".xml"):
                    yield archive.read(member).decode("utf-8", errors="replace")


SCANNED_SUFFIXES = {".parquet", ".xlsx", ".html", ".htm", ".svg", ".csv", ".md", ".txt", ".json", ".geojson"}


def scan_files(
    folder: Path, manifest: Path | None = None, skip: Iterable[str] = (), only: Iterable[str] | None = None
) -> list[str]:
    """Personal data left in the files written for people under ``folder`` (French, per file).

    ``skip``: names of sub-folders of ``folder`` left out (e.g. the other départements' folders,
    which this build did not write and which their own build scanned). ``only``: when given, the
    files under these sub-folders alone (a scan split in two processes: ``skip=X`` then ``only=X``
    scan every file once; what is found in a file does not depend on the other files).

    Everything is looked for in the Parquet exports of the documents' own tables; in the exports
    of the other dbt models downstream of the documents (leads and their evidence), everything but
    names without a civility (structures named after people; the extracts' names are looked for in
    the documents' tables); addresses are not looked for in the other files, where the public
    addresses of the offer's structures are expected."""
    found: dict[str, int] = {}
    folder = Path(folder)
    if not folder.exists():
        return []
    derived = {name for schema, name in document_relations(manifest) if schema != "raw"}
    documentary = {name for schema, name in document_relations(manifest, textes_seuls=True) if schema != "raw"}
    documentary |= {"passages", "documents", "mentions", "parole", "liens_candidats"}
    # The same strings come back thousands of times (commune and domain names, reasons, labels in
    # every sheet of the workbook and again in the exports): each distinct string is examined once
    # per set of kinds, and its findings counted at each occurrence, as before.
    labels: dict[tuple[str, frozenset[str]], list[str]] = {}
    excluded = {folder / name for name in skip}
    included = None if only is None else {folder / name for name in only}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SCANNED_SUFFIXES):
        if path.name.endswith(".partiel") or path.is_symlink():
            continue
        if excluded and any(parent in excluded for parent in path.parents):
            continue
        if included is not None and not any(parent in included for parent in path.parents):
            continue
        parquet = path.suffix.lower() == ".parquet"
        kinds = (ALL_KINDS if parquet and path.stem in documentary
                 else DERIVED_KINDS if parquet and path.stem in derived else MIXED_KINDS)
        for text in _file_texts(path):
            cle = (text, kinds)
            seen = labels.get(cle)
            if seen is None:
                seen = labels[cle] = [finding.label for finding in find_personal_data(text, kinds)]
            for label in seen:
                key = f"{label} dans {path.relative_to(folder)}"
                found[key] = found.get(key, 0) + 1
    return [f"{place} ({count})" for place, count in sorted(found.items())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest.documents.balayage",
        description="Cherche des données personnelles restantes dans l'entrepôt et les fichiers produits.",
    )
    parser.add_argument("--entrepot", type=Path, help="fichier DuckDB (PACTE_WAREHOUSE)")
    parser.add_argument("--sorties", type=Path, help="dossier des fichiers produits (PACTE_OUTPUT)")
    parser.add_argument("--manifeste", type=Path, help="manifest.json de dbt (par défaut celui du projet)")
    parser.add_argument("--departement", help="limiter l'entrepôt à un département")
    args = parser.parse_args(argv)
    manifest = (
        args.manifeste or Path(__file__).resolve().parents[2] / "dbt_project" / "target" / "manifest.json"
    )
    found: list[str] = []
    if args.entrepot:
        import duckdb

        con = duckdb.connect(str(args.entrepot), read_only=True)
        try:
            found += scan_warehouse(con, manifest, args.departement)
        finally:
            con.close()
    if args.sorties:
        found += scan_files(args.sorties, manifest)
    for line in found:
        print(line)
    print("aucune donnée personnelle détectée" if not found else f"{len(found)} emplacement(s) à corriger")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
