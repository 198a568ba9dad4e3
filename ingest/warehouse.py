"""Write reader results into the DuckDB warehouse (schemas ``raw`` and ``quarantine``).

Every raw table carries ``_source_file``, ``_checksum``, ``_vintage``, ``_mode``,
``_stale`` and ``_loaded_at``. Each load is logged in ``raw._chargements`` and its
rejected rows replace the earlier ones of the same table in ``quarantine.rejets``.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import uuid
from collections.abc import Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from ingest.core import QuarantineRow, ReadResult
from ingest.paresseux import module_paresseux

pd = module_paresseux("pandas")

__all__ = [
    "connect",
    "write_raw",
    "ensure_schemas",
    "insert_rows",
    "source_signature",
    "unchanged_load",
    "write_quarantine",
    "QUARANTINE_TABLE",
    "LOADS_TABLE",
]

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
    con.execute(f"alter table {LOADS_TABLE} add column if not exists signature varchar")


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[Sequence[Any]],
    columns: Sequence[str] | None = None,
) -> int:
    """Append ``rows`` (tuples in the column order of ``table``, or of ``columns``) in one statement.

    DuckDB's ``executemany`` runs one INSERT per row: about 1 ms a row, so tens of seconds for the
    ~20 000 schema violations of the national offer catalogue. Here the rows go through one
    registered data frame of Python objects (every row looked at for the types, so a column that
    is NULL in the first rows keeps its type) and one ``INSERT ... SELECT``.

    Examples
    --------
    >>> con = duckdb.connect()
    >>> _ = con.execute("create table t (a integer, b varchar)")
    >>> insert_rows(con, "t", [(1, "x"), (None, None), (3, "z")])
    3
    >>> con.execute("select count(*), sum(a), count(b) from t").fetchone()
    (3, 4, 2)
    """
    if not rows:
        return 0
    width = len(rows[0])
    frame = pd.DataFrame.from_records(list(rows), columns=[f"c{i}" for i in range(width)]).astype(object)
    frame = frame.where(frame.notna(), None)
    name = f"_rows_{uuid.uuid4().hex}"
    target = f"{table} ({', '.join(columns)})" if columns else table
    con.execute(f"set pandas_analyze_sample = {len(frame)}")
    con.register(name, frame)
    try:
        con.execute(f"insert into {target} select * from {name}")
    finally:
        con.unregister(name)
    return len(frame)


def write_raw(con: duckdb.DuckDBPyConnection, result: ReadResult, inputs: str = "") -> dict[str, object]:
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
    replace = " replace (" + ", ".join(f"cast({c} as varchar[]) as {c}" for c in flags) + ")" if flags else ""
    con.register("_incoming", frame)
    try:
        con.execute(f"create or replace table {table} as select *{replace} from _incoming")
    finally:
        con.unregister("_incoming")
    con.execute(f"delete from {QUARANTINE_TABLE} where table_name = ?", [result.table_name])
    if result.quarantine:
        insert_rows(
            con,
            QUARANTINE_TABLE,
            [
                (q.table, q.source_file, q.line, q.field, q.reason, q.content, loaded_at)
                for q in result.quarantine
            ],
        )
    con.execute(
        f"insert into {LOADS_TABLE} (table_name, source_file, checksum, vintage, mode, stale, message, "
        "rows_loaded, rows_quarantined, loaded_at, signature) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            result.table_name,
            result.source.source_file,
            result.source.checksum,
            result.source.vintage,
            result.source.mode,
            result.source.stale,
            result.source.message,
            len(frame),
            len(result.quarantine),
            loaded_at,
            source_signature(result.source.source_file, inputs) if result.source.mode == "snapshot" else None,
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


@lru_cache(maxsize=1)
def _reader_code_version() -> str:
    """Digest of the ``ingest`` package's code: a change of any reader invalidates every signature."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stat(path: Path) -> list[object]:
    stat = path.stat()
    return [str(path), stat.st_size, stat.st_mtime_ns]


