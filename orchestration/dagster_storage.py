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
"""

from __future__ import annotations

import sqlite3

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


def install() -> bool:
    """Register the pragma for the SQLite connections opened from now on; ``False`` if disabled."""
    global _installed
    if env_flag("PACTE_DAGSTER_FSYNC"):
        return False
    if not _installed:
        event.listen(Engine, "connect", _no_fsync)
        _installed = True
    return True
