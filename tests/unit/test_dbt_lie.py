"""dbt started by a build dies with it (orchestration/dbt_lie.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from orchestration.resources import default_resources

REPO = Path(__file__).resolve().parents[2]

# A parent that starts a tied child (as dagster-dbt starts dbt), says its pid, then waits forever.
_PARENT = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", sys.argv[1]])
print(child.pid, flush=True)
child.wait()
"""
_CHILD = """
import threading
from orchestration.dbt_lie import lier_au_parent
assert lier_au_parent()
print("lié", flush=True)
threading.Event().wait(600)
"""


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()
    except FileNotFoundError:
        return None


def _gone(pid: int, started: str | None = None) -> bool:
    """Dead (no entry, or a zombie nobody reaped), or its pid now names another process: on a busy
    machine the kernel may give the pid to a new process once the child is reaped, so the start time
    (field 22 of the stat line, 20th after the name) read while the child lived tells them apart."""
    fields = _stat(pid)
    if fields is None or fields[0] == "Z":
        return True
    return started is not None and fields[19] != started


def _ignores(pid: int, sig: int) -> bool:
    """Does process ``pid`` ignore ``sig`` (its SigIgn mask in /proc/<pid>/status)?"""
    with open(f"/proc/{pid}/status") as handle:
        mask = next(line.split()[1] for line in handle if line.startswith("SigIgn:"))
    return bool(int(mask, 16) & (1 << (int(sig) - 1)))


def _sigterm(disposition):
    """Start the parent with SIGTERM at ``disposition``, whatever the test runner's own is. Ignored is
    what a build started in the background may hand down (seen on the fresh-clone suite run from a
    background shell), kept through exec by the parent and by dbt."""
    return lambda: signal.signal(signal.SIGTERM, disposition)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux only")
@pytest.mark.parametrize("sigterm", ["default", "ignored"], ids=["sigterm_default", "sigterm_ignored"])
def test_a_tied_child_dies_when_its_parent_is_killed(sigterm):
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT, _CHILD], cwd=REPO, stdout=subprocess.PIPE, text=True,
        preexec_fn=_sigterm(signal.SIG_IGN if sigterm == "ignored" else signal.SIG_DFL),
    )
    child, started = None, None
    try:
        child = int(parent.stdout.readline())
        assert parent.stdout.readline().strip() == "lié"  # the child has asked for the tie
        started = _stat(child)[19]
        # the case is real: the parent ignores SIGTERM, so dbt started with it ignored too
        assert _ignores(parent.pid, signal.SIGTERM) == (sigterm == "ignored")
        parent.kill()  # kill -9: the parent has no chance to stop its child
        parent.wait()
        waited = 0.0
        while not _gone(child, started) and waited < 120:  # a condition; the bound only stops a hang
            threading.Event().wait(0.1)
            waited += 0.1
        assert _gone(child, started), f"the child outlived its killed parent: {_stat(child)}"
    finally:
        if child is not None and not _gone(child, started):
            os.kill(child, signal.SIGKILL)
        if parent.poll() is None:  # an assertion failed before the kill: the parent is ours to stop
            parent.kill()
        parent.wait()
        parent.stdout.close()
        parent.kill()
        parent.wait()


def test_the_build_runs_dbt_through_the_tied_entry_point():
    dbt = default_resources()["dbt"]
    assert Path(dbt.dbt_executable).name == "pacte-dbt"
    assert Path(dbt.dbt_executable).exists(), "pacte-dbt is installed with the project (pyproject scripts)"
    out = subprocess.run([dbt.dbt_executable, "--help"], capture_output=True, text=True, check=True).stdout
    assert "Usage: dbt" in out
