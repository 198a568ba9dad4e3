"""Graph ↔ tables (``marts.acteurs``, ``marts.liens``), per-département writes, GraphML.

The node and edge tables hold everything needed to rebuild the graph
(:func:`graph_from_tables`), so that the analysis and the page read the marts, not a pickle.

Examples
--------
>>> from graph.modele import new_graph, add_node, add_edge, Evidence
>>> g = new_graph("93")
>>> add_node(g, "caf:93", "acteur", "CAF", type_acteur="caf", axes=["A3"], sources=["modele"])
>>> add_node(g, "dispositif:pdi:departement:93", "dispositif", "PDI", communes=["93001"], historique=False)
>>> add_edge(g, "caf:93", "dispositif:pdi:departement:93", "partenaire_de",
...          Evidence("registre", "convention", "c", 0.8))
>>> nodes, edges = tables_from_graph(g)
>>> h = graph_from_tables(nodes, edges)
>>> edge = h.edges["caf:93", "dispositif:pdi:departement:93", "partenaire_de"]
>>> h.nodes["caf:93"]["axes"], edge["confiance"]
(['A3'], 0.8)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import networkx as nx
import pandas as pd

from graph.modele import ACTOR_TYPES, EDGE_KINDS, missing_to_none
from ingest.core import QuarantineRow

__all__ = [
    "NODE_COLUMNS",
    "EDGE_COLUMNS",
    "DESCRIPTIONS",
    "tables_from_graph",
    "graph_from_tables",
    "write_departement",
    "read_departement",
    "write_graphml",
    "write_quarantine",
]

_JSON_ATTRS = (
    "axes",
    "domaines",
    "ids_structures",
    "communes",
    "pilotes_attendus",
    "signataires_attendus",
    "partenaires_attendus",
    "sources",
)
_TEXT_ATTRS = (
    "type_acteur",
    "groupe_acteur",
    "code_dispositif",
    "niveau",
    "code_territoire",
    "niveau_territoire",
    "code_commune",
    "code_axe",
    "code_domaine",
    "siret",
    "id_structure",
    "periode",
    "reference",
    "source_publique",
    "echelle",
)
NODE_COLUMNS = [
    "code_departement",
    "id_noeud",
    "type_noeud",
    "libelle",
    "type_acteur",
    "libelle_type_acteur",
    "groupe_acteur",
    "code_dispositif",
    "niveau",
    "code_territoire",
    "niveau_territoire",
    "code_commune",
    "code_axe",
    "code_domaine",
    "siret",
    "id_structure",
    "periode",
    "historique",
    "reference",
    "source_publique",
    "echelle",
    *_JSON_ATTRS,
    "attributs",
]
EDGE_COLUMNS = [
    "code_departement",
    "id_lien",
    "source",
    "cible",
    "type_lien",
    "type_lien_en",
    "type_noeud_source",
    "type_noeud_cible",
    "libelle_source",
    "libelle_cible",
    "confiance",
    "nb_preuves",
    "origines",
    "preuves",
]

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "acteurs": {
        "code_departement": "Département du graphe (code COG).",
        "id_noeud": "Identifiant du nœud (ex. caf:93, structure:<id>, dispositif:pdi:departement:93).",
        "type_noeud": "Nature du nœud : acteur, dispositif, territoire, domaine, axe, service.",
        "libelle": "Nom affiché.",
        "type_acteur": "Type d'acteur (conseil_departemental, france_travail, siae, association...).",
        "libelle_type_acteur": "Type d'acteur en clair.",
        "groupe_acteur": "Groupe de types d'acteurs (collectivités, État, service public de l'emploi...).",
        "code_dispositif": "Code du dispositif dans le modèle national (pdi, pti, contrat_de_ville...).",
        "niveau": "Niveau du territoire (territoires et dispositifs) : commune, ept, epci, departement, "
        "clpe...",
        "code_territoire": "Code du territoire du nœud ou de son périmètre.",
        "niveau_territoire": "Niveau du périmètre d'action d'un acteur (departement, ept, commune...).",
        "code_commune": "Commune d'implantation (acteurs du catalogue, services).",
        "code_axe": "Axe du Pacte (domaines, services).",
        "code_domaine": "Domaine (services, domaines).",
        "siret": "SIRET ou SIREN connu.",
        "id_structure": "Identifiant de la structure du catalogue de l'offre réutilisée.",
        "periode": "Période du dispositif (ex. 2024-2027).",
        "historique": "Vrai si la période du dispositif est close (exclu des règles de partenaires "
        "attendus).",
        "reference": "Texte ou source qui fonde le dispositif.",
        "source_publique": "Source publique citée par le registre pour l'acteur.",
        "echelle": "Échelle du dispositif dans le modèle national.",
        "axes": "Axes du Pacte (liste JSON) : ceux du dispositif ou des services de l'acteur.",
        "domaines": "Domaines des services de l'acteur (liste JSON).",
        "ids_structures": "Identifiants des structures du catalogue fusionnées dans ce nœud (liste JSON).",
        "communes": "Communes couvertes par le dispositif (liste JSON).",
        "pilotes_attendus": "Types d'acteurs pilotes selon le modèle (liste JSON).",
        "signataires_attendus": "Types d'acteurs signataires attendus (liste JSON).",
        "partenaires_attendus": "Types d'acteurs partenaires attendus (liste JSON).",
        "sources": "Origines du nœud : registre, modele, territoires, catalogue, documents (liste JSON).",
        "attributs": "Autres attributs (JSON) : population, coordonnées, typologie...",
    },
    "liens": {
        "code_departement": "Département du graphe.",
        "id_lien": "Identifiant stable du lien (empreinte de source, cible et type).",
        "source": "Nœud d'origine.",
        "cible": "Nœud d'arrivée.",
        "type_lien": "Nature du lien : pilote, signe, finance, opere, partenaire_de, membre_de, couvre, "
        "offre, "
        "releve_de, situe_dans.",
        "type_lien_en": "Nom anglais du type de lien (pilots, signs, funds...).",
        "type_noeud_source": "Nature du nœud d'origine.",
        "type_noeud_cible": "Nature du nœud d'arrivée.",
        "libelle_source": "Nom du nœud d'origine.",
        "libelle_cible": "Nom du nœud d'arrivée.",
        "confiance": "Confiance combinée des preuves (0 à 1) : 1 - produit des (1 - confiance de chaque "
        "preuve).",
        "nb_preuves": "Nombre de preuves.",
        "origines": "Origines des preuves (liste JSON) : registre, modele, catalogue, documents, "
        "entretiens...",
        "preuves": "Preuves (liste JSON) : origine, type_preuve, reference, confiance, date, commentaire.",
    },
    "coordination_acteurs": {
        "code_departement": "Département.",
        "id_noeud": "Acteur ou dispositif.",
        "libelle": "Nom.",
        "type_noeud": "acteur ou dispositif.",
        "type_acteur": "Type d'acteur.",
        "groupe_acteur": "Groupe utilisé pour les rôles de courtage (dispositif pour les dispositifs).",
        "code_dispositif": "Code du dispositif (pour les dispositifs).",
        "degre": "Nombre de partenaires distincts (liens de coordination, toutes directions).",
        "degre_pondere": "Somme des confiances des liens de coordination.",
        "intermediarite": "Centralité d'intermédiarité normalisée (part des plus courts chemins qui passent "
        "par "
        "le nœud).",
        "methode_intermediarite": "exacte, ou approchee au-delà du seuil de taille (voir k_echantillon).",
        "k_echantillon": "Nombre de nœuds pivots tirés (graine fixe) quand la méthode est approchée.",
        "communaute": "Communauté (méthode de Louvain, graine fixe), numérotée par taille décroissante.",
        "taille_communaute": "Nombre de nœuds de la communauté.",
        "role_courtage": "Rôle de courtage dominant : liaison, gardien_representant, consultant, "
        "coordinateur, "
        "aucun.",
        "nb_liaison": "Paires de partenaires non liés entre eux, de trois groupes différents, reliées par "
        "ce nœud.",
        "nb_gardien_representant": "Paires reliées dont un seul partenaire est du groupe du nœud.",
        "nb_consultant": "Paires reliées dont les deux partenaires sont d'un même autre groupe.",
        "nb_coordinateur": "Paires reliées dont les deux partenaires sont du groupe du nœud.",
        "distance_france_travail": "Nombre de liens jusqu'au plus proche acteur France Travail (vide : aucun "
        "chemin).",
    },
    "coordination_dispositifs": {
        "code_departement": "Département.",
        "id_dispositif": "Instance de dispositif.",
        "code_dispositif": "Code du modèle national.",
        "libelle_dispositif": "Nom de l'instance.",
        "niveau": "Niveau du territoire couvert.",
        "code_territoire": "Code du territoire couvert.",
        "role_attendu": "pilote, signataire ou partenaire.",
        "type_lien_attendu": "Type de lien attendu (pilote, signe, partenaire_de).",
        "type_acteur": "Type d'acteur attendu (intercommunalite = EPT ou EPCI).",
        "libelle_type_acteur": "Type d'acteur attendu en clair.",
        "nb_candidats": "Acteurs de ce type connus sur le territoire de l'instance.",
        "candidats": "Leurs identifiants (liste JSON, 50 au plus).",
        "nb_observes": "Acteurs de ce type liés à l'instance dans le graphe.",
        "observes": "Leurs identifiants (liste JSON).",
        "present": "Vrai si au moins un acteur de ce type est lié à l'instance.",
        "manquants": "Candidats attendus sans lien observé quand le type est absent (liste JSON).",
        "taux_couverture_dispositif": "Part des types attendus présents pour cette instance.",
    },
    "liens_manquants": {
        "code_departement": "Département.",
        "regle": "Règle : partenaire_attendu_absent, insertion_sans_lien_ft_pdi, operateurs_sans_lien, "
        "besoin_eleve_offre_non_coordonnee.",
        "id_source": "Acteur ou dispositif concerné.",
        "libelle_source": "Son nom.",
        "id_cible": "Partenaire attendu quand il est unique.",
        "libelle_cible": "Son nom.",
        "type_lien_attendu": "Type de lien attendu.",
        "niveau": "Niveau du territoire concerné.",
        "code_territoire": "Territoire concerné.",
        "code_axe": "Axe (règles par domaine).",
        "code_domaine": "Domaine (règles par domaine).",
        "raison": "Raison, en clair.",
        "details": "Détails (JSON) : candidats, opérateurs, indice de besoin...",
    },
    "faiblesse_coordination": {
        "niveau": "Niveau du territoire : commune, ept, epci, departement.",
        "code_territoire": "Code du territoire.",
        "code_departement": "Département.",
        "code_axe": "Axe du domaine.",
        "code_domaine": "Domaine.",
        "score": "Faiblesse de coordination (0 = bien coordonné, 1 = pas du tout) : moyenne pondérée des "
        "composantes mesurées.",
        "nb_composantes": "Nombre de composantes mesurées.",
        "composantes": "Composantes mesurées (JSON).",
        "isolement": "Part des opérateurs du domaine sans aucun lien de coordination.",
        "fragmentation": "Part des paires d'opérateurs non liés (ni directement, ni par un dispositif "
        "commun).",
        "partenaires_manquants": "Part moyenne des types de partenaires attendus absents des dispositifs qui "
        "couvrent le territoire sur l'axe du domaine.",
        "eloignement_france_travail": "Axe 2 : part des opérateurs à plus de deux liens de France Travail.",
        "nb_operateurs": "Nombre d'opérateurs (acteurs offrant un service du domaine sur le territoire).",
        "nb_dispositifs": "Nombre de dispositifs en cours couvrant le territoire sur l'axe du domaine.",
    },
}


def _jsonable(value: object) -> object:
    if isinstance(value, set):
        return sorted(value)
    return value


def tables_from_graph(graph: nx.MultiDiGraph) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node and edge tables of a graph (columns :data:`NODE_COLUMNS`, :data:`EDGE_COLUMNS`)."""
    code = graph.graph.get("code_departement")
    node_rows = []
    for node, data in graph.nodes(data=True):
        row: dict[str, object] = {
            "code_departement": code,
            "id_noeud": node,
            "type_noeud": data["type_noeud"],
            "libelle": data.get("libelle"),
        }
        for attr in _TEXT_ATTRS:
            value = data.get(attr)
            row[attr] = None if value is None else str(value)
        row["libelle_type_acteur"] = ACTOR_TYPES.get(data.get("type_acteur") or "", (None, None))[0]
        row["historique"] = data.get("historique")
        for attr in _JSON_ATTRS:
            value = data.get(attr)
            row[attr] = None if value is None else json.dumps(_jsonable(value), ensure_ascii=False)
        known = {"type_noeud", "libelle", "historique", *_TEXT_ATTRS, *_JSON_ATTRS}
        extra = {k: _jsonable(v) for k, v in data.items() if k not in known and v is not None}
        row["attributs"] = json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None
        node_rows.append(row)
    edge_rows = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        digest = hashlib.sha1(f"{code}|{u}|{v}|{key}".encode()).hexdigest()[:16]
        edge_rows.append(
            {
                "code_departement": code,
                "id_lien": digest,
                "source": u,
                "cible": v,
                "type_lien": key,
                "type_lien_en": EDGE_KINDS.get(key),
                "type_noeud_source": graph.nodes[u]["type_noeud"],
                "type_noeud_cible": graph.nodes[v]["type_noeud"],
                "libelle_source": graph.nodes[u].get("libelle"),
                "libelle_cible": graph.nodes[v].get("libelle"),
                "confiance": float(data["confiance"]),
                "nb_preuves": len(data.get("preuves", [])),
                "origines": json.dumps(data.get("origines", []), ensure_ascii=False),
                "preuves": json.dumps(data.get("preuves", []), ensure_ascii=False),
            }
        )
    nodes = pd.DataFrame(node_rows, columns=NODE_COLUMNS).sort_values("id_noeud", kind="stable")
    edges = pd.DataFrame(edge_rows, columns=EDGE_COLUMNS).sort_values(["source", "cible", "type_lien"])
    nodes["historique"] = nodes["historique"].astype("boolean")
    edges["nb_preuves"] = edges["nb_preuves"].astype("int64")
    edges["confiance"] = edges["confiance"].astype("float64")
    return nodes.reset_index(drop=True), edges.reset_index(drop=True)


