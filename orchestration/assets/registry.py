"""Collects the assets, checks, sensors and schedules of every stage module.

A stage module exposes any of ``ASSETS``, ``CHECKS``, ``SENSORS``, ``SCHEDULES`` and
``JOBS`` (lists). Adding a stage means adding its module name to ``STAGE_MODULES``.
"""

from __future__ import annotations

import importlib

from dagster import AssetSelection, PartitionedConfig, RunRequest, define_asset_job, schedule

from orchestration.partitions import departement_partitions
from socle.departements import departements, validate_departement
from socle.settings import departements_choisis

__all__ = ["ECRITURE", "STAGE_MODULES", "all_assets", "all_checks", "all_jobs", "all_schedules", "all_sensors"]

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
    "orchestration.assets.checks_livrables",
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


#: Tag of the runs that write the warehouse: the instance's run queue (config/dagster.yaml) launches
#: one of them at a time, since DuckDB lets one process write the file.
ECRITURE = {"pacte/entrepot": "ecriture"}

#: Run tag naming the département: Dagster shows partitions by their bare key (the code), and the
#: run lists and run pages show tags.
DEPARTEMENT_TAG = "pacte/departement"


def departement_tags(code: str) -> dict[str, str]:
    """The tags of a run of ``code``: its name beside the code, e.g. ``Seine-Saint-Denis (93)``."""
    nom = departements().get(code, "")
    return {DEPARTEMENT_TAG: f"{nom} ({code})" if nom else code}


diagnostic_job = define_asset_job(
    "diagnostic",
    selection=AssetSelection.all(),
    partitions_def=departement_partitions,
    # runs launched for a partition (interface, schedule, pacte build) carry the département's name
    config=PartitionedConfig(
        partitions_def=departement_partitions,
        run_config_for_partition_key_fn=lambda _code: {},
        tags_for_partition_key_fn=departement_tags,
    ),
    tags=ECRITURE,
    description=(
        "Le diagnostic territorial complet d'un département, de la lecture des sources à la copie "
        "de lecture pour les analystes. Les lancements attendent leur tour : une seule exécution "
        "écrit l'entrepôt à la fois."
    ),
)


def all_jobs() -> list:
    return [diagnostic_job, *_collect("JOBS")]


@schedule(
    name="rafraichissement_mensuel",
    cron_schedule="0 4 1 * *",
    execution_timezone="Europe/Paris",
    job=diagnostic_job,
    description=(
        "Rafraîchissement mensuel (le 1er du mois à 4 h, heure de Paris) des départements choisis "
        "dans la configuration (par défaut la Seine-Saint-Denis ; voir le guide d'exploitation) : une "
        "exécution par département, mises en file et lancées l'une après l'autre."
    ),
)
def monthly_refresh(context):
    for code in departements_choisis(default="93"):
        yield RunRequest(run_key=f"{context.scheduled_execution_time:%Y-%m}-{code}",
                         partition_key=validate_departement(code), tags=ECRITURE)


def all_schedules() -> list:
    return [monthly_refresh, *_collect("SCHEDULES")]


def all_sensors() -> list:
    return _collect("SENSORS")
