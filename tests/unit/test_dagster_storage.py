"""Dagster's SQLite run history as ``pacte`` uses it (orchestration.dagster_storage): one engine per
event-log file and process instead of one per event, every event still written and read back."""

from __future__ import annotations

import time

from dagster import AssetKey, AssetMaterialization, DagsterEvent, DagsterEventType
from dagster._core.events import StepMaterializationData
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration import dagster_storage


def _materialisation(run_id: str, name: str) -> EventLogEntry:
    event = DagsterEvent(
        DagsterEventType.ASSET_MATERIALIZATION.value,
        "diagnostic",
        event_specific_data=StepMaterializationData(AssetMaterialization(AssetKey(["marts", name]))),
    )
    return EventLogEntry(
        error_info=None,
        level="INFO",
        user_message="",
        run_id=run_id,
        timestamp=time.time(),
        dagster_event=event,
        job_name="diagnostic",
    )


def test_events_are_stored_and_read_back_with_one_engine_per_file(tmp_path):
    dagster_storage.install()
    storage = SqliteEventLogStorage(str(tmp_path))
    for i in range(30):
        storage.store_event(_materialisation("run_a", f"m{i % 3}"))
    storage.store_event(_materialisation("run_b", "m0"))
    # one engine for each file of this storage (the two runs' files and the index of assets), not one
    # for each of the 62 connections the 31 events opened
    fichiers = sorted(
        conn.rsplit("/", 1)[-1] for _, conn in dagster_storage._engines if str(tmp_path) in conn
    )
    assert fichiers == ["index.db", "run_a.db", "run_b.db"]
    assert len(storage.get_logs_for_run("run_a")) == 30 and len(storage.get_logs_for_run("run_b")) == 1
    # the index of assets (another file) got every materialisation too
    record = storage.get_latest_materialization_events([AssetKey(["marts", "m1"])])[AssetKey(["marts", "m1"])]
    assert record is not None and record.run_id == "run_a"


def test_connections_are_kept_between_events_and_closed_before_a_wipe(tmp_path):
    """The engine keeps its SQLite connections (one set-up per connection, not per event); a wipe,
    which deletes the files, closes them first, so that later events go to the new files."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    dagster_storage.install()
    storage = SqliteEventLogStorage(str(tmp_path))
    ouvertes: list[int] = []

    def compter(dbapi_connection, _record) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            ouvertes.append(1)

    event.listen(Engine, "connect", compter)
    try:
        for i in range(20):
            storage.store_event(_materialisation("run_c", f"m{i % 2}"))
        assert len(storage.get_logs_for_run("run_c")) == 20
        # the run's file and the index of assets: a connection each, not two for each of 20 events
        assert 1 <= len(ouvertes) <= 4
        storage.wipe()
        assert storage.get_logs_for_run("run_c") == []
        storage.store_event(_materialisation("run_c", "m0"))
        assert len(storage.get_logs_for_run("run_c")) == 1
        assert (tmp_path / "run_c.db").exists()
    finally:
        event.remove(Engine, "connect", compter)
