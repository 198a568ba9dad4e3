"""The offer catalogue's check that dbt cannot run: conformity to the data·inclusion JSON schema.

``conformite_schema_data_inclusion`` (on ``intermediate/int_offre__services_unis``, non-blocking,
WARN): the catalogue's structures and services, rebuilt as data·inclusion v1 records, are validated
with ``jsonschema`` against the schema of the snapshot; every violation (record, field, reason) goes
to ``quarantine.offre_non_conforme``. Sources that lack required fields (no update date in the
national lists, no description in the Réunion export) are reported, not dropped. The rule lives in
:mod:`ingest.conformite_offre`; this module only wires it.

Every tabular check of the offer is a dbt test, owned by dbt and surfaced by dagster-dbt as a
blocking asset check (severity error): unique keys of ``marts.structures`` (``id_structure``) and
``marts.services`` (``id_service`` × ``code_domaine``), services → structures (``relationships``),
``offre_coordonnees_en_france``, ``offre_part_services_localises`` (minimum: the dbt var
``offre_part_localisee_minimum``) and ``offre_services_vers_structure`` (``dbt_project/tests/``). A
failing one fails the dbt step with its French description (:mod:`orchestration.assets._bloquant`),
and the assets downstream are not run.
"""


from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from ingest import conformite_offre as co
from orchestration.resources import PacteSettingsResource, WarehouseResource

__all__ = ["CHECKS"]

CATALOGUE_SERVICES = AssetKey(["intermediate", "int_offre__services_unis"])


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


CHECKS = [conformite_schema]
