"""The small pieces of the comparison part and of the overview pages that need no warehouse."""

from __future__ import annotations

import doctest

import rapport.apercu
import rapport.comparaison
from orchestration.cli import main
from rapport.comparaison import petit_graphique


def test_doctests():
    for module in (rapport.comparaison, rapport.apercu):
        assert doctest.testmod(module).failed == 0


def test_a_small_multiple_draws_each_territory_and_skips_missing_values():
    svg = petit_graphique(
        "Médiane du niveau de vie",
        {
            "departement": [(2014, 16726.0), (2015, None), (2019, 18070.0)],
            "france": [(2014, 20369.3), (2019, 21930.0)],
        },
        "euros par UC",
        "en hausse de 8,0\u202f% depuis 2014",
    )
    assert svg.count("<polyline") == 2 and "serie-region" not in svg
    assert "16\u202f726" in svg and "18\u202f070" in svg and "en hausse de 8,0\u202f% depuis 2014" in svg
    assert petit_graphique("Vide", {"departement": []}, "%") == ""


def test_the_overview_command_without_a_warehouse_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PACTE_WAREHOUSE", str(tmp_path / "absent.duckdb"))
    assert main(["apercu", "--france"]) == 2
    assert "lancez d'abord pacte build" in capsys.readouterr().err
