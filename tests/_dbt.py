"""The dbt command line of the tests that run dbt themselves on a warehouse of their own (a copy of a
build, or a hand-made one): one way to spell it, with the project's profile and the folders given."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from socle.settings import DBT_PROJECT_DIR, child_environment

__all__ = ["dbt_sur"]


def dbt_sur(entrepot: Path, dossier: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``dbt <args>`` on the DuckDB file ``entrepot``, its artefacts in ``<dossier>/target`` and its
    log in ``<dossier>/logs``; returns the finished process (output captured, never raises)."""
    cmd = [
        str(Path(sys.executable).with_name("dbt")),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(Path(dossier) / "target"),
        "--log-path",
        str(Path(dossier) / "logs"),
    ]
    return subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        env=child_environment(PACTE_WAREHOUSE=str(entrepot)),
        cwd=DBT_PROJECT_DIR,
    )
