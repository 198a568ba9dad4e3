"""Every column of the staging views the build of 93 made has a French description in its dbt yml:
the analysts read them in the warehouse and the dictionary (the marts' own columns are checked by
tests/e2e/test_rapport_93.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def test_every_staging_column_is_described(built_93):
    target = Path(os.environ["PACTE_DBT_TARGET"])
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    decrites = {
        (n.get("alias") or n["name"]): {
            c for c, v in n["columns"].items() if (v.get("description") or "").strip()
        }
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["schema"] == "staging"
    }
    reelles = built_93.query(
        "select table_name, column_name from information_schema.columns where table_schema = 'staging' "
        "order by table_name, ordinal_position"
    )
    assert len(reelles) > 300
    sans = [f"{table}.{colonne}" for table, colonne in reelles if colonne not in decrites.get(table, set())]
    assert sans == [], f"staging columns without a description in their dbt yml: {sans}"
