"""Questionnaire exports and their column mapping (ingest.documents.questionnaires)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.documents.lexiques import Entry, load_lexicon
from ingest.documents.pseudonymisation import Pseudonymiser
from ingest.documents.questionnaires import (
    MappingError,
    parse_satisfaction,
    parse_yes_no,
    read_mapping,
    read_questionnaire,
)

FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "documents" / "inbox" / "93" / "questionnaires"


@pytest.fixture(scope="module")
def lexicon():
    territories = [
        Entry("93048", "Montreuil", "Montreuil", True, (("niveau", "commune"),)),
        Entry("93008", "Bobigny", "Bobigny", True, (("niveau", "commune"),)),
        Entry("93010", "Bondy", "Bondy", True, (("niveau", "commune"),)),
    ]
    return load_lexicon(territories)


def _read(lexicon, pseudo=None):
    mapping = read_mapping(FOLDER)["enquete_usagers_2025.csv"]
    pseudo = pseudo or Pseudonymiser(b"sel")
    return read_questionnaire(
        FOLDER / "enquete_usagers_2025.csv",
        mapping,
        lexicon,
        pseudo,
        "93",
        "93-Qtest",
        "questionnaires/enquete_usagers_2025.csv",
    ), pseudo


def test_yes_no_and_satisfaction_answers():
    assert parse_yes_no("Oui") == (True, True) and parse_yes_no("non, jamais") == (False, True)
    assert parse_yes_no("") == (None, True) and parse_yes_no("Ne sait pas") == (None, True)
    assert parse_yes_no("peut-être") == (None, False)
    assert parse_satisfaction("Plutôt satisfaite", (1, 5)) == (True, 0.75, True)
    assert parse_satisfaction("pas du tout satisfait", (1, 5)) == (False, 0.0, True)
    assert parse_satisfaction("7", (0, 10)) == (False, 0.7, True)
    assert parse_satisfaction("6", (1, 5)) == (None, None, False)


def test_fixture_export_is_read_without_identifying_columns(lexicon):
    result, pseudo = _read(lexicon)
    frame = result.frame
    assert result.nb_lignes == 28 and len(frame) == 27  # one row has 8 fields instead of 12
    assert frame["id_repondant"].nunique() == 27
    assert set(frame.columns) >= {"code_dispositif", "code_territoire", "connaissance", "raisons_non_recours"}
    assert "Âge" in result.colonnes_ignorees
    flat = frame.astype(str).to_string()
    for secret in (
        "Abgrall",
        "ABGRALL",
        "Aldegonde",
        "exemple-mail",
        "Trobriandec",
        "Kerzouguen",
        "Fourcassié",
        "allée des Tilleuls",
        "06 99 60 30 82",
        "0721993518",
    ):
        assert secret not in flat, secret
    assert (
        frame.loc[frame["dispositif_reponse"] == "Revenu de solidarité active", "code_dispositif"]
        .eq("RSA")
        .all()
    )
    assert frame.loc[frame["code_dispositif"] == "CEJ", "code_axe"].eq("A2").all()
    assert set(frame.loc[frame["territoire_reponse"] == "Montreuil", "code_territoire"]) == {"93048"}
    assert frame["code_territoire"].isna().sum() == 2  # "Paris 11e" is not in the 93
    row = frame[frame["texte_libre"].fillna("").str.contains("voisin")].iloc[0]
    assert pseudo.person("Wandrille Kerzouguen") in row["texte_libre"]


def test_each_problem_is_quarantined_with_line_and_field(lexicon):
    result, _ = _read(lexicon)
    problems = {(q.line, q.field, q.reason.split(" :")[0]) for q in result.quarantine}
    assert (1, "Âge", "colonne non décrite dans la correspondance des colonnes (mapping)") in problems
    assert (7, "Connaissez-vous ce dispositif ?", "réponse oui/non non reconnue") in problems
    assert (13, "", "12 champs attendus, 8 trouvés") in problems
    broken = next(q for q in result.quarantine if q.line == 13)
    assert "Lestrohan" not in broken.content and "morvezen" not in broken.content


def test_mapping_errors_name_the_file_and_key(tmp_path):
    (tmp_path / "mapping.yml").write_text("enquete.csv:\n  colonnes:\n    Nom: pointure\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"mapping\.yml \[enquete\.csv\] colonne 'Nom': unknown role"):
        read_mapping(tmp_path)
    (tmp_path / "mapping.yml").unlink()
    (tmp_path / "mapping.csv").write_text(
        "fichier;colonne;role\nenquete.csv;Nom;nom\n;Commune;territoire\n", encoding="utf-8"
    )
    with pytest.raises(MappingError, match=r"mapping\.csv:3: empty fichier or colonne"):
        read_mapping(tmp_path)


def test_csv_mapping_is_equivalent(tmp_path):
    (tmp_path / "mapping.csv").write_text(
        "fichier;colonne;role\n*;Nom;nom\n*;Courriel;courriel\n*;Commune;commune\n", encoding="utf-8"
    )
    mapping = read_mapping(tmp_path)["*"]
    assert mapping.columns == {"Nom": "nom", "Courriel": "email", "Commune": "territoire"}
