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


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=PacteDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
)
def pacte_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource):
    """Runs ``dbt build`` on the selected models: a failing test stops the models after it."""
    yield from dbt.cli(["build"], context=context).stream()


ASSETS = [pacte_dbt_models]
