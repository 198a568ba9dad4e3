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


def test_registry_names_in_a_leads_evidence_are_not_taken_for_persons(tmp_path):
    """A lead's evidence names the structures of the offer (« Es le St Martin Plaine des CAF », a real
    site of La Réunion, read as « Martin Plaine »): names without a civility are looked for in the
    documents' own tables and exports, where a passage's extract comes from, not in the leads' tables.
    Everything else (phones, e-mails …) is still looked for there."""
    import duckdb
    import pandas as pd

    from ingest.documents.balayage import document_relations, scan_files, scan_warehouse
    from orchestration.manifest import ensure_manifest

    manifest = ensure_manifest()
    textes = {name for _, name in document_relations(manifest, textes_seuls=True)}
    derives = {name for _, name in document_relations(manifest)}
    assert {"passages", "documents", "mentions"} <= textes and "pistes_preuves" not in textes
    assert "pistes_preuves" in derives

    extrait = "5 acteurs sans lien observé entre eux (Es le St Martin Plaine des CAF)."
    assert find_personal_data(extrait)  # the name lists alone do see a person there
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute("create table marts.pistes_preuves as select ? as extrait", [extrait])
    con.execute("create table marts.passages as select ? as texte", [extrait])
    found = scan_warehouse(con, manifest)
    assert [f for f in found if "pistes_preuves" in f] == []
    assert any("passages" in f and "sans civilité" in f for f in found)
    con.execute("insert into marts.pistes_preuves values ('joindre le 06 71 28 45 90')")
    assert any("pistes_preuves" in f for f in scan_warehouse(con, manifest))
    con.close()

    exports = tmp_path / "sorties" / "974" / "exports"
    exports.mkdir(parents=True)
    pd.DataFrame({"extrait": [extrait]}).to_parquet(exports / "pistes_preuves.parquet")
    pd.DataFrame({"texte": [extrait]}).to_parquet(exports / "passages.parquet")
    found = scan_files(tmp_path / "sorties", manifest)
    assert [f for f in found if "pistes_preuves" in f] == []
    assert any("passages.parquet" in f for f in found)
