"""Run the real priority models (dbt_project/models/marts/priorites) on a small hand-made warehouse.

A throw-away dbt project holds a copy of the priority models, their seed and sources, plus one
stub model per upstream ``ref`` (never run: the hand-made tables stand in for them), so the test
exercises the real SQL with the real dbt, independently of the rest of the project.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import _dbt_sql
import duckdb
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
PROJET = REPO / "dbt_project"
MODELES = PROJET / "models" / "marts" / "priorites"
SEEDS = ["priorites_modeles_pistes", "priorites_donnees_domaines"]
A_CONSTRUIRE = [
    "priorites",
    "pistes_selection",
    "pistes_acteurs",
    "pistes_preuves",
    "pistes",
    "priorites_couverture",
    "gouvernance_dispositifs",  # made for the report (schema rapport)
]


def refs_amont() -> set[str]:
    """Every ``ref`` of the priority models that is not one of them."""
    noms: set[str] = set()
    for sql in MODELES.glob("*.sql"):
        noms |= set(re.findall(r"ref\(\s*'([a-z0-9_]+)'\s*\)", sql.read_text(encoding="utf-8")))
    return noms - {p.stem for p in MODELES.glob("*.sql")}


def projet_temporaire(dossier: Path) -> Path:
    """A minimal dbt project in ``dossier`` with the priority models and stubs for their refs."""
    projet = Path(dossier) / "projet"
    (projet / "models" / "marts").mkdir(parents=True)
    shutil.copy(PROJET / "profiles.yml", projet / "profiles.yml")
    shutil.copytree(PROJET / "macros", projet / "macros")
    (projet / "dbt_project.yml").write_text(
        "name: pacte\nversion: '0.1.0'\nconfig-version: 2\nprofile: pacte\n"
        "model-paths: ['models']\nmacro-paths: ['macros']\n"
        "models:\n  pacte:\n    marts:\n      +schema: marts\n      +materialized: table\n",
        encoding="utf-8",
    )
    shutil.copytree(MODELES, projet / "models" / "marts" / "priorites")
    for nom in refs_amont() | set(SEEDS):
        (projet / "models" / "marts" / f"{nom}.sql").write_text(
            "select 1 as stub -- stands for the real mart\n"
        )
    return projet


def charger_modeles_pistes(con: duckdb.DuckDBPyConnection) -> None:
    """The priority seeds (lead templates, missing data per domain), as ``marts.<seed>``."""
    for nom in SEEDS:
        with open(PROJET / "seeds" / f"{nom}.csv", encoding="utf-8", newline="") as handle:
            frame = pd.DataFrame(list(csv.DictReader(handle)))
        con.register("_m", frame)
        con.execute(f"create or replace table marts.{nom} as select * from _m")
        con.unregister("_m")


def executer(projet: Path, entrepot: Path, ponderations: dict) -> subprocess.CompletedProcess:
    """``dbt run`` of the priority models on ``entrepot`` with the weights as vars."""
    env = {**os.environ, "PACTE_WAREHOUSE": str(entrepot)}
    dbt = Path(sys.executable).with_name("dbt")
    cmd = [
        str(dbt),
        "run",
        "--select",
        *A_CONSTRUIRE,
        "--project-dir",
        str(projet),
        "--profiles-dir",
        str(projet),
        "--target-path",
        str(projet / "target"),
        "--log-path",
        str(projet / "logs"),
        "--vars",
        json.dumps({"priorites": ponderations}, ensure_ascii=False),
        "--no-partial-parse",
    ]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=projet)


_CACHE: dict[str, Path] = {}


def entrepot_priorites(
    racine: Path, ponderations: dict, tables: dict[str, pd.DataFrame] | None = None
) -> Path:
    """A hand-made warehouse (see ``_rapport_entrepot``) with the priority marts built by dbt.

    Cached per weights for the test session (the dbt run takes several seconds). Raises
    ``AssertionError`` with dbt's output when the run fails.
    """
    import _rapport_entrepot

    cle = json.dumps(ponderations, sort_keys=True) if tables is None else None
    if cle is not None and cle in _CACHE:
        return _CACHE[cle]
    dossier = Path(racine) / f"entrepot_{len(_CACHE)}_{os.getpid()}"
    dossier.mkdir(parents=True, exist_ok=True)
    entrepot = _rapport_entrepot.ecrire(dossier / "entrepot.duckdb", tables or _rapport_entrepot.entrees())
    con = duckdb.connect(str(entrepot))
    try:
        charger_modeles_pistes(con)
    finally:
        con.close()
    proc = executer(projet_temporaire(dossier), entrepot, ponderations)
    assert proc.returncode == 0, f"dbt run failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
    con = duckdb.connect(str(entrepot))
    try:
        _dbt_sql.creer_tables_rapport(con)  # the tables made for the report, now that the priorities are
    finally:
        con.close()
    if cle is not None:
        _CACHE[cle] = entrepot
    return entrepot
