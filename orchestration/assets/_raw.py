"""Factory for raw-table assets: call a reader, check its delivery, write ``raw.<table>``, report metadata.

Readers are named with :func:`ingest.paresseux.lecteurs`: their modules (pandas and the
parsers) are imported when the asset runs, not when the definitions load.

Before a read replaces ``raw.<table>`` it passes the delivery gate of :mod:`ingest.livraison`
(every file read, row count in the documented range, no wholesale loss against the last good
load). A refused read leaves the table as it was and fails the step with the source named in
French; with ``PACTE_SOURCES_PERIMEES=1`` the build goes on with the last good load marked stale.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.resources import PacteSettingsResource, WarehouseResource
from socle.settings import DBT_PROJECT_DIR

if TYPE_CHECKING:
    from ingest.core import ReadResult

__all__ = ["RawSource", "raw_asset", "raw_asset_key", "source_label", "max_loss"]


@lru_cache(maxsize=1)
def _seed_labels() -> dict[str, str]:
    path = DBT_PROJECT_DIR / "seeds" / "sources_donnees.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return {r["table_brute"]: f"{r['producteur']}, {r['jeu_de_donnees']}" for r in csv.DictReader(handle)}


def source_label(table: str, description: str = "") -> str:
    """How people name a source (seed ``sources_donnees``: producer, dataset), else its description.

    >>> source_label("offre_structures__france_services")
    'ANCT, France services labellisées, août 2024'
    """
    return _seed_labels().get(table) or description or table


def max_loss() -> float:
    """Largest share of a source's rows a new load may lose (dbt variable ``chargement_perte_maximale``)."""
    from ingest.vocabulaires import dbt_var

    return float(dbt_var("chargement_perte_maximale"))


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
        from ingest.livraison import check_delivery, mark_stale
        from ingest.warehouse import unchanged_load, write_raw

        data_dir = Path(settings.data_dir)
        # A snapshot table whose files (and readers' code) did not change since its last load is
        # not read again: the rows in raw.<table> are the ones that read would give.
        live = source.live_reader is not None and settings.insee_mode == "live"
        if source.context_reader is None and not live and not settings.full_refresh:
            with warehouse.connect() as con:
                previous = unchanged_load(con, source.table, inputs=str(data_dir))
                ecartees = _lignes_ecartees(con, source.table) if previous is not None else None
            if previous is not None:
                context.log.info(f"raw.{source.table}: sources unchanged since the last load, not read again")
                return _materialize(previous, preview=None, unchanged=True, ecartees=ecartees)
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
            verdict = check_delivery(con, result, max_loss(), source_label(source.table, source.description))
            if not verdict.accepted:
                kept = mark_stale(con, verdict) if settings.stale_sources else None
                if kept is None:
                    context.log.error(verdict.message)
                    raise Failure(description=verdict.message, metadata={"source": source.table})
                context.log.warning(verdict.message + " Construction poursuivie avec cette copie, marquée "
                                    "périmée (PACTE_SOURCES_PERIMEES).")
                return _materialize(kept, preview=None, unchanged=True)
            meta = write_raw(con, result, inputs=str(data_dir) if source.context_reader is None else "")
            ecartees = _lignes_ecartees(con, source.table)
        return _materialize(meta, preview=_preview(result), unchanged=False, ecartees=ecartees)

    return _asset


#: Rows set aside shown on the asset's page; the full list is in the build's list of set-aside rows.
LIGNES_ECARTEES_AFFICHEES = 20


def _lignes_ecartees(con, table: str) -> MetadataValue:
    """The first rows set aside when ``table`` was read, as a table (file, line, field, reason).

    Read back from the quarantine table, so that a load skipped because nothing changed shows
    the rows of the load it stands for. The rows' contents are not shown (they may hold what a
    source should not have held).
    """
    from dagster import TableColumn, TableRecord, TableSchema

    from ingest.warehouse import QUARANTINE_TABLE

    rows = con.execute(
        f"select source_file, line, field, reason from {QUARANTINE_TABLE} where table_name = ? "
        "order by source_file, line, field limit ?",
        [table, LIGNES_ECARTEES_AFFICHEES],
    ).fetchall()
    schema = TableSchema(
        columns=[
            TableColumn("fichier", "string", description="Fichier source"),
            TableColumn("ligne", "int", description="Ligne du fichier (0 : le fichier entier)"),
            TableColumn("champ", "string", description="Champ en cause"),
            TableColumn("motif", "string", description="Raison de la mise à l'écart"),
        ]
    )
    records = [
        TableRecord({"fichier": Path(str(f or "")).name, "ligne": int(n or 0), "champ": c or "", "motif": m or ""})
        for f, n, c, m in rows
    ]
    return MetadataValue.table(records, schema=schema)


def _materialize(meta: dict, preview: str | None, unchanged: bool, ecartees: MetadataValue | None = None
                 ) -> MaterializeResult:
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
    if ecartees is not None:
        metadata["lignes_ecartees"] = ecartees  # the first 20 (file, line, field, reason)
    return MaterializeResult(metadata=metadata)
