"""The SQL of a dbt model or test run on a small hand-made DuckDB warehouse, without starting dbt.

The file is rendered with Jinja: ``ref('x')`` → the table standing for it (``marts.x`` unless told),
``source('s', 't')`` → ``<schema>.t`` (the source's ``schema:`` in the dbt yml, else ``s``),
``var('v')`` → the value given, else the one of ``dbt_project.yml``,
else its default, ``config(...)`` → nothing. Only for SQL that uses no other macro.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

import duckdb
import jinja2

from socle.settings import DBT_PROJECT_DIR

PROJET = Path(DBT_PROJECT_DIR)


@functools.cache
def _schemas_sources() -> dict[str, str]:
    """Each dbt source's schema (``schema:`` of its declaration, else its name)."""
    import yaml

    schemas: dict[str, str] = {}
    for yml in sorted((PROJET / "models").rglob("*.yml")):
        for source in (yaml.safe_load(yml.read_text(encoding="utf-8")) or {}).get("sources") or []:
            schemas[source["name"]] = source.get("schema", source["name"])
    return schemas


def schema_source(nom: str) -> str:
    """The schema of dbt source ``nom``, as :func:`rendre` writes it."""
    return _schemas_sources().get(nom, nom)


def rendre(chemin: Path, refs: Mapping[str, str] | None = None, **variables) -> str:
    """The SQL of ``chemin`` (relative to the dbt project) as dbt would compile it on the hand-made tables."""
    refs = refs or {}

    def var(name: str, default=None):
        if name in variables:
            return variables[name]
        from ingest.vocabulaires import dbt_var

        try:
            return dbt_var(name)
        except KeyError:
            if default is None:
                raise
            return default

    return (
        jinja2.Environment(undefined=jinja2.StrictUndefined)
        .from_string((PROJET / chemin).read_text(encoding="utf-8"))
        .render(
            config=lambda **_: "",
            ref=lambda name: refs.get(name, f"marts.{name}"),
            source=lambda nom, table: f"{schema_source(nom)}.{table}",
            var=var,
        )
    )


def creer_perimetre(con: duckdb.DuckDBPyConnection) -> None:
    """``rapport.perimetre`` built by its real model from the hand-made ``marts.territoires``."""
    con.execute("create schema if not exists rapport")
    sql = rendre(Path("models/marts/perimetre.sql"))
    con.execute(f"create or replace table rapport.perimetre as {sql}")


def creer_corrections_comite(con: duckdb.DuckDBPyConnection) -> None:
    """``raw.reseau_corrections`` as its reader creates it (empty) and the view dbt makes over it
    (``staging.stg_suivi__reseau_corrections``, read by the graph), by its real SQL."""
    from ingest.suivi import DDL, TABLE_CORRECTIONS

    con.execute("create schema if not exists raw")
    con.execute("create schema if not exists staging")
    con.execute(f"create table if not exists raw.{TABLE_CORRECTIONS} ({DDL[TABLE_CORRECTIONS]})")
    sql = rendre(Path("models/staging/suivi/stg_suivi__reseau_corrections.sql"))
    con.execute(f"create or replace view staging.stg_suivi__reseau_corrections as {sql}")


def creer_tables_rapport(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables dbt makes for the report (models of dbt_project/models/rapport/, schema rapport),
    built by their real SQL from the hand-made marts, in their order of dependence; a model whose
    marts are not all in the warehouse is not built (dbt would not build it either). Returns the
    names built."""
    import re

    con.execute("create schema if not exists rapport")
    modeles = {p.stem: p for p in sorted((PROJET / "models" / "rapport").glob("*.sql"))}
    existantes = {
        f"{s}.{t}"
        for s, t in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    }
    refs = {nom: f"rapport.{nom}" for nom in modeles}
    faites: list[str] = []
    restants = dict(modeles)
    while restants:
        avance = False
        for nom, chemin in list(restants.items()):
            texte = chemin.read_text(encoding="utf-8")
            lues = {refs.get(r, f"marts.{r}") for r in re.findall(r"ref\('([a-z0-9_]+)'\)", texte)}
            lues |= {
                f"{schema_source(s)}.{t}"
                for s, t in re.findall(r"source\('([a-z0-9_]+)', '([a-z0-9_]+)'\)", texte)
            }
            lues |= set(re.findall(r"\bfrom (raw\.[a-z0-9_]+)", texte))  # the load journal, by its name
            if lues & {f"rapport.{r}" for r in restants}:
                continue  # another model of the report first
            del restants[nom]
            avance = True
            if lues <= existantes:
                sql = rendre(chemin.relative_to(PROJET), refs)
                con.execute(f"create or replace table rapport.{nom} as {sql}")
                existantes.add(f"rapport.{nom}")
                faites.append(nom)
        if not avance:
            raise AssertionError(f"the report's models depend on each other in a circle: {sorted(restants)}")
    return faites
