"""A raw asset's page shows the rows set aside when its source was read (first 20, as a table)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from dagster import DagsterInstance, materialize

from ingest.core import QuarantineRow, ReadResult, SourceInfo
from orchestration.assets._raw import LIGNES_ECARTEES_AFFICHEES, RawSource, raw_asset, raw_asset_key
from orchestration.resources import PacteSettingsResource, WarehouseResource


def _read_counts(data_dir: Path) -> ReadResult:
    """A reader of ``comptes.csv`` (code;nombre): a row whose count is not an integer is set aside."""
    path = data_dir / "comptes.csv"
    kept, rejected = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle, delimiter=";"), start=2):
            if row["nombre"].isdigit():
                kept.append({"code": row["code"], "nombre": int(row["nombre"])})
            else:
                rejected.append(QuarantineRow("test_comptes", str(path), line, "nombre",
                                              f"nombre illisible : {row['nombre']!r}", str(row)))
    return ReadResult("test_comptes", pd.DataFrame(kept), SourceInfo(str(path), "x", "2026"), rejected)


def _materialise(data_dir: Path, warehouse: Path):
    source = RawSource("test_comptes", _read_counts, "Comptes de test par code", "raw_besoins")
    resources = {
        "warehouse": WarehouseResource(path=str(warehouse)),
        "settings": PacteSettingsResource(data_dir=str(data_dir), output_dir=str(warehouse.parent / "o"),
                                          inbox_dir=str(warehouse.parent / "i")),
    }
    with DagsterInstance.ephemeral() as instance:
        result = materialize([raw_asset(source)], resources=resources, instance=instance)
    (materialization,) = [e.event_specific_data.materialization for e in result.get_asset_materialization_events()]
    assert materialization.asset_key == raw_asset_key("test_comptes")
    return materialization.metadata


def test_the_first_rows_set_aside_are_a_table_of_the_materialisation(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    lines = ["code;nombre"] + [f"{i:05d};{'x' if i % 2 else i}" for i in range(60)]
    (data / "comptes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    metadata = _materialise(data, tmp_path / "w.duckdb")
    assert metadata["quarantined_rows"].value == 30
    table = metadata["lignes_ecartees"]
    assert [c.name for c in table.schema.columns] == ["fichier", "ligne", "champ", "motif"]
    records = [r.data for r in table.records]
    assert len(records) == LIGNES_ECARTEES_AFFICHEES == 20
    assert records[0] == {"fichier": "comptes.csv", "ligne": 3, "champ": "nombre",
                          "motif": "nombre illisible : 'x'"}
    assert [r["ligne"] for r in records] == list(range(3, 43, 2))

    # read again, unchanged: the asset is not read again but still shows the rows of its load
    again = _materialise(data, tmp_path / "w.duckdb")
    assert again["unchanged"].value is True
    assert [r.data for r in again["lignes_ecartees"].records] == records
