"""Quality gates of the offer catalogue, as Dagster asset checks on the dbt offer models.

- ``conformite_schema_data_inclusion`` (on ``intermediate/int_offre__services_unis``, non-blocking,
  WARN): the catalogue's structures and services, rebuilt as data·inclusion v1 records, are
  validated with ``jsonschema`` against the schema of the snapshot; every violation (record, field,
  reason) goes to ``quarantine.offre_non_conforme``. Sources that lack required fields (no update
  date in the national lists, no description in the Réunion export) are reported, not dropped.
- ``identifiants_uniques`` (on ``marts/structures``), ``services_rattaches_a_une_structure`` and
  ``part_services_localises`` (on ``marts/services``), ``coordonnees_en_france`` (on
  ``marts/structures``): blocking, ERROR; failing rows in ``quarantine.offre_controles``. The
  minimum located share is the dbt variable ``offre_part_localisee_minimum``.

The rules themselves live in :mod:`ingest.conformite_offre`; this module only wires them.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from ingest import conformite_offre as co
from orchestration.resources import PacteSettingsResource, WarehouseResource
from socle.settings import DBT_PROJECT_DIR

__all__ = ["CHECKS", "dbt_var"]

STRUCTURES = AssetKey(["marts", "structures"])
SERVICES = AssetKey(["marts", "services"])
CATALOGUE_SERVICES = AssetKey(["intermediate", "int_offre__services_unis"])


def dbt_var(name: str, project_dir: Path = DBT_PROJECT_DIR) -> object:
    """A variable of ``dbt_project.yml`` (the single place of the offer thresholds).

    Examples
    --------
    >>> 0 < float(dbt_var("offre_part_localisee_minimum")) <= 1
    True
    """
    config = yaml.safe_load((Path(project_dir) / "dbt_project.yml").read_text(encoding="utf-8"))
    variables = config.get("vars") or {}
    if name not in variables:
        raise KeyError(f"variable {name!r} absent de {Path(project_dir) / 'dbt_project.yml'}")
    return variables[name]


def _table_md(rows: list[tuple[str, str]], limit: int = 20) -> str:
    if not rows:
        return "(aucune)"
    lines = ["| clé | raison |", "|---|---|"]
    lines += [f"| {k} | {r.replace('|', '/')} |" for k, r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"| … | {len(rows) - limit} autres lignes dans {co.CONTROLES_TABLE} |")
    return "\n".join(lines)


def _result(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource, controle_fn
) -> AssetCheckResult:
    with warehouse.connect() as con:
        controle = controle_fn(con)
        co.write_controle(con, controle)
    (context.log.info if controle.reussi else context.log.error)(f"{controle.nom} : {controle.resume}")
    return AssetCheckResult(
        passed=controle.reussi,
        severity=AssetCheckSeverity.ERROR,
        description=controle.resume,
        metadata={
            **{k: float(v) for k, v in controle.chiffres.items()},
            "lignes_en_echec": MetadataValue.md(_table_md(controle.lignes_en_echec)),
        },
    )


@asset_check(
    asset=CATALOGUE_SERVICES,
    name="conformite_schema_data_inclusion",
    blocking=False,
    description="Structures et services du catalogue validés contre le schéma JSON "
    "data·inclusion v1 ; les écarts (fiche, champ, raison) sont gardés dans la quarantaine de l'offre.",
)
def conformite_schema(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource
) -> AssetCheckResult:
    with warehouse.connect() as con:
        resultat = co.valider_catalogue(con, str(settings.data_dir), force=settings.full_refresh)
    counts = resultat.counts
    motifs = sorted(resultat.by_reason.items(), key=lambda x: -x[1])
    table = ["| table source | champ | raison | écarts |", "|---|---|---|---|"] + [
        f"| {t} | {c} | {r} | {n} |" for (t, c, r), n in motifs
    ]
    non_conformes = counts["structures_non_conformes"] + counts["services_non_conformes"]
    description = (
        f"{counts['structures_non_conformes']} structures sur {counts['structures']} et "
        f"{counts['services_non_conformes']} services sur {counts['services']} "
        "s'écartent du schéma v1 "
        f"(détail : {co.QUARANTINE_TABLE})"
    )
    if resultat.reprise:
        description += (
            f" ; catalogue identique à celui validé le {resultat.controle_le:%Y-%m-%d %H:%M} (UTC), "
            "non revalidé"
        )
    context.log.warning(description) if non_conformes else context.log.info(description)
    return AssetCheckResult(
        passed=non_conformes == 0,
        severity=AssetCheckSeverity.WARN,
        description=description,
        metadata={
            **{k: float(v) for k, v in counts.items()},
            "ecarts_par_motif": MetadataValue.md("\n".join(table)),
            "unchanged": resultat.reprise,
        },
    )


def _controle_bloquant(
    asset: AssetKey, name: str, description: str, controle: Callable[[Any], co.Controle]
) -> AssetChecksDefinition:
    """A blocking check (ERROR) of ``asset`` running ``controle`` on the warehouse (see :func:`_result`)."""

    @asset_check(asset=asset, name=name, blocking=True, description=description)
    def _check(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
        # a failure fails the step with the check's reason (orchestration/assets/_bloquant.py)
        from dagster import AssetCheckKey

        from orchestration.assets._bloquant import avec_motifs

        yield from avec_motifs([_result(context, warehouse, controle)], {AssetCheckKey(asset, name): description})

    return _check


identifiants_uniques = _controle_bloquant(
    STRUCTURES,
    "identifiants_uniques",
    "Un identifiant par structure, un par (service, domaine).",
    co.controle_identifiants_uniques,
)
services_rattaches = _controle_bloquant(
    SERVICES,
    "services_rattaches_a_une_structure",
    "Chaque service du catalogue est rattaché à une structure du catalogue des structures.",
    co.controle_services_rattaches,
)
coordonnees_en_france = _controle_bloquant(
    STRUCTURES,
    "coordonnees_en_france",
    "Les coordonnées des structures et services sont dans l'emprise d'un département (métropole ou DROM).",
    co.controle_coordonnees_en_france,
)
part_services_localises = _controle_bloquant(
    SERVICES,
    "part_services_localises",
    "La part des services rattachés à une commune atteint le minimum fixé dans les paramètres du projet dbt.",
    lambda con: co.controle_part_localisee(con, float(dbt_var("offre_part_localisee_minimum"))),
)


CHECKS = [
    conformite_schema,
    identifiants_uniques,
    services_rattaches,
    coordonnees_en_france,
    part_services_localises,
]
