"""Graph stage: knowledge graph, coordination analysis and network page, per département.

Assets (partitioned by département, after the marts they read):

- ``marts/acteurs`` + ``marts/liens``: the graph merged from the registry, the template, the
  territories, the offer catalogue and the documents; GraphML under ``output/<code>/``;
- ``marts/coordination_acteurs``, ``marts/coordination_dispositifs``, ``marts/liens_manquants``,
  ``marts/faiblesse_coordination``: the analysis;
- ``outputs/reseau_acteurs``: the self-contained network page ``output/<code>/reseau_acteurs.html``.

A table that is not built yet makes the asset fail with a message naming it: the graph is never
built silently from half of its sources. Orchestration only: the logic is in ``graph/pipeline.py``.
"""

import time

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Failure,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableSchema,
    asset,
    asset_check,
    multi_asset,
)

from graph.declaration import declarations, mesures
from graph.modele import SOURCES
from graph.territoires import MissingSource
from graph.vocabulaire import TABLES as TABLES_VOCABULAIRE
from ingest.paresseux import module_paresseux
from orchestration.partitions import departement_partitions
from orchestration.resources import PacteSettingsResource, WarehouseResource

# the graph code (networkx layouts, pandas) is imported when a step runs
pipeline = module_paresseux("graph.pipeline")

__all__ = ["ASSETS", "CHECKS", "SENSORS", "SOURCE_KEYS", "VOCABULAIRE_KEYS"]

GROUP = "graphe"
# the asset producing each table the graph reads
SOURCE_KEYS: dict[str, AssetKey] = {table: AssetKey(table.split(".")) for table in SOURCES}
# the analysis and the page read the vocabulary too (threshold of a high need, actor types, colours)
VOCABULAIRE_KEYS: list[AssetKey] = [AssetKey(t.split(".")) for t in TABLES_VOCABULAIRE]
# the graph's marts as the dbt source ``graphe`` declares them (description, columns, step)
TABLES = {t.nom: t for t in declarations()}

# metadata shown in Dagster for some measures, beyond the row count every measure gets
_METADONNEES_MESURES = {
    "coordination_acteurs": lambda f: {
        "methode_intermediarite": str(f["methode_intermediarite"].iloc[0]),
        "communautes": int(f["communaute"].nunique()),
        "roles": MetadataValue.json(f["role_courtage"].value_counts().to_dict()),
    },
    "coordination_dispositifs": lambda f: {"part_attentes_satisfaites": float(f["present"].mean())},
    "liens_manquants": lambda f: {"par_regle": MetadataValue.json(f["regle"].value_counts().to_dict())},
    "faiblesse_coordination": lambda f: {"score_moyen": float(f["score"].mean())},
}


def _schema(table: str) -> TableSchema:
    return TableSchema(
        columns=[TableColumn(name, "", description=text) for name, text in TABLES[table].colonnes.items()]
    )


def _spec(name: str, description: str, deps: list[AssetKey]) -> AssetSpec:
    return AssetSpec(
        AssetKey(list(TABLES[name].cle_asset)),
        group_name=GROUP,
        kinds={"python", "duckdb"},
        deps=deps,
        description=description,
        metadata={"dagster/column_schema": _schema(name)},
    )


@multi_asset(
    specs=[
        _spec(table.nom, table.description, list(SOURCE_KEYS.values()))
        for table in declarations()
        if table.etape == "graphe"
    ],
    partitions_def=departement_partitions,
    name="graphe_acteurs",
)
def graphe_acteurs(
    context: AssetExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource
):
    """Merge the sources into the graph of one département; write the marts and the GraphML."""
    code = context.partition_key
    started = time.perf_counter()
    try:
        with warehouse.connect() as con:
            result, summary = pipeline.build_and_write(con, code, settings.output_for(code))
    except MissingSource as exc:
        raise Failure(description=str(exc)) from exc
    if summary["registre"] == "absent":
        context.log.warning(
            f"Registre des acteurs absent pour le département {code} (registre/{code}/) : "
            "graphe construit à partir du modèle national, des territoires et de l'offre."
        )
    for message in result.messages:
        context.log.info(message)
    for rejet in result.rejets[:50]:
        context.log.warning(
            f"registre rejeté {rejet.source_file}:{rejet.line} [{rejet.field}] {rejet.reason}"
        )
    common = {
        "registre": summary["registre"],
        "departement": code,
        "duree_s": round(time.perf_counter() - started, 2),
        "messages": MetadataValue.md("\n".join(f"- {m}" for m in result.messages) or "(aucun)"),
    }
    yield MaterializeResult(
        asset_key=AssetKey(["marts", "acteurs"]),
        metadata={
            **common,
            "dagster/row_count": summary["noeuds"],
            "graphml": MetadataValue.path(summary["graphml"]),
            "noeuds_par_type": MetadataValue.json(summary["noeuds_par_type"]),
            "statistiques": MetadataValue.json(result.stats),
        },
    )
    yield MaterializeResult(
        asset_key=AssetKey(["marts", "liens"]),
        metadata={
            **common,
            "dagster/row_count": summary["liens"],
            "references_registre_rejetees": len(result.rejets),
            "liens_par_type": MetadataValue.json(summary["liens_par_type"]),
        },
    )