def source_signature(source_file: str, inputs: str = "") -> str | None:
    """A digest of what a snapshot read depended on, cheap enough to compute before reading.

    ``source_file`` is what a reader records: one path, paths joined by ``;``, or a glob. Each
    file counts by path, size and modification time, a glob by the files it matches now, and
    the folder of each file by the names it holds (a file added beside a multi-file source
    changes the signature). The code of the readers counts too, and ``inputs``: what the reader
    was given (the snapshot folder), so that a read of another folder is never taken for this
    one. ``None`` when a part cannot be resolved (no source, a folder, a missing file): such a
    load is never skipped.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()); f = folder / "a.csv"; _ = f.write_text("x")
    >>> first = source_signature(str(f))
    >>> first == source_signature(str(f)) and first is not None
    True
    >>> _ = (folder / "b.csv").write_text("y")   # a new file beside it
    >>> source_signature(str(f)) == first
    False
    >>> source_signature(str(folder / "missing.csv")) is None
    True
    """
    parts: list[object] = [_reader_code_version(), inputs]
    entries = [e for e in (source_file or "").split(";") if e]
    if not entries:
        return None
    folders: set[Path] = set()
    for entry in entries:
        if any(ch in entry for ch in "*?["):
            matches = sorted(Path(m) for m in glob.glob(entry))
            parts.append(["glob", entry, [_stat(m) for m in matches if m.is_file()]])
            continue
        path = Path(entry)
        if not path.is_file():
            return None
        parts.append(_stat(path))
        folders.add(path.parent)
    for folder in sorted(folders):
        parts.append(["folder", str(folder), sorted(p.name for p in folder.iterdir())])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def unchanged_load(con: duckdb.DuckDBPyConnection, table: str, inputs: str = "") -> dict[str, object] | None:
    """The last snapshot load of ``raw.<table>`` when nothing it read has changed since, else ``None``.

    Unchanged means: the load was from the snapshot and not stale, its recorded signature equals
    :func:`source_signature` of the same sources and ``inputs`` now, and ``raw.<table>`` still holds the rows
    it wrote. The metadata returned has the keys of :func:`write_raw`'s.
    """
    ensure_schemas(con)
    row = con.execute(
        f"select source_file, checksum, vintage, mode, stale, rows_loaded, rows_quarantined, signature "
        f"from {LOADS_TABLE} where table_name = ? order by loaded_at desc limit 1",
        [table],
    ).fetchone()
    if row is None:
        return None
    source_file, checksum, vintage, mode, stale, rows, quarantined, signature = row
    if mode != "snapshot" or stale or signature is None or source_signature(source_file, inputs) != signature:
        return None
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?",
        [table],
    ).fetchone()[0]
    if not exists or con.execute(f'select count(*) from raw."{table}"').fetchone()[0] != rows:
        return None
    return {
        "table": f"raw.{table}",
        "rows": rows,
        "quarantined": quarantined,
        "source_file": source_file,
        "checksum": checksum,
        "vintage": vintage,
        "mode": mode,
        "stale": stale,
    }


def write_quarantine(
    con: duckdb.DuckDBPyConnection, table_name: str, rows: list[QuarantineRow], code: str
) -> None:
    """Replace the quarantine rows of ``table_name`` for département ``code``.

    The rows of a département are those whose file path holds ``/<code>/``.
    """
    ensure_schemas(con)
    con.execute(
        f"delete from {QUARANTINE_TABLE} where table_name = ? and source_file like ?",
        [table_name, f"%/{code}/%"],
    )
    if rows:
        insert_rows(
            con,
            QUARANTINE_TABLE,
            [(table_name, q.source_file, q.line, q.field, q.reason, q.content) for q in rows],
            columns=["table_name", "source_file", "line", "field", "reason", "content"],
        )
