"""Prepare the dbt manifest once (``dbt parse``), when it is missing or older than the models."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, DBT_TARGET_DIR

__all__ = ["ensure_manifest", "manifest_is_stale"]


def _newest_source(project: Path) -> float:
    paths = [project / "dbt_project.yml", project / "profiles.yml"]
    for sub in ("models", "seeds", "macros", "tests"):
        paths.extend(p for p in (project / sub).rglob("*") if p.is_file())
    return max((p.stat().st_mtime for p in paths if p.exists()), default=0.0)


def manifest_is_stale(project: Path = DBT_PROJECT_DIR, target: Path = DBT_TARGET_DIR) -> bool:
    manifest = target / "manifest.json"
    return not manifest.exists() or manifest.stat().st_mtime < _newest_source(project)


def ensure_manifest(project: Path = DBT_PROJECT_DIR, target: Path = DBT_TARGET_DIR) -> Path:
    """Run ``dbt parse`` if needed; return the manifest path. Raises with dbt's output on failure."""
    manifest = target / "manifest.json"
    if manifest_is_stale(project, target):
        dbt = Path(sys.executable).with_name("dbt")
        proc = subprocess.run(
            [str(dbt), "parse", "--project-dir", str(project), "--profiles-dir", str(project),
             "--target-path", str(target), "--quiet"],
            capture_output=True, text=True, cwd=project,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{proc.stdout}\n{proc.stderr}")
    return manifest