@multi_asset(
    specs=[
        _spec(
            table.nom,
            table.description,
            [
                AssetKey(["marts", "acteurs"]),
                AssetKey(["marts", "liens"]),
                AssetKey(["marts", "besoins"]),
                *VOCABULAIRE_KEYS,
            ],
        )
        for table in mesures()
    ],
    partitions_def=departement_partitions,
    name="analyse_coordination",
)
def analyse_coordination(context: AssetExecutionContext, warehouse: WarehouseResource):
    """Metrics, expected partners, missing links and weakness score of one département."""
    code = context.partition_key
    started = time.perf_counter()
    try:
        with warehouse.connect() as con:
            frames = pipeline.analyse_and_write(con, code)
    except (MissingSource, LookupError) as exc:
        raise Failure(description=str(exc)) from exc
    elapsed = round(time.perf_counter() - started, 2)
    for name, frame in frames.items():
        extra = _METADONNEES_MESURES.get(name, lambda _: {})(frame) if len(frame) else {}
        yield MaterializeResult(
            asset_key=AssetKey(list(TABLES[name].cle_asset)),
            metadata={"dagster/row_count": len(frame), "duree_s": elapsed, **extra},
        )


@asset(
    key=AssetKey(["outputs", "reseau_acteurs"]),
    group_name=GROUP,
    partitions_def=departement_partitions,
    deps=[
        AssetKey(["marts", "acteurs"]),
        AssetKey(["marts", "liens"]),
        AssetKey(["marts", "coordination_acteurs"]),
        *VOCABULAIRE_KEYS,
    ],
    kinds={"python", "html"},
    description="Page HTML autonome du réseau des acteurs (output/<code>/reseau_acteurs.html), "
    "lisible hors ligne.",
)
def reseau_acteurs(
    context: AssetExecutionContext, warehouse: WarehouseResource, settings: PacteSettingsResource
) -> MaterializeResult:
    """Render the network page of one département."""
    code = context.partition_key
    started = time.perf_counter()
    try:
        with warehouse.connect() as con:
            info = pipeline.page_and_write(con, code, settings.output_for(code))
    except LookupError as exc:
        raise Failure(description=str(exc)) from exc
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(info["path"]),
            "taille_octets": info["taille_octets"],
            "noeuds_affiches": info["noeuds_affiches"],
            "aretes_affichees": info["aretes_affichees"],
            "agregation": info["agregation"],
            "duree_s": round(time.perf_counter() - started, 2),
            "notes": MetadataValue.md("\n".join(f"- {n}" for n in info["notes"]) or "(aucune)"),
        }
    )


@asset_check(
    asset=AssetKey(["marts", "liens"]),
    name="registre_references_resolues",
    description="Les liens du registre curé renvoient tous à des nœuds connus du département.",
)
def registre_references_resolues(context, warehouse: WarehouseResource) -> AssetCheckResult:
    code = context.run.tags.get("dagster/partition") if context.run else None
    with warehouse.connect(read_only=True) as con:
        rows = con.execute(
            "select source_file, line, field, reason from quarantine.rejets "
            "where table_name = 'registre_references'" + (" and source_file like ?" if code else ""),
            [f"%/{code}/%"] if code else [],
        ).fetchall()
    return AssetCheckResult(
        passed=not rows,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "rejets": len(rows),
            "details": MetadataValue.md("\n".join(f"- {f}:{n} [{c}] {r}" for f, n, c, r in rows[:30]) or "-"),
        },
    )


ASSETS: list = [graphe_acteurs, analyse_coordination, reseau_acteurs]
CHECKS: list = [registre_references_resolues]
SENSORS: list = []
