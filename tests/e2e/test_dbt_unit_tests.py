"""dbt's native unit tests (``unit_tests:`` of the dbt yml, dbt 1.8+) run inside every ``dbt build``
of a département, before the model they test: a failing one stops that model and the build. This
checks, on the session's build of 93, that each unit test the project declares was run and passed,
so that a change of selection that stops running them is seen (``dbt test --select test_type:unit``
runs them alone on a built warehouse).
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def test_every_dbt_unit_test_ran_and_passed_in_the_build(built_93):
    target = Path(os.environ["PACTE_DBT_TARGET"])
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    declares = set(manifest.get("unit_tests", {}))
    assert len(declares) >= 14, sorted(declares)  # harmonisation, need index, gaps, perimeter, priorities
    resultats: dict[str, str] = {}
    for chemin in sorted(target.glob("runs/*/run_results.json")):
        for resultat in json.loads(chemin.read_text(encoding="utf-8"))["results"]:
            if resultat["unique_id"].startswith("unit_test."):
                resultats[resultat["unique_id"]] = resultat["status"]
    assert declares <= set(resultats), f"unit tests not run by the build: {sorted(declares - set(resultats))}"
    echoues = {nom: statut for nom, statut in resultats.items() if statut != "pass"}
    assert not echoues, echoues
