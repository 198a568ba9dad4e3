"""The ground floor: settings read from the environment in one module, exported for Dagster and dbt."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

from socle import settings


def _unset(monkeypatch, *names):
    """Unset ``names`` for the test only (set first, so that monkeypatch restores them, even absent)."""
    for name in names:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


@pytest.mark.parametrize("name", ["settings", "departements", "ponderations", "ecriture"])
def test_doctests(name):
    module = importlib.import_module(f"socle.{name}")
    resultat = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert resultat.failed == 0


def test_dbt_environment_is_exported_keeping_what_the_operator_set(monkeypatch, tmp_path):
    _unset(monkeypatch, "DBT_TARGET_PATH", "DBT_INDIRECT_SELECTION")
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")
    monkeypatch.setenv("PACTE_WAREHOUSE", "ailleurs.duckdb")
    settings.export_dbt_environment(tmp_path / "w.duckdb")
    enfant = settings.child_environment(EXTRA="1")
    assert enfant["PACTE_WAREHOUSE"] == str(tmp_path / "w.duckdb")
    assert enfant["DBT_TARGET_PATH"] == str(settings.DBT_TARGET_DIR / "runs")
    assert settings.dbt_runs_dir() == settings.DBT_TARGET_DIR / "runs"
    assert (enfant["DBT_INDIRECT_SELECTION"], enfant["DBT_LOG_LEVEL_FILE"], enfant["EXTRA"]) == (
        "buildable", "debug", "1"
    )


def test_dagster_home_and_weights_file(monkeypatch, tmp_path):
    _unset(monkeypatch, "DAGSTER_HOME", "PACTE_PRIORITES")
    assert settings.dagster_home() == settings.REPO_ROOT / ".dagster"
    settings.export_dagster_home(tmp_path / "dagster")
    assert settings.dagster_home() == tmp_path / "dagster"
    defaut = Path("config/priorites.yml")
    assert settings.priorites_path(defaut) == defaut
    monkeypatch.setenv("PACTE_PRIORITES", str(tmp_path / "p.yml"))
    assert settings.priorites_path(defaut) == (tmp_path / "p.yml").resolve()


def test_the_environment_view_is_read_only(monkeypatch):
    monkeypatch.setenv("PACTE_OFFRE_MODE", "live")
    vue = settings.environment()
    assert vue["PACTE_OFFRE_MODE"] == "live"
    with pytest.raises(TypeError):
        vue["PACTE_OFFRE_MODE"] = "snapshot"


def test_departements_choisis(monkeypatch):
    monkeypatch.setenv("PACTE_DEPARTEMENTS", " 93, 2A,,974 ")
    assert settings.departements_choisis() == ["93", "2A", "974"]
    _unset(monkeypatch, "PACTE_DEPARTEMENTS")
    assert (settings.departements_choisis("93"), settings.departements_choisis()) == (["93"], [])
