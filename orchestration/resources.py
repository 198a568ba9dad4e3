"""Dagster resources: the DuckDB warehouse and the run settings, from environment variables."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

from dagster import ConfigurableResource

from ingest.warehouse import connect
from orchestration.settings import load_settings

__all__ = ["WarehouseResource", "PacteSettingsResource", "default_resources"]


class WarehouseResource(ConfigurableResource):
    """The DuckDB file. Connections are opened per step and always closed, so that
    dbt (a separate process) can take the write lock afterwards."""

    path: str

    @contextmanager
    def connect(self, read_only: bool = False):
        with connect(Path(self.path), read_only=read_only) as con:
            yield con


class PacteSettingsResource(ConfigurableResource):
    """Snapshot folder, output folder, inbox and live-source options."""

    data_dir: str
    output_dir: str
    inbox_dir: str
    insee_mode: str = "snapshot"
    live_timeout: float = 20.0
    full_refresh: bool = False

    def output_for(self, departement: str) -> Path:
        path = Path(self.output_dir) / departement
        path.mkdir(parents=True, exist_ok=True)
        return path


def default_resources() -> dict[str, object]:
    """Resources built from the current environment (see orchestration.settings)."""
    from dagster_dbt import DbtCliResource

    from orchestration.dbt_project import dbt_project

    settings = load_settings()
    return {
        "warehouse": WarehouseResource(path=str(settings.warehouse)),
        "settings": PacteSettingsResource(
            data_dir=str(settings.data_dir),
            output_dir=str(settings.output_dir),
            inbox_dir=str(settings.inbox_dir),
            insee_mode=settings.insee_mode,
            live_timeout=settings.live_timeout,
            full_refresh=settings.full_refresh,
        ),
        "dbt": DbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(dbt_project.project_dir),
            dbt_executable=str(Path(sys.executable).with_name("dbt")),
        ),
    }
