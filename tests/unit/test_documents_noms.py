"""Person names without a civility (issue 14 point 1): a contributors' page of a real report (its
format, names invented), names in prose, and sentences full of actors and places in capitals that
must be left alone. The pseudonymiser (given names + shape and context) and the independent
detector (given and family name lists) are checked against each other."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.documents.detection import find_personal_data
from ingest.documents.pseudonymisation import Pseudonymiser, unmarked_name_spans

NOMS = Path(__file__).resolve().parent.parent / "fixtures" / "documents" / "noms"
PEOPLE = [
    "Claire Moreau",
    "Julien Lefebvre",
    "François Girard",
    "Théophane Bertrand",
    "Didier Mercier",
    "Kenji Tanaka",
    "Virginie Garnier",
    "Sylvie Le Bourhis",
    "Thierry Roussel",
    "Sylvain Faure",
    "Jeanne Blanchard",
]
NAME_KINDS = frozenset({"nom_sans_civilite"})


@pytest.fixture(scope="module")
def pseudo():
    return Pseudonymiser(b"sel-des-tests")


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_contributors_page_is_pseudonymised(pseudo):
    page = (NOMS / "contributeurs.txt").read_text(encoding="utf-8")
    out = pseudo.text(page)
    for person in PEOPLE:
        for part in person.split()[-1:]:
            assert part not in out, person
    assert "Fontaine" not in out  # the family name cut by the line break (« Bertrand de\nFontaine »)
    # the organisations, the headings and the prose stay
    for kept in ("(DGEFP)", "(Réseau\nCocagne)", "(Pôle emploi)", "CONTRIBUTEURS", "fondation Accenture"):
        assert kept in out
    assert out.count("[PERSONNE_") >= len(PEOPLE)
    # the same person gets the same pseudonym in the list and in the prose
    assert out.count(pseudo.person("Kenji Tanaka")) == 2


def test_the_detector_sees_the_names_and_nothing_once_pseudonymised(pseudo):
    page = (NOMS / "contributeurs.txt").read_text(encoding="utf-8")
    assert len(find_personal_data(page, NAME_KINDS)) >= 7
    assert find_personal_data(pseudo.text(page), NAME_KINDS) == []


@pytest.mark.parametrize(
    "text",
    ["Claire LEBLANC", "LEBLANC Claire a signé", "Signé : Jean-Pierre DURAND", "rédigé par Laure Dubois."],
)
def test_administrative_conventions(pseudo, text):
    assert find_personal_data(text, NAME_KINDS)
    out = pseudo.text(text)
    assert "LEBLANC" not in out and "DURAND" not in out and "Dubois" not in out
    assert find_personal_data(out, NAME_KINDS) == []


def test_one_pseudonym_whatever_the_order(pseudo):
    assert pseudo.text("Claire LEBLANC") == pseudo.text("LEBLANC Claire")


def test_actors_places_and_acronyms_in_capitals_are_no_person(pseudo):
    lines = (NOMS / "acteurs_en_capitales.txt").read_text(encoding="utf-8").splitlines()
    for line in lines:
        assert unmarked_name_spans(line) == [], line
        assert pseudo.text(line) == line, line
        assert find_personal_data(line, NAME_KINDS) == [], line


def test_a_name_without_any_context_stays_for_the_pseudonymiser_but_not_for_the_detector(pseudo):
    """« Prénom Nom » in the middle of a sentence, with no context: the pseudonymiser leaves it (a
    street, a school or a programme is often named so), the detector's lists still see it, so the
    blocking check fails rather than let it through."""
    text = "Le dossier suivi par l'équipe a été transmis hier à Mathilde Renard pour avis."
    assert pseudo.text(text) == text
    assert find_personal_data(text, NAME_KINDS)
