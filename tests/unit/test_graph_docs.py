"""docs/graphe.md documents every mart column, edge kind, rule and brokerage role of the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analyse import ROLES_COURTAGE
from graph.export import DESCRIPTIONS
from graph.modele import ACTOR_TYPES, EDGE_KINDS, EVIDENCE_KINDS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "graphe.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("table", sorted(DESCRIPTIONS))
def test_every_column_is_documented(table):
    assert f"marts.{table}" in DOC
    missing = [c for c in DESCRIPTIONS[table] if c not in DOC]
    assert not missing


def test_vocabulary_is_documented():
    for kind, english in EDGE_KINDS.items():
        assert f"`{kind}`" in DOC and english in DOC
    for name in [*ACTOR_TYPES, *EVIDENCE_KINDS, *ROLES_COURTAGE]:
        assert name in DOC, name
    for rule in ("partenaire_attendu_absent", "insertion_sans_lien_ft_pdi", "operateurs_sans_lien",
                 "besoin_eleve_offre_non_coordonnee"):
        assert rule in DOC


def test_the_dbt_source_declares_exactly_the_columns_the_graph_writes():
    # the graph's tables are declared (with their French descriptions) as the dbt source `graphe`
    from graph.export import EDGE_COLUMNS, NODE_COLUMNS

    assert list(DESCRIPTIONS["acteurs"]) == NODE_COLUMNS
    assert list(DESCRIPTIONS["liens"]) == EDGE_COLUMNS
    assert all(text.strip() for columns in DESCRIPTIONS.values() for text in columns.values())


def test_the_stored_evidence_struct_has_every_field_of_evidence():
    # marts.liens.preuves is a native list of structs: a field Evidence gains must not be dropped
    import dataclasses
    import json

    from graph.export import LIST_COLUMNS
    from graph.modele import Evidence

    (struct,) = json.loads(LIST_COLUMNS["liens"]["preuves"])
    assert list(struct) == [f.name for f in dataclasses.fields(Evidence)]