def graph_from_tables(nodes: pd.DataFrame, edges: pd.DataFrame) -> nx.MultiDiGraph:
    """Rebuild the graph written by :func:`tables_from_graph`."""
    codes = nodes["code_departement"].dropna().unique() if len(nodes) else []
    graph = nx.MultiDiGraph(code_departement=str(codes[0]) if len(codes) else None)
    for row in nodes.to_dict("records"):
        data: dict[str, object] = {"type_noeud": row["type_noeud"], "libelle": row["libelle"]}
        for attr in _TEXT_ATTRS:
            value = missing_to_none(row.get(attr))
            if value is not None:
                data[attr] = value
        historique = missing_to_none(row.get("historique"))
        if historique is not None:
            data["historique"] = bool(historique)
        for attr in _JSON_ATTRS:
            value = missing_to_none(row.get(attr))
            if value is not None:
                data[attr] = json.loads(value)
        extra = missing_to_none(row.get("attributs"))
        if extra:
            data.update(json.loads(extra))
        data.setdefault("sources", [])
        graph.add_node(row["id_noeud"], **data)
    for row in edges.to_dict("records"):
        graph.add_edge(
            row["source"],
            row["cible"],
            key=row["type_lien"],
            type_lien=row["type_lien"],
            confiance=float(row["confiance"]),
            origines=json.loads(row["origines"] or "[]"),
            preuves=json.loads(row["preuves"] or "[]"),
        )
    return graph


