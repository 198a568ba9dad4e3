"""Shared fixtures.

Every test session works in its own temporary warehouse, output folder, Dagster home
and dbt target folder (set before any project module reads the environment), so the
suite never touches a user's ``data/warehouse.duckdb``.

``built`` builds a département once per session through the real CLI path (Dagster
job, dbt, checks) on the snapshot data and returns a :class:`Build` to query.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="pacte-tests-"))


def pytest_configure(config):
    os.environ["PACTE_WAREHOUSE"] = str(_SESSION_DIR / "warehouse.duckdb")
    os.environ["PACTE_OUTPUT"] = str(_SESSION_DIR / "output")
    os.environ["PACTE_INBOX"] = str(_SESSION_DIR / "inbox")
    os.environ["DAGSTER_HOME"] = str(_SESSION_DIR / "dagster")
    os.environ["PACTE_DBT_TARGET"] = str(_SESSION_DIR / "dbt_target")
    os.environ.setdefault("PACTE_INSEE_MODE", "snapshot")
    if not os.environ.get("PACTE_DATA_DIR"):
        os.environ["PACTE_DATA_DIR"] = str(REPO_ROOT.parent / "shared" / "data")
    # fixture inboxes (tests/fixtures/<area>/inbox/<code>/…) are in place before any build
    for inbox in sorted(FIXTURES.glob("*/inbox")):
        shutil.copytree(inbox, _SESSION_DIR / "inbox", dirs_exist_ok=True)
    # the graph reads its vocabulary from the warehouse (graph.vocabulaire): the tests that use its names
    # without a warehouse get the seeds' vocabulary, loaded as dbt loads it
    from tests.unit._vocabulaire_graphe import installer_vocabulaire_des_seeds

    installer_vocabulaire_des_seeds()


def pytest_unconfigure(config):
    """Remove the session's warehouse and outputs (about 0.5 GB) unless PACTE_KEEP_TEST_DIR is set."""
    if os.environ.get("PACTE_KEEP_TEST_DIR"):
        print(f"\npacte tests: session files kept in {_SESSION_DIR}")
    else:
        shutil.rmtree(_SESSION_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real snapshot folder; tests needing it are skipped when it is absent."""
    path = Path(os.environ["PACTE_DATA_DIR"])
    if not (path / "cog" / "communes_2026.csv").exists():
        pytest.skip(f"snapshot data not found in {path}")
    return path


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@dataclass
class Build:
    departement: str
    warehouse: Path
    output: Path
    console: str = ""  # what ``pacte build`` printed (stdout and stderr)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        import duckdb

        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def frame(self, sql: str, params: list | None = None):
        import duckdb

        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).df()
        finally:
            con.close()


_BUILDS: dict[str, Build] = {}


def build_departement(code: str) -> Build:
    """Build one département once per session via ``pacte build`` (the CLI code path)."""
    if code not in _BUILDS:
        import contextlib
        import io

        from orchestration.cli import main

        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            rc = main(["build", "--departement", code])
        print(printed.getvalue())
        assert rc == 0, f"pacte build --departement {code} failed (exit {rc})"
        _BUILDS[code] = Build(code, Path(os.environ["PACTE_WAREHOUSE"]),
                              Path(os.environ["PACTE_OUTPUT"]) / code, printed.getvalue())
    return _BUILDS[code]


@pytest.fixture(scope="session")
def built_93(data_dir) -> Build:
    return build_departement("93")


@pytest.fixture(scope="session")
def built_974(data_dir, built_93) -> Build:
    return build_departement("974")
