"""The weights file: the shipped one is valid, every invalid value is refused with its key named."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from socle.ponderations import (
    DEFAULT_PATH,
    PonderationsError,
    config_path,
    dbt_vars_argument,
    load_ponderations,
    validate_ponderations,
)


@pytest.fixture()
def brut() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_shipped_file_is_valid_and_documented():
    cfg = load_ponderations(DEFAULT_PATH)
    assert cfg["coordination"]["poids"] >= 0
    assert {p["indicateur"] for p in cfg["publics_prioritaires"]} >= {"part_population_qpv"}
    texte = DEFAULT_PATH.read_text(encoding="utf-8")
    assert "score = facteur_besoin" in texte  # the formula is written in the file the user edits


def test_environment_variable_points_to_another_file(tmp_path, monkeypatch, brut):
    brut["coordination"]["poids"] = 2.5
    autre = tmp_path / "poids.yml"
    autre.write_text(yaml.safe_dump(brut, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("PACTE_PRIORITES", str(autre))
    assert config_path() == autre.resolve()
    assert load_ponderations()["coordination"]["poids"] == 2.5


@pytest.mark.parametrize(
    ("chemin", "valeur", "message"),
    [
        (("besoin", "exposant"), "fort", "besoin.exposant must be a number"),
        (("besoin", "exposant"), -1, "besoin.exposant = -1 is outside"),
        (("ecart_offre", "plancher_indice_offre"), 0, "plancher_indice_offre = 0 is outside"),
        (("ecart_offre", "minimum"), 9, "minimum is greater than ecart_offre.maximum"),
        (("coordination", "si_absente"), "zero", "si_absente must be 'neutre' or 'insuffisant'"),
        (("ecart_offre", "si_absente"), "zero", "ecart_offre.si_absente must be 'neutre' or 'insuffisant'"),
        (("coordination", "poids"), True, "coordination.poids must be a number"),
        (("pistes", "par_axe"), 0, "pistes.par_axe = 0 is outside"),
        (("pistes", "territoires_max"), 0, "pistes.territoires_max = 0 is outside"),
        (("pistes", "acteurs_max"), "cinq", "pistes.acteurs_max must be a number"),
    ],
)
def test_invalid_values_are_refused(brut, chemin, valeur, message):
    mauvais = copy.deepcopy(brut)
    mauvais[chemin[0]][chemin[1]] = valeur
    with pytest.raises(PonderationsError, match=message):
        validate_ponderations(mauvais, where="x.yml")


def test_priority_publics_are_checked(brut):
    mauvais = copy.deepcopy(brut)
    mauvais["publics_prioritaires"].append(dict(mauvais["publics_prioritaires"][0]))
    with pytest.raises(PonderationsError, match="appears twice"):
        validate_ponderations(mauvais)
    mauvais = copy.deepcopy(brut)
    mauvais["publics_prioritaires"][0]["indicateur"] = "x'; drop table marts.priorites; --"
    with pytest.raises(PonderationsError, match="lower-case codes"):
        validate_ponderations(mauvais)


def test_missing_or_broken_file(tmp_path):
    with pytest.raises(PonderationsError, match="not found"):
        load_ponderations(tmp_path / "absent.yml")
    casse = tmp_path / "casse.yml"
    casse.write_text("besoin: [1, 2\n", encoding="utf-8")
    with pytest.raises(PonderationsError, match="not valid YAML"):
        load_ponderations(casse)


def test_dbt_vars_argument_is_json():
    argument = dbt_vars_argument(load_ponderations(DEFAULT_PATH))
    assert argument[0] == "--vars"
    assert json.loads(argument[1])["priorites"]["pistes"]["par_axe"] >= 1
