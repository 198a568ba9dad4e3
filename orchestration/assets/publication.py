"""Publication of a read-only copy of the warehouse for analysts.

DuckDB refuses to open a file read-only while another process writes it, so analysts
query ``warehouse_lecture.duckdb`` (beside ``PACTE_WAREHOUSE``), replaced atomically
at the end of every successful build.

Before anything is published, the blocking check ``aucune_donnee_personnelle`` runs the
independent detector of :mod:`ingest.documents.detection` over every warehouse table holding
text from documents, interviews or questionnaires (the raw tables and every dbt model
downstream of them, from the dbt manifest) and over every file written for people under
``PACTE_OUTPUT`` (Parquet exports, workbook, report and pages) but the other départements'
folders, which this build does not write: when it finds anything, nothing
is published and the build fails, naming the places. The kit's analysts' workbook is written by a
process of its own while the previous steps run (:mod:`orchestration.classeur_a_part`): the kit's
files are scanned once it is written, and the build fails, naming the file, if it could not be.

The copy then loses what statistical secrecy forbids analysts to see: every relation holding
one row per questionnaire respondent (a column ``id_repondant``: ``raw.questionnaires_reponses``
and its staging view), from which a suppressed group of fewer than 5 respondents could be
recomputed, and the content of the questionnaires' line-level quarantine rows. The published
figures stay those of ``marts.parole`` (suppressed groups included).
"""

import shutil
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import nullcontext
from multiprocessing import get_context
from pathlib import Path

import duckdb
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from ingest.documents.balayage import scan_files, scan_warehouse
from orchestration.assets.rapport import attendre_classeur
from orchestration.classeur_a_part import ClasseurNonEcrit
from orchestration.resources import PacteSettingsResource, WarehouseResource
from socle.ecriture import ecriture_atomique
from socle.settings import DBT_TARGET_DIR

__all__ = ["published_copy_path", "publication_asset", "RESPONDENT_COLUMN", "strip_respondent_rows"]

KEY = AssetKey(["publication", "entrepot_lecture"])
RESPONDENT_COLUMN = "id_repondant"
CHECK_PERSONAL = AssetCheckSpec(
    "aucune_donnee_personnelle",
    asset=KEY,
    blocking=True,
    description="Aucune donnée personnelle (téléphone, e-mail, numéro de sécurité sociale, IBAN, adresse, "
    "nom après une civilité) dans les tables issues des documents, entretiens et questionnaires ni dans "
    "les fichiers produits (exports Parquet, classeur, rapport), selon un détecteur indépendant de la "
    "pseudonymisation ; sinon rien n'est publié.",
)


def published_copy_path(warehouse: Path) -> Path:
    """Where the read-only copy of ``warehouse`` is published."""
    return Path(warehouse).with_name(Path(warehouse).stem + "_lecture.duckdb")


