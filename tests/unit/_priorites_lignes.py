"""The hand-made warehouse (``_rapport_entrepot``) with the priority marts as rows, for the Python
tests that read them (report, kit, exports, comité's loop).

The rows (tests/fixtures/priorites) are what the real priority models made of the hand-made marts
with the weights of config/priorites.yml; the SQL itself is tested by dbt's unit tests
(dbt_project/models/marts/priorites/_priorites__unit_tests.yml). When the models change, the rows
are made again by ``python tests/fixtures/priorites/regenerer.py``; a test checks that their
columns are still the models' own.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import _dbt_sql
import duckdb

LIGNES = Path(__file__).resolve().parents[1] / "fixtures" / "priorites"
SCHEMAS = LIGNES / "schemas.json"


def schemas() -> dict[str, dict]:
    """``{table: {"schema": ..., "colonnes": [[name, DuckDB type], ...]}}`` of the frozen rows."""
    return json.loads(SCHEMAS.read_text(encoding="utf-8"))


def charger(con: duckdb.DuckDBPyConnection) -> None:
    """The frozen priority marts into ``con``, each in its schema, with its column types."""
    for table, info in schemas().items():
        colonnes = {nom: type_ for nom, type_ in info["colonnes"]}
        con.execute(f"create schema if not exists {info['schema']}")
        con.execute(
            f"create or replace table {info['schema']}.{table} as "
            "select * from read_csv(?, header = true, columns = ?, nullstr = '\\N', auto_detect = false)",
            [str(LIGNES / f"{table}.csv"), colonnes],
        )


_CACHE: dict[str, Path] = {}


def entrepot_priorites(racine: Path) -> Path:
    """The hand-made warehouse with the priority marts, written once per test process under ``racine``."""
    import _rapport_entrepot

    cle = str(racine)
    if cle in _CACHE:
        return _CACHE[cle]
    dossier = Path(racine) / f"entrepot_{os.getpid()}"
    if dossier.exists():
        shutil.rmtree(dossier)
    dossier.mkdir(parents=True)
    entrepot = _rapport_entrepot.ecrire(dossier / "entrepot.duckdb", _rapport_entrepot.entrees())
    con = duckdb.connect(str(entrepot))
    try:
        charger(con)
        _dbt_sql.creer_tables_rapport(con)  # the tables made for the report, now that the priorities are
        # what the comité's « acteurs et liens » reader reads before dbt (the communes' names of the raw
        # COG, here those of the hand-made marts.territoires) and the view over what it writes
        con.execute(
            "create table raw.cog_communes as select code_territoire as code_insee, libelle as nom, "
            "'commune-actuelle' as type, code_departement as dep from marts.territoires "
            "where niveau = 'commune'"
        )
        _dbt_sql.creer_corrections_comite(con)
    finally:
        con.close()
    _CACHE[cle] = entrepot
    return entrepot
