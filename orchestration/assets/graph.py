"""Graph stage: knowledge graph, coordination analysis and network page, per département.

Assets (partitioned by département, after the marts they read):

- ``marts/acteurs`` + ``marts/liens``: the graph merged from the registry, the template, the
  territories, the offer catalogue and the documents; GraphML under ``output/<code>/``;
- ``marts/coordination_acteurs``, ``marts/coordination_dispositifs``, ``marts/liens_manquants``,
  ``marts/faiblesse_coordination``: the analysis;
- ``outputs/reseau_acteurs``: the self-contained network page ``output/<code>/reseau_acteurs.html``.

A mart that is not built yet makes the asset fail with a message naming it: the graph is never
built silently from half of its sources. Orchestration only: the logic is in ``graph/``.
"""

import json
import time
from pathlib import Path

import pandas as pd
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

from graph import analyse, page
from graph.construction import GraphInputs, build_graph
from graph.dispositifs import read_modele
from graph.export import (
    DESCRIPTIONS,
    graph_from_tables,
    read_departement,
    tables_from_graph,
    write_departement,
    write_graphml,
    write_quarantine,
)
from graph.registre import registre_departement
from graph.territoires import MissingSource
from orchestration.partitions import departement_partitions
from orchestration.resources import PacteSettingsResource, WarehouseResource
from orchestration.settings import DBT_PROJECT_DIR

__all__ = ["ASSETS", "CHECKS", "SENSORS", "SOURCES_GRAPHE"]

GROUP = "graphe"
MODELE = DBT_PROJECT_DIR / "seeds" / "dispositifs_modele.csv"
AXES_DOMAINES = DBT_PROJECT_DIR / "seeds" / "axes_domaines.csv"

# table → (asset key producing it, required?)
SOURCES_GRAPHE: dict[str, tuple[AssetKey, bool]] = {
    "marts.territoires": (AssetKey(["marts", "territoires"]), True),
    "marts.structures": (AssetKey(["marts", "structures"]), True),
    "marts.services": (AssetKey(["marts", "services"]), True),
    "marts.documents": (AssetKey(["marts", "documents"]), True),
    "marts.mentions": (AssetKey(["marts", "mentions"]), True),
    "marts.liens_candidats": (AssetKey(["marts", "liens_candidats"]), True),
    "raw.ft_clpe_communes": (AssetKey(["raw", "ft_clpe_communes"]), True),
    "raw.politique_ville_contrats": (AssetKey(["raw", "politique_ville_contrats"]), True),
    "raw.geo_communes": (AssetKey(["raw", "geo_communes"]), True),
    "raw.cog_communes": (AssetKey(["raw", "cog_communes"]), True),
    "raw.registre_acteurs": (AssetKey(["raw", "registre_acteurs"]), True),
    "raw.registre_dispositifs": (AssetKey(["raw", "registre_dispositifs"]), True),
    "raw.registre_liens": (AssetKey(["raw", "registre_liens"]), True),
}
ANALYSE_SOURCES = {"marts.besoins": AssetKey(["marts", "besoins"])}
MARTS_ANALYSE = (
    "coordination_acteurs",
    "coordination_dispositifs",
    "liens_manquants",
    "faiblesse_coordination",
)


def _schema(table: str) -> TableSchema:
    return TableSchema(
        columns=[TableColumn(name, "", description=text) for name, text in DESCRIPTIONS[table].items()]
    )


def _tables(con) -> set[str]:
    return {
        f"{s}.{t}"
        for s, t in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    }


def _read(con, table: str, code: str | None = None, column: str = "code_departement") -> pd.DataFrame:
    if code is None:
        return con.execute(f"select * from {table}").df()
    return con.execute(f"select * from {table} where {column} = ?", [code]).df()


def _missing_message(missing: list[str]) -> str:
    names = ", ".join(f"{t} (asset {SOURCES_GRAPHE[t][0].to_user_string()})" for t in missing)
    return (
        f"le graphe des acteurs ne peut pas être construit : table(s) absente(s) de l'entrepôt : {names}. "
        "Construire d'abord ces assets (pacte build les enchaîne quand ils existent)."
    )


