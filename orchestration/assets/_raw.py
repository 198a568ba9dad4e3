"""Factory for raw-table assets: call a reader, write ``raw.<table>``, report metadata.

Readers are named with :func:`ingest.paresseux.lecteurs`: their modules (pandas and the
parsers) are imported when the asset runs, not when the definitions load.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, MetadataValue, asset

from orchestration.resources import PacteSettingsResource, WarehouseResource

if TYPE_CHECKING:
    from ingest.core import ReadResult

__all__ = ["RawSource", "raw_asset", "raw_asset_key"]


@dataclass(frozen=True)
class RawSource:
    """One raw table: its reader (``data_dir -> ReadResult``) and a French/English description."""

    table: str
    reader: Callable[[Path], "ReadResult"]
    description: str
    group: str
    live_reader: Callable[[Path, float], "ReadResult"] | None = None
    # for readers that need more than the snapshot folder (inbox, run partition, own live mode)
    context_reader: Callable[[AssetExecutionContext, PacteSettingsResource], "ReadResult"] | None = None


def raw_asset_key(table: str) -> AssetKey:
    """Raw assets share dbt's source keys (``raw/<table>``), so dbt models depend on them."""
    return AssetKey(["raw", table])


def _preview(result: "ReadResult", rows: int = 5) -> str:
    frame = result.frame.drop(columns=[c for c in result.frame.columns if c.startswith("_")]).head(rows)
    return frame.to_markdown(index=False) if len(frame) else "(empty)"


def raw_asset(source: RawSource) -> AssetsDefinition:
    @asset(
        key=raw_asset_key(source.table),
        group_name=source.group,
        description=source.description,
        kinds={"python", "duckdb"},
    )
    def _asset(
        context: AssetExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource
    ) -> MaterializeResult:
        from ingest.warehouse import unchanged_load, write_raw

        data_dir = Path(settings.data_dir)
        # A snapshot table whose files (and readers' code) did not change since its last load is
        # not read again: the rows in raw.<table> are the ones that read would give.
        live = source.live_reader is not None and settings.insee_mode == "live"
        if source.context_reader is None and not live and not settings.full_refresh:
            with warehouse.connect() as con:
                previous = unchanged_load(con, source.table, inputs=str(data_dir))
            if previous is not None:
                context.log.info(f"raw.{source.table}: sources unchanged since the last load, not read again")
                return _materialize(previous, preview=None, unchanged=True)
        if source.context_reader is not None:
            result = source.context_reader(context, settings)
        elif live:
            result = source.live_reader(data_dir, settings.live_timeout)
        else:
            result = source.reader(data_dir)
        for q in result.quarantine[:20]:
            context.log.warning(f"quarantined {q.source_file}:{q.line} [{q.field}] {q.reason}")
        if result.source.stale:
            context.log.warning(result.source.message)
        with warehouse.connect() as con:
            meta = write_raw(con, result, inputs=str(data_dir) if source.context_reader is None else "")
        return _materialize(meta, preview=_preview(result), unchanged=False)

    return _asset


def _materialize(meta: dict, preview: str | None, unchanged: bool) -> MaterializeResult:
    metadata = {
        "dagster/row_count": meta["rows"],
        "quarantined_rows": meta["quarantined"],
        "source_file": meta["source_file"],
        "checksum": meta["checksum"],
        "vintage": meta["vintage"],
        "mode": meta["mode"],
        "stale": meta["stale"],
        "unchanged": unchanged,
    }
    if preview is not None:
        metadata["preview"] = MetadataValue.md(preview)
    return MaterializeResult(metadata=metadata)
