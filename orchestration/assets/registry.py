"""Collects the assets, checks, sensors and schedules of every stage module.

A stage module exposes any of ``ASSETS``, ``CHECKS``, ``SENSORS``, ``SCHEDULES`` and
``JOBS`` (lists). Adding a stage means adding its module name to ``STAGE_MODULES``.
"""

from __future__ import annotations

import importlib
import os

from dagster import AssetSelection, RunRequest, define_asset_job, schedule

from orchestration.partitions import departement_partitions, validate_departement

__all__ = ["STAGE_MODULES", "all_assets", "all_checks", "all_jobs", "all_schedules", "all_sensors"]

STAGE_MODULES = [
    "orchestration.assets.raw_besoins",
    "orchestration.assets.checks_raw",
    "orchestration.assets.dbt_models",
    "orchestration.assets.outputs_besoins",
    "orchestration.assets.raw_offre",
    "orchestration.assets.raw_geo",
    "orchestration.assets.checks_offre",
    "orchestration.assets.documents",
    "orchestration.assets.raw_graph",
    "orchestration.assets.graph",
    "orchestration.assets.suivi",
    "orchestration.assets.rapport",
]


def _collect(attribute: str) -> list:
    items: list = []
    for name in STAGE_MODULES:
        module = importlib.import_module(name)
        items.extend(getattr(module, attribute, []))
    return items


def all_assets() -> list:
    """Every stage's assets, then the publication of the read-only copy, which comes last."""
    from orchestration.assets.publication import publication_asset

    assets = _collect("ASSETS")
    upstream = sorted({key for a in assets for key in a.keys}, key=lambda k: k.to_user_string())
    return [*assets, publication_asset(upstream)]


def all_checks() -> list:
    return _collect("CHECKS")


diagnostic_job = define_asset_job(
    "diagnostic",
    selection=AssetSelection.all(),
    partitions_def=departement_partitions,
    description="Le diagnostic territorial complet d'un département (toutes les étapes).",
)


def all_jobs() -> list:
    return [diagnostic_job, *_collect("JOBS")]


@schedule(
    name="rafraichissement_mensuel",
    cron_schedule="0 4 1 * *",
    execution_timezone="Europe/Paris",
    job=diagnostic_job,
    description="Monthly refresh of the départements listed in PACTE_DEPARTEMENTS (default 93).",
)
def monthly_refresh(context):
    for code in os.environ.get("PACTE_DEPARTEMENTS", "93").split(","):
        yield RunRequest(run_key=f"{context.scheduled_execution_time:%Y-%m}-{code.strip()}",
                         partition_key=validate_departement(code))


def all_schedules() -> list:
    return [monthly_refresh, *_collect("SCHEDULES")]


def all_sensors() -> list:
    return _collect("SENSORS")
