"""Étape 3 deliverables per département: the diagnostic report, the committee kit, the exports and
the data dictionary, as Dagster assets partitioned by département, after the priority marts.

They read the warehouse read-only and write under ``PACTE_OUTPUT/<code>/`` (see
:mod:`rapport.production`); a missing mart stops them with a message naming it.
"""

import time
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.partitions import departement_partitions
from orchestration.resources import PacteSettingsResource, WarehouseResource
from orchestration.settings import DBT_TARGET_DIR

__all__ = ["ASSETS"]

GROUP = "rapport"
MARTS_PRIORITES = [
    AssetKey(["marts", name]) for name in ("priorites", "pistes", "pistes_acteurs", "pistes_preuves")
]


def _geo_dir(settings: PacteSettingsResource) -> Path:
    return Path(settings.data_dir) / "geo"


@asset(
    key=AssetKey(["rapport", "rapport_diagnostic"]),
    group_name=GROUP,
    partitions_def=departement_partitions,
    deps=MARTS_PRIORITES,
    description="Rapport de diagnostic du département (HTML autonome et PDF) : synthèse, méthode, portrait, "
    "axes, revue CALPAE/SPIE, matrice des priorités, fiches action, annexes.",
    kinds={"html", "pdf"},
)
def rapport_diagnostic(
    context: AssetExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource
) -> MaterializeResult:
    from rapport.ponderations import load_ponderations
    from rapport.production import produire_rapport

    code = context.partition_key
    debut = time.perf_counter()
    with warehouse.connect(read_only=True) as con:
        resultat = produire_rapport(
            con, code, settings.output_for(code), _geo_dir(settings), load_ponderations()
        )
    fichiers = resultat["fichiers"]
    if fichiers["pdf"] is None:
        context.log.warning(
            "PDF not produced (no Chromium found or it failed): the HTML report is complete "
            "and prints to PDF from a browser"
        )
    return MaterializeResult(
        metadata={
            "html": str(fichiers["html"]),
            "pdf": str(fichiers["pdf"]) if fichiers["pdf"] else "non produit (Chromium absent)",
            "pistes": resultat["nb_pistes"],
            "secondes": round(time.perf_counter() - debut, 2),
            "taille_html_ko": round(fichiers["html"].stat().st_size / 1024),
        }
    )


@asset(
    key=AssetKey(["rapport", "kit_comite"]),
    group_name=GROUP,
    partitions_def=departement_partitions,
    deps=MARTS_PRIORITES,
    description="Kit des comités de suivi : une fiche thématique par axe (HTML) et le classeur Excel des "
    "analystes (une feuille par mart, en-têtes en français, filtres).",
    kinds={"html", "excel"},
)
def kit_comite(
    context: AssetExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource
) -> MaterializeResult:
    from rapport.ponderations import load_ponderations
    from rapport.production import produire_kit

    code = context.partition_key
    debut = time.perf_counter()
    with warehouse.connect(read_only=True) as con:
        kit = produire_kit(
            con,
            code,
            settings.output_for(code),
            _geo_dir(settings),
            load_ponderations(),
            manifest_path=DBT_TARGET_DIR / "manifest.json",
        )
    return MaterializeResult(
        metadata={
            "fiches": MetadataValue.json([str(p) for p in kit["fiches"]]),
            "classeur": str(kit["classeur"]),
            "feuilles": len(kit["lignes"]),
            "secondes": round(time.perf_counter() - debut, 2),
        }
    )


@asset(
    key=AssetKey(["rapport", "exports"]),
    group_name=GROUP,
    partitions_def=departement_partitions,
    deps=MARTS_PRIORITES,
    description="Exports Parquet de chaque mart, restreints au département "
    "(plus les références région et France).",
    kinds={"parquet"},
)
def exports(
    context: AssetExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource
) -> MaterializeResult:
    from rapport.production import produire_exports

    code = context.partition_key
    with warehouse.connect(read_only=True) as con:
        resultat = produire_exports(con, code, settings.output_for(code))
    return MaterializeResult(
        metadata={
            "dossier": str(resultat["dossier"]),
            "lignes": MetadataValue.json(resultat["lignes"]),
        }
    )


@asset(
    key=AssetKey(["rapport", "dictionnaire"]),
    group_name=GROUP,
    partitions_def=departement_partitions,
    deps=MARTS_PRIORITES,
    description="Dictionnaire des données : chaque mart et chaque colonne avec sa description "
    "(page HTML statique).",
    kinds={"html"},
)
def dictionnaire(
    context: AssetExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource
) -> MaterializeResult:
    from rapport.production import produire_dictionnaire

    code = context.partition_key
    with warehouse.connect(read_only=True) as con:
        page = produire_dictionnaire(con, settings.output_for(code), DBT_TARGET_DIR / "manifest.json")
    return MaterializeResult(metadata={"page": str(page)})


ASSETS = [rapport_diagnostic, kit_comite, exports, dictionnaire]
