"""Étape 3 deliverables per département: the diagnostic report, the committee kit, the exports and
the data dictionary, as Dagster assets partitioned by département, after the priority marts.

They read the warehouse read-only and write under ``PACTE_OUTPUT/<code>/`` (see
:mod:`rapport.production`); a missing mart stops them with a message naming it.

Two of them go on after their step: the report's PDF prints in a thread (Chromium prints in its own
processes) and the kit's analysts' workbook is written by a process of its own
(:mod:`orchestration.classeur_a_part`), both while the next steps run on the machine's other core.
Their checks wait for them (``rapport_imprime_en_pdf``, ``classeur_analystes_ecrit``), the publication
waits for the workbook before it scans the kit, and the run never ends with either still running.
"""

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import duckdb
from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, MetadataValue, asset

from orchestration.classeur_a_part import ClasseurAPart, ClasseurNonEcrit
from orchestration.partitions import departement_partitions
from orchestration.resources import PacteSettingsResource, WarehouseResource
from rapport.classeur_libelles import SCHEMA as SCHEMA_LIBELLES
from rapport.classeur_libelles import SEEDS as SEEDS_LIBELLES
from rapport.donnees import PERIMETRE as TABLE_PERIMETRE
from rapport.donnees import SCHEMA_RAPPORT, TABLES_CLASSEUR, TABLES_RAPPORT
from socle.settings import DBT_TARGET_DIR

__all__ = ["ASSETS", "livrable", "attendre_classeur"]

GROUP = "rapport"
MARTS_PRIORITES = [
    AssetKey(["marts", name])
    for name in ("priorites", "pistes", "pistes_acteurs", "pistes_preuves", "suivi_decisions")
]
# made for the report and the workbook by dbt after the graph (schema rapport, dbt_project/models/rapport/)
MARTS_PRIORITES += [AssetKey([SCHEMA_RAPPORT, name]) for name in (*TABLES_RAPPORT, *TABLES_CLASSEUR)]
# the workbook's vocabulary: dbt seeds of schema rapport, read by the kit's workbook writer
LIBELLES_CLASSEUR = [AssetKey([SCHEMA_LIBELLES, name]) for name in SEEDS_LIBELLES]
# the territories each département's files keep (dbt model of schema rapport), read by every exporter
PERIMETRE = AssetKey(TABLE_PERIMETRE.split("."))


def _geo_dir(settings: PacteSettingsResource) -> Path:
    return Path(settings.data_dir) / "geo"


#: Writes one deliverable of a département from a read-only warehouse connection; returns the
#: asset's metadata.
Production = Callable[
    [AssetExecutionContext, duckdb.DuckDBPyConnection, str, PacteSettingsResource], dict[str, Any]
]
#: Starts, before the step opens the warehouse, a process that reads it (see ``lancer`` below).
Lancement = Callable[[AssetExecutionContext, WarehouseResource, str, PacteSettingsResource], ClasseurAPart]


def livrable(
    nom: str,
    description: str,
    kinds: set[str],
    produire: Production,
    autres_deps: list[AssetKey] | None = None,
    op_tags: dict[str, str] | None = None,
    lancer: Lancement | None = None,
) -> AssetsDefinition:
    """The asset ``rapport/<nom>`` of a département, written by ``produire`` after the priority marts
    (and after ``autres_deps``, other tables it reads).

    ``produire`` reads the warehouse read-only and writes under ``settings.output_for(code)``;
    the asset adds the time it took (``secondes``) to the metadata it returns. ``lancer``, when given,
    first starts a process that goes on after the step (the kit's workbook); it is stopped if
    ``produire`` fails.
    """

    @asset(
        key=AssetKey(["rapport", nom]),
        group_name=GROUP,
        partitions_def=departement_partitions,
        deps=[*MARTS_PRIORITES, *(autres_deps or [])],
        description=description,
        kinds=kinds,
        op_tags=op_tags,
    )
    def _livrable(
        context: AssetExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource
    ) -> MaterializeResult:
        code = context.partition_key
        debut = time.perf_counter()
        a_part = lancer(context, warehouse, code, settings) if lancer else None
        try:
            with warehouse.connect(read_only=True) as con:
                metadata = produire(context, con, code, settings)
            if a_part is not None and not warehouse.lecteurs_arretes_en_fin_de_run:
                # a run of the interface: its end would not stop the process, and the check that
                # waits for it may be left out of the run: the step waits (its own work went on meanwhile)
                try:
                    a_part.resultat()
                except ClasseurNonEcrit as exc:
                    from dagster import Failure  # only this branch raises it

                    raise Failure(description=str(exc)) from exc
                metadata["classeur_ecrit"] = "pendant l'étape, par un processus à part"
        except BaseException:
            if a_part is not None:
                a_part.arreter()
            raise
        return MaterializeResult(metadata={**metadata, "secondes": round(time.perf_counter() - debut, 2)})

    return _livrable