def write_departement(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, code: str) -> int:
    """Replace the rows of département ``code`` in ``table`` (``schema.name``) by ``frame``.

    Creates the table when missing; when its columns differ from the frame's (new version of
    the code), the rows of the other départements are kept and the table is rebuilt with the
    new columns. Returns the number of rows written.
    """
    schema = table.split(".")[0]
    con.execute(f"create schema if not exists {schema}")
    frame = frame.copy()
    frame["code_departement"] = code
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        table.split("."),
    ).fetchall()[0][0]
    con.register("_graph_rows", frame)
    try:
        if not exists:
            con.execute(f"create table {table} as select * from _graph_rows")
            return len(frame)
        columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
        if columns != list(frame.columns):
            others = con.execute(
                f"select * from {table} where code_departement is distinct from ?", [code]
            ).df()
            merged = pd.concat([others, frame], ignore_index=True) if len(others) else frame
            merged = merged[list(frame.columns)]
            con.unregister("_graph_rows")
            con.register("_graph_rows", merged)
            con.execute(f"create or replace table {table} as select * from _graph_rows")
            return len(frame)
        con.execute("begin transaction")
        con.execute(f"delete from {table} where code_departement = ?", [code])
        con.execute(f"insert into {table} select * from _graph_rows")
        con.execute("commit")
    finally:
        con.unregister("_graph_rows")
    return len(frame)