def _load_inputs(con, code: str) -> GraphInputs:
    present = _tables(con)
    missing = [t for t, (_key, required) in SOURCES_GRAPHE.items() if required and t not in present]
    if missing:
        raise Failure(description=_missing_message(missing))
    territoires = con.execute(
        "select * from marts.territoires where code_departement = ? or niveau in ('region', 'epci', 'ept')",
        [code],
    ).df()
    registre = registre_departement(
        _read(con, "raw.registre_acteurs", code),
        _read(con, "raw.registre_dispositifs", code),
        _read(con, "raw.registre_liens", code),
        code,
    )
    geo = con.execute(
        "select code_insee, dep, geometrie_wkt from raw.geo_communes where dep = ?", [code]
    ).df()
    sirens = dict(
        con.execute(
            "select siren, code_insee from raw.cog_communes where dep = ? and type = 'commune-actuelle' "
            "and siren is not null",
            [code],
        ).fetchall()
    )
    return GraphInputs(
        code_departement=code,
        territoires=territoires,
        axes_domaines=pd.read_csv(AXES_DOMAINES, dtype=str, keep_default_na=False),
        modele=read_modele(MODELE),
        clpe=_read(con, "raw.ft_clpe_communes", code, "departement_id"),
        contrats_ville=_read(con, "raw.politique_ville_contrats"),
        geo_communes=geo,
        structures=_read(con, "marts.structures", code),
        services=_read(con, "marts.services", code),
        documents=_read(con, "marts.documents"),
        mentions=con.execute(
            "select * from marts.mentions where code_departement = ? or code_departement is null", [code]
        ).df(),
        liens_candidats=con.execute(
            "select * from marts.liens_candidats where code_departement = ? or code_departement is null",
            [code],
        ).df(),
        registre=registre,
        sirens_communes=sirens,
    )


