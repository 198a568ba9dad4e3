"""dbt models (staging → intermediate → marts) and their tests, as Dagster assets and checks."""


from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.dbt_project import dbt_project

__all__ = ["ASSETS"]


class PacteDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer (``dbt_staging``, ``dbt_intermediate``, ``dbt_marts``)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "seed":
            return "dbt_seeds"
        return f"dbt_{fqn[1]}" if len(fqn) > 2 else "dbt"


# Models tagged `apres_graphe` (marts.priorites, marts.pistes) read the graph tables, which a Python
# asset writes after the first dbt models: they form a second dbt asset, run after the graph.
APRES_GRAPHE = "tag:apres_graphe"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=APRES_GRAPHE,
    dagster_dbt_translator=PacteDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
)
def pacte_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource):
    """Runs ``dbt build`` on the selected models: a failing test stops the models after it."""
    yield from dbt.cli(["build"], context=context).stream()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=APRES_GRAPHE,
    name="pacte_dbt_apres_graphe",
    dagster_dbt_translator=PacteDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
)
def pacte_dbt_apres_graphe(context: AssetExecutionContext, dbt: DbtCliResource):
    """Runs ``dbt build`` on the priority models, with the weights of config/priorites.yml as vars."""
    from rapport.ponderations import dbt_vars_argument, load_ponderations

    yield from dbt.cli(["build", *dbt_vars_argument(load_ponderations())], context=context).stream()


ASSETS = [pacte_dbt_models, pacte_dbt_apres_graphe]
