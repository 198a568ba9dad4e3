"""Run-time settings, read from environment variables: the only module that reads the environment.

Every path the pipeline touches is resolved here, once, so that readers, dbt and
the graph code receive plain arguments and never look at the environment themselves.
The variables Dagster and dbt read in their own processes (``DAGSTER_HOME``, ``DBT_*``) are
set here too, by the ``export_*`` functions, before those libraries start.

Variables
---------
PACTE_DATA_DIR   snapshot folder (default: ``../shared/data`` beside the checkout)
PACTE_WAREHOUSE  DuckDB file (default: ``data/warehouse.duckdb``)
PACTE_OUTPUT     folder for files meant for people (default: ``output``)
PACTE_INBOX      document inbox root, one sub-folder per département (default: ``inbox``)
PACTE_INSEE_MODE ``snapshot`` (default) or ``live`` (pynsee, falls back to the snapshot)
PACTE_LIVE_TIMEOUT seconds allowed to one live call (default: 20)
PACTE_FULL_REFRESH ``1`` to redo everything: re-read every source file and rebuild every dbt
                 model even when nothing they depend on changed since the last build (default: 0)
PACTE_SOURCES_PERIMEES ``1`` to go on when a source's delivery is refused (unreadable file, rows out of
                 range or lost): its last good load is kept, marked stale in the summary and the report
                 (default: 0, the build stops and names the source)
PACTE_DEPARTEMENTS codes, comma-separated, of the monthly refresh (default: 93) and of a live offer
                 call outside a partitioned run
PACTE_PRIORITES  the weights file of the priorities (default: ``config/priorites.yml``)
PACTE_OFFRE_MODE ``snapshot`` (default) or ``live`` (the data·inclusion API)
PACTE_DBT_TARGET dbt artefacts folder (default: ``dbt_project/target``)
PACTE_DBT_THREADS dbt threads (read by ``dbt_project/profiles.yml``; part of the parse key here)
DAGSTER_HOME     the Dagster instance folder (default: ``.dagster``)
Other variables are read by the functions that need them through :func:`environment`
(data·inclusion token and URL, ``PACTE_DOCUMENTS_<code>`` folders).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

__all__ = [
    "REPO_ROOT",
    "DAGSTER_CONFIG",
    "DBT_PROJECT_DIR",
    "DBT_TARGET_DIR",
    "Settings",
    "child_environment",
    "dagster_home",
    "dbt_runs_dir",
    "dbt_threads",
    "departements_choisis",
    "env_flag",
    "environment",
    "export_dagster_home",
    "export_dbt_environment",
    "load_settings",
    "priorites_path",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
# the Dagster instance config (run queue, one writer at a time) copied into DAGSTER_HOME by `pacte`
DAGSTER_CONFIG = REPO_ROOT / "config" / "dagster.yaml"
# dbt artefacts (manifest, run results); PACTE_DBT_TARGET lets parallel checkouts or tests keep theirs apart
DBT_TARGET_DIR = Path(os.environ.get("PACTE_DBT_TARGET") or DBT_PROJECT_DIR / "target").resolve()


def env_flag(name: str) -> bool:
    """A yes/no environment variable: ``1``, ``true``, ``yes`` or ``oui`` (any case) mean yes.

    Examples
    --------
    >>> os.environ["PACTE_EXEMPLE"] = " Oui"; env_flag("PACTE_EXEMPLE"), env_flag("PACTE_ABSENTE")
    (True, False)
    >>> del os.environ["PACTE_EXEMPLE"]
    """
    return os.environ.get(name, "0").strip().lower() in {"1", "true", "yes", "oui"}


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    path = Path(value) if value else default
    if not path.is_absolute():
        path = (REPO_ROOT / path) if not value else (Path.cwd() / path)
    return path.resolve()


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    warehouse: Path
    output_dir: Path
    inbox_dir: Path
    insee_mode: str
    live_timeout: float
    full_refresh: bool = False
    stale_sources: bool = False

    def output_for(self, departement: str) -> Path:
        """Folder for the files of one (already validated) département."""
        return self.output_dir / departement


def load_settings() -> Settings:
    """Read the settings from the environment.

    Examples
    --------
    >>> s = load_settings()
    >>> s.insee_mode in {"snapshot", "live"}
    True
    """
    mode = os.environ.get("PACTE_INSEE_MODE", "snapshot").strip().lower()
    if mode not in {"snapshot", "live"}:
        raise ValueError(f"PACTE_INSEE_MODE must be 'snapshot' or 'live', not {mode!r}")
    return Settings(
        data_dir=_path("PACTE_DATA_DIR", REPO_ROOT.parent / "shared" / "data"),
        warehouse=_path("PACTE_WAREHOUSE", REPO_ROOT / "data" / "warehouse.duckdb"),
        output_dir=_path("PACTE_OUTPUT", REPO_ROOT / "output"),
        inbox_dir=_path("PACTE_INBOX", REPO_ROOT / "inbox"),
        insee_mode=mode,
        live_timeout=float(os.environ.get("PACTE_LIVE_TIMEOUT", "20")),
        full_refresh=env_flag("PACTE_FULL_REFRESH"),
        stale_sources=env_flag("PACTE_SOURCES_PERIMEES"),
    )


def environment() -> Mapping[str, str]:
    """The process environment, read-only, for the functions that take an ``environ`` mapping
    (tests pass their own): the data·inclusion token and URL, the documents folders."""
    return MappingProxyType(os.environ)


def departements_choisis(default: str = "") -> list[str]:
    """The codes of ``PACTE_DEPARTEMENTS`` (comma-separated, not validated), else ``default``'s.

    Examples
    --------
    >>> os.environ["PACTE_DEPARTEMENTS"] = " 93, 2A,,974 "; departements_choisis()
    ['93', '2A', '974']
    >>> del os.environ["PACTE_DEPARTEMENTS"]; departements_choisis("93"), departements_choisis()
    (['93'], [])
    """
    value = os.environ.get("PACTE_DEPARTEMENTS") or default
    return [code.strip() for code in value.split(",") if code.strip()]


def priorites_path(default: Path) -> Path:
    """The weights file of the priorities: ``PACTE_PRIORITES`` when set, else ``default``."""
    value = os.environ.get("PACTE_PRIORITES")
    return Path(value).resolve() if value else default


def dbt_threads() -> str:
    """``PACTE_DBT_THREADS`` as written (``""`` when unset): dbt's profile reads it itself."""
    return os.environ.get("PACTE_DBT_THREADS", "")


