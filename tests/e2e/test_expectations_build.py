"""The Great Expectations checks in the shared build of 93, on the real snapshot.

The checks are blocking, so a successful build already means every suite held; these
tests make sure each raw table of the need side was actually checked in that build, and
that the quarantine of failed expectations is empty.
"""

from __future__ import annotations

from ingest.expectations import FAILURES_TABLE, RUNS_TABLE
from ingest.expectations_suites import SUITES
from orchestration.assets.raw_besoins import SOURCES


def test_every_raw_table_was_checked_and_passed(built_93):
    runs = {table: (evaluated, failed, rows) for table, evaluated, failed, rows in built_93.query(
        f"select table_name, expectations_evaluated, expectations_failed, rows_checked from {RUNS_TABLE}")}
    for source in SOURCES:
        assert source.table in runs, f"raw.{source.table} was not checked by Great Expectations"
        evaluated, failed, rows = runs[source.table]
        assert evaluated == len(SUITES[source.table].expectations)
        assert failed == 0
        (loaded,) = built_93.query(f'select count(*) from raw."{source.table}"')[0]
        assert rows == loaded


def test_no_failed_expectation_left_in_quarantine(built_93):
    assert built_93.query(f"select table_name, expectation, observed from {FAILURES_TABLE}") == []
