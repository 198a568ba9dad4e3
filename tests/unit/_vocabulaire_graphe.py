"""The graph's vocabulary for tests, made as dbt makes it (issue 13: the graph reads it from the warehouse).

- :func:`charger_seed`: a seed CSV loaded into ``marts.<seed>`` with the column types of its yml,
  empty cells null (as ``dbt seed`` loads it);
- :func:`charger_parametres`: the model ``int_graphe__parametres`` rendered with the dbt vars of
  ``dbt_project.yml``, overridden by ``overrides`` as ``dbt build --vars`` would, and run;
- :func:`entrepot_vocabulaire`: both, on a connection (an in-memory one by default);
- :func:`installer_vocabulaire_des_seeds`: the seeds' vocabulary installed for the graph's names
  (``graph.modele.ACTOR_TYPES``...), for the tests that use them without a warehouse (tests/conftest.py);
- :func:`read_modele`: the dispositif template read from its seed file and checked.
"""

from __future__ import annotations

import functools
from pathlib import Path

import duckdb
import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "dbt_project" / "seeds"
MODELE_PARAMETRES = REPO / "dbt_project" / "models" / "intermediate" / "graphe" / "int_graphe__parametres.sql"
SEEDS_VOCABULAIRE = ("acteurs_groupes", "acteurs_types", "acteurs_codes")


@functools.cache
def _types_colonnes() -> dict[str, dict[str, str]]:
    types: dict[str, dict[str, str]] = {}
    for fichier in sorted(SEEDS.glob("*.yml")):
        for seed in (yaml.safe_load(fichier.read_text(encoding="utf-8")) or {}).get("seeds") or []:
            types[seed["name"]] = dict((seed.get("config") or {}).get("column_types") or {})
    return types


def charger_seed(con: duckdb.DuckDBPyConnection, nom: str, chemin: Path | None = None) -> None:
    """``marts.<nom>`` from the seed file (or ``chemin``), typed by the seed's yml, rows in the file's
    order."""
    colonnes = _types_colonnes()[nom]
    con.execute("create schema if not exists marts")
    con.execute(f"drop table if exists marts.{nom}")
    con.execute(
        f"create table marts.{nom} as select * from read_csv(?, header = true, columns = "
        + "{"
        + ", ".join(f"'{c}': '{t}'" for c, t in colonnes.items())
        + "})",
        [str(chemin or SEEDS / f"{nom}.csv")],
    )


def sql_parametres(**overrides: object) -> str:
    """The SQL of ``int_graphe__parametres`` as dbt compiles it with ``--vars`` ``overrides`` (the other
    vars: their value in ``dbt_project.yml``)."""
    from ingest.vocabulaires import dbt_var
    from tests.unit._dbt_sql import rendre

    variables = {"offre_seuil_besoin_fort": dbt_var("offre_seuil_besoin_fort"), **overrides}
    return rendre(MODELE_PARAMETRES.relative_to(REPO / "dbt_project"), **variables)


def charger_parametres(con: duckdb.DuckDBPyConnection, **overrides: object) -> None:
    """``intermediate.int_graphe__parametres`` built from the model's SQL with the vars ``overrides``."""
    con.execute("create schema if not exists intermediate")
    con.execute("drop table if exists intermediate.int_graphe__parametres")
    con.execute(f"create table intermediate.int_graphe__parametres as {sql_parametres(**overrides)}")


def entrepot_vocabulaire(con: duckdb.DuckDBPyConnection | None = None, **overrides: object):
    """The vocabulary tables of the graph on ``con`` (default: a new in-memory database); returns ``con``."""
    con = con if con is not None else duckdb.connect()
    for nom in SEEDS_VOCABULAIRE:
        charger_seed(con, nom)
    charger_parametres(con, **overrides)
    return con


def installer_vocabulaire_des_seeds():
    """Install the seeds' vocabulary for the graph's names; returns it."""
    from graph import vocabulaire

    con = entrepot_vocabulaire()
    try:
        return vocabulaire.charger(con)
    finally:
        con.close()


def read_modele(path: Path = SEEDS / "dispositifs_modele.csv") -> pd.DataFrame:
    """Read and check the dispositif template; raises ``ModeleInvalide`` naming file, line and field."""
    from graph.dispositifs import ModeleInvalide, check_modele

    path = Path(path)
    if not path.exists():
        raise ModeleInvalide(f"{path}: modèle national des dispositifs absent")
    return check_modele(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8"), path)
