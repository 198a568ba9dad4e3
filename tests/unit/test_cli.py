"""The pacte command line: code validation before anything runs, the UI served offline."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from orchestration.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("code", ["99", "20", "9A", "930", "", "../93", "93; drop table x"])
def test_unknown_departement_is_refused_before_anything_runs(code, data_dir, capsys, tmp_path, monkeypatch):
    warehouse = tmp_path / "w.duckdb"
    monkeypatch.setenv("PACTE_WAREHOUSE", str(warehouse))
    assert main(["build", "--departement", code]) == 2
    assert "unknown département code" in capsys.readouterr().err
    assert not warehouse.exists()


def test_departement_list_holds_corsica_and_overseas(data_dir, capsys):
    assert main(["departements"]) == 0
    codes = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert {"01", "2A", "2B", "93", "971", "974", "976"} <= set(codes)
    assert len(codes) == 109


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _descendants(pid: int) -> list[int]:
    import psutil

    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _alive(pids: list[int]) -> list[int]:
    import psutil

    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


def _ignore_sigint():
    """What a shell does to a job it starts in the background: SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _wait_until(condition, bound: float = 300) -> bool:
    """Poll ``condition`` until it holds; the bound only stops a hang (a busy machine may be slow)."""
    waited = 0.0
    while not condition():
        if waited >= bound:
            return False
        time.sleep(0.2)
        waited += 0.2
    return True


def _wait_for_ui(proc: subprocess.Popen, port: int, bound: float = 900) -> str:
    """Wait until the UI answers or the command ends; the bound is generous, it only stops a hang."""
    waited = 0.0
    while waited < bound and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=10) as resp:
                return resp.read().decode()
        except OSError:
            time.sleep(1)
            waited += 1
    return ""


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_pacte_ui_serves_the_dagster_ui_and_stops_with_its_children(data_dir, tmp_path, stop_signal):
    """Served on 127.0.0.1; then one signal to its process group stops it and everything it started,
    even when it was launched as a background job (SIGINT ignored), which once made it deaf to SIGTERM."""
    port = _free_port()
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path / "dagster"))
    exe = Path(sys.executable).with_name("pacte")
    proc = subprocess.Popen(
        [str(exe), "ui", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_ignore_sigint,
    )
    children: list[int] = []
    try:
        body = _wait_for_ui(proc, port)
        assert "dagster_webserver_version" in body, "the Dagster UI did not answer on 127.0.0.1"
        # the webserver may answer before the daemon has started (a busy machine): wait for all three
        _wait_until(lambda: len(_descendants(proc.pid)) >= 3 or proc.poll() is not None)
        children = _descendants(proc.pid)
        assert len(children) >= 3, f"expected dagster dev, its webserver and daemon, got {children}"
        os.killpg(proc.pid, stop_signal)
        # pacte kills what is left after UI_STOP_GRACE (6 s); the bound only guards against a hang
        assert proc.wait(timeout=600) == 128 + stop_signal
        # a SIGKILLed process may take a moment to be gone on a busy machine; one never killed stays
        _wait_until(lambda: _alive(children) == [], bound=120)
        assert _alive(children) == [], "processes of the UI outlived pacte ui"
    finally:
        # every process of the UI, also when the test stopped before it listed them (the descendants
        # are read before pacte is killed: after, they would no longer be its descendants)
        for pid in dict.fromkeys([*_descendants(proc.pid), proc.pid, *children]):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait()
