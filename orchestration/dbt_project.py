"""The dbt project as Dagster sees it. The manifest is prepared once (``dbt parse``,
run by ``scripts/setup`` and by ``pacte build`` when missing), not at every load."""

from __future__ import annotations

from dagster_dbt import DbtProject

from socle.settings import DBT_PROJECT_DIR, DBT_TARGET_DIR

__all__ = ["dbt_project"]

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=DBT_TARGET_DIR
)
