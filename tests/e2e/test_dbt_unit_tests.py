"""dbt's native unit tests (``unit_tests:`` of the dbt yml, dbt 1.8+) check the SQL logic of the
models on fixed inputs. The builds leave them out (``orchestration.manifest.DBT_BUILD``: their result
does not depend on the data, so running them at every build of every département only costs time);
the suite runs them here, ``dbt test --select test_type:unit`` on a copy of the session's build of 93
(dbt reads the column types of a model's parents from the warehouse), and checks that every unit test
the project declares ran and passed, and that the build itself ran none.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from orchestration.manifest import DBT_BUILD, dbt_vars_args
from tests._dbt import dbt_sur


def _resultats(target: Path) -> dict[str, str]:
    resultats: dict[str, str] = {}
    for chemin in sorted(target.glob("**/run_results.json")):
        for resultat in json.loads(chemin.read_text(encoding="utf-8"))["results"]:
            if resultat["unique_id"].startswith("unit_test."):
                resultats[resultat["unique_id"]] = resultat["status"]
    return resultats


def test_every_dbt_unit_test_runs_in_the_suite_and_passes_and_none_in_the_build(built_93, tmp_path):
    session_target = Path(os.environ["PACTE_DBT_TARGET"])
    manifest = json.loads((session_target / "manifest.json").read_text(encoding="utf-8"))
    declares = set(manifest.get("unit_tests", {}))
    assert len(declares) >= 14, sorted(declares)  # harmonisation, need index, gaps, perimeter, priorities
    assert "unit_test" in DBT_BUILD[DBT_BUILD.index("--exclude-resource-type") + 1 :]
    assert not _resultats(session_target), "the build ran dbt unit tests"
    copie = tmp_path / "copie.duckdb"
    shutil.copy(built_93.warehouse, copie)
    proc = dbt_sur(copie, tmp_path, "test", "--select", "test_type:unit", *dbt_vars_args())
    target = tmp_path / "target"
    resultats = _resultats(target)
    assert declares <= set(resultats), (
        f"unit tests not run: {sorted(declares - set(resultats))}\n{proc.stdout[-3000:]}"
    )
    echoues = {nom: statut for nom, statut in resultats.items() if statut != "pass"}
    assert not echoues and proc.returncode == 0, f"{echoues}\n{proc.stdout[-3000:]}"
