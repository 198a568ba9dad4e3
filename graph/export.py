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
import re
from pathlib import Path

import duckdb

from graph.declaration import declarations
from graph.modele import ACTOR_TYPES, EDGE_KINDS, missing_to_none
from ingest.paresseux import module_paresseux
from ingest.warehouse import write_quarantine  # re-exported: the graph's quarantine rows

pd = module_paresseux("pandas")
nx = module_paresseux("networkx")

__all__ = [
    "NODE_COLUMNS",
    "EDGE_COLUMNS",
    "DESCRIPTIONS",
    "tables_from_graph",
    "graph_from_tables",
    "LIST_COLUMNS",
    "as_list",
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
# the node columns copied as text from the node's attributes (the others are keys, labels, JSON)
_TEXT_ATTRS = tuple(
    c
    for c in NODE_COLUMNS
    if c not in {"code_departement", "id_noeud", "type_noeud", "libelle", "libelle_type_acteur",
                 "historique", "attributs", *_JSON_ATTRS}
)
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

# The graph's tables are declared, with their French column descriptions, as the dbt source
# ``graphe`` (dbt owns the declaration; dbt also writes them as DuckDB COMMENTs, macro
# ``commenter_sources``), read by graph/declaration.py. Here for the Dagster column schemas and
# the data dictionary.
DESCRIPTIONS: dict[str, dict[str, str]] = {t.nom: dict(t.colonnes) for t in declarations()}

# Columns stored as native DuckDB lists (the frames carry them as JSON text; converted on write).
_TEXT_LIST = '["VARCHAR"]'
_EVIDENCE_LIST = json.dumps(
    [{"origine": "VARCHAR", "type_preuve": "VARCHAR", "reference": "VARCHAR", "confiance": "DOUBLE",
      "date": "VARCHAR", "commentaire": "VARCHAR"}]
)
LIST_COLUMNS: dict[str, dict[str, str]] = {
    "acteurs": {attr: _TEXT_LIST for attr in _JSON_ATTRS},
    "liens": {"origines": _TEXT_LIST, "preuves": _EVIDENCE_LIST},
    "coordination_dispositifs": {"candidats": _TEXT_LIST, "observes": _TEXT_LIST, "manquants": _TEXT_LIST},
}


def as_list(value: object) -> list | None:
    """A list column's value as a Python list, whether JSON text (a frame of :func:`tables_from_graph`)
    or a DuckDB list read back (``numpy`` array of values or of dicts); ``None`` when missing.

    Examples
    --------
    >>> import numpy as np
    >>> as_list('["A1", "A3"]'), as_list(np.array(["A1"], dtype=object)), as_list(None)
    (['A1', 'A3'], ['A1'], None)
    >>> as_list(np.array([{"origine": "registre", "date": None}], dtype=object))
    [{'origine': 'registre'}]
    """
    if isinstance(value, str):
        return json.loads(value)
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        value = value.tolist()
    if isinstance(value, list | tuple):
        # a struct read back carries every field; keep only the ones set, as Evidence.as_dict does
        return [{k: v for k, v in x.items() if v is not None} if isinstance(x, dict) else x for x in value]
    return None if missing_to_none(value) is None else value  # type: ignore[return-value]


def _as_json_text(frame: pd.DataFrame, lists: dict[str, str]) -> pd.DataFrame:
    """``frame`` with its list columns as JSON text (``None`` when missing), ready for ``from_json``.

    Text is already JSON (:func:`tables_from_graph` writes it; ``from_json`` parses it as it is): kept,
    not parsed and written again (461 152 ties' evidence of a large local offer)."""
    frame = frame.copy()
    for column in lists:
        if column in frame.columns:
            frame[column] = [
                v
                if isinstance(v, str)
                else (None if (items := as_list(v)) is None else json.dumps(items, ensure_ascii=False))
                for v in frame[column].astype(object)
            ]
    return frame


def _select_typed(columns: list[str], lists: dict[str, str]) -> str:
    """SELECT over ``_graph_rows`` turning the JSON text of the list columns into native lists."""
    parts = [
        f"from_json(\"{c}\", '{lists[c]}') as \"{c}\"" if c in lists else f'"{c}"' for c in columns
    ]
    return "select " + ", ".join(parts) + " from _graph_rows"


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
    # column by column, missing values (None, NaN, NA) found once per column rather than per cell:
    # 187 788 nodes and 461 152 ties of a large local offer are read back by the analysis and the page
    texte = [(attr, _valeurs(nodes, attr)) for attr in _TEXT_ATTRS]
    listes = [(attr, _valeurs(nodes, attr)) for attr in _JSON_ATTRS]
    historiques, extras = _valeurs(nodes, "historique"), _valeurs(nodes, "attributs")
    types, libelles = nodes["type_noeud"].tolist(), nodes["libelle"].astype(object).tolist()
    for i, id_noeud in enumerate(nodes["id_noeud"].tolist()):
        data: dict[str, object] = {"type_noeud": types[i], "libelle": libelles[i]}
        for attr, valeurs in texte:
            value = valeurs[i]
            if value is not None:
                data[attr] = value
        historique = historiques[i]
        if historique is not None:
            data["historique"] = bool(historique)
        for attr, valeurs in listes:
            value = valeurs[i]
            if value is not None and (value := as_list(value)) is not None:
                data[attr] = value
        extra = extras[i]
        if extra:
            data.update(json.loads(extra))
        data.setdefault("sources", [])
        graph.add_node(id_noeud, **data)
    add_edge = graph.add_edge
    for source, cible, type_lien, confiance, origines, preuves in zip(
        *(_valeurs(edges, c) for c in ("source", "cible", "type_lien", "confiance", "origines", "preuves")),
        strict=True,
    ):
        add_edge(
            source,
            cible,
            key=type_lien,
            type_lien=type_lien,
            confiance=float("nan") if confiance is None else float(confiance),
            origines=(origines is not None and as_list(origines)) or [],
            preuves=(preuves is not None and as_list(preuves)) or [],
        )
    return graph


def _valeurs(frame: pd.DataFrame, column: str) -> list:
    """A column's values as Python objects, ``None`` for a missing one (as :func:`missing_to_none`
    says, cell by cell) or for a column the frame does not have."""
    if column not in frame.columns:
        return [None] * len(frame)
    values = frame[column]
    manques = values.isna().tolist()
    return [None if manque else v for v, manque in zip(values.astype(object).tolist(), manques, strict=True)]


def write_departement(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, code: str) -> int:
    """Replace the rows of département ``code`` in ``table`` (``schema.name``) by ``frame``.

    Creates the table when missing; when its columns differ from the frame's (new version of
    the code), or a list column is not yet a native list (JSON text of an earlier version), the
    rows of the other départements are kept and the table is rebuilt with the new columns. The
    columns of :data:`LIST_COLUMNS` are stored as native DuckDB lists. Returns the number of rows
    written.
    """
    schema, name = table.split(".")
    lists = LIST_COLUMNS.get(name, {})
    con.execute(f"create schema if not exists {schema}")
    frame = _as_json_text(frame, lists)
    frame["code_departement"] = code
    typed = _select_typed(list(frame.columns), lists)
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        table.split("."),
    ).fetchall()[0][0]
    con.register("_graph_rows", frame)
    try:
        if not exists:
            con.execute(f"create table {table} as {typed}")
            return len(frame)
        described = con.execute(f"describe {table}").fetchall()
        columns = [r[0] for r in described]
        not_lists = [r[0] for r in described if r[0] in lists and not str(r[1]).endswith("[]")]
        if columns != list(frame.columns) or not_lists:
            others = con.execute(
                f"select * from {table} where code_departement is distinct from ?", [code]
            ).df()
            others = _as_json_text(others, lists)
            merged = pd.concat([others, frame], ignore_index=True) if len(others) else frame
            merged = merged[list(frame.columns)]
            con.unregister("_graph_rows")
            con.register("_graph_rows", merged)
            con.execute(f"create or replace table {table} as {typed}")
            return len(frame)
        con.execute("begin transaction")
        con.execute(f"delete from {table} where code_departement = ?", [code])
        con.execute(f"insert into {table} {typed}")
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


