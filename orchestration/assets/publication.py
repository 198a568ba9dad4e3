"""Publication of a read-only copy of the warehouse for analysts.

DuckDB refuses to open a file read-only while another process writes it, so analysts
query ``warehouse_lecture.duckdb`` (beside ``PACTE_WAREHOUSE``), replaced atomically
at the end of every successful build.
"""

import os
import shutil
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, asset

from orchestration.resources import WarehouseResource

__all__ = ["published_copy_path", "publication_asset"]


def published_copy_path(warehouse: Path) -> Path:
    """Where the read-only copy of ``warehouse`` is published."""
    return Path(warehouse).with_name(Path(warehouse).stem + "_lecture.duckdb")


def publication_asset(upstream: list[AssetKey]) -> AssetsDefinition:
    """The last asset of every build: depends on all the others."""

    @asset(
        key=AssetKey(["publication", "entrepot_lecture"]),
        group_name="publication",
        deps=upstream,
        description="Copie en lecture seule de l'entrepôt DuckDB pour les analystes.",
        kinds={"duckdb"},
    )
    def entrepot_lecture(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        source = Path(warehouse.path)
        with warehouse.connect() as con:
            con.execute("checkpoint")
        target = published_copy_path(source)
        partial = target.with_suffix(".duckdb.partiel")
        shutil.copyfile(source, partial)
        os.replace(partial, target)
        context.log.info(f"published {target}")
        return MaterializeResult(metadata={"path": str(target), "bytes": target.stat().st_size})

    return entrepot_lecture
