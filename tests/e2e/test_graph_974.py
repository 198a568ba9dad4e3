"""La Réunion has no curated registry: its graph is built from the template, the offer and the territories."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_graph_without_registry(built_974):
    sources = {
        s
        for (s,) in built_974.query("""select distinct unnest(cast(sources as varchar[]))
        from marts.acteurs where code_departement = '974'""")
    }
    assert "registre" not in sources and {"modele", "territoires"} <= sources
    kinds = dict(
        built_974.query(
            "select type_noeud, count(*) from marts.acteurs where code_departement = '974' group by 1"
        )
    )
    assert kinds.get("acteur", 0) > 24 and kinds.get("dispositif", 0) > 10
    assert built_974.query(
        "select count(*) from marts.acteurs where code_departement = '974' "
        "and id_noeud = 'dispositif:pdi:departement:974'"
    ) == [(1,)]
    # the offer catalogue of La Réunion is in the graph
    assert (
        built_974.query(
            "select count(*) from marts.liens where code_departement = '974' and type_lien = 'offre'"
        )[0][0]
        > 100
    )
    for table in (
        "coordination_acteurs",
        "coordination_dispositifs",
        "liens_manquants",
        "faiblesse_coordination",
    ):
        assert (
            built_974.query(f"select count(*) from marts.{table} where code_departement = '974'")[0][0] > 0
        ), table
    # the 93 build is still there (rewritten per département, never dropped)
    assert built_974.query("select count(*) from marts.acteurs where code_departement = '93'")[0][0] > 0
    assert (built_974.output / "reseau_acteurs.html").exists()


def test_registry_absence_is_said(built_974):
    from dagster import AssetKey, AssetRecordsFilter, DagsterInstance

    with DagsterInstance.get() as instance:
        result = instance.fetch_materializations(
            AssetRecordsFilter(asset_key=AssetKey(["marts", "acteurs"]), asset_partitions=["974"]), limit=1
        )
        assert result.records, "no materialization of marts/acteurs for 974"
        record = result.records[0]
        assert record.asset_materialization.metadata["registre"].value == "absent"
        logs = instance.all_logs(record.run_id)
        said = "Registre des acteurs absent pour le département 974"
        assert any(said in (e.user_message or "") for e in logs)
