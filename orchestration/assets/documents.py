"""Documents stage: the inbox of a département → raw document tables (dbt builds the marts).

Assets (partitioned by département): one multi-asset ``boite_de_depot_departement`` writing the
``raw.documents_*`` and ``raw.questionnaires_*`` tables through
:func:`ingest.documents.ingest_departement`; the dbt models of ``staging/documents`` and
``marts/documents`` depend on them through their dbt sources.

Sensor ``boite_de_depot_documents``: every minute, for each département having an inbox folder
(or a ``PACTE_DOCUMENTS_<code>`` variable), fingerprints its files by SHA-256; when the
fingerprint differs from the cursor it requests a run of the job ``documents_departement``
(the raw assets and the document dbt models) for that partition.

Checks: ``aucune_donnee_personnelle`` (blocking) runs the independent detector of
:mod:`ingest.documents.detection` (through :mod:`ingest.documents.balayage`) over every raw table
the inbox wrote (documents, interviews,
questionnaires, quarantine); the same detector scans the marts and the files written for people
before the read-only copy is published (:mod:`orchestration.assets.publication`);
``fichiers_lus`` warns when files were quarantined.
"""

from collections.abc import Iterable
from pathlib import Path

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    AssetSpec,
    Failure,
    MaterializeResult,
    MetadataValue,
    SensorEvaluationContext,
    define_asset_job,
    multi_asset,
)
from dagster_dbt import build_dbt_asset_selection

from ingest.documents.balayage import scan_warehouse
from ingest.documents.sources import inbox_fingerprint, resolve_sources, watched_departements
from ingest.documents.stockage import TABLES
from ingest.livraison import LivraisonRefusee, mark_inbox_stale
from orchestration.assets._boite_de_depot import capteur, demandes_si_changement
from orchestration.assets.dbt_models import pacte_dbt_models
from orchestration.assets.registry import ECRITURE
from orchestration.partitions import departement_partitions
from orchestration.resources import PacteSettingsResource, WarehouseResource
from socle.departements import departements, validate_departement
from socle.settings import environment

__all__ = [
    "ASSETS",
    "CHECKS",
    "SENSORS",
    "JOBS",
    "RAW_KEYS",
    "documents_job",
    "boite_de_depot_documents",
    "personal_data_left",
]

GROUP = "raw_documents"
RAW_KEYS = {name: AssetKey(["raw", name]) for name in TABLES}
COG_KEYS = [AssetKey(["raw", t]) for t in ("cog_communes", "cog_epci", "cog_departements", "cog_regions")]
DESCRIPTIONS = {
    "documents_extractions": (
        "Texte lu de chaque fichier, une ligne par empreinte SHA-256 (jamais relu s'il ne change pas)."
    ),
    "documents_pages": "Texte de chaque page (PDF) ou section (autres formats), par empreinte SHA-256.",
    "documents_fichiers": (
        "Documents et entretiens de chaque département : type (et règle), date, auteur, chemin."
    ),
    "documents_passages": "Passages (paragraphes, phrases) avec page, positions, axe et domaine.",
    "documents_mentions": (
        "Mentions d'acteurs, dispositifs, territoires et avancements, avec page et positions."
    ),
    "documents_entretiens": "En-tête des entretiens (acteur, rôle, date, territoire), pseudonymisé.",
    "questionnaires_fichiers": "Questionnaires lus et leur correspondance de colonnes.",
    "questionnaires_reponses": "Réponses aux questionnaires, une ligne par répondant, pseudonymisées.",
    "documents_rejets": "Fichiers et lignes mis en quarantaine, avec la raison.",
}
CHECK_PERSONAL = AssetCheckSpec(
    "aucune_donnee_personnelle",
    asset=RAW_KEYS["documents_passages"],
    blocking=True,
    description="Aucune donnée personnelle (téléphone, e-mail, numéro de sécurité sociale, IBAN, adresse, "
    "nom après une civilité, nom d'une personne déclarée par un entretien ou un questionnaire, personne ou "
    "identifiant comme titre ou auteur) dans les tables des documents, entretiens et questionnaires, "
    "selon un détecteur indépendant de la pseudonymisation.",
)
CHECK_FILES = AssetCheckSpec(
    "fichiers_lus",
    asset=RAW_KEYS["documents_fichiers"],
    description="Avertit quand des fichiers de la boîte de dépôt sont en quarantaine.",
)


def personal_data_left(con, departement: str, names: Iterable[str] = ()) -> list[str]:
    """Personal data the independent detector still finds in the raw document tables of a
    département (documents, interviews, questionnaires, their quarantine), one line per place;
    ``names``: the persons declared to the pseudonymiser by this run, none of which may be left
    (the marts ``documents`` and ``passages`` are selections of these raw tables)."""
    return scan_warehouse(con, manifest=None, departement=departement, names=names)


# The op is not named after the job ``documents_departement``: Dagster refuses a repository where
# an op and a job's graph share a name (the UI could not load the code location).
@multi_asset(
    name="boite_de_depot_departement",
    specs=[
        AssetSpec(
            key, group_name=GROUP, kinds={"python", "duckdb"}, description=DESCRIPTIONS[name], deps=COG_KEYS
        )
        for name, key in RAW_KEYS.items()
    ],
    check_specs=[CHECK_PERSONAL, CHECK_FILES],
    partitions_def=departement_partitions,
    description="Lit la boîte de dépôt du département (documents, entretiens, questionnaires) : extraction, "
    "passages, mentions, pseudonymisation à l'ingestion, quarantaine.",
)
def documents_departement(
    context: AssetExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource
):
    """Ingest the files of the partition's département (see :mod:`ingest.documents.pipeline`);
    personal data left fails the step with its reason (:mod:`._bloquant`)."""
    from orchestration.assets._bloquant import avec_motifs

    yield from avec_motifs(_documents(context, warehouse, settings),
                           {CHECK_PERSONAL.key: CHECK_PERSONAL.description or ""})


