"""Coordination analysis of the graph: metrics per actor, expected partners, missing links, weakness.

Everything works on the **coordination graph** (:func:`coordination_graph`, defined with its ties
and weights in :mod:`graph.metriques`): actors and dispositifs, tied by coordination only.

docs/graphe.md explains each metric and each rule in plain words.

This module gathers the analysis under one name (the dbt source ``graphe`` declares its functions,
the tests and the page import them from here); the code lives in :mod:`graph.metriques` (metrics of
each actor and dispositif, the ties) and :mod:`graph.attentes` (expected partners, missing links,
weakness score).
"""

from __future__ import annotations

from graph.attentes import (
    INTERCOMMUNALITE,
    coordination_dispositifs,
    faiblesse_coordination,
    liens_manquants,
)
from graph.metriques import *  # noqa: F403 (the metrics' public names, re-exported as they are)
from graph.metriques import __all__ as _METRIQUES
from graph.metriques import _liaisons_par_domaine

# the metrics' own names, plus the expectations and the helper the dbt source and tests use
__all__ = [
    *_METRIQUES,
    "coordination_dispositifs",
    "liens_manquants",
    "faiblesse_coordination",
    "INTERCOMMUNALITE",
    "_liaisons_par_domaine",
]
