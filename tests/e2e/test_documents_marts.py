"""The documents marts of the 93 build (real documents of shared/documents + the fixture inbox).

The session inbox holds tests/fixtures/documents/inbox/93 (two interviews, one broken
interview, a questionnaire export, all with fictional people); the 93 has no documents
folder in it, so its documents come from the default folder PACTE_DATA_DIR/../documents.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from tests.unit._documents_personnes import personal_strings, scan_warehouse

pytestmark = pytest.mark.e2e

FIXTURE_INBOX = Path(__file__).resolve().parent.parent / "fixtures" / "documents" / "inbox" / "93"
SUPPORTED = {".pdf", ".docx", ".odt", ".html", ".htm", ".md", ".markdown", ".txt"}
NOTES = {"provenance.md", "readme.md", "manifest.csv"}


@pytest.fixture(scope="module")
def real_files() -> list[Path]:
    folder = Path(os.environ["PACTE_DATA_DIR"]).parent / "documents"
    if not folder.is_dir():
        pytest.skip(f"real documents not found in {folder}")
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED and p.name.lower() not in NOTES
    )


def test_every_real_document_is_ingested_with_passages_axes_and_mentions(built_93, real_files):
    rows = built_93.query(
        "select nom_fichier, nb_pages, nb_passages, nb_passages_classes, "
        "nb_mentions_acteurs + nb_mentions_dispositifs + nb_mentions_territoires "
        "from marts.documents where code_departement = '93' and categorie = 'document'"
    )
    by_name = {r[0]: r[1:] for r in rows}
    assert sorted(by_name) == sorted(p.name for p in real_files)
    for name, (pages, passages, classified, mentions) in by_name.items():
        assert pages >= 1 and passages > 0 and classified > 0 and mentions > 0, name
    pages_ok = built_93.query(
        "select count(*) from marts.mentions m join marts.passages p using (id_passage) "
        "where m.code_departement = '93' and m.page = p.page and m.page is not null"
    )[0][0]
    total = built_93.query("select count(*) from marts.mentions where code_departement = '93'")[0][0]
    assert pages_ok == total > 1000
    pdf_pages = built_93.query(
        "select max(page) from marts.mentions m join marts.documents d using (id_document) "
        "where d.format = 'pdf'"
    )[0][0]
    assert pdf_pages > 100


def _mentions_of(build, start: str, kind: str = "acteur") -> tuple[str | None, set[str]]:
    rows = build.query(
        "select p.code_axe, m.code_entite from marts.passages p "
        "left join marts.mentions m on m.id_passage = p.id_passage and m.type_entite = ? "
        "where p.code_departement = '93' and starts_with(p.texte, ?)",
        [kind, start],
    )
    assert rows, f"no passage starting with {start!r}"
    return rows[0][0], {code for _, code in rows if code}


def test_hand_chosen_real_passages(built_93):
    axis, actors = _mentions_of(built_93, "Le pacte peut associer au département")
    assert axis == "A2"
    assert {"ETAT", "FRANCE_TRAVAIL", "PLIE", "CAF", "MSA", "REGION", "CONSEIL_DEPARTEMENTAL"} <= actors
    axis, dispositifs = _mentions_of(
        built_93, "Pour la mise en œuvre du programme départemental", "dispositif"
    )
    assert axis == "A2" and dispositifs == {"PDI", "PTI"}
    axis, actors = _mentions_of(built_93, "Les centres communaux et intercommunaux d'action sociale")
    assert axis == "A3" and actors == {"CCAS", "CIAS"}
    _, actors = _mentions_of(built_93, "D'une part, le Président du Conseil Général de la Seine Saint-Denis")
    assert actors == {"CONSEIL_DEPARTEMENTAL"}
    axis, _ = _mentions_of(built_93, "Quels objectifs vous fixez-vous pour les mois à venir")
    assert axis == "A2"


def test_candidate_links_carry_their_evidence(built_93):
    rows = built_93.query(
        "select nb_preuves, passages from marts.liens_candidats where code_departement = '93' "
        "and entite_a = 'PDI' and entite_b = 'PTI'"
    )
    assert rows and rows[0][0] >= 1
    texts = built_93.query(
        "select texte from marts.passages where id_passage in (select unnest(?))", [list(rows[0][1])]
    )
    assert any("programme départemental d'insertion" in t for (t,) in texts)
    assert (
        built_93.query(
            "select count(*) from marts.liens_candidats where entite_a >= entite_b and type_a = type_b"
        )[0][0]
        == 0
    )


def test_no_fixture_person_anywhere_in_the_warehouse(built_93):
    strings = personal_strings(FIXTURE_INBOX)
    assert len(strings) > 150
    con = duckdb.connect(str(built_93.warehouse), read_only=True)
    try:
        assert scan_warehouse(con, strings) == []
    finally:
        con.close()


def test_interviews_and_questionnaire_in_parole_with_suppression(built_93):
    quotes = built_93.query(
        "select texte from marts.parole where code_departement = '93' and type_parole = 'citation'"
    )
    assert any("prime d'activité" in t for (t,) in quotes)
    rows = built_93.frame(
        "select * from marts.parole where code_departement = '93' and source = 'questionnaire'"
    )
    published = rows[~rows["secret"]]
    assert (published["nb_repondants"] >= 5).all()
    hidden = rows[rows["secret"]]
    assert hidden[["nb_repondants", "effectif", "taux", "note_moyenne"]].isna().all().all()
    assert set(hidden["motif_secret"].str.split(" ").str[0]) == {"moins", "secret"}
    bondy = rows[(rows["libelle_territoire"] == "Bondy")]
    assert len(bondy) and bondy["secret"].all()  # 3 respondents
    whole = rows[(rows["niveau_agregation"] == "ensemble") & (rows["type_parole"] == "connaissance")]
    assert whole[["nb_repondants", "effectif"]].values.tolist() == [[26, 21]]


def test_broken_fixture_files_are_in_the_quarantine(built_93):
    reasons = built_93.query(
        "select reason from quarantine.rejets where source_file like '%entretien_entete_casse%'"
    )
    assert reasons and "en-tête YAML" in reasons[0][0]
    lines = built_93.query(
        "select line, reason from quarantine.rejets "
        "where table_name = 'questionnaires_reponses' and reason like '%champs attendus%'"
    )
    assert lines == [(13, "12 champs attendus, 8 trouvés")]
