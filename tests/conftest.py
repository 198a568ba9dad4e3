"""Shared fixtures.

Every test session works in its own temporary warehouse, output folder, Dagster home
and dbt target folder (set before any project module reads the environment), so the
suite never touches a user's ``data/warehouse.duckdb``.

``built`` builds a département once per session through the real CLI path (Dagster
job, dbt, checks) on the snapshot data and returns a :class:`Build` to query.

The tests on the session-built warehouses run after all the others, and the first build
(``pacte build -d 93``, the command itself) starts in the background as soon as the tests are
collected: the other tests run while it builds (the machine has two cores), and the first test
that needs it waits for it to end. The builds after it (974 on the same warehouse, the rebuild
test) run in the test process, in the same order as before, on the warehouse it left.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
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


#: the session-built départements and the fixtures that give them
_BUILT_FIXTURES = {"built_93": "93", "built_974": "974"}
#: the background build of the first département: code → (process, console file, dbt target folder)
_BACKGROUND: dict[str, tuple[subprocess.Popen, Path, Path]] = {}


def _needs_build(item) -> bool:
    return any(name in _BUILT_FIXTURES for name in getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(session, config, items):
    """The tests on the session-built warehouses last (in their order), the first build started now."""
    built = [item for item in items if _needs_build(item)]
    others = [item for item in items if not _needs_build(item)]
    if not built:
        return
    items[:] = others + built
    data = Path(os.environ["PACTE_DATA_DIR"])
    if others and not config.option.collectonly and (data / "cog" / "communes_2026.csv").exists():
        _start_background_build("93")
        # the definitions load here, with the session's settings, as the first build in this process
        # did when it came first: they keep the settings they load with, and later tests change
        # the environment for a while (monkeypatch) before loading them
        import orchestration.definitions  # noqa: F401


def _start_background_build(code: str) -> None:
    """``pacte build -d <code>`` in its own process group, its console in a file of the session.

    It gets its own dbt target folder: the other tests parse the dbt project (some with another
    warehouse) into the session's while it runs. Everything else is the session's."""
    target = _SESSION_DIR / f"dbt_target_{code}"
    console = _SESSION_DIR / f"pacte_build_{code}.txt"
    env = dict(os.environ, PACTE_DBT_TARGET=str(target), DBT_TARGET_PATH=str(target / "runs"))
    with open(console, "wb") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("pacte")), "build", "--departement", code],
            cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _BACKGROUND[code] = (proc, console, target)


def _stop_background_builds() -> None:
    """Stop a background build still running (an interrupted session): its group, then what is left."""
    for proc, _console, _target in _BACKGROUND.values():
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait()


def pytest_unconfigure(config):
    """Remove the session's warehouse and outputs (about 0.5 GB) unless PACTE_KEEP_TEST_DIR is set."""
    _stop_background_builds()
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
    """Build one département once per session via ``pacte build`` (the CLI code path): the
    background build's, once it has ended, or else here in the test process."""
    if code not in _BUILDS:
        if code in _BACKGROUND:
            proc, console, target = _BACKGROUND[code]
            rc = proc.wait()  # a condition: the build's end (pytest-timeout guards a hang)
            text = console.read_text(encoding="utf-8", errors="replace")
            # the build's dbt run artefacts (run results…) where a build of this process leaves them,
            # in the session's dbt target; and its parse state, for the builds made here afterwards
            from orchestration.manifest import ensure_manifest

            runs = Path(os.environ["PACTE_DBT_TARGET"]) / "runs"
            for run in sorted(p for p in (target / "runs").glob("*") if p.is_dir()):
                shutil.copytree(run, runs / run.name, dirs_exist_ok=True)
            ensure_manifest()
        else:
            import contextlib
            import io

            from orchestration.cli import main

            printed = io.StringIO()
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                rc = main(["build", "--departement", code])
            text = printed.getvalue()
        print(text)
        assert rc == 0, f"pacte build --departement {code} failed (exit {rc})"
        _BUILDS[code] = Build(code, Path(os.environ["PACTE_WAREHOUSE"]),
                              Path(os.environ["PACTE_OUTPUT"]) / code, text)
    return _BUILDS[code]


@pytest.fixture(scope="session")
def built_93(data_dir) -> Build:
    return build_departement("93")


@pytest.fixture(scope="session")
def built_974(data_dir, built_93) -> Build:
    return build_departement("974")