def _contexte(
    context: AssetExecutionContext, con: duckdb.DuckDBPyConnection, code: str, settings: PacteSettingsResource
) -> dict[str, Any]:
    """The figures of the département that the report and the kit both read (contexte_departement:
    about 3 s for a large one), read once per run through the run's warehouse resource: nothing
    writes to the warehouse between those two steps (both come after the priority marts)."""
    from rapport.contexte import contexte_departement
    from socle.ponderations import load_ponderations

    warehouse: WarehouseResource = context.resources.warehouse
    return warehouse.lu_une_fois(
        ("contexte", context.run_id, code, str(settings.data_dir)),
        lambda: contexte_departement(con, code, _geo_dir(settings), load_ponderations()),
    )


#: The PDF printings started by the report step of this process and not awaited yet, by PDF path.
_IMPRESSIONS: dict[str, Future] = {}


def _imprimer_en_arriere_plan(html: Path, pdf: Path) -> Future:
    """Print ``html`` to ``pdf`` (:func:`rapport.rendu.imprimer_pdf`) in a thread of its own.

    Chromium prints in processes of its own: the run's next steps (the committee kit, a Python
    step on one core) go on meanwhile on the machine's other core. The check
    ``rapport_imprime_en_pdf`` waits for it (:func:`attendre_impression`) before looking at the PDF,
    and the thread is not a daemon: a run never ends before the printing does."""
    from rapport.rendu import imprimer_pdf

    resultat: Future = Future()

    def imprimer() -> None:
        try:
            resultat.set_result(imprimer_pdf(html, pdf))
        except BaseException as exc:  # noqa: BLE001 (given to whoever waits: the check fails with it)
            resultat.set_exception(exc)

    _IMPRESSIONS[str(pdf)] = resultat
    threading.Thread(target=imprimer, name=f"impression {pdf.parent.name}", daemon=False).start()
    return resultat


def attendre_impression(pdf: Path) -> bool | None:
    """Wait for the printing of ``pdf`` started in this process; its result (``None``: none started).

    Raises what the printing raised."""
    en_cours = _IMPRESSIONS.pop(str(pdf), None)
    return None if en_cours is None else en_cours.result()


def _rapport(
    context: AssetExecutionContext, con: duckdb.DuckDBPyConnection, code: str, settings: PacteSettingsResource
) -> dict[str, Any]:
    from rapport.production import produire_rapport
    from rapport.rendu import chromium, pourquoi_pas_de_pdf
    from socle.ponderations import load_ponderations

    sortie = settings.output_for(code)
    pdf = sortie / "rapport_diagnostic.pdf"
    attendre_impression(pdf)  # a printing of this report left by an earlier run of this process
    resultat = produire_rapport(
        con,
        code,
        sortie,
        _geo_dir(settings),
        load_ponderations(),
        pdf=False,
        contexte=_contexte(context, con, code, settings),
    )
    fichiers = resultat["fichiers"]
    if chromium() is None:
        context.log.warning(pourquoi_pas_de_pdf(code))
        etat_pdf = "non produit (voir l'avertissement de l'étape)"
    else:  # printed while the next steps run; the check « rapport_imprime_en_pdf » waits and says
        _imprimer_en_arriere_plan(fichiers["html"], pdf)
        etat_pdf = str(pdf)
    return {
        "html": str(fichiers["html"]),
        "pdf": etat_pdf,
        "pistes": resultat["nb_pistes"],
        "taille_html_ko": round(fichiers["html"].stat().st_size / 1024),
    }


#: The analysts' workbooks being written by a process of their own, by workbook path (the latest
#: of each path started in this process).
_CLASSEURS: dict[str, ClasseurAPart] = {}


def _lancer_classeur(
    context: AssetExecutionContext, warehouse: WarehouseResource, code: str, settings: PacteSettingsResource
) -> ClasseurAPart:
    """Start the process writing the kit's analysts' workbook (:mod:`orchestration.classeur_a_part`).

    The kit step comes after every mart the workbook reads and starts it before its own work (the
    fiches, the comité's workbooks); the warehouse resource keeps the file free of writers until the
    process ends. Awaited by the check ``classeur_analystes_ecrit`` and by the publication
    (:func:`attendre_classeur`)."""
    from rapport.production import chemin_classeur

    sortie = settings.output_for(code)
    precedent = _CLASSEURS.pop(str(chemin_classeur(sortie, code)), None)
    if precedent is not None:  # left by an earlier run of this process (its checks waited for it)
        precedent.arreter()
    classeur = warehouse.lecteur_a_part(
        lambda: ClasseurAPart(Path(warehouse.path), code, sortie, DBT_TARGET_DIR / "manifest.json")
    )
    _CLASSEURS[str(classeur.chemin)] = classeur
    return classeur


def attendre_classeur(chemin: Path) -> ClasseurAPart | None:
    """Wait for the analysts' workbook ``chemin`` being written by a process started in this
    process and return that process (``None``: no such process was started); its
    :meth:`~ClasseurAPart.resultat` then gives the rows of each mart at once.

    Raises :class:`orchestration.classeur_a_part.ClasseurNonEcrit` (a French message naming the
    file) when the process failed or was stopped."""
    en_cours = _CLASSEURS.get(str(chemin))
    if en_cours is not None:
        en_cours.resultat()
    return en_cours


