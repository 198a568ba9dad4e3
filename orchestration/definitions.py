"""The Dagster code location of pacte-diagnostic.

Assets are grouped by stage (raw_*, dbt_*, graph, outputs); resources come from
environment variables (see socle.settings). Execution is in process: DuckDB
allows one writer at a time.
"""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from orchestration import dagster_storage, manifest
from socle.settings import export_dbt_environment, load_settings

dagster_storage.install()
_settings = load_settings()
# dbt (a subprocess) and the Python assets must agree on the warehouse, the dbt artefacts folder,
# the tests' selection and log level (see its docstring); the warehouse needs its folder.
export_dbt_environment(_settings.warehouse)
_settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
manifest.ensure_manifest()

from orchestration.assets import registry  # noqa: E402  (needs the manifest)
from orchestration.resources import default_resources  # noqa: E402

defs = Definitions(
    assets=registry.all_assets(),
    asset_checks=registry.all_checks(),
    jobs=registry.all_jobs(),
    schedules=registry.all_schedules(),
    sensors=registry.all_sensors(),
    resources=default_resources(),
    executor=in_process_executor,
)
