"""Content fingerprints of every mart of a warehouse, and their comparison.

Issue 13 (one owner per fact) must not change what the marts hold: build 93, 59 and 974 before and
after a clean-up and compare. Usage:

    uv run --frozen --no-sync python scripts/empreintes.py ecrire data/warehouse.duckdb avant.json
    uv run --frozen --no-sync python scripts/empreintes.py comparer avant.json data/warehouse.duckdb

The fingerprint of a table is ``ingest.expectations.table_fingerprint`` (column names and types, row
count, order-free hash of every value, floating numbers bit for bit), the one the rebuild test uses.
``comparer`` exits 1 and names each mart that differs, is missing or is new.

Two builds compare only with the same pseudonymisation salt (``PACTE_PSEUDO_SALT``, else the salt file of
the inbox): the pseudonyms of documents and passages are keyed by it. The moment a document was analysed
(``documents.analyse_le``) is the build's own and is left out, as ``_loaded_at`` is.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

from ingest.expectations import table_fingerprint

# columns that say when a build ran, not what it found
VOLATILES = {"documents": ("analyse_le",)}


def fingerprints(warehouse: Path, schema: str = "marts") -> dict[str, str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [n for (n,) in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by 1", [schema]
        ).fetchall()]
        return {name: table_fingerprint(con, name, schema, VOLATILES.get(name, ())) for name in names}
    finally:
        con.close()


def compare(before: dict[str, str], after: dict[str, str]) -> list[str]:
    lines = [f"différente : {n}" for n in sorted(before) if n in after and after[n] != before[n]]
    lines += [f"disparue : {n}" for n in sorted(set(before) - set(after))]
    lines += [f"nouvelle : {n}" for n in sorted(set(after) - set(before))]
    return lines


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "ecrire":
        found = fingerprints(Path(argv[1]))
        Path(argv[2]).write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{len(found)} tables relevées dans {argv[2]}")
        return 0
    if len(argv) == 3 and argv[0] == "comparer":
        before = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        lines = compare(before, fingerprints(Path(argv[2])))
        print("\n".join(lines) if lines else f"{len(before)} tables identiques")
        return 1 if lines else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
