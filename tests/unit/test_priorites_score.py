"""The priority marts as the report's Python reads them, on the hand-made warehouse with the rows
the priority models made of it (tests/unit/_priorites_lignes.py).

The SQL of the priority models (scores, factors, ranks, reasons of the unranked lines, the leads'
territories, actors and wording) is tested by dbt's own unit tests,
dbt_project/models/marts/priorites/_priorites__unit_tests.yml, run before the models in every build
(tests/e2e/test_dbt_unit_tests.py). Here: the evidence keys the report resolves in Python, and that
the frozen rows still have the columns the models declare.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _priorites_lignes  # noqa: E402

from rapport.preuves import CLES_PREUVES, preuves_orphelines  # noqa: E402

RACINE = Path(tempfile.mkdtemp(prefix="pacte-priorites-"))


def _requete(entrepot: Path, sql: str, params: list | None = None):
    con = duckdb.connect(str(entrepot), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


@pytest.fixture(scope="module")
def entrepot() -> Path:
    return _priorites_lignes.entrepot_priorites(RACINE)


def test_the_frozen_rows_have_the_columns_the_priority_models_declare():
    from orchestration.manifest import ensure_manifest

    manifest = json.loads(Path(ensure_manifest()).read_text(encoding="utf-8"))
    declares = {
        n["name"]: list(n["columns"])
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model"
        and n["config"].get("materialized") != "ephemeral"
        # the report's own views (models/rapport/) are built by their real SQL on these rows
        and n["original_file_path"].startswith("models/marts/priorites/")
    }
    figees = {table: {c for c, _ in info["colonnes"]} for table, info in _priorites_lignes.schemas().items()}
    assert set(figees) == set(declares), "run tests/fixtures/priorites/regenerer.py"
    for table, colonnes in declares.items():
        assert figees[table] == set(colonnes), f"{table}: run tests/fixtures/priorites/regenerer.py"


def test_every_evidence_key_resolves(entrepot):
    preuves = _requete(entrepot, "select * from marts.pistes_preuves")
    assert set(preuves["type_preuve"]) == set(CLES_PREUVES)
    con = duckdb.connect(str(entrepot), read_only=True)
    try:
        orphelines = preuves_orphelines(con)
    finally:
        con.close()
    assert orphelines.empty, orphelines


def test_an_unresolvable_key_is_caught(entrepot, tmp_path):
    import shutil

    copie = tmp_path / "copie.duckdb"
    shutil.copy(entrepot, copie)
    con = duckdb.connect(str(copie))
    try:
        con.execute("update marts.pistes_preuves set id_passage = 'inconnu' where type_preuve = 'passage'")
        con.execute("delete from marts.liens_manquants where regle = 'insertion_sans_lien_ft_pdi'")
        orphelines = preuves_orphelines(con)
    finally:
        con.close()
    assert {"passage", "lien_manquant"} <= set(orphelines["type_preuve"])