def _kit(
    context: AssetExecutionContext, con: duckdb.DuckDBPyConnection, code: str, settings: PacteSettingsResource
) -> dict[str, Any]:
    from rapport.production import produire_kit
    from socle.ponderations import load_ponderations

    kit = produire_kit(
        con,
        code,
        settings.output_for(code),
        _geo_dir(settings),
        load_ponderations(),
        contexte=_contexte(context, con, code, settings),
        classeur=False,  # written by the process _lancer_classeur started
    )
    return {
        "fiches": MetadataValue.json([str(p) for p in kit["fiches"]]),
        "classeur": str(kit["classeur"]),
        "classeur_decisions": str(kit["suivi"]),
        "classeur_acteurs_liens": str(kit["acteurs_liens"]),
        "classeur_ecrit": "en arrière-plan, pendant les étapes suivantes : le contrôle du classeur "
        "des analystes attend la fin et donne les lignes de chaque feuille",
    }


def _exports(
    context: AssetExecutionContext, con: duckdb.DuckDBPyConnection, code: str, settings: PacteSettingsResource
) -> dict[str, Any]:
    from rapport.production import produire_exports

    resultat = produire_exports(con, code, settings.output_for(code))
    return {"dossier": str(resultat["dossier"]), "lignes": MetadataValue.json(resultat["lignes"])}


def _dictionnaire(
    context: AssetExecutionContext, con: duckdb.DuckDBPyConnection, code: str, settings: PacteSettingsResource
) -> dict[str, Any]:
    from rapport.production import produire_dictionnaire

    # one dictionary for the warehouse (its marts are national), not one per département
    page = produire_dictionnaire(con, Path(settings.output_dir), DBT_TARGET_DIR / "manifest.json")
    return {"page": str(page)}


def _apercu(
    context: AssetExecutionContext, con: duckdb.DuckDBPyConnection, code: str, settings: PacteSettingsResource
) -> dict[str, Any]:
    """The overview pages of the département's région and of France (issue 16), linked from the
    partition's materialisation; ``pacte apercu`` writes every région at once."""
    from rapport.apercu import produire_apercus

    region = con.execute(
        "select code_region from marts.territoires where niveau = 'departement' and code_territoire = ?",
        [code],
    ).fetchone()
    regions = [region[0]] if region else []
    try:
        pages = produire_apercus(con, settings.output_dir, _geo_dir(settings), regions=regions)
    except FileNotFoundError as exc:  # no outline file: the report itself goes on without maps too
        context.log.warning(f"aperçus non produits : {exc}")
        return {"pages": "non produites (fond de carte absent)"}
    return {
        "pages": MetadataValue.json([str(p) for p in pages]),
        **{f"apercu_{p.stem}": MetadataValue.url(p.resolve().as_uri()) for p in pages},
    }


rapport_diagnostic = livrable(
    "rapport_diagnostic",
    "Rapport de diagnostic du département (HTML autonome et PDF) : synthèse, méthode, portrait, "
    "axes, revue CALPAE/SPIE, matrice des priorités, fiches action, annexes.",
    {"html", "pdf"},
    _rapport,
    # right after the kit among the deliverables ready together: its PDF prints (Chromium) while
    # the next steps run
    op_tags={"dagster/priority": "1"},
)
kit_comite = livrable(
    "kit_comite",
    "Kit des comités de suivi : une fiche thématique par axe (HTML) et le classeur Excel des "
    "analystes (une feuille par mart, en-têtes en français, filtres).",
    {"html", "excel"},
    _kit,
    autres_deps=[*LIBELLES_CLASSEUR, PERIMETRE],
    # before the report: its workbook, the longest deliverable, is written by a process of its own
    # from the step's start, beside every later step
    op_tags={"dagster/priority": "2"},
    lancer=_lancer_classeur,
)
exports = livrable(
    "exports",
    "Exports Parquet de chaque mart, restreints au département (plus les références région et France).",
    {"parquet"},
    _exports,
    autres_deps=[PERIMETRE],
)
dictionnaire = livrable(
    "dictionnaire",
    "Dictionnaire des données de l'entrepôt, unique pour tous les départements : chaque table et "
    "chaque colonne avec sa description (page HTML statique dictionnaire/index.html du dossier de sortie).",
    {"html"},
    _dictionnaire,
)

apercu = livrable(
    "apercu_region",
    "Aperçu de la région du département et de la France : chaque département sur une carte et dans "
    "un tableau, pour un indicateur, un indice de besoin, un score de priorité ou une faiblesse de "
    "coordination choisis dans la page (HTML autonome, sous apercu/ du dossier des sorties).",
    {"html"},
    _apercu,
    autres_deps=[AssetKey(["marts", "comparaison_departements"])],
)

ASSETS = [rapport_diagnostic, kit_comite, exports, dictionnaire, apercu]
