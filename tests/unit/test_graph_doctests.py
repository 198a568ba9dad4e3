"""The runnable examples of the graph modules' docstrings."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "modele",
    "registre",
    "territoires",
    "dispositifs",
    "construction",
    "metriques",
    "attentes",
    "declaration",
    "export",
    "page",
    "pipeline",
    "vocabulaire",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"graph.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
