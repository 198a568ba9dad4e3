"""The Dagster code location as a whole (orchestration.definitions).

It loads the way the UI loads it, every asset sits in the group of its stage (none falls into
Dagster's ``default`` group, which is where a dbt source without a raw asset lands), and every
singular dbt test of ``dbt_project/tests`` is an asset check, blocking unless it only warns.
"""

from __future__ import annotations

import json

import pytest

from socle.settings import DBT_PROJECT_DIR

#: The stage groups of the asset graph (docs/architecture.md); a new stage adds its group here.
STAGE_GROUPS = {
    "raw_besoins",
    "raw_offre",
    "raw_geo",
    "raw_documents",
    "raw_graphe",
    "dbt_seeds",
    "dbt_staging",
    "dbt_intermediate",
    "dbt_marts",
    "outputs",
    "graphe",
    "rapport",
    "publication",
}


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


@pytest.fixture(scope="module")
def manifest() -> dict:
    from orchestration.dbt_project import dbt_project

    return json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))


def test_the_code_location_loads_as_the_ui_loads_it(defs):
    from dagster import Definitions

    Definitions.validate_loadable(defs)


def test_every_asset_sits_in_a_stage_group(defs):
    graph = defs.resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    misplaced = {key: group for key, group in groups.items() if group not in STAGE_GROUPS}
    assert misplaced == {}, f"assets outside the stage groups {sorted(STAGE_GROUPS)}: {misplaced}"
    assert set(groups.values()) == STAGE_GROUPS


def test_every_asset_is_materialised_by_the_pipeline(defs):
    """A dbt source that no asset writes would be an external asset: declare only what is written."""
    graph = defs.resolve_asset_graph()
    external = set(graph.get_all_asset_keys()) - set(graph.materializable_asset_keys)
    assert sorted(key.to_user_string() for key in external) == []


def test_every_singular_dbt_test_is_a_check_blocking_unless_it_warns(manifest):
    from orchestration.assets.dbt_models import ASSETS

    singular = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and "test_metadata" not in node
    }
    assert set(singular) == {path.stem for path in (DBT_PROJECT_DIR / "tests").glob("*.sql")}
    checks = {spec.name: spec for assets in ASSETS for spec in assets.check_specs}
    missing = sorted(set(singular) - set(checks))
    assert missing == [], (
        f"singular tests loaded as observations, not checks: {missing} (give them "
        "{{ config(meta={'dagster': {'ref': {'name': '<model it reads>'}}}) }})"
    )
    for name, node in singular.items():
        severity = (node["config"].get("severity") or "error").lower()
        assert checks[name].blocking is (severity == "error"), name
        model = checks[name].asset_key.path[-1]
        assert f"model.pacte.{model}" in node["depends_on"]["nodes"], (name, model)


@pytest.mark.parametrize(
    ("test_name", "asset"),
    [
        ("communes_par_departement_comme_le_cog", "marts/territoires"),
        ("population_france_egale_somme_communes", "marts/territoires"),
        ("sommes_france_sans_double_compte", "marts/indicateurs"),
        ("taux_pauvrete_departements_inchanges", "marts/indicateurs"),
        ("offre_coordonnees_en_france", "marts/services"),
        ("offre_part_services_localises", "intermediate/int_offre__services_domaines"),
    ],
)
def test_singular_tests_check_the_table_they_are_about(test_name, asset):
    from orchestration.assets.dbt_models import ASSETS

    checks = {spec.name: spec for assets in ASSETS for spec in assets.check_specs}
    assert checks[test_name].asset_key.to_user_string() == asset


def test_the_graph_steps_run_after_the_dbt_tables_they_read(defs):
    """The graph, its analysis and its page read the vocabulary dbt made (seeds acteurs_*, the
    parameters model): each step depends on those tables, so a refresh runs it after them."""
    from dagster import AssetKey

    from graph.modele import SOURCES
    from graph.vocabulaire import TABLES

    graph = defs.resolve_asset_graph()

    def parents(*cle: str) -> set:
        return set(graph.get(AssetKey(list(cle))).parent_keys)

    vocabulaire = {AssetKey(t.split(".")) for t in TABLES}
    assert vocabulaire <= {AssetKey(t.split(".")) for t in SOURCES} <= parents("marts", "acteurs")
    assert vocabulaire <= parents("marts", "liens_manquants")
    assert vocabulaire <= parents("outputs", "reseau_acteurs")
    # every one of them is an asset the pipeline materialises (a dbt seed or model)
    assert vocabulaire <= set(graph.materializable_asset_keys)


def test_a_comite_workbook_reruns_its_departement_without_the_national_marts(defs):
    """The sensor's job (suivi_departement): both workbook readers and what depends on them, among
    which the first dbt step's view over the corrections (a view: the step does not rebuild the
    national marts), the graph and the priorities; none of the national marts."""
    from dagster import AssetKey

    from orchestration.assets.suivi import CLE_CORRECTIONS, CLE_DECISIONS, suivi_job

    graph = defs.resolve_asset_graph()
    cles = suivi_job.selection.resolve(graph)
    vue = AssetKey(["staging", "stg_suivi__reseau_corrections"])
    attendues = {CLE_CORRECTIONS, CLE_DECISIONS, vue, AssetKey(["marts", "acteurs"]),
                 AssetKey(["marts", "reseau_corrections"]), AssetKey(["marts", "priorites"])}
    assert attendues <= cles
    # the reader runs before the first dbt step, which builds the view the graph reads
    assert CLE_CORRECTIONS in graph.get(vue).parent_keys
    assert vue in graph.get(AssetKey(["marts", "acteurs"])).parent_keys
    assert AssetKey(["raw", "cog_communes"]) in graph.get(CLE_CORRECTIONS).parent_keys
    for national in (["marts", "territoires"], ["marts", "besoins"], ["marts", "structures"]):
        assert AssetKey(national) not in cles
    # in that step, only views
    from orchestration.assets.dbt_models import pacte_dbt_models

    premiere_etape = cles & set(pacte_dbt_models.keys)
    assert premiere_etape == {vue}
