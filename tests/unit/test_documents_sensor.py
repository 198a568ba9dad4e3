"""The inbox sensor: one run request per département whose files appeared or changed."""

from __future__ import annotations

import importlib
import json
import shutil
from pathlib import Path

import pytest
from dagster import RunRequest, build_sensor_context

FORMATS = Path(__file__).resolve().parent.parent / "fixtures" / "documents" / "formats"


@pytest.fixture(scope="module")
def documents_module(data_dir):
    from orchestration.manifest import ensure_manifest

    ensure_manifest()  # the module builds its job from the dbt manifest
    return importlib.import_module("orchestration.assets.documents")


def _tick(module, settings, cursor=None):
    context = build_sensor_context(cursor=cursor, resources={"settings": settings})
    result = module.boite_de_depot_documents(context)
    return result.run_requests or [], result.cursor, result.skip_reason


def test_sensor_requests_the_partition_whose_files_changed(documents_module, tmp_path, data_dir, monkeypatch):
    from orchestration.resources import PacteSettingsResource

    for name in list(__import__("os").environ):
        if name.startswith("PACTE_DOCUMENTS_"):
            monkeypatch.delenv(name)
    inbox = tmp_path / "inbox"
    (inbox / "93" / "documents").mkdir(parents=True)
    (inbox / "pas-un-departement").mkdir()
    shutil.copy(FORMATS / "calpae_exemple.md", inbox / "93" / "documents")
    settings = PacteSettingsResource(
        data_dir=str(data_dir), output_dir=str(tmp_path / "out"), inbox_dir=str(inbox)
    )

    requests, cursor, _ = _tick(documents_module, settings)
    assert [r.partition_key for r in requests] == ["93"]
    assert documents_module.boite_de_depot_documents.job_name == "documents_departement"
    assert isinstance(requests[0], RunRequest) and set(json.loads(cursor)) == {"93"}

    requests, cursor_again, skip = _tick(documents_module, settings, cursor)
    assert requests == [] and cursor_again == cursor and "aucun fichier" in str(skip)

    (inbox / "974" / "entretiens").mkdir(parents=True)
    (inbox / "974" / "entretiens" / "entretien.md").write_text(
        "---\nacteur: CCAS\n---\nNotes.\n", encoding="utf-8"
    )
    requests, cursor, _ = _tick(documents_module, settings, cursor)
    assert [r.partition_key for r in requests] == ["974"]

    target = inbox / "93" / "documents" / "calpae_exemple.md"
    target.write_text(target.read_text(encoding="utf-8") + "\nUne ligne de plus.\n", encoding="utf-8")
    requests, cursor, _ = _tick(documents_module, settings, cursor)
    assert [r.partition_key for r in requests] == ["93"]
    assert requests[0].run_key.startswith("documents-93-")


def test_documents_job_selects_the_raw_assets_and_the_document_models(documents_module):
    from dagster import AssetKey, Definitions

    from orchestration.resources import default_resources

    defs = Definitions(
        assets=documents_module.ASSETS
        + [importlib.import_module("orchestration.assets.dbt_models").pacte_dbt_models],
        jobs=documents_module.JOBS,
        resources=default_resources(),
    )
    job = defs.resolve_job_def("documents_departement")
    keys = job.asset_layer.executable_asset_keys
    assert AssetKey(["raw", "documents_passages"]) in keys and AssetKey(["marts", "parole"]) in keys
    assert AssetKey(["marts", "vocabulaire_axes"]) in keys
    assert AssetKey(["marts", "besoins"]) not in keys
