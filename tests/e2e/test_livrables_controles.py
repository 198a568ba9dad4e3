"""The checks on the deliverables hold on a real build (the session's Seine-Saint-Denis)."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.assets import checks_livrables as cl
from orchestration.assets.publication import published_copy_path

pytestmark = [pytest.mark.e2e, pytest.mark.snapshot]


def test_the_real_report_loads_nothing_from_elsewhere(built_93):
    html = (built_93.output / "rapport_diagnostic.html").read_text(encoding="utf-8")
    assert cl.ressources_externes(html) == []


def test_the_real_read_only_copy_holds_the_warehouse_marts(built_93):
    copy = duckdb.connect(str(published_copy_path(built_93.warehouse)), read_only=True)
    try:
        marts_copy = cl._marts(copy)
    finally:
        copy.close()
    con = duckdb.connect(str(built_93.warehouse), read_only=True)
    try:
        marts_warehouse = cl._marts(con)
        retires = cl.marts_retires(con)
    finally:
        con.close()
    assert len(marts_copy) > 30
    assert cl.comparer_marts(marts_warehouse, marts_copy, retires) == []