def strip_respondent_rows(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Drop from a (copied) warehouse every relation with one row per respondent and blank the
    content of the questionnaires' line-level quarantine rows; returns the relations dropped."""
    relations = con.execute(
        "select distinct c.table_schema, c.table_name, t.table_type from information_schema.columns c "
        "join information_schema.tables t using (table_catalog, table_schema, table_name) "
        "where c.column_name = ? order by t.table_type desc",  # views first
        [RESPONDENT_COLUMN],
    ).fetchall()
    dropped = []
    for schema, name, kind in relations:
        statement = "drop view" if kind == "VIEW" else "drop table"
        con.execute(f'{statement} if exists "{schema}"."{name}" cascade')
        dropped.append(f"{schema}.{name}")
    for table in ("quarantine.rejets", "raw.documents_rejets"):
        schema, name = table.split(".")
        exists = con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
        if exists:
            con.execute(
                f"update {table} set content = '' where table_name = 'questionnaires_reponses' and line > 0"
            )
    return dropped


def _autres_departements(context: AssetExecutionContext) -> list[str]:
    """The folders of the other départements under ``PACTE_OUTPUT``, left out of the file scan.

    This build writes only under ``PACTE_OUTPUT/<code>/``: the other départements' files were
    scanned by their own builds (the warehouse itself is scanned whole). Outside a département's
    run (the asset materialised alone), every folder is scanned.
    """
    from socle.departements import departements

    code = context.run.tags.get("dagster/partition")
    if not code:
        return []
    return sorted(set(departements()) - {code})


def _dossier_a_part(context: AssetExecutionContext, sorties: Path) -> list[str]:
    """The sub-folder of ``sorties`` scanned by the second process: the département's kit (``[]``
    outside a département's run or without a kit)."""
    code = context.run.tags.get("dagster/partition")
    return [f"{code}/kit"] if code and (sorties / code / "kit").is_dir() else []


def _classeur(context: AssetExecutionContext, sorties: Path) -> Path:
    """The analysts' workbook of the run's département (its kit may still be writing it)."""
    from rapport.production import chemin_classeur  # not at import: it imports openpyxl

    code = context.run.tags["dagster/partition"]
    return chemin_classeur(sorties / code, code)


def _scan_du_kit(
    pool: Executor, classeur: Path, sorties: Path, manifest: Path, autres: list[str], kit: list[str]
) -> list[str]:
    """The scan of the kit's folder ``kit`` by the second process, once its analysts' workbook
    ``classeur`` is written (raises :class:`ClasseurNonEcrit` if it could not be)."""
    attendre_classeur(classeur)
    return pool.submit(scan_files, sorties, manifest, autres, kit).result()


def publication_asset(upstream: list[AssetKey]) -> AssetsDefinition:
    """The last asset of every build: depends on all the others."""

    @asset(
        key=KEY,
        group_name="publication",
        deps=upstream,
        check_specs=[CHECK_PERSONAL],
        description="Copie en lecture seule de l'entrepôt DuckDB pour les analystes, sans les réponses "
        "individuelles aux questionnaires, publiée seulement si aucune donnée personnelle n'est détectée.",
        kinds={"duckdb"},
    )
    def entrepot_lecture(
        context: AssetExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource
    ):
        source = Path(warehouse.path)
        manifest = DBT_TARGET_DIR / "manifest.json"
        sorties, autres = Path(settings.output_dir), _autres_departements(context)
        # the files of the département's kit (its large workbook) are scanned by a second process
        # meanwhile, on the machine's other core; together the two scans read every file once. The
        # kit's workbook may still be being written by its own process: that scan waits for it.
        a_part = _dossier_a_part(context, sorties)
        second = ProcessPoolExecutor(1, mp_context=get_context("spawn")) if a_part else nullcontext()
        with second as pool, ThreadPoolExecutor(1, thread_name_prefix="scan du kit") as attente:
            kit = None
            if a_part:
                classeur = _classeur(context, sorties)
                kit = attente.submit(_scan_du_kit, pool, classeur, sorties, manifest, autres, a_part)
            fichiers = scan_files(sorties, manifest, skip=[*autres, *a_part])
            # read-only: beside the workbook's process, which reads the warehouse too
            with warehouse.connect(read_only=True) as con:
                found = scan_warehouse(con, manifest)
            if kit is not None:
                try:
                    fichiers += kit.result()
                except ClasseurNonEcrit as exc:
                    raise Failure(description=f"{exc} Rien n'est publié.") from exc
        # as one scan lists them: by place (each file's places come from one of the two processes)
        found += sorted(fichiers, key=lambda ligne: ligne.rsplit(" (", 1)[0])
        if found:
            description = "données personnelles détectées, rien n'est publié : " + "; ".join(found[:20])
            yield AssetCheckResult(
                check_name=CHECK_PERSONAL.name,
                asset_key=KEY,
                passed=False,
                severity=AssetCheckSeverity.ERROR,
                description=description,
                metadata={"emplacements": MetadataValue.md("\n".join(f"- {f}" for f in found))},
            )
            raise Failure(description=description)
        with warehouse.connect() as con:  # every reader process has ended: the file is complete
            con.execute("checkpoint")
        target = published_copy_path(source)
        with ecriture_atomique(target) as partial:  # a full disk leaves neither half a copy nor a .partiel
            shutil.copyfile(source, partial)
            copy = duckdb.connect(str(partial))
            try:
                dropped = strip_respondent_rows(copy)
                copy.execute("checkpoint")
            finally:
                copy.close()
        context.log.info(f"published {target}")
        yield MaterializeResult(
            metadata={
                "path": str(target),
                "bytes": target.stat().st_size,
                "retire_de_la_copie": ", ".join(dropped) or "rien",
            }
        )
        yield AssetCheckResult(
            check_name=CHECK_PERSONAL.name,
            asset_key=KEY,
            passed=True,
            severity=AssetCheckSeverity.ERROR,
            description="aucune donnée personnelle détectée dans les tables des documents ni dans les "
            "fichiers produits",
        )

    return entrepot_lecture
