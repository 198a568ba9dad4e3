"""dbt models (staging → intermediate → marts) and their tests, as Dagster assets and checks."""

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from dagster import AssetCheckSpec, AssetExecutionContext, AssetSpec
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration import dbt_etat
from orchestration.assets._bloquant import avec_motifs
from orchestration.dbt_project import dbt_project
from orchestration.descriptions_dbt import description_modele, description_test
from orchestration.manifest import DBT_BUILD, dbt_vars_args
from orchestration.resources import PacteSettingsResource, WarehouseResource

__all__ = ["ASSETS"]


class PacteDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer (``dbt_staging``, ``dbt_intermediate``, ``dbt_marts``) and gives
    them French descriptions without the raw SQL (:mod:`orchestration.descriptions_dbt`)."""

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        return description_modele(dbt_resource_props)

    def get_asset_check_spec(
        self, asset_spec: AssetSpec, manifest: Mapping[str, Any], unique_id: str, project
    ) -> AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        test = manifest.get("nodes", {}).get(unique_id)
        if spec is None or test is None:
            return spec
        return spec._replace(description=description_test(test, manifest) or spec.description)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "seed":
            return "dbt_seeds"
        # a folder may name its group (meta dagster.group): the report's views go with the marts
        groupe = (dbt_resource_props.get("meta") or {}).get("dagster", {}).get("group")
        if groupe:
            return groupe
        return f"dbt_{fqn[1]}" if len(fqn) > 2 else "dbt"


# Models tagged `apres_graphe` (marts.priorites, marts.pistes) read the graph tables, which a Python
# asset writes after the first dbt models: they form a second dbt asset, run after the graph.
APRES_GRAPHE = "tag:apres_graphe"
ETAPE_PRINCIPALE = "pacte_dbt_models"


def _bloquants(context: AssetExecutionContext) -> dict:
    """The blocking dbt tests of this step and what each verifies: a failing one fails the step
    with that reason (:mod:`orchestration.assets._bloquant`) instead of dbt's exit status."""
    return {spec.key: spec.description or "" for spec in context.assets_def.check_specs if spec.blocking}


@lru_cache(maxsize=1)
def _manifest() -> dict[str, Any]:
    return json.loads(Path(dbt_project.manifest_path).read_text(encoding="utf-8"))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=APRES_GRAPHE,
    dagster_dbt_translator=PacteDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
)
def pacte_dbt_models(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    settings: PacteSettingsResource,
):
    """Runs ``dbt build`` on the selected models: a failing test stops the models after it.

    When nothing the build reads changed since the last successful one (see
    :mod:`orchestration.dbt_etat`), dbt does not run and that build's results are reported again.
    """
    args = [*DBT_BUILD, *dbt_vars_args()]
    whole = set(context.selected_asset_keys) == set(context.assets_def.keys) and set(
        context.selected_asset_check_keys
    ) == set(context.assets_def.check_keys)
    relations = dbt_etat.relations_du_manifeste(_manifest(), exclude_tag="apres_graphe")
    with warehouse.connect() as con:
        sources = dbt_etat.sources_du_manifeste(_manifest(), exclude_tag="apres_graphe")
        vues = dbt_etat.sources_lues_par_des_vues(_manifest(), exclude_tag="apres_graphe")
        empreinte = dbt_etat.empreinte(con, dbt_project.project_dir, args, sources, colonnes_seules=vues)
        precedent = None
        if whole and not settings.full_refresh:
            precedent = dbt_etat.dernier_build(con, ETAPE_PRINCIPALE, empreinte, relations)
    replay = dbt_etat.rejouer(context, precedent) if precedent else None
    if replay is not None:
        yield from replay
        return
    suivi = dbt_etat.Enregistrement()
    warehouse.release()  # dbt is another process: it needs the file's lock
    yield from avec_motifs(suivi.suivre(context, dbt.cli(args, context=context).stream()), _bloquants(context))
    if whole:  # reached only when dbt succeeded (dagster-dbt raises on a failed build)
        with warehouse.connect() as con:
            dbt_etat.enregistrer(con, ETAPE_PRINCIPALE, empreinte, relations, suivi)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=APRES_GRAPHE,
    name="pacte_dbt_apres_graphe",
    dagster_dbt_translator=PacteDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
)
def pacte_dbt_apres_graphe(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """Runs ``dbt build`` on the models after the graph, with the weights of config/priorites.yml as vars:
    the priorities and leads, the comité's decisions (``marts.suivi_decisions``, after their raw table:
    orchestration/assets/suivi.py) and the report's views."""
    from socle.ponderations import dbt_vars_argument, load_ponderations

    warehouse.release()  # dbt is another process: it needs the file's lock
    args = [*DBT_BUILD, *dbt_vars_argument(load_ponderations())]
    yield from avec_motifs(dbt.cli(args, context=context).stream(), _bloquants(context))


ASSETS = [pacte_dbt_models, pacte_dbt_apres_graphe]
