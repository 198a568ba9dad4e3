"""Materialise one need-side raw asset in live mode into a scratch warehouse (shared by the live tests)."""

from __future__ import annotations

from pathlib import Path

from dagster import DagsterInstance, materialize

from orchestration.assets._raw import raw_asset
from orchestration.assets.raw_besoins import SOURCES
from orchestration.resources import PacteSettingsResource, WarehouseResource


def materialize_live(table: str, data_dir: Path, tmp_path: Path, timeout: float):
    """Run the raw asset of ``table`` with ``PACTE_INSEE_MODE=live``; returns (result, warehouse path)."""
    source = next(s for s in SOURCES if s.table == table)
    warehouse = tmp_path / "w.duckdb"
    resources = {
        "warehouse": WarehouseResource(path=str(warehouse)),
        "settings": PacteSettingsResource(
            data_dir=str(data_dir),
            output_dir=str(tmp_path / "o"),
            inbox_dir=str(tmp_path / "i"),
            insee_mode="live",
            live_timeout=timeout,
        ),
    }
    with DagsterInstance.ephemeral() as instance:
        result = materialize([raw_asset(source)], resources=resources, instance=instance)
    return result, warehouse
