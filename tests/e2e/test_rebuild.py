"""Building a département again when nothing changed: sources not re-read, dbt not re-run,
the same marts, the same check results (orchestration.dbt_etat, ingest.warehouse.unchanged_load)."""

from __future__ import annotations

from ingest.expectations import table_fingerprint

MARTS = ("territoires", "indicateurs", "besoins", "offre", "accessibilite", "documents", "passages")


def _fingerprints(build) -> dict[str, str]:
    import duckdb

    con = duckdb.connect(str(build.warehouse), read_only=True)
    try:
        return {name: table_fingerprint(con, name, schema="marts") for name in MARTS}
    finally:
        con.close()


def _last_run_events():
    from dagster import DagsterEventType, DagsterInstance

    with DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        materialised = {}
        for r in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION):
            event = r.dagster_event
            metadata = event.event_specific_data.materialization.metadata
            materialised[event.asset_key.to_user_string()] = metadata
        checks = [
            r.dagster_event.event_specific_data
            for r in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
        ]
    return materialised, checks


def test_a_second_build_takes_over_what_did_not_change(built_93):
    from orchestration.cli import main

    before = _fingerprints(built_93)
    assert main(["build", "--departement", "93"]) == 0
    materialised, checks = _last_run_events()

    # every snapshot source: same files, not read again (the inbox and the live API are always read)
    from orchestration.assets import raw_besoins, raw_offre

    snapshot = [s.table for s in raw_besoins.SOURCES + raw_offre.SOURCES if s.context_reader is None]
    assert len(snapshot) > 30
    assert [t for t in snapshot if materialised[f"raw/{t}"]["unchanged"].value is not True] == []
    assert materialised["raw/cog_communes"]["dagster/row_count"].value > 30000

    # the national dbt models: not rebuilt, reported with the date of the build they come from
    for key in ("marts/indicateurs", "marts/besoins", "marts/territoires", "staging/stg_cog__communes"):
        assert materialised[key]["unchanged"].value is True, key
        assert materialised[key]["built_at"].value
    # the models after the graph depend on this build's graph: always run
    assert "unchanged" not in materialised["marts/priorites"]

    # every dbt test result is there again, all passed, and says where it comes from
    dbt_checks = [c for c in checks if c.metadata.get("unchanged") and c.metadata["unchanged"].value is True]
    assert len(dbt_checks) > 300
    assert all(c.passed for c in dbt_checks if c.severity.value == "ERROR")
    assert all("inchangées" in (c.description or "") or "non revalidé" in (c.description or "")
               for c in dbt_checks)

    # the marts are the same tables as before
    assert _fingerprints(built_93) == before
    (recorded,) = built_93.query("select count(*) from raw._dbt_builds where etape = 'pacte_dbt_models'")[0]
    assert recorded == 1