def _documents(context: AssetExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource):
    from ingest.documents.pipeline import ingest_departement

    code = validate_departement(context.partition_key)
    with warehouse.connect() as con:
        try:
            report = ingest_departement(
                con, code, Path(settings.inbox_dir), Path(settings.data_dir), environment(),
                log=context.log.info,
            )
        except LivraisonRefusee as refus:
            if not settings.stale_sources:
                context.log.error(str(refus))
                raise Failure(description=str(refus)) from None
            # opted in (PACTE_SOURCES_PERIMEES): the last good load goes on, marked stale
            mark_inbox_stale(con, list(TABLES), str(refus))
            context.log.warning(f"{refus} Construction poursuivie avec cette copie, marquée périmée.")
            for key in RAW_KEYS.values():
                yield MaterializeResult(asset_key=key, metadata={"departement": code, "stale": True})
            personal = personal_data_left(con, code)
            yield AssetCheckResult(
                check_name=CHECK_PERSONAL.name, asset_key=CHECK_PERSONAL.asset_key, passed=not personal,
                severity=AssetCheckSeverity.ERROR,
                description="aucune donnée personnelle détectée" if not personal
                else "données personnelles restantes : " + "; ".join(personal),
            )
            yield AssetCheckResult(check_name=CHECK_FILES.name, asset_key=CHECK_FILES.asset_key, passed=False,
                                   severity=AssetCheckSeverity.WARN, description=str(refus))
            return
        personal = personal_data_left(con, code, report.noms_declares)
        counts = {
            name: con.execute(
                f"select count(*) from raw.{name} where code_departement = ?", [code]
            ).fetchone()[0]
            for name in TABLES
            if name not in ("documents_extractions", "documents_pages")
        }
    for path, reason in report.rejets[:50]:
        context.log.warning(f"quarantaine : {path} : {reason}")
    folders = report.sources.describe() if report.sources else ""
    common = {
        "departement": code,
        "dossiers_lus": MetadataValue.md(folders),
        "dossier_documents_par_defaut": (
            "PACTE_DATA_DIR/../documents pour le 93 quand aucune boîte de dépôt ni configuration n'existe"
        ),
        **report.as_metadata(),
    }
    for name, key in RAW_KEYS.items():
        metadata = dict(common)
        if name in counts:
            metadata["dagster/row_count"] = counts[name]
        yield MaterializeResult(asset_key=key, metadata=metadata)
    yield AssetCheckResult(
        check_name=CHECK_PERSONAL.name,
        asset_key=CHECK_PERSONAL.asset_key,
        passed=not personal,
        severity=AssetCheckSeverity.ERROR,
        description=(
            "aucune donnée personnelle détectée"
            if not personal
            else "données personnelles restantes : " + "; ".join(personal)
        ),
    )
    yield AssetCheckResult(
        check_name=CHECK_FILES.name,
        asset_key=CHECK_FILES.asset_key,
        passed=not report.rejets,
        severity=AssetCheckSeverity.WARN,
        description=(
            "tous les fichiers ont été lus"
            if not report.rejets
            else f"{len(report.rejets)} fichier(s) en quarantaine : "
            + "; ".join(f"{Path(p).name} ({r})" for p, r in report.rejets[:5])
        ),
        metadata={
            "fichiers_en_quarantaine": MetadataValue.md(
                "\n".join(f"- {p} : {r}" for p, r in report.rejets) or "aucun"
            )
        },
    )


documents_job = define_asset_job(
    "documents_departement",
    tags=ECRITURE,  # it writes the warehouse: one writer at a time (config/dagster.yaml)
    selection=AssetSelection.assets(*RAW_KEYS.values())
    | build_dbt_asset_selection(
        [pacte_dbt_models],
        dbt_select="+path:models/marts/documents vocabulaire_axes gazetteer_acteurs documents_regles_type "
        "documents_expressions_avancement documents_expressions_lien",
    ),
    description="Relit la boîte de dépôt d'un département et reconstruit les marts des documents.",
)


@capteur(
    "boite_de_depot_documents",
    documents_job,
    "Surveille la boîte de dépôt (PACTE_INBOX/<département>/) et relance les documents du "
    "département dont un fichier est apparu ou a changé (empreintes SHA-256).",
)
def boite_de_depot_documents(context: SensorEvaluationContext, settings: PacteSettingsResource):
    """One run request per département whose files' fingerprint differs from the cursor."""
    from ingest.documents.pipeline import size_limit_bytes

    inbox, environ = Path(settings.inbox_dir), environment()
    limit = size_limit_bytes(environ)
    return demandes_si_changement(
        context,
        watched_departements(inbox, set(departements()), environ),
        lambda code: inbox_fingerprint(resolve_sources(code, inbox, Path(settings.data_dir), environ), limit),
        prefixe="documents",
        tags={"pacte/declencheur": "boite_de_depot", **ECRITURE},
        rien="aucun fichier nouveau ou modifié",
    )


ASSETS = [documents_departement]
CHECKS: list = []
SENSORS = [boite_de_depot_documents]
JOBS = [documents_job]
