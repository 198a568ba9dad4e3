"""The benchmark cases are well formed: every Python snippet compiles with its placeholders filled,
and the cases that need a built warehouse prepare it when run alone (``--only``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import run  # noqa: E402


@pytest.fixture(scope="module")
def cas(tmp_path_factory) -> dict[str, run.Case]:
    return {c.name: c for c in run.cases(tmp_path_factory.mktemp("bench"))}


def test_every_python_snippet_compiles_without_placeholder(cas):
    for case in cas.values():
        for commande in [case.command, *(case.prepare or [])]:
            if len(commande) > 2 and commande[1] == "-c":
                assert "__PACTE__" not in commande[2] and "__DBT__" not in commande[2], case.name
                compile(commande[2], case.name, "exec")


def test_report_of_every_departement_is_prepared_then_timed_alone(cas):
    tous = cas["rapport_all"]
    assert tous.command[-2:] == ["rapport", "--tous"] and tous.target_seconds and tous.target_mb == 2048
    etapes = [" ".join(e) for e in tous.prepare]
    assert "'build', '--departement', '93'" in etapes[0]
    assert "run_departements" in etapes[1] and "faiblesse_coordination" in etapes[1]
    assert "tag:apres_graphe" in etapes[2] and "dbt_vars_argument" in etapes[2]
    assert cas["rapport_all_sans_pdf"].command[-1] == "--sans-pdf"
    assert cas["rapport_93"].prepare == [tous.prepare[0]]
