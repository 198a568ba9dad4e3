"""The Great Expectations suites as blocking Dagster asset checks (orchestration.assets.checks_raw).

The real raw asset and its real check are materialised with ``dagster.materialize`` on a
tiny warehouse, from a fixture of the COG régions file in its real format: the good copy
lets a downstream asset run, the broken copy (a duplicated région code, a code that is
not a région) fails the blocking check, which stops the downstream asset in the same run
and leaves the failing rows in ``quarantine.attentes_echouees``.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, asset, materialize

from ingest.expectations import FAILURES_TABLE
from ingest.expectations_suites import SUITES
from orchestration.assets import checks_raw
from orchestration.assets._raw import raw_asset, raw_asset_key
from orchestration.assets.raw_besoins import SOURCES
from orchestration.resources import PacteSettingsResource, WarehouseResource

TABLE = "cog_regions"


def _source():
    return next(s for s in SOURCES if s.table == TABLE)


def _check():
    return next(c for c in checks_raw.CHECKS if raw_asset_key(TABLE) in {k.asset_key for k in c.check_keys})


def _run(data_dir: Path, warehouse: Path):
    ran: list[str] = []

    @asset(key=AssetKey(["staging", "stg_test__regions"]), deps=[raw_asset_key(TABLE)])
    def downstream() -> None:
        ran.append("downstream")

    resources = {
        "warehouse": WarehouseResource(path=str(warehouse)),
        "settings": PacteSettingsResource(data_dir=str(data_dir), output_dir=str(warehouse.parent / "out"),
                                          inbox_dir=str(warehouse.parent / "inbox")),
    }
    with DagsterInstance.ephemeral() as instance:
        result = materialize([raw_asset(_source()), _check(), downstream], resources=resources,
                             instance=instance, raise_on_error=False)
    return result, ran


def test_every_suite_is_wired_as_a_blocking_check_on_its_raw_asset():
    checked = {}
    for check in checks_raw.CHECKS:
        for spec in check.check_specs:
            checked[spec.asset_key] = spec
    for source in SOURCES:
        spec = checked.get(raw_asset_key(source.table))
        assert spec is not None, f"no Great Expectations check on raw.{source.table}"
        assert spec.blocking and spec.name == checks_raw.CHECK_NAME


def test_definitions_do_not_import_great_expectations():
    """Great Expectations is imported inside the check only (it takes seconds to import), and
    nothing else heavy loads with the definitions either (issue 12: each run worker and the UI's
    code server import them): the readers, pandas, the graph, the report are imported by the
    assets that use them."""
    import subprocess
    import sys

    heavy = ["great_expectations", "pynsee", "pandas", "numpy", "openpyxl", "shapely", "phonenumbers",
             "graph.pipeline", "rapport.production", "ingest.cog", "ingest.documents.pipeline"]
    code = ("import sys, orchestration.definitions as d; assert d.defs; "
            f"print([m for m in {heavy!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_good_table_passes_and_downstream_runs(fixtures_dir, tmp_path):
    result, ran = _run(fixtures_dir / "expectations" / "good", tmp_path / "w.duckdb")
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == 1 and evaluations[0].passed
    assert ran == ["downstream"]
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        count = con.execute(f"select count(*) from {FAILURES_TABLE} where table_name = ?", [TABLE]).fetchone()
        assert count == (0,)
    finally:
        con.close()


def test_broken_table_fails_the_check_and_stops_downstream(fixtures_dir, tmp_path):
    result, ran = _run(fixtures_dir / "expectations" / "broken", tmp_path / "w.duckdb")
    assert not result.success
    assert ran == [], "the downstream asset must not run after a failing blocking check"
    materialized = {e.asset_key for e in result.get_asset_materialization_events()
                    for e in [e.event_specific_data.materialization]}
    assert raw_asset_key(TABLE) in materialized
    assert AssetKey(["staging", "stg_test__regions"]) not in materialized

    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed and evaluation.severity.value == "ERROR"
    assert evaluation.metadata["attentes_en_echec"].value == 2
    assert "reg unique" in evaluation.description and "reg au format code région" in evaluation.description

    errors = [e.step_failure_data.error.message for e in result.all_events if e.is_step_failure]
    # the run's failure says why, in French (the failed expectations), not only on the check's page
    (error,) = [m for m in errors if "Contrôle bloquant en échec" in m]
    assert "reg unique" in error and "reg au format code région" in error
    assert "raw.cog_regions" not in error  # the source by its name, not its table
    downstream_events = {e.event_type_value for e in result.all_events
                         if e.step_key == "staging__stg_test__regions"}
    assert not downstream_events & {"STEP_START", "STEP_SUCCESS", "ASSET_MATERIALIZATION"}

    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        rows = con.execute(
            f"select expectation, observed, unexpected_count, sample_rows from {FAILURES_TABLE} "
            "where table_name = ? order by expectation", [TABLE]).fetchall()
    finally:
        con.close()
    by_label = {r[0]: r for r in rows}
    assert set(by_label) == {"reg unique", "reg au format code région"}
    unique_sample = json.loads(by_label["reg unique"][3])
    assert {row["_line"] for row in unique_sample} == {7, 8}  # the two lines carrying région 11
    assert {row["reg"] for row in unique_sample} == {"11"}
    regex_sample = json.loads(by_label["reg au format code région"][3])
    assert regex_sample == [{"_line": 22, "reg": "123"}]
    assert "123" in by_label["reg au format code région"][1]


def test_check_on_a_missing_table_fails_with_a_clear_message(tmp_path):
    from dagster import build_asset_check_context

    check = _check()
    warehouse = WarehouseResource(path=str(tmp_path / "empty.duckdb"))
    context = build_asset_check_context(resources={"warehouse": warehouse})
    from dagster import Failure

    steps = check(context)
    result = next(steps)
    assert not result.passed
    assert "raw.cog_regions est absente" in result.description
    with pytest.raises(Failure, match="raw.cog_regions est absente"):
        next(steps)  # a blocking check that fails fails its step with its reason


@pytest.mark.parametrize("table", sorted(SUITES))
def test_failures_markdown_lists_failed_expectations(table):
    from ingest.expectations import Failure, SuiteOutcome

    failure = Failure(table, "x unique", "unique", "x", None, "2 ligne(s) | en échec", 2,
                      [{"_line": 4, "x": "a"}, {"_line": 9, "x": "a"}])
    outcome = SuiteOutcome(table, 3, 10, [failure])
    text = checks_raw.failures_markdown(outcome)
    assert "x unique" in text and "4, 9" in text and "2 ligne(s) / en échec" in text


def test_identical_table_is_not_validated_again(fixtures_dir, tmp_path, monkeypatch):
    warehouse = tmp_path / "w.duckdb"
    first, _ = _run(fixtures_dir / "expectations" / "good", warehouse)
    assert first.get_asset_check_evaluations()[0].metadata["resultat_reutilise"].value is False

    def must_not_run(*args, **kwargs):
        raise AssertionError("Great Expectations ran again on an identical table")

    monkeypatch.setattr(checks_raw.expectations, "validate_frame", must_not_run)
    second, ran = _run(fixtures_dir / "expectations" / "good", warehouse)  # reloaded: new _loaded_at
    (evaluation,) = second.get_asset_check_evaluations()
    assert second.success and evaluation.passed and ran == ["downstream"]
    assert evaluation.metadata["resultat_reutilise"].value is True
    assert "table identique" in evaluation.description


def test_changed_table_is_validated_again(fixtures_dir, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    assert _run(fixtures_dir / "expectations" / "good", warehouse)[0].success
    result, ran = _run(fixtures_dir / "expectations" / "broken", warehouse)
    assert not result.success and ran == []
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.metadata["resultat_reutilise"].value is False
    # and a failure is never reused: the same broken table is validated (and fails) again
    again, _ = _run(fixtures_dir / "expectations" / "broken", warehouse)
    assert not again.success
    assert again.get_asset_check_evaluations()[0].metadata["resultat_reutilise"].value is False


def test_table_fingerprint_ignores_load_time_but_not_content(tmp_path):
    from ingest.expectations import table_fingerprint

    con = duckdb.connect(str(tmp_path / "f.duckdb"))
    try:
        con.execute("create schema raw")
        con.execute("create table raw.t as select * from (values ('11', 'A', now()), ('93', 'B', now())) "
                    "v(reg, nom, _loaded_at)")
        first = table_fingerprint(con, "t")
        con.execute("update raw.t set _loaded_at = _loaded_at + interval 1 day")
        assert table_fingerprint(con, "t") == first
        con.execute("update raw.t set nom = 'C' where reg = '93'")
        changed = table_fingerprint(con, "t")
        assert changed != first
        con.execute("alter table raw.t rename column nom to libelle")
        assert table_fingerprint(con, "t") != changed
    finally:
        con.close()