def read_departement(con: duckdb.DuckDBPyConnection, table: str, code: str) -> pd.DataFrame:
    """Rows of one département (raises a clear error when the table does not exist)."""
    schema, name = table.split(".")
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()[0][0]
    if not exists:
        raise LookupError(
            f"la table {table} n'existe pas : construire d'abord le graphe du département {code}"
        )
    return con.execute(f"select * from {table} where code_departement = ? order by all", [code]).df()


def write_quarantine(
    con: duckdb.DuckDBPyConnection, table_name: str, rows: list[QuarantineRow], code: str
) -> None:
    """Replace the quarantine rows of ``table_name`` for département ``code``.

    The rows of a département are those whose file path holds ``/<code>/``.
    """
    from ingest.warehouse import QUARANTINE_TABLE, ensure_schemas, insert_rows

    ensure_schemas(con)
    con.execute(
        f"delete from {QUARANTINE_TABLE} where table_name = ? and source_file like ?",
        [table_name, f"%/{code}/%"],
    )
    if rows:
        insert_rows(
            con,
            QUARANTINE_TABLE,
            [(table_name, q.source_file, q.line, q.field, q.reason, q.content) for q in rows],
            columns=["table_name", "source_file", "line", "field", "reason", "content"],
        )


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> Path:
    """GraphML export; lists and dicts become JSON text (GraphML has scalar attributes only)."""
    export = nx.MultiDiGraph(code_departement=str(graph.graph.get("code_departement") or ""))

    def scalar(data: dict) -> dict:
        out = {}
        for key, value in data.items():
            if value is None:
                continue
            if isinstance(value, (list, dict, set, tuple)):
                out[key] = json.dumps(_jsonable(value), ensure_ascii=False)
            elif isinstance(value, (bool, int, float, str)):
                out[key] = value
            else:
                out[key] = str(value)
        return out

    for node, data in graph.nodes(data=True):
        export.add_node(node, **scalar(data))
    for u, v, key, data in graph.edges(keys=True, data=True):
        export.add_edge(u, v, key=key, **scalar(data))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(export, path, encoding="utf-8")
    return path
