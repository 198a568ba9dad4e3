"""Run-time settings, read from environment variables.

Every path the pipeline touches is resolved here, once, so that readers, dbt and
the graph code receive plain arguments and never look at the environment themselves.

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
PACTE_DOCUMENTS_<code> folders of a département's documents, separated by ``os.pathsep`` (default: its inbox)
PACTE_DOCUMENTS_TAILLE_MAX_MO size limit of one document, in MB (default: 50)
PACTE_PSEUDO_SALT secret salt of the pseudonyms (default: the salt file of the inbox, created if absent)
PACTE_SOURCES_PERIMEES ``1`` to go on when a source's delivery is refused (unreadable file, rows out of
                 range or lost): its last good load is kept, marked stale in the summary and the report
                 (default: 0, the build stops and names the source)
PACTE_CHROMIUM   Chromium executable that prints the PDFs (default: /usr/bin/chromium, else the first of
                 chromium, chromium-browser, google-chrome on the PATH)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "REPO_ROOT",
    "DAGSTER_CONFIG",
    "DBT_PROJECT_DIR",
    "DBT_TARGET_DIR",
    "Settings",
    "documents_environ",
    "env_flag",
    "load_settings",
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


def documents_environ() -> dict[str, str]:
    """The document inbox's variables (``PACTE_DOCUMENTS_*``, ``PACTE_PSEUDO_SALT``), handed to
    :mod:`ingest.documents` as a plain mapping so that it never reads the environment itself.

    Examples
    --------
    >>> os.environ["PACTE_DOCUMENTS_2A"] = "/srv/docs"; documents_environ()["PACTE_DOCUMENTS_2A"]
    '/srv/docs'
    >>> del os.environ["PACTE_DOCUMENTS_2A"]
    """
    return {
        name: value
        for name, value in os.environ.items()
        if name.startswith("PACTE_DOCUMENTS_") or name == "PACTE_PSEUDO_SALT"
    }


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
    chromium: Path | None = None  # PACTE_CHROMIUM; None: look for the usual names (rapport.rendu.chromium)

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
        chromium=Path(os.environ["PACTE_CHROMIUM"]) if os.environ.get("PACTE_CHROMIUM") else None,
    )
