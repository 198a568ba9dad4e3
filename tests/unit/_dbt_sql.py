"""The SQL of a dbt model or test run on a small hand-made DuckDB warehouse, without starting dbt.

The file is rendered with Jinja: ``ref('x')`` → the table standing for it (``marts.x`` unless told),
``source('s', 't')`` → ``s.t``, ``var('v')`` → the value given, else the one of ``dbt_project.yml``,
else its default, ``config(...)`` → nothing. Only for SQL that uses no other macro.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb
import jinja2

from socle.settings import DBT_PROJECT_DIR

PROJET = Path(DBT_PROJECT_DIR)


def rendre(chemin: Path, refs: Mapping[str, str] | None = None, **variables) -> str:
    """The SQL of ``chemin`` (relative to the dbt project) as dbt would compile it on the hand-made tables."""
    refs = refs or {}

    def var(name: str, default=None):
        if name in variables:
            return variables[name]
        from orchestration.assets.checks_offre import dbt_var  # loads Dagster: only when a var is read

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
            source=lambda schema, table: f"{schema}.{table}",
            var=var,
        )
    )


def creer_perimetre(con: duckdb.DuckDBPyConnection) -> None:
    """``rapport.perimetre`` built by its real model from the hand-made ``marts.territoires``."""
    con.execute("create schema if not exists rapport")
    sql = rendre(Path("models/marts/perimetre.sql"))
    con.execute(f"create or replace table rapport.perimetre as {sql}")
