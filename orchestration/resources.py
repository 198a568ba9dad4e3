"""Dagster resources: the DuckDB warehouse and the run settings, from environment variables."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import duckdb
from dagster import ConfigurableResource

from ingest.warehouse import connect
from socle.settings import load_settings

__all__ = ["WarehouseResource", "PacteSettingsResource", "default_resources", "warehouse_held"]

# Opening the warehouse costs about 0.1-0.2 s (its catalogue holds hundreds of tables) and closing
# it checkpoints: a build of ~100 steps spent 15-30 s on that alone. Within ``warehouse_held()``
# (the whole run of ``pacte build``), the first step opens the file once and every step works on
# a cursor of that connection; the dbt steps release it for the dbt process and the next step
# opens it again. Outside (UI runs, tests materialising assets), each step opens and closes it.
_HOLDING = False
_HELD: dict[str, duckdb.DuckDBPyConnection] = {}


@contextmanager
def warehouse_held() -> Iterator[None]:
    """Keep the warehouse open across the steps of an in-process run; closed at the end."""
    global _HOLDING
    _HOLDING = True
    try:
        yield
    finally:
        _HOLDING = False
        for path in list(_HELD):
            _HELD.pop(path).close()


class WarehouseResource(ConfigurableResource):
    """The DuckDB file. Connections are opened per step and always closed (or, within
    :func:`warehouse_held`, kept open and released before each dbt step), so that dbt (a
    separate process) can take the write lock."""

    path: str

    @contextmanager
    def connect(self, read_only: bool = False):
        if _HOLDING:
            held = _HELD.get(self.path)
            if held is None:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                held = _HELD[self.path] = duckdb.connect(self.path)
            cursor = held.cursor()  # read_only is not enforced on a held connection
            try:
                yield cursor
            finally:
                cursor.close()
            return
        with connect(Path(self.path), read_only=read_only) as con:
            yield con

    def release(self) -> None:
        """Close the held connection, if any (before another process needs the file)."""
        held = _HELD.pop(self.path, None)
        if held is not None:
            held.close()


class PacteSettingsResource(ConfigurableResource):
    """Snapshot folder, output folder, inbox and live-source options."""

    data_dir: str
    output_dir: str
    inbox_dir: str
    insee_mode: str = "snapshot"
    live_timeout: float = 20.0
    full_refresh: bool = False
    stale_sources: bool = False  # PACTE_SOURCES_PERIMEES: a refused source keeps its last load, marked stale

    def output_for(self, departement: str) -> Path:
        path = Path(self.output_dir) / departement
        path.mkdir(parents=True, exist_ok=True)
        return path


@lru_cache(maxsize=1)
def _dbt_resource_class():
    """dagster-dbt's ``DbtCliResource`` without two costs this project never uses.

    Before each ``dbt build``, dagster-dbt (0.29) runs ``dbt --version`` in a subprocess to learn
    the CLI's version (a dbt start-up, 3-5 s) and builds an in-process dbt adapter, loading every
    macro (1-2 s), that only serves ``fetch_row_counts`` / ``fetch_column_metadata``. Here the
    version is read from the installed dbt-core package (the same one the ``dbt`` executable of
    this environment runs) and no adapter is built. Both are private hooks of dagster-dbt: a new
    release may need this revisited (tests/unit/test_dbt_resource.py fails if they disappear).
    """
    from functools import cached_property
    from importlib.metadata import version as installed_version

    from dagster_dbt import DbtCliResource
    from packaging import version

    class PacteDbtCliResource(DbtCliResource):
        @cached_property
        def _cli_version(self) -> version.Version:
            return version.parse(installed_version("dbt-core"))

        def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 (dagster-dbt's signature)
            return None

    return PacteDbtCliResource


def default_resources() -> dict[str, object]:
    """Resources built from the current environment (see socle.settings)."""

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
            stale_sources=settings.stale_sources,
        ),
        "dbt": _dbt_resource_class()(
            project_dir=dbt_project,
            profiles_dir=str(dbt_project.project_dir),
            # dbt dies with the build that started it (orchestration/dbt_lie.py)
            dbt_executable=str(Path(sys.executable).with_name("pacte-dbt")),
        ),
    }
