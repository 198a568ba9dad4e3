"""What ``pacte build`` prints by default: a progress display, then a short French summary."""

from __future__ import annotations

import csv

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.snapshot]


def test_build_prints_a_short_french_summary(built_93):
    lines = [line for line in built_93.console.splitlines() if line.strip()]
    assert len(lines) <= 60, f"{len(lines)} lines printed:\n" + "\n".join(lines[:80])
    text = "\n".join(lines)
    assert lines[0].startswith("pacte : construction du diagnostic de Seine-Saint-Denis (93)")
    assert "pacte : construit pour Seine-Saint-Denis (93) en " in text
    assert "Étapes : " in text and "Contrôles : " in text
    # dbt's own lines and Dagster's event stream stay off the screen
    for noise in ("START sql", "Running with dbt", "STEP_SUCCESS", "Traceback"):
        assert noise not in text, noise


def test_build_lists_set_aside_rows_per_source_file(built_93):
    text = built_93.console
    assert "Lignes écartées à la lecture : " in text
    path = built_93.warehouse.parent / "journaux" / "lignes_ecartees.csv"
    assert str(path) in text
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["fichier", "ligne", "champ", "motif"]
    # an operator's file, not one for people: the publication's personal-data scan never reads it
    assert not (built_93.output.parent / "quarantaine").exists()
    counts = built_93.query("select count(*) from quarantine.rejets")[0][0]
    assert len(rows) - 1 == counts
    # the largest source of set-aside rows is named with its count
    ((largest, n),) = built_93.query(
        "select regexp_extract(source_file, '[^/]+$'), count(*) from quarantine.rejets "
        "group by 1 order by 2 desc, 1 limit 1"
    )
    assert f"{largest} : {n}" in text.replace("\u202f", "")
    # a count per source file: the six largest by name, the others counted
    per_source = built_93.query(
        "select regexp_extract(source_file, '[^/]+$'), count(*) from quarantine.rejets group by 1"
    )
    shown = [(name, n) for name, n in per_source if f"    {name} : {n}" in text.replace("\u202f", "")]
    assert len(shown) == min(6, len(per_source)), (shown, per_source)
    assert min(n for _, n in shown) >= max([n for name, n in per_source if (name, n) not in shown], default=0)
    if len(per_source) > 6:
        assert f"… et {len(per_source) - 6} autre" in text


def test_every_step_of_the_job_has_a_stage_in_french():
    from orchestration.definitions import defs
    from orchestration.progression import etape

    job = defs.resolve_job_def("diagnostic")
    unnamed = [node.name for node in job.graph.nodes if etape(node.name) == "Construction"]
    assert unnamed == []