def dbt_runs_dir() -> Path | None:
    """``DBT_TARGET_PATH``: where dagster-dbt puts one artefact folder per run (see
    :func:`export_dbt_environment`)."""
    value = os.environ.get("DBT_TARGET_PATH")
    return Path(value) if value else None


def export_dbt_environment(warehouse: Path) -> None:
    """Set, for dbt (a child process) and dagster-dbt, the variables they read themselves.

    - ``PACTE_WAREHOUSE``: dbt's profile and the Python assets must agree on the warehouse;
    - ``DBT_TARGET_PATH``: dagster-dbt keeps one artefact folder per run there (default ``./target``);
    - ``DBT_INDIRECT_SELECTION=buildable``: Dagster runs the dbt project in several steps (Python
      assets sit between dbt models); with dbt's default « eager », a relationships test runs in the
      step of its first parent, e.g. with a seed, before the other parent model exists, and errors;
    - ``DBT_LOG_LEVEL_FILE=info``: dbt's own log file defaults to debug level, 15 MB of JSON per
      build written for nobody.

    The three ``DBT_*`` keep a value the operator set.
    """
    os.environ["PACTE_WAREHOUSE"] = str(warehouse)
    os.environ.setdefault("DBT_TARGET_PATH", str(DBT_TARGET_DIR / "runs"))
    os.environ.setdefault("DBT_INDIRECT_SELECTION", "buildable")
    os.environ.setdefault("DBT_LOG_LEVEL_FILE", "info")


def child_environment(**overrides: str) -> dict[str, str]:
    """The environment of a child process (dbt): this process's, with ``overrides``."""
    return {**os.environ, **overrides}


def dagster_home() -> Path:
    """``DAGSTER_HOME``, else ``.dagster/`` in the checkout (not created here)."""
    return Path(os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster")


def export_dagster_home(home: Path) -> None:
    """Set ``DAGSTER_HOME`` for Dagster, which reads it itself (here and in its child processes)."""
    os.environ["DAGSTER_HOME"] = str(home)
