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