# Nodes + ties past which the GraphML is streamed by :func:`_write_graphml_flux` (the same document
# for a reader, without networkx's element tree: 100 000 local offer rows make 187 788 nodes and
# 461 152 ties, whose networkx writing took two thirds of the graph construction). A normal département
# (93: 701 nodes, 1 588 ties) stays below and its file is written by networkx, byte for byte as before.
SEUIL_GRAPHML_FLUX = 50_000


def _scalar(data: dict) -> dict:
    """A node's or tie's attributes as GraphML scalars (lists and dicts as JSON text, ``None`` left out)."""
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


def write_graphml(graph: nx.MultiDiGraph, path: Path, seuil: int = SEUIL_GRAPHML_FLUX) -> Path:
    """GraphML export; lists and dicts become JSON text (GraphML has scalar attributes only).

    Past ``seuil`` nodes + ties the file is streamed (:func:`_write_graphml_flux`): the same keys,
    nodes, ties and values for a GraphML reader, written without building an element per value."""
    path = Path(path)
    if graph.number_of_nodes() + graph.number_of_edges() > seuil:
        path.parent.mkdir(parents=True, exist_ok=True)
        return _write_graphml_flux(graph, path)
    export = nx.MultiDiGraph(code_departement=str(graph.graph.get("code_departement") or ""))
    scalar = _scalar
    for node, data in graph.nodes(data=True):
        export.add_node(node, **scalar(data))
    for u, v, key, data in graph.edges(keys=True, data=True):
        export.add_edge(u, v, key=key, **scalar(data))
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(export, path, encoding="utf-8")
    return path


