"""The data dictionary: every mart and column with its French description, as one static HTML page.

Descriptions come from the dbt manifest (models, seeds and the sources of the graph tables); the
columns actually present come from the warehouse (DuckDB ``information_schema``), so a column
that exists but is not described is caught by :func:`sans_description`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from rapport.donnees import liste_marts

__all__ = [
    "descriptions",
    "descriptions_graphe",
    "descriptions_completes",
    "colonnes_reelles",
    "sans_description",
    "rendre_dictionnaire",
]


def descriptions(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{mart: {"description", "colonnes": {colonne: description}, "origine"}}`` from a dbt manifest.

    Models and seeds of schema ``marts`` and sources whose schema is ``marts`` are kept; when a
    name appears both as a source and as a model, the model wins.

    Examples
    --------
    >>> m = {"nodes": {"model.pacte.x": {"resource_type": "model", "schema": "marts", "name": "x",
    ...   "description": "X", "columns": {"a": {"description": "A"}}}}, "sources": {}}
    >>> descriptions(m)["x"]["colonnes"]
    {'a': 'A'}
    """
    out: dict[str, dict[str, Any]] = {}
    for source in manifest.get("sources", {}).values():
        if source.get("schema") == "marts":
            out[source["name"]] = {
                "description": source.get("description", ""),
                "colonnes": {k: v.get("description", "") for k, v in source.get("columns", {}).items()},
                "origine": f"source dbt {source.get('source_name')}",
            }
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") in {"model", "seed"} and node.get("schema") == "marts":
            name = node.get("alias") or node["name"]
            out[name] = {
                "description": node.get("description", ""),
                "colonnes": {k: v.get("description", "") for k, v in node.get("columns", {}).items()},
                "origine": f"{node['resource_type']} dbt {node.get('original_file_path', '')}",
            }
    return out


def descriptions_graphe() -> dict[str, dict[str, str]]:
    """Column descriptions of the graph tables, which the graph code writes (not dbt).

    They are declared once, in the dbt source ``graphe`` (read by ``graph.declaration``).
    """
    from graph.declaration import declarations

    return {t.nom: dict(t.colonnes) for t in declarations()}


def descriptions_completes(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """:func:`descriptions` of the manifest completed with the graph tables' column descriptions.

    A mart's description comes from dbt (model, seed or the ``graphe`` source); a column's from
    dbt when it has one there, else from the graph code.
    """
    from graph.declaration import declarations

    out = descriptions(manifest)
    for table in declarations():
        info = out.setdefault(
            table.nom, {"description": "", "colonnes": {}, "origine": "code Python du graphe"}
        )
        if not (info["description"] or "").strip():
            info["description"] = table.description
        for colonne, texte in table.colonnes.items():
            if not (info["colonnes"].get(colonne) or "").strip():
                info["colonnes"][colonne] = texte
    return out


def colonnes_reelles(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """``{mart: [(column, type), ...]}`` for every table of schema ``marts``."""
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' order by table_name, ordinal_position"
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {m: [] for m in liste_marts(con)}
    for table, column, kind in rows:
        out.setdefault(table, []).append((column, kind))
    return out


def sans_description(
    descr: dict[str, dict[str, Any]], reelles: dict[str, list[tuple[str, str]]]
) -> list[str]:
    """Marts and columns of the warehouse lacking a description (``mart`` or ``mart.column``).

    Examples
    --------
    >>> sans_description({"x": {"description": "X", "colonnes": {"a": "A", "b": ""}}},
    ...                  {"x": [("a", "INT"), ("b", "INT")], "y": [("c", "INT")]})
    ['x.b', 'y']
    """
    manquants = []
    for mart, cols in sorted(reelles.items()):
        info = descr.get(mart)
        if not info or not (info.get("description") or "").strip():
            manquants.append(mart)
            continue
        for col, _ in cols:
            if not (info["colonnes"].get(col) or "").strip():
                manquants.append(f"{mart}.{col}")
    return manquants


def rendre_dictionnaire(manifest_path: Path, con: duckdb.DuckDBPyConnection, genere_le: str) -> str:
    """The static dictionary page (HTML, self-contained)."""
    from rapport.rendu import environnement

    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    descr = descriptions_completes(manifest)
    reelles = colonnes_reelles(con)
    marts = []
    for mart, cols in sorted(reelles.items()):
        info = descr.get(mart, {"description": "", "colonnes": {}, "origine": ""})
        marts.append(
            {
                "nom": mart,
                "description": info["description"],
                "origine": info.get("origine", ""),
                "colonnes": [
                    {"nom": c, "type": t, "description": info["colonnes"].get(c, "")} for c, t in cols
                ],
            }
        )
    return (
        environnement()
        .get_template("dictionnaire.html")
        .render(marts=marts, manquants=sans_description(descr, reelles), genere_le=genere_le)
    )
