"""Dagster's run history on SQLite, written without an fsync per event.

Dagster's default instance (under ``DAGSTER_HOME``) stores every event of a run (step start,
materialisation, each dbt test's check result ...) in SQLite, one transaction per event, each
synced to disk. A build of one département writes about 1 500 events; at a few milliseconds per
fsync on a busy disk, that alone took about a minute. Here every SQLite connection that
SQLAlchemy opens in this process (only Dagster's storage uses SQLAlchemy in this project) gets
``PRAGMA synchronous=OFF``: SQLite still writes every event, it just does not wait for the disk.

What it risks: an operating-system crash or power cut during a build can lose the last events of
the run history or corrupt that history file (remove ``$DAGSTER_HOME/history`` to start afresh).
The warehouse (DuckDB) is not concerned. ``PACTE_DAGSTER_FSYNC=1`` keeps SQLite's default.

Dagster's SQLite event log also creates a new SQLAlchemy engine for each connection it opens
(``SqliteEventLogStorage._connect``), that is once or twice for every event (the run's file, then
the index of assets and checks): about 0.7 ms of CPU each, some 6 000 times a build. Here each
process keeps one engine per file (:func:`_connect_reusing_engines`), and that engine keeps its
SQLite connections open between events (a pool) instead of opening, setting up and closing one
for every write (NullPool: a sixth of the CPU of a build's main thread, the pragma below included).
Each write is still its own transaction, under the storage's lock, so the file is locked only while
an event is written, as before; other processes (the interface) read and write it as before. The
storage's ``wipe``, which deletes the files, first closes the connections kept on them.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from socle.settings import env_flag

__all__ = ["install"]

_installed = False


def _no_fsync(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA synchronous=OFF")
        finally:
            cursor.close()


_engines: dict[tuple[int, str], Engine] = {}


@contextmanager
def _connect_reusing_engines(self, shard: str):
    """``SqliteEventLogStorage._connect`` with one engine per (process, shard file) instead of one
    per connection; otherwise the same: the storage's lock held, schema created once, a transaction."""
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS
    from sqlalchemy import create_engine
    from sqlalchemy.pool import QueuePool

    with self._db_lock:
        conn_string = self.conn_string_for_shard(shard)
        key = (os.getpid(), conn_string)
        engine = _engines.get(key)
        if engine is None:
            # kept connections: one per concurrent user (two storages of one process, e.g. the build
            # and its progress bar, share the engine), each used by one thread at a time (the pool)
            engine = create_engine(
                conn_string,
                poolclass=QueuePool,
                pool_size=2,
                max_overflow=-1,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            _engines[key] = engine
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        with engine.connect() as conn:
            with conn.begin():
                yield conn


def _dispose_engines(base_dir: str) -> None:
    """Close the connections kept on the files under ``base_dir`` (before they are deleted)."""
    prefix = os.path.abspath(base_dir)
    for key in [k for k in _engines if k[0] == os.getpid() and prefix in k[1]]:
        _engines.pop(key).dispose()


def _wipe_closing_connections(wipe):
    def _wipe(self) -> None:
        _dispose_engines(self._base_dir)
        wipe(self)

    return _wipe


_engines_installed = False


def install() -> bool:
    """Keep one engine per event-log file, and register the pragma for the SQLite connections opened
    from now on; ``False`` if the pragma is disabled."""
    global _installed, _engines_installed
    if not _engines_installed:
        from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

        SqliteEventLogStorage._connect = _connect_reusing_engines
        SqliteEventLogStorage.wipe = _wipe_closing_connections(SqliteEventLogStorage.wipe)
        _engines_installed = True
    if env_flag("PACTE_DAGSTER_FSYNC"):
        return False
    if not _installed:
        event.listen(Engine, "connect", _no_fsync)
        _installed = True
    return True
