"""Heavy libraries and readers imported when first used, not when the Dagster definitions load.

Each Dagster run worker and the UI's code server import ``orchestration.definitions``, which
imports every stage module; a module-level ``import pandas`` there costs seconds before any step
runs (issue 12). Modules that the definitions need keep their names (``pd.DataFrame`` works, so
do doctests) through :func:`module_paresseux`; the raw assets name their readers through
:func:`lecteurs`, whose modules are imported when a reader is called.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Lecteur", "lecteurs", "module_paresseux"]


class _ModuleParesseux:
    def __init__(self, nom: str) -> None:
        self._nom = nom

    def __getattr__(self, attribut: str) -> Any:
        return getattr(importlib.import_module(self._nom), attribut)

    def __repr__(self) -> str:
        return f"<module {self._nom!r}, importé au premier usage>"


def module_paresseux(nom: str) -> Any:
    """A stand-in for module ``nom``, imported at the first attribute read.

    >>> pd = module_paresseux("pandas")
    >>> pd.DataFrame({"a": [1]}).shape
    (1, 1)
    """
    return _ModuleParesseux(nom)


class Lecteur:
    """A function of a module, named by both, importing the module when it is called."""

    def __init__(self, module: str, nom: str) -> None:
        self.__module__ = module
        self.__name__ = self.__qualname__ = nom

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(self.__module__), self.__name__)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<lecteur {self.__module__}.{self.__name__}>"


class _Lecteurs:
    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, nom: str) -> Lecteur:
        if nom.startswith("__"):
            raise AttributeError(nom)
        return Lecteur(self._module, nom)


def lecteurs(module: str) -> Any:
    """``lecteurs("ingest.cog").read_communes`` is a :class:`Lecteur` of ``ingest.cog.read_communes``.

    >>> lire = lecteurs("ingest.core").normalise_commune_code
    >>> lire.__module__, lire.__name__
    ('ingest.core', 'normalise_commune_code')
    """
    return _Lecteurs(module)