@multi_asset(
    specs=[
        AssetSpec(
            AssetKey(["marts", "acteurs"]),
            group_name=GROUP,
            kinds={"python", "duckdb"},
            deps=[key for key, _ in SOURCES_GRAPHE.values()],
            description="Nœuds du graphe des acteurs et dispositifs d'un département (acteurs, dispositifs, "
            "territoires, domaines, axes, services, documents).",
            metadata={"dagster/column_schema": _schema("acteurs")},
        ),
        AssetSpec(
            AssetKey(["marts", "liens"]),
            group_name=GROUP,
            kinds={"python", "duckdb"},
            deps=[key for key, _ in SOURCES_GRAPHE.values()],
            description="Liens typés du graphe avec leurs preuves et leur confiance.",
            metadata={"dagster/column_schema": _schema("liens")},
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
    with warehouse.connect(read_only=True) as con:
        inputs = _load_inputs(con, code)
    try:
        result = build_graph(inputs)
    except MissingSource as exc:
        raise Failure(description=str(exc)) from exc
    registry_state = "présent" if not inputs.registre.empty else "absent"
    if registry_state == "absent":
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
    nodes, edges = tables_from_graph(result.graph)
    graphml = write_graphml(result.graph, settings.output_for(code) / "graphe_acteurs.graphml")
    with warehouse.connect() as con:
        write_departement(con, "marts.acteurs", nodes, code)
        write_departement(con, "marts.liens", edges, code)
        write_quarantine(con, "registre_references", result.rejets, code)
    elapsed = time.perf_counter() - started
    common = {
        "registre": registry_state,
        "departement": code,
        "duree_s": round(elapsed, 2),
        "messages": MetadataValue.md("\n".join(f"- {m}" for m in result.messages) or "(aucun)"),
    }
    yield MaterializeResult(
        asset_key=AssetKey(["marts", "acteurs"]),
        metadata={
            **common,
            "dagster/row_count": len(nodes),
            "graphml": MetadataValue.path(str(graphml)),
            "noeuds_par_type": MetadataValue.json(nodes["type_noeud"].value_counts().to_dict()),
            "statistiques": MetadataValue.json(result.stats),
        },
    )
    yield MaterializeResult(
        asset_key=AssetKey(["marts", "liens"]),
        metadata={
            **common,
            "dagster/row_count": len(edges),
            "references_registre_rejetees": len(result.rejets),
            "liens_par_type": MetadataValue.json(edges["type_lien"].value_counts().to_dict()),
        },
    )


def _load_graph(con, code: str):
    try:
        nodes = read_departement(con, "marts.acteurs", code)
        edges = read_departement(con, "marts.liens", code)
    except LookupError as exc:
        raise Failure(description=str(exc)) from exc
    if nodes.empty:
        raise Failure(description=f"marts.acteurs n'a aucune ligne pour le département {code}")
    return graph_from_tables(nodes, edges)


@multi_asset(
    specs=[
        AssetSpec(
            AssetKey(["marts", name]),
            group_name=GROUP,
            kinds={"python", "duckdb"},
            deps=[AssetKey(["marts", "acteurs"]), AssetKey(["marts", "liens"]), *ANALYSE_SOURCES.values()],
            description=desc,
            metadata={"dagster/column_schema": _schema(name)},
        )
        for name, desc in (
            (
                "coordination_acteurs",
                "Centralités, communauté, rôle de courtage et distance à France Travail de "
                "chaque acteur et dispositif.",
            ),
            ("coordination_dispositifs", "Partenaires attendus et observés de chaque dispositif en cours."),
            ("liens_manquants", "Liens attendus absents du graphe observé, avec leur raison."),
            (
                "faiblesse_coordination",
                "Score de faiblesse de coordination (0 à 1) par territoire et domaine, avec ses composantes.",
            ),
        )
    ],
    partitions_def=departement_partitions,
    name="analyse_coordination",
)
def analyse_coordination(context: AssetExecutionContext, warehouse: WarehouseResource):
    """Metrics, expected partners, missing links and weakness score of one département."""
    code = context.partition_key
    params = analyse.Parametres()
    with warehouse.connect(read_only=True) as con:
        graph = _load_graph(con, code)
        if "marts.besoins" not in _tables(con):
            raise Failure(
                description="marts.besoins absent : construire d'abord les marts du besoin "
                "(asset marts/besoins)"
            )
        besoins = _read(con, "marts.besoins", code)
    started = time.perf_counter()
    acteurs = analyse.coordination_acteurs(graph, params)
    dispositifs = analyse.coordination_dispositifs(graph, params)
    manquants = analyse.liens_manquants(graph, dispositifs, besoins, params)
    faiblesse = analyse.faiblesse_coordination(graph, dispositifs, params)
    elapsed = time.perf_counter() - started
    frames = dict(zip(MARTS_ANALYSE, (acteurs, dispositifs, manquants, faiblesse), strict=True))
    with warehouse.connect() as con:
        for name, frame in frames.items():
            write_departement(con, f"marts.{name}", frame, code)
    method = acteurs["methode_intermediarite"].iloc[0] if len(acteurs) else None
    yield MaterializeResult(
        asset_key=AssetKey(["marts", "coordination_acteurs"]),
        metadata={
            "dagster/row_count": len(acteurs),
            "methode_intermediarite": str(method),
            "duree_s": round(elapsed, 2),
            "communautes": int(acteurs["communaute"].nunique()) if len(acteurs) else 0,
            "roles": MetadataValue.json(
                acteurs["role_courtage"].value_counts().to_dict() if len(acteurs) else {}
            ),
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
            "par_regle": MetadataValue.json(
                manquants["regle"].value_counts().to_dict() if len(manquants) else {}
            ),
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
    with warehouse.connect(read_only=True) as con:
        graph = _load_graph(con, code)
        metrics = read_departement(con, "marts.coordination_acteurs", code)
    path = settings.output_for(code) / "reseau_acteurs.html"
    started = time.perf_counter()
    info = page.write_page(graph, metrics, Path(path))
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(path)),
            "taille_octets": path.stat().st_size,
            "noeuds_affiches": info["noeuds_affiches"],
            "aretes_affichees": info["aretes_affichees"],
            "agregation": info["agregation"],
            "duree_s": round(time.perf_counter() - started, 2),
            "resume": MetadataValue.json(json.loads(json.dumps(info, default=str))),
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
