"""Configuration checked before the first asset of ``pacte build`` (issue 15 point 6).

The trial of the issue: ``config/priorites.yml`` with a non-number was refused only after 76 s,
once outputs were rewritten. Now ``pacte build`` stops before Dagster starts, exits 2, names the
file, the key and the value in French, and leaves the output folder as it was.
"""

from __future__ import annotations

import shutil

import pytest

from orchestration import cli
from orchestration.verification import verifier_configuration
from socle.settings import REPO_ROOT


def test_the_project_configuration_is_valid():
    assert verifier_configuration() == []


def test_a_weight_that_is_not_a_number_stops_the_build_before_anything_runs(tmp_path, monkeypatch, capsys):
    weights = tmp_path / "priorites.yml"
    text = (REPO_ROOT / "config" / "priorites.yml").read_text(encoding="utf-8")
    weights.write_text(text.replace("  exposant: 1.0\n  # Nombre", "  exposant: beaucoup\n  # Nombre", 1),
                       encoding="utf-8")
    output = tmp_path / "output"
    (output / "93").mkdir(parents=True)
    (output / "93" / "rapport_diagnostic.html").write_text("rapport précédent", encoding="utf-8")
    monkeypatch.setenv("PACTE_PRIORITES", str(weights))
    monkeypatch.setenv("PACTE_OUTPUT", str(output))
    monkeypatch.setenv("PACTE_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))

    assert cli.main(["build", "-d", "93"]) == 2
    err = capsys.readouterr().err
    assert "configuration invalide, rien n'a été construit" in err
    assert f"fichier {weights}, clé « besoin.exposant » : valeur « beaucoup » refusée" in err
    assert "attendu : un nombre entre 0 et 5" in err
    assert (output / "93" / "rapport_diagnostic.html").read_text(encoding="utf-8") == "rapport précédent"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output", "priorites.yml"]  # no warehouse, no run


@pytest.fixture
def checkout(tmp_path):
    for folder in ("rapport/templates", "graph/templates", "registre/93"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder)
    return tmp_path


def test_a_broken_template_is_named_with_its_line(checkout):
    page = checkout / "rapport" / "templates" / "fiche_axe.html"
    page.write_text("<p>\n{% if axe %}\n{{ axe.nom }\n", encoding="utf-8")
    (problem,) = verifier_configuration(checkout)
    assert problem.startswith("gabarit rapport/templates/fiche_axe.html, ligne 3 : syntaxe invalide")


def test_registry_folder_and_columns_are_checked(checkout):
    acteurs = checkout / "registre" / "93" / "acteurs.csv"
    lines = acteurs.read_text(encoding="utf-8").splitlines()
    header = lines[0].replace("type_acteur", "type")
    acteurs.write_text("\n".join([header, *lines[1:]]) + "\n", encoding="utf-8")
    (checkout / "registre" / "Seine-Saint-Denis").mkdir()
    problems = verifier_configuration(checkout)
    assert problems == [
        f"registre : fichier {acteurs}, ligne 1 : colonne(s) obligatoire(s) absente(s) : type_acteur",
        f"registre : dossier {checkout / 'registre' / 'Seine-Saint-Denis'} : « Seine-Saint-Denis » n'est pas "
        "un code de département (ex. 93, 2A, 974)",
    ]
