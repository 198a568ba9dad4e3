"""Prepare the dbt manifest once (``dbt parse``) and keep dbt's partial parsing usable.

Each ``dbt build`` that Dagster starts re-parses the project (about 5 s of a 2-core machine)
unless it finds a ``partial_parse.msgpack`` made with the *same* profile (the warehouse path and
threads come from environment variables) and the *same* ``--vars``. So:

- every dbt command of the pipeline passes the same vars, :func:`dbt_vars_args` (the weights of
  ``config/priorites.yml``, which only ``marts.priorites`` reads);
- the manifest is re-parsed when a dbt source file is newer than it, or when the parse key
  (warehouse, threads, vars) differs from the one recorded beside it;
- the parse state is copied where dagster-dbt looks for it: ``DBT_TARGET_PATH``, the folder of
  the per-run artefact folders.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from socle.settings import DBT_PROJECT_DIR, DBT_TARGET_DIR, child_environment, dbt_runs_dir, dbt_threads

__all__ = ["DBT_BUILD", "dbt_vars_args", "ensure_manifest", "manifest_is_stale", "parse_key", "project_files"]

#: The ``dbt build`` of every dbt step of the pipeline. dbt's unit tests (``unit_tests:`` of the yml)
#: check the SQL logic on fixed inputs: they give the same result at every build, so the builds leave
#: them out (as dbt's documentation advises for production runs) and the test suite runs them
#: (``dbt test --select test_type:unit``, tests/e2e/test_dbt_unit_tests.py); the data tests, which
#: check the data, still run in every build.
DBT_BUILD = ["build", "--exclude-resource-type", "unit_test"]

PARSE_KEY_FILE = "pacte_parse_key.json"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def project_files(project: Path) -> list[Path]:
    """The files dbt reads from the project (config, profile, models, seeds, macros, tests), sorted."""
    paths = [project / "dbt_project.yml", project / "profiles.yml"]
    for sub in ("models", "seeds", "macros", "tests"):
        paths.extend(p for p in (project / sub).rglob("*") if p.is_file())
    return sorted(p for p in paths if p.exists())


def _newest_source(project: Path) -> float:
    return max((p.stat().st_mtime for p in project_files(project)), default=0.0)


def dbt_vars_args() -> list[str]:
    """``["--vars", json]`` with the weights of the priorities, for every dbt command of the pipeline.

    An unreadable weights file gives no vars here: the priorities step reads the file again and
    fails with the file's own error, the other steps do not need it.
    """
    from socle.ponderations import PonderationsError, dbt_vars_argument, load_ponderations

    try:
        return dbt_vars_argument(load_ponderations())
    except PonderationsError:
        return []


def _warehouse() -> str:
    from socle.settings import load_settings

    return str(load_settings().warehouse)


def parse_key() -> dict[str, object]:
    """What dbt's partial parsing depends on besides the files: profile inputs and vars."""
    return {
        "warehouse": _warehouse(),
        "threads": dbt_threads(),
        "vars": dbt_vars_args(),
    }


def manifest_is_stale(project: Path = DBT_PROJECT_DIR, target: Path = DBT_TARGET_DIR) -> bool:
    manifest = target / "manifest.json"
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source(project):
        return True
    key_file = target / PARSE_KEY_FILE
    try:
        return json.loads(key_file.read_text(encoding="utf-8")) != parse_key()
    except (OSError, ValueError):
        return True


def _share_parse_state(target: Path) -> None:
    """Copy the partial parse file into ``DBT_TARGET_PATH``, where dagster-dbt looks for it."""
    runs = dbt_runs_dir()
    source = target / PARTIAL_PARSE_FILE
    if runs is None or not source.exists():
        return
    destination = runs / PARTIAL_PARSE_FILE
    if destination.resolve() == source.resolve():
        return
    if not destination.exists() or destination.stat().st_mtime < source.stat().st_mtime:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)


def ensure_manifest(project: Path = DBT_PROJECT_DIR, target: Path = DBT_TARGET_DIR) -> Path:
    """Run ``dbt parse`` if needed; return the manifest path. Raises with dbt's output on failure."""
    manifest = target / "manifest.json"
    if manifest_is_stale(project, target):
        key = parse_key()
        dbt = Path(sys.executable).with_name("dbt")
        proc = subprocess.run(
            [
                str(dbt),
                "parse",
                "--project-dir",
                str(project),
                "--profiles-dir",
                str(project),
                "--target-path",
                str(target),
                "--quiet",
                *key["vars"],
            ],
            capture_output=True,
            text=True,
            cwd=project,
            env=child_environment(PACTE_WAREHOUSE=str(key["warehouse"])),
        )
        if proc.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{proc.stdout}\n{proc.stderr}")
        target.mkdir(parents=True, exist_ok=True)
        (target / PARSE_KEY_FILE).write_text(json.dumps(key, ensure_ascii=False), encoding="utf-8")
    _share_parse_state(target)
    return manifest
