"""Building a département again when nothing changed: sources not re-read, dbt not re-run,
the same marts, the same check results (orchestration.dbt_etat, ingest.warehouse.unchanged_load)."""

from __future__ import annotations

from ingest.expectations import table_fingerprint

# the marts this test compared first (need, offer, documents); every other one (graph, coordination,
# priorities, leads...) is computed again by the second build and must come out identical to the last bit
NATIONAL = ("territoires", "indicateurs", "besoins", "offre", "accessibilite", "documents", "passages")


def _fingerprints(build) -> dict[str, str]:
    """Content fingerprint of every table of schema marts: names and types of the columns, row count and
    an order-free hash of every value (floating numbers bit for bit)."""
    import duckdb

    con = duckdb.connect(str(build.warehouse), read_only=True)
    try:
        names = [n for (n,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()]
        return {name: table_fingerprint(con, name, schema="marts") for name in names}
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

    # the marts hold the same values as before, all of them: those taken over and those computed again
    after = _fingerprints(built_93)
    assert set(NATIONAL) <= set(before) and {"coordination_acteurs", "faiblesse_coordination", "priorites",
                                              "pistes", "liens", "acteurs"} <= set(before)
    assert sorted(after) == sorted(before)
    assert [name for name in before if after[name] != before[name]] == []
    (recorded,) = built_93.query("select count(*) from raw._dbt_builds where etape = 'pacte_dbt_models'")[0]
    assert recorded == 1
