"""The pacte command line: code validation before anything runs, the UI served offline."""

from __future__ import annotations

import os
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


def test_pacte_ui_serves_the_dagster_ui_on_localhost(data_dir, tmp_path):
    port = _free_port()
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path / "dagster"))
    exe = Path(sys.executable).with_name("pacte")
    proc = subprocess.Popen([str(exe), "ui", "--port", str(port)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5) as resp:
                    body = resp.read().decode()
                    break
            except OSError:
                time.sleep(1)
        assert "dagster_webserver_version" in body, "the Dagster UI did not answer on 127.0.0.1"
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
