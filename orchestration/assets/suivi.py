"""The comité's loop (issue 17): its workbooks read back from ``PACTE_INBOX/<code>/suivi/``.

Assets (partitioned by département):

- ``raw/reseau_corrections``: the « acteurs et liens » workbooks → actors and links added, links
  marked wrong (:mod:`ingest.suivi`); read before dbt's first step (checked against the seed files,
  the raw COG and the last graph built), which makes the view the graph applies (:mod:`graph.comite`);
- ``raw/suivi_decisions``: the decisions workbooks, checked against the actors of the graph, so after
  the graph and before the priorities' dbt step (``pacte_dbt_apres_graphe``), which builds
  ``marts.suivi_decisions`` from it with the priorities: whether a decision's priority belongs to the
  present diagnostic is a relation between two tables, so dbt checks it (the mart keeps the decisions
  whose priority exists; the test ``suivi_decisions_priorites_connues`` lists the others with their
  workbook and row, as a warning). The report and the kit read that mart.

Both raw tables are append-only: a workbook is one version, never overwritten.

Sensor ``boite_de_depot_suivi``: for each département with a ``suivi`` folder in the inbox, it
fingerprints the files; when the fingerprint differs from the cursor it requests the job
``suivi_departement`` (both raw assets and everything downstream: graph, priorities, decisions,
report, kit, network page) for that partition.
"""

from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    MaterializeResult,
    MetadataValue,
    SensorEvaluationContext,
    asset,
    define_asset_job,
)

from orchestration.assets._boite_de_depot import capteur, demandes_si_changement
from orchestration.partitions import departement_partitions
from orchestration.resources import PacteSettingsResource, WarehouseResource
from rapport.classeur_libelles import SEEDS as SEEDS_LIBELLES
from socle.departements import departements, validate_departement

__all__ = [
    "ASSETS",
    "SENSORS",
    "JOBS",
    "CLE_CORRECTIONS",
    "CLE_DECISIONS",
    "boite_de_depot_suivi",
]

GROUP = "raw_documents"  # the inbox stage: the comité's workbooks arrive beside the documents
CLE_CORRECTIONS = AssetKey(["raw", "reseau_corrections"])
CLE_DECISIONS = AssetKey(["raw", "suivi_decisions"])
# the workbooks' vocabulary, and the actor types' labels (seed acteurs_types, read by
# graph.vocabulaire.libelles_types)
VOCABULAIRE = [AssetKey(["rapport", n]) for n in SEEDS_LIBELLES if n.startswith("classeur_suivi_")] + [
    AssetKey(["marts", "acteurs_types"])
]


def _lire(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    settings: PacteSettingsResource,
    classeur: str,
) -> MaterializeResult:
    from graph.vocabulaire import libelles_types
    from ingest.documents.pseudonymisation import SALT_ENV, load_salt
    from ingest.suivi import TABLE_CORRECTIONS, TABLE_DECISIONS
    from ingest.suivi_chargement import ingest_suivi
    from socle.settings import environment

    code = validate_departement(context.partition_key)
    table = TABLE_DECISIONS if classeur == "decisions" else TABLE_CORRECTIONS
    inbox = Path(settings.inbox_dir)
    with warehouse.connect() as con:
        sel = load_salt(inbox, environment().get(SALT_ENV))
        # the « acteurs et liens » workbooks are read before dbt: their actor types are the seed's
        types = libelles_types(con) if classeur == "decisions" else None
        rapport = ingest_suivi(con, code, inbox, sel, classeur, types)
        total = con.execute(
            f"select count(*) from raw.{table} where code_departement = ?", [code]
        ).fetchone()[0]
    for q in rapport.rejets[:50]:
        context.log.warning(f"quarantaine : {q.source_file} : ligne {q.line} : {q.field} : {q.reason}")
    return MaterializeResult(
        metadata={
            "departement": code,
            "dossier": str(inbox / code / "suivi"),
            "classeurs_lus": rapport.fichiers,
            "nouvelles_versions": rapport.nouveaux,
            "lignes_ajoutees": rapport.decisions + rapport.corrections,
            "dagster/row_count": total,
            "cellules_ou_lignes_en_quarantaine": len(rapport.rejets),
            "quarantaine": MetadataValue.md(
                "\n".join(f"- ligne {q.line}, {q.field} : {q.reason}" for q in rapport.rejets[:50])
                or "aucune"
            ),
        }
    )


@asset(
    key=CLE_CORRECTIONS,
    group_name=GROUP,
    partitions_def=departement_partitions,
    # before dbt's first step, which makes its view: the vocabulary is read from the seed files, the
    # communes' names from the raw COG, the actors and links from the last graph built
    deps=[AssetKey(["raw", "cog_communes"])],
    kinds={"python", "duckdb", "excel"},
    description="Corrections du réseau relues des classeurs « acteurs et liens » déposés par les comités "
    "(acteur ajouté, lien ajouté avec sa preuve, lien signalé faux), avec le rôle de l'auteur et la date ; "
    "ajoutées à l'historique, jamais écrasées. Le graphe les applique.",
)
def reseau_corrections(
    context: AssetExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource
) -> MaterializeResult:
    return _lire(context, warehouse, settings, "reseau")


@asset(
    key=CLE_DECISIONS,
    group_name=GROUP,
    partitions_def=departement_partitions,
    deps=[*VOCABULAIRE, AssetKey(["marts", "acteurs"])],
    kinds={"python", "duckdb", "excel"},
    description="Décisions des comités de suivi relues des classeurs de décisions déposés, vérifiées "
    "contre le vocabulaire des classeurs et les acteurs du réseau ; une ligne par décision et version, "
    "jamais écrasée. Le suivi ne garde ensuite que les décisions portant sur une priorité du diagnostic "
    "présent.",
)
def suivi_decisions(
    context: AssetExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource
) -> MaterializeResult:
    return _lire(context, warehouse, settings, "decisions")


suivi_job = define_asset_job(
    "suivi_departement",
    selection=AssetSelection.assets(CLE_CORRECTIONS, CLE_DECISIONS).downstream(),
    description="Relit les classeurs du comité d'un département et reconstruit ce qui en dépend : graphe, "
    "priorités, décisions, rapport, kit et page du réseau.",
)


def dossiers_suivis(inbox: Path, connus: set[str]) -> list[str]:
    if not inbox.is_dir():
        return []
    return sorted(p.name for p in inbox.iterdir() if p.name in connus and (p / "suivi").is_dir())


@capteur(
    "boite_de_depot_suivi",
    suivi_job,
    "Surveille les classeurs du comité (PACTE_INBOX/<département>/suivi/) et relance le "
    "diagnostic du département dont un classeur est apparu ou a changé (empreintes SHA-256).",
)
def boite_de_depot_suivi(context: SensorEvaluationContext, settings: PacteSettingsResource):
    """One run request per département whose ``suivi`` folder's fingerprint differs from the cursor."""
    from ingest.suivi import folder_fingerprint

    inbox = Path(settings.inbox_dir)
    return demandes_si_changement(
        context,
        dossiers_suivis(inbox, set(departements())),
        lambda code: folder_fingerprint(inbox, code),
        prefixe="suivi",
        tags={"pacte/declencheur": "boite_de_depot_suivi"},
        rien="aucun classeur du comité nouveau ou modifié",
    )


ASSETS = [reseau_corrections, suivi_decisions]
SENSORS = [boite_de_depot_suivi]
JOBS = [suivi_job]
