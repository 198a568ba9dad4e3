"""The dbt project's vocabularies and thresholds, for the Python code that runs before dbt.

dbt owns every vocabulary (seeds under ``dbt_project/seeds/``, loaded as ``marts.<seed>``) and
every threshold (``vars`` of ``dbt_project.yml``). Code that runs after dbt reads the tables dbt
made in the warehouse (the graph: :mod:`graph.vocabulaire`, the vars through the model
``int_graphe__parametres``, so that a ``--vars`` override reaches it). Only code that truly runs
before dbt, or without a warehouse, reads the files, here and only here: the readers (the
registry's actor types, :mod:`graph.registre`; the comité's « acteurs et liens » workbooks,
:func:`ingest.suivi.referentiel`), the Great Expectations suites of the raw tables
(:mod:`ingest.expectations_suites`), and tests:

- :func:`seed_rows`: the rows of one seed CSV, as dicts of stripped text;
- :func:`dbt_var`: one variable of ``dbt_project.yml`` (the value written there, not an
  override given with ``--vars`` on a dbt command line);
- :func:`normaliser_nom`: the name key, Python twin of the dbt macro ``normaliser_nom``
  (``dbt_project/macros/offre.sql``); ``tests/unit/test_vocabulaires.py`` checks that both give
  the same key on real-looking names.

This module imports nothing of the project (ground floor: ingest, graph, the dbt Python models
and orchestration may all import it).

Examples
--------
>>> normaliser_nom("CCAS de  St-Ouen-sur-Seine")
'ccas de saint ouen sur seine'
>>> float(dbt_var("offre_seuil_besoin_fort")) > 100
True
>>> sorted(seed_rows("grille_densite_niveaux")[0])
['nature', 'niveau', 'rang']
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from pathlib import Path

import yaml

__all__ = ["DBT_PROJECT_DIR", "SEEDS_DIR", "seed_rows", "dbt_var", "normaliser_nom"]

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"


@functools.cache
def _seed(name: str, seeds_dir: Path) -> tuple[dict[str, str], ...]:
    path = seeds_dir / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return tuple({k.strip(): (v or "").strip() for k, v in row.items() if k is not None} for row in rows)


def seed_rows(name: str, seeds_dir: Path = SEEDS_DIR) -> list[dict[str, str]]:
    """The rows of the seed ``name`` (file ``<seeds_dir>/<name>.csv``), every value as stripped text.

    A missing file raises ``FileNotFoundError`` naming it. The file is read once per process.
    """
    return [dict(row) for row in _seed(name, Path(seeds_dir))]


def dbt_var(name: str, project_dir: Path = DBT_PROJECT_DIR) -> object:
    """The variable ``name`` of ``dbt_project.yml`` (``KeyError`` naming the file when absent)."""
    path = Path(project_dir) / "dbt_project.yml"
    variables = yaml.safe_load(path.read_text(encoding="utf-8")).get("vars") or {}
    if name not in variables:
        raise KeyError(f"variable {name!r} absente de {path}")
    return variables[name]


_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_STE = re.compile(r"\bste\b")
_ST = re.compile(r"\bst\b")


def normaliser_nom(texte: object) -> str:
    """The key two names are compared on: twin of the dbt macro ``normaliser_nom``.

    Steps, in the macro's order: ``œ``/``Œ`` spelled ``oe``/``OE``; accents stripped
    (canonical decomposition, combining marks dropped, as DuckDB's ``strip_accents``); lower
    case; every run of characters other than ``a-z0-9`` (apostrophes, hyphens, other letters)
    becomes one space; ``ste``/``st`` spelled ``sainte``/``saint``; trimmed. ``None``, NaN and
    pandas' NA give ``''``.

    Examples
    --------
    >>> normaliser_nom("  Œuvre St-Jean — L’Épicerie ")
    'oeuvre saint jean l epicerie'
    >>> normaliser_nom("Mission Locale  de l'Été"), normaliser_nom(None)
    ('mission locale de l ete', '')
    """
    if not isinstance(texte, str):
        # None, NaN (float or numpy) and pandas' NA, without importing pandas
        if texte is None or type(texte).__name__ == "NAType" or (isinstance(texte, float) and texte != texte):
            return ""
        texte = str(texte)
    texte = texte.replace("œ", "oe").replace("Œ", "OE")
    texte = "".join(c for c in unicodedata.normalize("NFD", texte) if not unicodedata.combining(c)).lower()
    texte = _NON_ALNUM.sub(" ", texte)
    texte = _ST.sub("saint", _STE.sub("sainte", texte))
    return texte.strip()
