"""The report's reads of the tables dbt makes for it (schema ``rapport``, dbt_project/models/rapport/):
loads and sources of the data, evidence of the leads, governance of the dispositifs, review of the
actions; and the latest indicators.

Each reader takes an open DuckDB connection and returns records or frames for
:func:`rapport.contexte.contexte_departement`; the joins, groupings and orderings are dbt's, the
reader only selects the département's rows and presents them. A table that is absent raises
:class:`rapport.donnees.MartManquant` (:func:`rapport.donnees.exige_tables_rapport`). Split from
rapport/contexte.py (issue 13).
"""

from __future__ import annotations

import math
from typing import Any

import duckdb
import pandas as pd

from rapport.donnees import exige_marts, lire

__all__ = ["enregistrements"]


def _propre(valeur: Any) -> Any:
    if valeur is None:
        return None
    if isinstance(valeur, float) and math.isnan(valeur):
        return None
    if valeur is pd.NA or valeur is pd.NaT:
        return None
    if hasattr(valeur, "item") and not isinstance(valeur, str | bytes):
        try:
            return valeur.item()
        except (ValueError, AttributeError):
            return valeur
    return valeur


def enregistrements(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as dicts with NaN/NA turned into ``None``.

    Examples
    --------
    >>> enregistrements(pd.DataFrame({"a": [1.0, float("nan")]}))
    [{'a': 1.0}, {'a': None}]
    """
    return [{k: _propre(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _chargements(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The last load of each raw table (dbt model ``chargements``), dated « jj/mm/aaaa hh:mm »."""
    frame = lire(con, "select * from rapport.chargements order by table_name")
    frame["loaded_at"] = frame["loaded_at"].map(lambda d: d.strftime("%d/%m/%Y %H:%M") if pd.notna(d) else "")
    return enregistrements(frame)


def _sources(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The sources of the diagnostic as people name them, one row per dataset, grouped by part of
    the diagnostic, with the rows loaded (dbt model ``sources``)."""
    return enregistrements(
        lire(
            con,
            "select * exclude (ordre_theme, tables_brutes) from rapport.sources "
            "order by ordre_theme, producteur, jeu_de_donnees",
        )
    )


def _source_de_table(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    """« publisher, dataset » of the loaded raw ``table`` (dbt model ``sources``); None when not loaded."""
    ligne = con.execute(
        "select producteur || ', ' || jeu_de_donnees from rapport.sources "
        "where list_contains(tables_brutes, ?) order by ordre_theme, producteur, jeu_de_donnees",
        [table],
    ).fetchone()
    return ligne[0] if ligne else None


def _niveaux(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Territorial level code → its names (seed ``vocabulaire_niveaux``)."""
    exige_marts(con, ["vocabulaire_niveaux"])
    return {r["niveau"]: r for r in enregistrements(lire(con, "select * from marts.vocabulaire_niveaux"))}


def _sources_offre(con: duckdb.DuckDBPyConnection, code: str) -> str:
    """The offer lists the département's structures come from, by their names (dbt model
    ``sources_offre``), e.g. « Agences France Travail, Missions locales, Structures de l'IAE »."""
    ligne = con.execute(
        "select sources_offre from rapport.sources_offre where code_departement = ?", [code]
    ).fetchone()
    return (ligne[0] if ligne else None) or "catalogue de l'offre"


def _besoins_sources(con: duckdb.DuckDBPyConnection, code: str) -> tuple[dict[str, str], dict[str, str]]:
    """Per domain, the sources of the indicators in its communes' need index, and their years
    (« , 2020-2025 »), from the dbt model ``besoins_sources``."""
    # tuples, not a frame: a year column with a NULL would turn into floats (« 2021.0 »)
    lignes = con.execute(
        "select code_domaine, sources, annee_min, annee_max from rapport.besoins_sources "
        "where code_departement = ?",
        [code],
    ).fetchall()
    sources = {d: s for d, s, _, _ in lignes if s is not None}
    annees = {d: (f", {a}" if a == b else f", {a}-{b}") for d, _, a, b in lignes if a is not None}
    return sources, annees


def _preuves(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """The leads' evidence with where a person finds it (dbt model ``preuves_pistes``), in the
    order of the lead's sheet."""
    return lire(
        con,
        "select * exclude (ordre_type) from rapport.preuves_pistes where code_departement = ? "
        "order by id_piste, ordre_type, ordre",
        [code],
    )


def _indicateurs(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """The latest value of every indicator of the département, its communes and the EPT / EPCI its
    priorities rank, with the catalogue's label, axis and source (dbt model ``indicateurs_derniers``),
    each row with its territory's own département; ordered by axis, domain, indicator, level, territory."""
    return lire(
        con,
        "select * exclude (code_departement) rename (departement_territoire as code_departement) "
        "from rapport.indicateurs_derniers where code_departement = ? "
        "order by code_axe nulls first, code_domaine nulls first, code_indicateur, niveau, code_territoire",
        [code],
    )


def _gouvernance(con: duckdb.DuckDBPyConnection, code: str) -> list[dict[str, Any]]:
    """The département's dispositifs (graph nodes) with their pilots and partner coverage: the rows
    the dbt model ``gouvernance_dispositifs`` (schema ``rapport``, after the graph) makes for the report."""
    return enregistrements(
        lire(
            con,
            "select * exclude (code_departement) from rapport.gouvernance_dispositifs "
            "where code_departement = ? order by historique, libelle",
            [code],
        )
    )


def _revue_actions(
    con: duckdb.DuckDBPyConnection, code: str, passages: pd.DataFrame
) -> dict[str, list[dict[str, Any]]]:
    """What the documents the review reads say about the CALPAE/SPIE actions.

    Only the documents marts.revue_documents keeps (relevant kinds, local documents): their
    passages; their statements of progress with the status in words (marts.revue_actions), those
    about the CALPAE, the SPIE or the poverty strategy first; their passages citing those
    dispositifs. The documents set aside are listed with the reason.
    """
    documents = lire(
        con,
        "select * from marts.revue_documents where code_departement = ? "
        "order by revu desc, titre, id_document",
        [code],
    )
    rapports, ecartes = [], []
    for doc in enregistrements(documents):
        if doc["revu"]:
            extraits = passages[passages["id_document"] == doc["id_document"]].head(8)
            rapports.append({**doc, "passages": enregistrements(extraits)})
        else:
            ecartes.append(doc)
    avancements = enregistrements(
        lire(
            con,
            "select * exclude (code_departement, rang) from rapport.revue_avancements "
            "where code_departement = ? order by rang",
            [code],
        )
    )
    citations = enregistrements(
        lire(
            con,
            "select * exclude (code_departement, rang) from rapport.revue_citations "
            "where code_departement = ? order by rang",
            [code],
        )
    )
    return {"documents": rapports, "ecartes": ecartes, "avancements": avancements, "passages": citations}
