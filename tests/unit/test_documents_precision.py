"""Precision and recall of the document analysis on the passages of the real documents labelled by
hand (tests/fixtures/documents/etiquettes, issue 14): text only, no file read, a few seconds."""

from __future__ import annotations

import pytest

from ingest.documents.detection import find_personal_data, metadata_person
from ingest.documents.evaluation import LABELS, TARGETS, evaluate, load_labels


@pytest.fixture(scope="module")
def labels() -> list[dict]:
    return load_labels(LABELS)


def test_the_labelled_set_covers_every_real_document_and_holds_no_personal_data(labels):
    assert len(labels) >= 300
    assert len({row["document"] for row in labels}) == 11  # every document of shared/documents
    for row in labels:
        assert not find_personal_data(row["texte"]), row["texte"][:80]
        assert not metadata_person(row["texte"]), row["texte"][:80]
        for a, b in row["liens"]:
            assert {a, b} <= set(row["acteurs"]) | set(row["dispositifs"]), row["texte"][:80]


def test_the_analysis_meets_the_targets_on_the_labelled_set(labels):
    result = evaluate(labels)
    assert result.passages == len(labels)
    assert result.missed_targets() == [], "\n".join(result.erreurs[:40])
    for name in TARGETS:
        score = result.mesures[name]
        assert score.vrais_positifs >= 30, name  # enough examples for the figure to mean something
