"""Read the marts of one département from the warehouse, failing clearly when one is missing.

Every reader takes an open DuckDB connection and returns pandas frames; nothing here invents a
value: a mart that is absent raises :class:`MartManquant` naming it and the part of the project
that produces it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # frames come from DuckDB's .df(): pandas is not loaded on import (Dagster's start-up)
    import pandas as pd

from graph.declaration import declarations

__all__ = [
    "MART_PRODUCTEURS",
    "MARTS_PAR_DEPARTEMENT",
    "par_departement",
    "MartManquant",
    "exige_marts",
    "liste_marts",
    "colonnes",
    "lire",
    "lire_departement",
    "filtre_departement",
    "PERIMETRE",
    "TABLES_RAPPORT",
    "TABLES_CLASSEUR",
    "exige_tables_rapport",
]

#: the territories of each département's files (dbt model ``perimetre``, schema ``rapport``)
PERIMETRE = "rapport.perimetre"

# which part of the project writes each mart (for error messages)
MART_PRODUCTEURS: dict[str, str] = {
    "territoires": "need side (issue 2, dbt)",
    "indicateurs": "need side (issue 2, dbt)",
    "besoins": "need side (issue 2, dbt)",
    "besoins_composantes": "need side (issue 2, dbt)",
    "axes_domaines": "need side (issue 2, dbt seed)",
    "indicateurs_catalogue": "need side (issue 2, dbt seed)",
    "structures": "offer (issue 3, dbt)",
    "services": "offer (issue 3, dbt)",
    "offre": "offer (issue 3, dbt)",
    "accessibilite": "offer (issue 3, dbt)",
    "ecarts": "offer (issue 3, dbt)",
    "documents": "documents (issue 4)",
    "passages": "documents (issue 4)",
    "mentions": "documents (issue 4)",
    "liens_candidats": "documents (issue 4)",
    "parole": "documents (issue 4)",
    # the graph's marts, as the dbt source ``graphe`` declares them (graph/declaration.py)
    **{t.nom: "graph (issue 5, Python asset)" for t in declarations()},
    "priorites": "priorities (issue 6, dbt tag apres_graphe)",
    "pistes": "priorities (issue 6, dbt tag apres_graphe)",
    "pistes_acteurs": "priorities (issue 6, dbt tag apres_graphe)",
    "pistes_preuves": "priorities (issue 6, dbt tag apres_graphe)",
}


# marts computed per département build (graph, priorities): their rows belong to one département
# even when a territory (an EPCI) spans several, so they are filtered on code_departement alone.
# The graph's are the tables of the dbt source ``graphe`` (:func:`par_departement` reads them at call
# time, so a table declared there is filtered so without another edit).
_PRIORITES_PAR_DEPARTEMENT = frozenset({"priorites", "pistes", "pistes_acteurs", "pistes_preuves"})
MARTS_PAR_DEPARTEMENT = _PRIORITES_PAR_DEPARTEMENT | {t.nom for t in declarations()}


def par_departement(mart: str) -> bool:
    """True for a mart computed per département build (graph, priorities)."""
    return mart in _PRIORITES_PAR_DEPARTEMENT or mart in {t.nom for t in declarations()}


class MartManquant(RuntimeError):
    """A mart the report needs is not in the warehouse."""


def liste_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the tables and views of schema ``marts``, sorted."""
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
    ).fetchall()
    return [r[0] for r in rows]


def exige_marts(con: duckdb.DuckDBPyConnection, noms: Iterable[str]) -> None:
    """Raise :class:`MartManquant` listing every absent mart of ``noms`` with its producer."""
    presents = set(liste_marts(con))
    absents = [n for n in noms if n not in presents]
    if absents:
        producteurs = {**MART_PRODUCTEURS, **{t.nom: "graph (issue 5, Python asset)" for t in declarations()}}
        detail = ", ".join(f"marts.{n} ({producteurs.get(n, 'unknown producer')})" for n in absents)
        raise MartManquant(f"the report needs marts that are not in the warehouse: {detail}")


def colonnes(con: duckdb.DuckDBPyConnection, mart: str) -> list[str]:
    """Column names of ``marts.<mart>`` in table order."""
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = 'marts' "
        "and table_name = ? order by ordinal_position",
        [mart],
    ).fetchall()
    return [r[0] for r in rows]


def lire(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    """Run ``sql`` and return a frame."""
    return con.execute(sql, params or []).df()


def filtre_departement(con: duckdb.DuckDBPyConnection, mart: str, code: str) -> tuple[str, list]:
    """The WHERE clause restricting ``marts.<mart>`` to département ``code``.

    Territorial marts (``niveau``, ``code_territoire``) keep the territories of the département's
    perimeter, read from :data:`PERIMETRE` (dbt owns it: the département, its communes and QPV,
    the EPCI / EPT of its communes, its région and France); marts computed per département build
    keep their rows of ``code_departement``, whatever the territory; other marts with
    ``code_departement`` keep the département's rows; marts without it (reference lists such as
    seeds) are kept whole. Raises :class:`MartManquant` when a territorial mart is read and the
    perimeter is not in the warehouse.
    """
    cols = set(colonnes(con, mart))
    if "code_departement" not in cols:
        return "true", []
    if par_departement(mart):
        return "code_departement = ?", [code]
    if {"niveau", "code_territoire"} <= cols:
        schema, table = PERIMETRE.split(".")
        present = con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
        if not present:
            raise MartManquant(
                f"le périmètre des départements ({PERIMETRE}) manque dans l'entrepôt : relancez la "
                "construction (modèle dbt perimetre)"
            )
        return (
            f"(niveau, code_territoire) in (select niveau, code_territoire from {PERIMETRE} "
            "where code_departement = ?)",
            [code],
        )
    return "code_departement = ?", [code]


def lire_departement(con: duckdb.DuckDBPyConnection, mart: str, code: str) -> pd.DataFrame:
    """All rows of ``marts.<mart>`` for département ``code`` (see :func:`filtre_departement`)."""
    exige_marts(con, [mart])
    where, params = filtre_departement(con, mart, code)
    return lire(con, f'select * from marts."{mart}" where {where}', params)


#: The tables dbt makes for the report (schema ``rapport``: dbt_project/models/rapport/ and
#: gouvernance_dispositifs), built after the graph (dbt tag ``apres_graphe``); the report's
#: assets depend on them (orchestration/assets/rapport.py).
SCHEMA_RAPPORT = "rapport"
TABLES_RAPPORT = (
    "chargements",
    "sources",
    "sources_offre",
    "besoins_sources",
    "preuves_pistes",
    "gouvernance_dispositifs",
    "revue_avancements",
    "revue_citations",
    "indicateurs_derniers",
)
#: those the workbook's synthesis sheets read (rapport/classeur_synthese.py)
TABLES_CLASSEUR = (
    "synthese_besoins",
    "synthese_priorites",
    "synthese_pistes",
    "synthese_indicateurs",
    "sources_classeur",
)


def exige_tables_rapport(con: duckdb.DuckDBPyConnection, noms: Iterable[str] = TABLES_RAPPORT) -> None:
    """Raise :class:`MartManquant` naming every table of ``noms`` absent from schema ``rapport``."""
    presentes = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [SCHEMA_RAPPORT]
        ).fetchall()
    }
    absentes = [n for n in noms if n not in presentes]
    if absentes:
        raise MartManquant(
            "the report needs tables that are not in the warehouse: "
            + ", ".join(f"{SCHEMA_RAPPORT}.{n}" for n in absentes)
            + " (dbt models of dbt_project/models/rapport, tag apres_graphe: run `pacte build`)"
        )
