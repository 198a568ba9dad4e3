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

from graph.export import DESCRIPTIONS
from graph.modele import SOURCES
from graph.territoires import MissingSource
from ingest.paresseux import module_paresseux
from orchestration.partitions import departement_partitions
from orchestration.resources import PacteSettingsResource, WarehouseResource
from socle.settings import DBT_PROJECT_DIR

# the graph code (networkx layouts, pandas) is imported when a step runs
pipeline = module_paresseux("graph.pipeline")

__all__ = ["ASSETS", "CHECKS", "SENSORS", "SOURCE_KEYS"]

GROUP = "graphe"
SEEDS = DBT_PROJECT_DIR / "seeds"
# the asset producing each table the graph reads
SOURCE_KEYS: dict[str, AssetKey] = {table: AssetKey(table.split(".")) for table in SOURCES}
# the comité's corrections of the network (orchestration/assets/suivi.py), applied by graph/comite.py
SOURCE_KEYS["raw.reseau_corrections"] = AssetKey(["raw", "reseau_corrections"])
DESCRIPTIONS_ANALYSE = {
    "coordination_acteurs": "Centralités, communauté, rôle de courtage et distance à France Travail "
    "de chaque acteur et dispositif.",
    "coordination_dispositifs": "Partenaires attendus et observés de chaque dispositif en cours.",
    "liens_manquants": "Liens attendus absents du graphe observé, avec leur raison.",
    "faiblesse_coordination": "Score de faiblesse de coordination (0 à 1) par territoire et domaine, "
    "avec ses composantes.",
}


def _schema(table: str) -> TableSchema:
    return TableSchema(
        columns=[TableColumn(name, "", description=text) for name, text in DESCRIPTIONS[table].items()]
    )


def _spec(name: str, description: str, deps: list[AssetKey]) -> AssetSpec:
    return AssetSpec(
        AssetKey(["marts", name]),
        group_name=GROUP,
        kinds={"python", "duckdb"},
        deps=deps,
        description=description,
        metadata={"dagster/column_schema": _schema(name)},
    )


@multi_asset(
    specs=[
        _spec(
            "acteurs",
            "Nœuds du graphe des acteurs et dispositifs d'un département (acteurs, dispositifs, "
            "territoires, domaines, axes, services ; les documents sont les preuves des liens, "
            "pas des nœuds).",
            list(SOURCE_KEYS.values()),
        ),
        _spec(
            "liens", "Liens typés du graphe avec leurs preuves et leur confiance.", list(SOURCE_KEYS.values())
        ),
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
            result, summary = pipeline.build_and_write(con, code, SEEDS, settings.output_for(code))
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
            name,
            description,
            [AssetKey(["marts", "acteurs"]), AssetKey(["marts", "liens"]), AssetKey(["marts", "besoins"])],
        )
        for name, description in DESCRIPTIONS_ANALYSE.items()
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
    acteurs, dispositifs = frames["coordination_acteurs"], frames["coordination_dispositifs"]
    manquants, faiblesse = frames["liens_manquants"], frames["faiblesse_coordination"]
    yield MaterializeResult(
        asset_key=AssetKey(["marts", "coordination_acteurs"]),
        metadata={
            "dagster/row_count": len(acteurs),
            "methode_intermediarite": str(acteurs["methode_intermediarite"].iloc[0]) if len(acteurs) else "-",
            "duree_s": elapsed,
            "communautes": int(acteurs["communaute"].nunique()) if len(acteurs) else 0,
            "roles": MetadataValue.json(acteurs["role_courtage"].value_counts().to_dict()),
        },
    )
    yield MaterializeResult(
        asset_key=AssetKey(["marts", "coordination_dispositifs"]),
        metadata={
            "dagster/row_count": len(dispositifs),
            "part_attentes_satisfaites": float(dispositifs["present"].mean()) if len(dispositifs) else 0.0,
        },
    )
    yield MaterializeResult(
        asset_key=AssetKey(["marts", "liens_manquants"]),
        metadata={
            "dagster/row_count": len(manquants),
            "par_regle": MetadataValue.json(manquants["regle"].value_counts().to_dict()),
        },
    )
    yield MaterializeResult(
        asset_key=AssetKey(["marts", "faiblesse_coordination"]),
        metadata={
            "dagster/row_count": len(faiblesse),
            "score_moyen": float(faiblesse["score"].mean()) if len(faiblesse) else 0.0,
        },
    )


@asset(
    key=AssetKey(["outputs", "reseau_acteurs"]),
    group_name=GROUP,
    partitions_def=departement_partitions,
    deps=[
        AssetKey(["marts", "acteurs"]),
        AssetKey(["marts", "liens"]),
        AssetKey(["marts", "coordination_acteurs"]),
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
