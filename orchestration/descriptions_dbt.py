"""French descriptions of the dbt nodes as the Dagster UI shows them.

dagster-dbt's default description of a model appends its raw SQL, and a generic dbt test
(``not_null``, ``unique``, ``relationships`` …) gets none (« No description provided »). Here a
model or seed keeps its own description (the French text of its dbt yml, one owner: dbt), and a
generic test is described in French from what it checks: the test's kind, its arguments, and the
French description of the column it is about (from the same yml); the column's name appears only
when the yml gives it no description (no identifier in what a person reads).

Pure functions on the manifest's dicts: nothing heavy is imported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["description_modele", "description_test"]

_REF = re.compile(r"""ref\(\s*['"]([^'"]+)['"]\s*\)""")


def description_modele(props: Mapping[str, Any]) -> str:
    """A model's or seed's own description, without dagster-dbt's « Raw SQL » block."""
    return (props.get("description") or "").strip()


def _court(texte: str, limite: int = 90) -> str:
    """The first sentence of a description, shortened at a word boundary.

    >>> _court("Communes du COG 2026. Une ligne par commune.")
    'communes du COG 2026'
    >>> _court("")
    ''
    """
    premiere = re.split(r"(?<=[.;:])\s", texte.strip(), maxsplit=1)[0].rstrip(" .;:")
    if len(premiere) > limite:
        premiere = premiere[:limite].rsplit(" ", 1)[0] + "…"
    if premiere[:2].isupper() or not premiere:  # a sigle (COG, EPCI) keeps its capitals
        return premiere
    return premiere[0].lower() + premiere[1:]


def _colonne(nom: str | None, parent: Mapping[str, Any] | None) -> str:
    if not nom:
        return "la ligne"
    colonnes = (parent or {}).get("columns") or {}
    sens = _court((colonnes.get(nom) or {}).get("description") or "", 70)
    return sens if sens else f"la colonne `{nom}`"


def _colonnes(noms: Sequence[str], parent: Mapping[str, Any] | None) -> str:
    return ", ".join(_colonne(nom, parent) for nom in noms)


def _cible(to: str | None, manifest: Mapping[str, Any]) -> str:
    """« les <first sentence of the referenced model's description> » for a ``ref('x')``."""
    match = _REF.search(to or "")
    if not match:
        return "la table de référence"
    name = match.group(1)
    for node in manifest.get("nodes", {}).values():
        if node.get("name") == name and node.get("resource_type") in {"model", "seed", "snapshot"}:
            sens = _court(node.get("description") or "", 80)
            if sens:
                return f"la table de référence ({sens})"
    return "la table de référence"


def _valeurs(values: Sequence[Any]) -> str:
    shown = [f"« {v} »" for v in list(values)[:12]]
    if len(values) > 12:
        shown.append(f"et {len(values) - 12} autres")
    return ", ".join(shown)


def description_test(test: Mapping[str, Any], manifest: Mapping[str, Any]) -> str:
    """French description of a dbt test node (generic or singular).

    A singular test's description is its own (dbt_project/tests/_tests_singuliers.yml); a generic
    test's is written from its kind and arguments. An unknown kind of test gives ``""``, which the
    test of the descriptions reports.
    """
    own = (test.get("description") or "").strip()
    if own or "test_metadata" not in test:
        return own
    meta = test["test_metadata"]
    kwargs = meta.get("kwargs") or {}
    parent = manifest.get("nodes", {}).get(test.get("attached_node") or "")
    colonne = _colonne(kwargs.get("column_name") or test.get("column_name"), parent)
    kind = meta.get("name")
    if kind == "not_null":
        texte = f"Valeur toujours renseignée pour : {colonne}."
    elif kind == "unique":
        texte = f"Aucun doublon dans : {colonne}."
    elif kind == "relationships":
        texte = f"Chaque valeur de {colonne} existe dans {_cible(kwargs.get('to'), manifest)}."
    elif kind == "relation_composite":
        texte = (
            f"Chaque combinaison de {_colonnes(kwargs.get('columns') or [], parent)} existe dans "
            f"{_cible(kwargs.get('to'), manifest)}."
        )
    elif kind == "accepted_values":
        texte = f"Valeurs admises pour {colonne} : {_valeurs(kwargs.get('values') or [])}."
    elif kind == "unique_combination":
        texte = f"Une seule ligne par combinaison de {_colonnes(kwargs.get('columns') or [], parent)}."
    elif kind == "valeur_entre":
        bas, haut = kwargs.get("min_value"), kwargs.get("max_value")
        if bas is not None and haut is not None:
            borne = f"comprise entre {_nombre(bas)} et {_nombre(haut)}"
        elif bas is not None:
            borne = f"d'au moins {_nombre(bas)}"
        else:
            borne = f"d'au plus {_nombre(haut)}"
        texte = f"Valeur {borne} : {colonne}."
    elif kind == "expression_is_true":
        texte = f"Chaque ligne vérifie la condition `{kwargs.get('expression', '')}`"
        if kwargs.get("where_clause"):
            texte += f" (lignes où `{kwargs['where_clause']}`)"
        texte += "."
    else:
        return ""
    where = (test.get("config") or {}).get("where")
    if where:
        texte += f" Seulement les lignes où `{where}`."
    if ((test.get("config") or {}).get("severity") or "error").lower() == "warn":
        texte = "Avertissement (non bloquant). " + texte
    return texte


def _nombre(value: Any) -> str:
    """A bound in French notation.

    >>> _nombre(0.5), _nombre(100)
    ('0,5', '100')
    """
    return str(value).replace(".", ",")
