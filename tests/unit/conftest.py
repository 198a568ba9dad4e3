"""Fixtures of the live-source tests (tests/unit/test_live_*.py): no network, isolated pynsee.

None is autouse; a live test module asks for ``pynsee_imported`` and ``isolated_pynsee``
with ``pytestmark = pytest.mark.usefixtures(...)`` so that they run before its own fixtures.
"""

from __future__ import annotations

import socket
import threading

import pytest


@pytest.fixture(scope="module")
def pynsee_imported():
    """Import pynsee once (several seconds) so that timings measure the live calls only."""
    import pynsee.localdata  # noqa: F401
    import pynsee.melodi  # noqa: F401


@pytest.fixture
def isolated_pynsee(tmp_path, monkeypatch):
    """pynsee's cache and rate-limiter files in a temp dir; no proxy or stored credentials."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    from pynsee.utils import requests_session
    from pynsee.utils._create_insee_folder import _create_insee_folder

    monkeypatch.setattr(requests_session, "_get_credentials_from_configfile", lambda: {})
    _create_insee_folder.cache_clear()
    yield
    _create_insee_folder.cache_clear()


@pytest.fixture
def no_internet(monkeypatch):
    """Refuse every socket connection except to the loopback; record the attempts."""
    attempts: list = []
    original = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        if host not in {"127.0.0.1", "::1", "localhost"}:
            attempts.append(address)
            raise OSError(f"network access refused in tests: {address}")
        return original(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return attempts


@pytest.fixture
def hanging_proxy(monkeypatch):
    """A local TCP server that accepts connections and never answers, used as the HTTPS proxy."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)  # keep it open, say nothing
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = server.getsockname()[1]
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{port}")
    yield held
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()

