"""Materialise one need-side raw asset in live mode into a scratch warehouse (shared by the live tests)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path

import requests
import responses
from dagster import DagsterInstance, materialize

from orchestration.assets._raw import raw_asset
from orchestration.assets.raw_besoins import SOURCES
from orchestration.resources import PacteSettingsResource, WarehouseResource

#: Deadline given to live readers whose (mocked) source answers at once: it only stops a hang,
#: so a busy machine never turns a success into a fall back. Tests of the deadline itself use
#: short deadlines against sources that never answer.
HANG_GUARD = 600.0


def read_while_refused(url_pattern: str, read: Callable[[], object]) -> tuple[object, int]:
    """``read()`` while every GET to a URL matching ``url_pattern`` is refused at connection.

    Returns its result and the number of requests it made (the tests allow one retry at most)."""

    def refused(request):
        raise requests.ConnectionError("[Errno 111] Connection refused")

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add_callback(responses.GET, re.compile(url_pattern), callback=refused)
        result = read()
        calls = len(rsps.calls)
    return result, calls


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


def wait_for_live_workers(bound: float = 300.0) -> None:
    """Wait until every live worker thread (``pacte-live-*``) has ended.

    A condition, not a clock: the bound only stops a hang on a very busy machine, and
    failing it means a worker never stopped (which is what the callers test).
    """
    waited = 0.0
    while any(t.name.startswith("pacte-live-") and t.is_alive() for t in threading.enumerate()):
        assert waited < bound, "a live worker thread is still running"
        threading.Event().wait(0.1)
        waited += 0.1
