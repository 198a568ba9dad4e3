"""The curated actor registry: schema checks on load, with file, line and field of each error."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.registre import (
    RegistreInvalide,
    read_registre,
    read_registre_departement,
    read_registre_table,
    registre_departement,
    validate_registre,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def invalide(fixtures_dir):
    return fixtures_dir / "graph" / "registre_invalide"


def _errors(registre):
    return {(Path(e.source_file).name, e.line, e.field): e.reason for e in registre.errors}


def test_every_bad_row_is_reported_with_file_line_and_field(invalide):
    registre = read_registre_departement(invalide / "93", "93")
    errors = _errors(registre)
    expected = {
        ("acteurs.csv", 3, "type_acteur"),
        ("acteurs.csv", 4, "siret"),
        ("acteurs.csv", 5, "code_territoire"),
        ("acteurs.csv", 6, "nom"),
        ("acteurs.csv", 7, "id_acteur"),
        ("acteurs.csv", 8, "id_acteur"),
        ("acteurs.csv", 9, ""),
        ("dispositifs.csv", 3, "niveau"),
        ("liens.csv", 3, "type_lien"),
        ("liens.csv", 4, "confiance"),
        ("liens.csv", 5, "source"),
        ("liens.csv", 6, "source"),
        ("liens.csv", 7, "preuve_type"),
        ("liens.csv", 8, "confiance"),
        ("liens.csv", 9, "preuve_reference"),
        ("liens.csv", 10, "cible"),
        ("liens.csv", 11, "date_preuve"),
    }
    assert set(errors) == expected
    assert "hors de l'intervalle [0, 1]" in errors[("liens.csv", 4, "confiance")]
    assert "identifiant inconnu 'plie:inconnu'" in errors[("liens.csv", 6, "source")]
    assert "déjà défini" in errors[("acteurs.csv", 7, "id_acteur")]
    assert "expected 11 fields, found 12" in errors[("acteurs.csv", 9, "")]
    # the valid rows load, the rejected ones are not silently kept
    assert list(registre.acteurs["id_acteur"]) == ["conseil_departemental:93"]
    assert list(registre.liens["type_lien"]) == ["pilote"]
    assert list(registre.dispositifs["id_dispositif"]) == ["dispositif:pdi:departement:93"]


def test_validate_raises_one_error_listing_everything(invalide):
    with pytest.raises(RegistreInvalide) as caught:
        validate_registre(invalide / "93", "93")
    text = str(caught.value)
    assert "17 erreur(s)" in text
    assert "liens.csv:4 [confiance]" in text
    assert "acteurs.csv:3 [type_acteur]" in text


def test_folder_that_is_not_a_departement_is_reported(invalide):
    registre = read_registre(invalide)
    assert registre.departements == ["93"]
    assert any("'xx' : pas un code de département" in e.reason for e in registre.errors)


def test_missing_files_are_reported_not_fatal(tmp_path):
    (tmp_path / "974").mkdir()
    registre = read_registre_departement(tmp_path / "974", "974")
    assert registre.acteurs.empty and registre.liens.empty
    assert {Path(e.source_file).name for e in registre.errors} == {"acteurs.csv", "liens.csv"}


def test_real_registry_of_93_is_valid():
    registre = validate_registre(REPO / "registre" / "93", "93")
    assert len(registre.acteurs) >= 10
    assert set(registre.acteurs["type_acteur"]) >= {
        "conseil_departemental",
        "prefecture",
        "ddets",
        "caf",
        "cpam",
        "ars",
        "education_nationale",
        "france_travail",
        "plie",
    }
    # every link carries evidence and a confidence in [0, 1]
    assert registre.liens["preuve_reference"].notna().all()
    assert registre.liens["confiance"].between(0, 1).all()
    # France Travail agencies come from the offer catalogue, never from the registry
    agencies = registre.acteurs[
        (registre.acteurs["type_acteur"] == "france_travail")
        & (registre.acteurs["niveau_territoire"] == "commune")
    ]
    assert agencies.empty


def test_raw_tables_keep_department_line_and_file(fixtures_dir):
    root = fixtures_dir / "graph" / "registre_valide"
    result = read_registre_table(root, "liens.csv")
    assert result.rows == 6 and not result.quarantine
    assert set(result.frame["code_departement"]) == {"93"}
    assert result.source.checksum
    back = registre_departement(
        read_registre_table(root, "acteurs.csv").frame,
        read_registre_table(root, "dispositifs.csv").frame,
        result.frame,
        "93",
    )
    assert not back.empty and "_source_file" in back.liens.columns
    assert registre_departement(None, None, None, "974").empty


def test_an_actor_in_a_commune_that_does_not_exist_is_rejected(fixtures_dir, tmp_path, data_dir):
    """Issue 15 point 9 for the registry: 93999 is well formed but names no commune of the COG."""
    import shutil

    from ingest.cog import known_communes

    folder = tmp_path / "93"
    shutil.copytree(fixtures_dir / "graph" / "registre_valide" / "93", folder)
    acteurs = folder / "acteurs.csv"
    text = acteurs.read_text(encoding="utf-8")
    acteurs.write_text(text.replace(",93001,departement,", ",93999,departement,", 1), encoding="utf-8")
    communes = known_communes(data_dir)
    registre = read_registre_departement(folder, "93", communes)
    reason = _errors(registre)[("acteurs.csv", 2, "code_commune")]
    assert reason == "code commune 93999 inexistant au COG 2026"
    assert "conseil_departemental:93" not in set(registre.acteurs["id_acteur"])
    assert not validate_registre(REPO / "registre" / "93", "93").errors  # the real registry: real communes
    real = read_registre(REPO / "registre", communes)
    assert not [e for e in real.errors if "inexistant" in e.reason]