def _xml_type(value: object) -> str:
    """GraphML's attribute type of a value of :func:`_scalar`, as networkx writes and reads it."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"  # text, and lists or dicts written as JSON text


# characters XML 1.0 cannot hold (networkx's writer refuses them too)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


_A_ECHAPPER = re.compile("[&<>\r]")


def _texte_xml(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attribut_xml(value: str) -> str:
    return _texte_xml(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _write_graphml_flux(graph: nx.MultiDiGraph, path: Path) -> Path:
    """Stream the GraphML of a large graph, line by line, to ``path`` (written atomically).

    The document networkx writes, read back the same (:func:`networkx.read_graphml`): one key per
    attribute name, type and scope, numbered in order of first appearance (graph, nodes, then ties);
    values as ``str`` gives them. A first pass collects the keys (GraphML declares them first)."""
    # (scope, name, Python type) → key id; ids follow the first appearance of (name, GraphML type, scope)
    scopes: dict[tuple[str, str, str], str] = {}
    ids: dict[tuple[str, object, type], str] = {}

    def declarer(scope: str, data: dict) -> None:
        for k, v in data.items():
            if v is not None and (scope, k, type(v)) not in ids:
                trouve = (str(k), _xml_type(v), scope)
                ident = scopes.get(trouve)
                if ident is None:
                    ident = scopes[trouve] = f"d{len(scopes)}"
                ids[(scope, k, type(v))] = ident

    graphe = {"code_departement": str(graph.graph.get("code_departement") or "")}
    declarer("graph", graphe)
    for _, data in graph.nodes(data=True):
        declarer("node", data)
    for _, _, data in graph.edges(data=True):
        declarer("edge", data)
    echapper = _A_ECHAPPER.search

    def donnees(data: dict, scope: str) -> list[str]:
        """The ``<data>`` lines of one node or tie: the values of :func:`_scalar`, escaped."""
        lignes = []
        for k, v in data.items():
            if v is None:
                continue
            ident = ids[(scope, k, type(v))]
            if isinstance(v, (list, dict, set, tuple)):
                v = json.dumps(_jsonable(v), ensure_ascii=False)
            elif not isinstance(v, (bool, int, float, str)):
                v = str(v)
            texte = (_texte_xml(v) if echapper(v) else v) if isinstance(v, str) else str(v)
            lignes.append(f'<data key="{ident}">{texte}</data>\n')
        return lignes

    tmp = path.with_name(path.name + ".partiel")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as out:
            write = out.write
            write("<?xml version='1.0' encoding='utf-8'?>\n")
            write(
                f'<graphml xmlns="{nx.readwrite.graphml.GraphML.NS_GRAPHML}" '
                f'xmlns:xsi="{nx.readwrite.graphml.GraphML.NS_XSI}" '
                f'xsi:schemaLocation="{nx.readwrite.graphml.GraphML.SCHEMALOCATION}">\n'
            )
            for (name, xml_type, scope), ident in scopes.items():
                write(
                    f'<key id="{ident}" for="{scope}" attr.name="{_attribut_xml(name)}" '
                    f'attr.type="{xml_type}"/>\n'
                )
            write('<graph edgedefault="directed">\n')
            write("".join(donnees(graphe, "graph")))
            for node, data in graph.nodes(data=True):
                bloc = "".join(
                    [
                        f'<node id="{_attribut_xml(str(node))}">\n',
                        *donnees(data, "node"),
                        "</node>\n",
                    ]
                )
                if _XML_ILLEGAL.search(bloc):
                    raise ValueError(f"GraphML : le nœud {node!r} contient un caractère interdit en XML")
                write(bloc)
            for u, v, key, data in graph.edges(keys=True, data=True):
                bloc = "".join(
                    [
                        f'<edge source="{_attribut_xml(str(u))}" target="{_attribut_xml(str(v))}" '
                        f'id="{_attribut_xml(str(key))}">\n',
                        *donnees(data, "edge"),
                        "</edge>\n",
                    ]
                )
                if _XML_ILLEGAL.search(bloc):
                    raise ValueError(f"GraphML : le lien {u!r} → {v!r} contient un caractère interdit en XML")
                write(bloc)
            write("</graph>\n</graphml>\n")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
