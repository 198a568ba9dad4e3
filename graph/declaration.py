"""The graph's marts as dbt declares them: one place to add a table the graph writes.

Every table the graph code writes is a table of the dbt source ``graphe``
(``dbt_project/models/marts/priorites/_priorites__sources.yml``): its French description, its
columns with theirs, the key of the Dagster asset that writes it (``meta.dagster.asset_key``) and,
under ``meta.pacte``, which Python step writes it:

- ``etape``: ``graphe`` (the graph itself, ``marts.acteurs`` and ``marts.liens``, written by
  ``graph.pipeline.build_and_write``) or ``analyse`` (a measure of the graph, written by
  ``graph.pipeline.analyse_and_write``);
- for a measure, ``calcul``: the function computing its frame (``module:function``), and
  ``entrees``: the arguments it receives, in order: ``graphe`` (the département's graph),
  ``parametres`` (:class:`graph.analyse.Parametres`), ``besoins`` (the département's rows of
  ``marts.besoins``) or the name of another measure (its frame, computed first).

Everything else derives from this declaration: ``graph.export.DESCRIPTIONS`` (Dagster column
schemas, the data dictionary), the analysis step's list of marts and the Dagster asset's outputs,
the report's list of per-département marts. dbt reads the same file (the models tagged
``apres_graphe`` read these tables as sources; ``commenter_sources`` writes the descriptions as
DuckDB COMMENTs). docs/architecture.md, « Add a graph metric », gives the recipe.

Examples
--------
>>> [t.nom for t in declarations() if t.etape == "graphe"]
['acteurs', 'liens']
>>> mesure = {t.nom: t for t in declarations()}["liens_manquants"]
>>> mesure.calcul, mesure.entrees
('graph.analyse:liens_manquants', ('graphe', 'coordination_dispositifs', 'besoins', 'parametres'))
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "SOURCES_YML",
    "ENTREES_FIXES",
    "DeclarationInvalide",
    "TableGraphe",
    "declarations",
    "mesures",
    "ordre_de_calcul",
    "fonction",
]

SOURCES_YML = (
    Path(__file__).resolve().parent.parent
    / "dbt_project"
    / "models"
    / "marts"
    / "priorites"
    / "_priorites__sources.yml"
)
SOURCE = "graphe"
ETAPES = ("graphe", "analyse")
# the arguments a measure may receive besides the frames of other measures
ENTREES_FIXES = ("graphe", "parametres", "besoins")


class DeclarationInvalide(ValueError):
    """The dbt source ``graphe`` declares a table the graph code cannot write."""


@dataclass(frozen=True)
class TableGraphe:
    """One table of the dbt source ``graphe``."""

    nom: str
    description: str
    colonnes: dict[str, str]  # column → French description, in declared order
    etape: str  # graphe | analyse
    calcul: str | None = None  # module:function (measures)
    entrees: tuple[str, ...] = ()
    cle_asset: tuple[str, ...] = ()  # meta.dagster.asset_key (default marts/<nom>)


def _table(raw: Mapping[str, Any], path: Path) -> TableGraphe:
    nom = raw["name"]
    pacte = (raw.get("meta") or {}).get("pacte") or {}
    etape = pacte.get("etape")
    where = f"{path}: table {nom} of source {SOURCE}"
    if etape not in ETAPES:
        raise DeclarationInvalide(f"{where}: meta.pacte.etape must be one of {ETAPES}, not {etape!r}")
    calcul, entrees = pacte.get("calcul"), tuple(pacte.get("entrees") or ())
    if etape == "analyse" and (not calcul or ":" not in calcul):
        raise DeclarationInvalide(f"{where}: meta.pacte.calcul must name the function, « module:function »")
    return TableGraphe(
        nom=nom,
        description=(raw.get("description") or "").strip(),
        colonnes={c["name"]: c.get("description", "") for c in raw.get("columns", [])},
        etape=etape,
        calcul=calcul,
        entrees=entrees,
        cle_asset=tuple(((raw.get("meta") or {}).get("dagster") or {}).get("asset_key") or ("marts", nom)),
    )


@cache
def _lire(path: Path) -> tuple[TableGraphe, ...]:
    import yaml

    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources = [s for s in document.get("sources", []) if s.get("name") == SOURCE]
    if len(sources) != 1:
        raise DeclarationInvalide(f"{path}: exactly one dbt source named {SOURCE!r} expected")
    tables = tuple(_table(t, path) for t in sources[0].get("tables", []))
    ordre_de_calcul(tables)  # unknown inputs and cycles fail at load, naming the table
    return tables


def declarations(path: Path | None = None) -> tuple[TableGraphe, ...]:
    """The tables of the dbt source ``graphe``, in declared order (read once per file)."""
    return _lire(Path(path or SOURCES_YML).resolve())


def mesures(path: Path | None = None) -> tuple[TableGraphe, ...]:
    """The measures (``etape: analyse``) in computing order: a measure after the ones it reads."""
    return ordre_de_calcul(declarations(path))


def ordre_de_calcul(tables: tuple[TableGraphe, ...]) -> tuple[TableGraphe, ...]:
    """The measures of ``tables`` ordered so that each comes after the measures it receives.

    Within that constraint, the declared order is kept. Raises :class:`DeclarationInvalide` on an
    unknown input or a cycle.
    """
    a_calculer = [t for t in tables if t.etape == "analyse"]
    noms = {t.nom for t in a_calculer}
    for t in a_calculer:
        inconnues = [e for e in t.entrees if e not in ENTREES_FIXES and e not in noms]
        if inconnues:
            raise DeclarationInvalide(
                f"table {t.nom} of source {SOURCE}: unknown input(s) {inconnues} "
                f"(expected {list(ENTREES_FIXES)} or another measure)"
            )
    faites: list[TableGraphe] = []
    restantes = list(a_calculer)
    while restantes:
        pretes = [
            t for t in restantes if all(e in ENTREES_FIXES or e in {f.nom for f in faites} for e in t.entrees)
        ]
        if not pretes:
            raise DeclarationInvalide(
                f"measures of source {SOURCE} read each other in a cycle: {[t.nom for t in restantes]}"
            )
        faites.append(pretes[0])
        restantes.remove(pretes[0])
    return tuple(faites)


def fonction(table: TableGraphe) -> Callable[..., Any]:
    """The function declared to compute ``table`` (imported on call)."""
    if not table.calcul:
        raise DeclarationInvalide(f"table {table.nom} of source {SOURCE} has no meta.pacte.calcul")
    module, _, nom = table.calcul.partition(":")
    try:
        return getattr(importlib.import_module(module), nom)
    except (ImportError, AttributeError) as exc:
        raise DeclarationInvalide(
            f"table {table.nom}: meta.pacte.calcul {table.calcul!r} not found ({exc})"
        ) from exc
