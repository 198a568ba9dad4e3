"""The graph reads what dbt made (issue 13): no seed file, no dbt_project.yml, no raw table.

Every graph module but the registry reader (graph/registre.py, which runs before dbt: it reads the
registry's CSV files into raw.registre_* and checks their actor types against the seed file through
ingest.vocabulaires, the one module for code running before dbt) reads its vocabulary, parameters
and data from the warehouse tables dbt made.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from graph import vocabulaire
from graph.modele import ACTOR_TYPES, INSERTION_TYPES

GRAPH = Path(__file__).resolve().parents[2] / "graph"
LECTEUR_AVANT_DBT = {"registre.py"}

# names that read seed files or dbt_project.yml's vars (ingest.vocabulaires), or any CSV file; the
# declarations of the graph's marts are dbt yml, read by graph/declaration.py (issue 13, point 3)
INTERDITS = {"seed_rows", "dbt_var", "SEEDS_DIR", "read_csv", "read_table", "csv"}


def _modules() -> list[Path]:
    return sorted(p for p in GRAPH.glob("*.py") if p.name not in LECTEUR_AVANT_DBT)


@pytest.mark.parametrize("chemin", _modules(), ids=lambda p: p.name)
def test_a_graph_module_reads_no_seed_file_nor_raw_table(chemin):
    arbre = ast.parse(chemin.read_text(encoding="utf-8"))
    noms = {n.id for n in ast.walk(arbre) if isinstance(n, ast.Name)}
    noms |= {n.attr for n in ast.walk(arbre) if isinstance(n, ast.Attribute)}
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.ImportFrom):
            noms |= {a.name for a in noeud.names}
        elif isinstance(noeud, ast.Import):
            noms |= {a.name for a in noeud.names}
    assert noms & INTERDITS == set(), f"{chemin.name} reads files dbt owns: {sorted(noms & INTERDITS)}"
    # SQL in the code (docstrings aside) naming a raw table
    docstrings = {
        ast.get_docstring(n, clean=False)
        for n in ast.walk(arbre)
        if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
    }
    textes = [
        n.value
        for n in ast.walk(arbre)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value not in docstrings
    ]
    raw = {m for t in textes for m in re.findall(r"\braw\.[a-z_]+", t)}
    assert raw == set(), f"{chemin.name} reads raw tables: {sorted(raw)}"


def test_the_vocabulary_is_the_warehouses_and_absent_until_read():
    avant = vocabulaire.courant()
    try:
        vocabulaire._courant = None
        with pytest.raises(vocabulaire.VocabulaireAbsent, match="charger"):
            "caf" in ACTOR_TYPES  # noqa: B015
        # a warehouse whose seed says otherwise: the graph's names show it
        import duckdb

        from tests.unit._vocabulaire_graphe import entrepot_vocabulaire

        con = entrepot_vocabulaire(duckdb.connect())
        con.execute("update marts.acteurs_types set insertion = true where type_acteur = 'ccas'")
        vocabulaire.charger(con)
        assert "ccas" in INSERTION_TYPES and ACTOR_TYPES["ccas"] == ("CCAS / CIAS", "action_sociale_locale")
    finally:
        vocabulaire.installer(avant)
