"""Write reader results into the DuckDB warehouse (schemas ``raw`` and ``quarantine``).

Every raw table carries ``_source_file``, ``_checksum``, ``_vintage``, ``_mode``,
``_stale`` and ``_loaded_at``. Each load is logged in ``raw._chargements`` and its
rejected rows replace the earlier ones of the same table in ``quarantine.rejets``.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ingest.core import ReadResult

__all__ = ["connect", "write_raw", "ensure_schemas", "QUARANTINE_TABLE", "LOADS_TABLE"]

QUARANTINE_TABLE = "quarantine.rejets"
LOADS_TABLE = "raw._chargements"
SCHEMAS = ("raw", "staging", "intermediate", "marts", "quarantine")


@contextmanager
def connect(path: Path, read_only: bool = False):
    """Open the warehouse and always close it (DuckDB allows one writer process)."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def ensure_schemas(con: duckdb.DuckDBPyConnection) -> None:
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    con.execute(
        f"""create table if not exists {QUARANTINE_TABLE} (
            table_name varchar, source_file varchar, line integer, field varchar,
            reason varchar, content varchar, loaded_at timestamp)"""
    )
    con.execute(
        f"""create table if not exists {LOADS_TABLE} (
            table_name varchar, source_file varchar, checksum varchar, vintage varchar,
            mode varchar, stale boolean, message varchar, rows_loaded bigint,
            rows_quarantined bigint, loaded_at timestamp)"""
    )


def write_raw(con: duckdb.DuckDBPyConnection, result: ReadResult) -> dict[str, object]:
    """Replace ``raw.<table>`` with the result and log the load; returns its metadata."""
    ensure_schemas(con)
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    frame = result.frame.copy()
    frame["_source_file"] = result.source.source_file
    frame["_checksum"] = result.source.checksum
    frame["_vintage"] = result.source.vintage
    frame["_mode"] = result.source.mode
    frame["_stale"] = result.source.stale
    frame["_loaded_at"] = loaded_at
    table = f"raw.{result.table_name}"
    # DuckDB infers the type of an object column from a sample of rows: lists of flags
    # that are empty in the sample but not further down would fail to load. Look at
    # every row and give the flag lists one type, even when they are all empty.
    con.execute(f"set pandas_analyze_sample = {max(len(frame), 1)}")
    flags = [c for c in ("_secret", "_indisponible") if c in frame.columns]
    replace = (
        " replace (" + ", ".join(f"cast({c} as varchar[]) as {c}" for c in flags) + ")" if flags else ""
    )
    con.register("_incoming", frame)
    try:
        con.execute(f"create or replace table {table} as select *{replace} from _incoming")
    finally:
        con.unregister("_incoming")
    con.execute(f"delete from {QUARANTINE_TABLE} where table_name = ?", [result.table_name])
    if result.quarantine:
        con.executemany(
            f"insert into {QUARANTINE_TABLE} values (?, ?, ?, ?, ?, ?, ?)",
            [
                (q.table, q.source_file, q.line, q.field, q.reason, q.content, loaded_at)
                for q in result.quarantine
            ],
        )
    con.execute(
        f"insert into {LOADS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            result.table_name, result.source.source_file, result.source.checksum,
            result.source.vintage, result.source.mode, result.source.stale,
            result.source.message, len(frame), len(result.quarantine), loaded_at,
        ],
    )
    return {
        "table": table,
        "rows": len(frame),
        "quarantined": len(result.quarantine),
        "source_file": result.source.source_file,
        "checksum": result.source.checksum,
        "vintage": result.source.vintage,
        "mode": result.source.mode,
        "stale": result.source.stale,
    }
