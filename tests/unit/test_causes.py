"""The root cause leads the failure summary of ``pacte build`` (issue 15 point 5).

Small simulations, no build: a process holding the DuckDB lock of a tiny warehouse (a live one,
and one left behind by a stopped build, adopted by another parent), a full device (``/dev/full``),
a read-only file system, an invalid weights file; and the order of the summary's lines.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from orchestration.causes import cause_premiere, error_texts, verrou_entrepot

# The holder keeps the lock as long as its ready file exists (the test removes it, then kills the
# holder): no clock of its own decides when the lock goes, however slowly the test runs; the hour
# only ends a holder nobody stopped.
HOLDER = """
import os, sys, time, duckdb
con = duckdb.connect(sys.argv[1])
open(sys.argv[2], "w").write(str(os.getpid()))
for _ in range(36000):
    if not os.path.exists(sys.argv[2]):
        break
    time.sleep(0.1)
"""
# the same for the build's own lock
BUILD_HOLDER = (
    "import sys, time\nfrom pathlib import Path\n"
    "from orchestration.causes import construction_exclusive\n"
    "with construction_exclusive(Path(sys.argv[1])) as autre:\n"
    "    assert autre is None; Path(sys.argv[2]).write_text('1')\n"
    "    for _ in range(36000):\n"
    "        if not Path(sys.argv[2]).exists(): break\n"
    "        time.sleep(0.1)\n"
)


def _wait_for(path: Path, proc=None, bound: float = 600) -> int:
    """The holder's PID, once it holds the lock: a condition; the bound only stops a hang."""
    waited = 0.0
    while waited < bound:
        if path.exists() and path.read_text():
            return int(path.read_text())
        if proc is not None and proc.poll() is not None:
            raise AssertionError("the lock holder stopped")
        time.sleep(0.05)
        waited += 0.05
    raise AssertionError("the lock holder never started")


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).close()
    return path


def test_a_live_process_holding_the_lock_is_named(warehouse, tmp_path):
    pidfile = tmp_path / "pid"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(warehouse), str(pidfile)])
    try:
        pid = _wait_for(pidfile, holder)
        cause = verrou_entrepot(warehouse)
        assert cause.genre == "verrou"
        assert f"l'entrepôt {warehouse} est verrouillé par un autre processus (PID {pid} : " in cause.texte
    finally:
        pidfile.unlink(missing_ok=True)
        holder.kill()
        holder.wait()
    assert verrou_entrepot(warehouse) is None


def test_a_dbt_process_left_by_a_stopped_build_is_named_as_stale(warehouse, tmp_path):
    """A dbt child whose ``pacte build`` died (here: its shell parent exits at once) keeps the lock."""
    pidfile = tmp_path / "pid"
    subprocess.run(["sh", "-c", 'exec 0</dev/null; "$0" -c "$1" "$2" "$3" pacte-dbt build >/dev/null 2>&1 &',
                    sys.executable, HOLDER, str(warehouse), str(pidfile)], check=True)
    pid = None
    try:
        pid = _wait_for(pidfile)
        cause = verrou_entrepot(warehouse)
        assert cause.genre == "verrou_perime"
        assert "reste d'une construction arrêtée" in cause.texte and f"kill {pid}" in cause.texte
    finally:
        pidfile.unlink(missing_ok=True)  # the holder ends by itself once it sees it gone
        if pid is not None:
            os.kill(pid, signal.SIGKILL)


def test_full_disk_read_only_and_weights_are_recognised(tmp_path):
    with pytest.raises(OSError) as full:
        with open("/dev/full", "w") as handle:
            handle.write("x")
    assert cause_premiere([f"{type(full.value).__name__}: {full.value}"]).genre == "disque_plein"
    read_only = OSError(errno.EROFS, os.strerror(errno.EROFS), str(tmp_path / "sortie" / "93"))
    cause = cause_premiere(["Error occurred while executing op rapport", f"OSError: {read_only}"])
    assert cause.genre == "lecture_seule" and str(tmp_path / "sortie" / "93") in cause.texte
    weights = cause_premiere(["socle.ponderations.PonderationsError: config/priorites.yml: besoin.exposant "
                              "must be a number, not 'x'"])
    assert weights.texte.startswith("Cause : fichier de pondérations invalide : config/priorites.yml: ")
    assert cause_premiere(["Error occurred while executing op raw__x"]) is None


def _check(name: str, blocking: bool, severity: str):
    return SimpleNamespace(event_type_value="ASSET_CHECK_EVALUATION", step_key=None, message="",
                           event_specific_data=SimpleNamespace(
                               passed=False, blocking=blocking, check_name=name,
                               description=f"{name} : détail", severity=SimpleNamespace(value=severity)))


def _step(key: str, message: str):
    error = SimpleNamespace(message=message, cls_name="DagsterExecutionStepExecutionError", stack=[],
                            cause=SimpleNamespace(message='Could not set lock on file "/w.duckdb": '
                                                  "Conflicting lock is held in /usr/bin/python3 "
                                                  "(PID 999999999)",
                                                  cls_name="IOException", stack=[], cause=None, context=None),
                            context=None)
    return SimpleNamespace(event_type_value="STEP_FAILURE", step_key=key, message=message,
                           event_specific_data=SimpleNamespace(error=error))


def test_blocking_failures_come_before_warnings_and_repeated_steps_are_counted():
    from orchestration.progression import bilan_controles

    events = [_check("conformite_schema_data_inclusion", False, "WARN"),
              *(_step(k, f'Error occurred while executing op "{k}":')
                for k in ("pacte_dbt", "pacte_dbt_apres_graphe")),
              _check("identifiants_uniques", True, "ERROR")]
    bilan = bilan_controles(events)
    # the two steps that failed on the same lock are one line, with the innermost error's text
    assert len(bilan.etapes_en_echec) == 1
    assert bilan.etapes_en_echec[0].startswith("2 étapes (")
    assert bilan.etapes_en_echec[0].endswith(': Could not set lock on file "/w.duckdb": Conflicting lock '
                                             "is held in /usr/bin/python3 (PID 999999999)")
    assert [t.split(" :")[0] for t in bilan.echecs] == ["identifiants_uniques"]
    assert [t.split(" :")[0] for t in bilan.avertissements] == ["conformite_schema_data_inclusion"]
    cause = cause_premiere(error_texts(events))
    assert cause.genre == "verrou" and "PID 999999999" in cause.texte


def test_a_second_build_on_the_same_warehouse_is_refused_at_once(warehouse, tmp_path):
    """The build's lock is the kernel's: held for the whole build, gone with its process."""
    from orchestration.causes import construction_exclusive

    ready = tmp_path / "pret"
    holder = subprocess.Popen([sys.executable, "-c", BUILD_HOLDER, str(warehouse), str(ready)])
    try:
        _wait_for(ready, holder)
        with construction_exclusive(warehouse) as autre:
            assert autre.genre == "construction" and f"PID {holder.pid}" in autre.texte
    finally:
        ready.unlink(missing_ok=True)
        holder.kill()  # as kill -9 would: the kernel releases the lock
        holder.wait()
    with construction_exclusive(warehouse) as autre:
        assert autre is None
