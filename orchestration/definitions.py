"""The Dagster code location of pacte-diagnostic.

Assets are grouped by stage (raw_*, dbt_*, graph, outputs); resources come from
environment variables (see orchestration.settings). Execution is in process: DuckDB
allows one writer at a time.
"""

from __future__ import annotations

import os

from dagster import Definitions, in_process_executor

from orchestration import dagster_storage, manifest
from orchestration.settings import DBT_TARGET_DIR, load_settings

dagster_storage.install()
_settings = load_settings()
# dbt (a subprocess) and the Python assets must agree on the warehouse; it needs its folder.
os.environ["PACTE_WAREHOUSE"] = str(_settings.warehouse)
_settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
# dagster-dbt keeps one artefact folder per run under DBT_TARGET_PATH (default: ./target).
os.environ.setdefault("DBT_TARGET_PATH", str(DBT_TARGET_DIR / "runs"))
# Dagster runs the dbt project in several steps (Python assets sit between dbt models). With dbt's
# default "eager" indirect selection, a relationships test runs in the step of its first parent,
# e.g. with a seed, before the other parent model exists, and errors. "buildable" runs a test once
# all its parents are selected or upstream of the selection.
os.environ.setdefault("DBT_INDIRECT_SELECTION", "buildable")
# dbt's own log file defaults to debug level: 15 MB of JSON per build, written for nobody.
os.environ.setdefault("DBT_LOG_LEVEL_FILE", "info")
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
