"""A headless Chromium with no network, for the captures of the docs and the tests of the pages.

- :data:`HORS_LIGNE`: the flags of an offline headless Chromium (every host resolves to nothing,
  every request goes to a closed port), shared by the captures and the page tests;
- :class:`Navigateur`: one Chromium showing one tab, driven over its DevTools protocol
  (``websockets``), stopped when the ``with`` block ends, whatever happens;
- :func:`une_fois`: one Chromium run without DevTools (``--dump-dom``, ``--screenshot``), its
  standard output returned.

The PDF of the report is printed by :mod:`rapport.rendu`, which keeps its own flags (extensions and
app switches that stop Chromium from opening a tab here).
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from rapport.rendu import chromium

__all__ = ["HORS_LIGNE", "Navigateur", "une_fois"]

HORS_LIGNE = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
_PORT = re.compile(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/")


def _executable() -> str:
    exe = chromium()
    if exe is None:
        raise RuntimeError("no Chromium (Debian package 'chromium' or PACTE_CHROMIUM)")
    return exe


def une_fois(arguments: Sequence[str], profil: Path, timeout: float = 600) -> str:
    """Run Chromium once with :data:`HORS_LIGNE`, ``--user-data-dir=profil`` and ``arguments``
    (e.g. ``--dump-dom URL``); its standard output. Raises with the end of its errors on failure."""
    command = [_executable(), *HORS_LIGNE, f"--user-data-dir={profil}", *arguments]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return proc.stdout


class Navigateur:
    """One headless Chromium showing ``url`` in one tab, driven over the DevTools protocol.

    ``boucle_locale``: requests to 127.0.0.1 go through (the Dagster UI) and names are not mapped to
    nothing; every other request still goes to the closed port.
    Use it as a context manager, or call :meth:`fermer`.
    """

    def __init__(self, url: str = "about:blank", largeur: int = 1440, hauteur: int = 900,
                 boucle_locale: bool = False) -> None:
        exe = _executable()
        self.dossier = tempfile.TemporaryDirectory(prefix="pacte-chromium-", ignore_cleanup_errors=True)
        self.ws = None
        self.proc = None
        self.n = 0
        journal = Path(self.dossier.name) / "chromium.log"
        drapeaux = HORS_LIGNE
        if boucle_locale:
            drapeaux = [d for d in HORS_LIGNE if not d.startswith("--host-resolver-rules")]
            drapeaux.append("--proxy-bypass-list=127.0.0.1")
        try:
            with open(journal, "w") as erreurs:  # a file, not a pipe: Chromium never blocks on it
                self.proc = subprocess.Popen(
                    [exe, *drapeaux, f"--user-data-dir={Path(self.dossier.name) / 'profil'}",
                     "--remote-debugging-port=0", f"--window-size={largeur},{hauteur}", url],
                    stdout=subprocess.DEVNULL, stderr=erreurs,
                )
            port = None
            # a condition: the port opens within a few seconds, much more on a loaded machine (the
            # bound only stops a hang)
            for _ in range(6000):
                trouve = _PORT.search(journal.read_text(errors="replace"))
                if trouve:
                    port = int(trouve.group(1))
                    break
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
            if port is None:
                raise RuntimeError("Chromium did not open its DevTools port")
            ouvreur = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            schema = url.split(":", 1)[0] + ":"
            page, pages = None, []
            for _ in range(3000):  # the first tab appears shortly after the port (bound: a hang)
                pages = json.loads(ouvreur.open(f"http://127.0.0.1:{port}/json/list", timeout=30).read())
                page = next((p for p in pages if p.get("type") == "page"
                             and p.get("url", "").startswith(schema)), None)
                if page:
                    break
                time.sleep(0.1)
            if page is None:
                raise RuntimeError(f"Chromium shows no tab for {url}: {pages}")
            from websockets.sync.client import connect

            self.ws = connect(page["webSocketDebuggerUrl"], max_size=None)
            self.taille(largeur, hauteur)
        except BaseException:
            self.fermer()
            raise

    def __enter__(self) -> Navigateur:
        return self

    def __exit__(self, *exc) -> None:
        self.fermer()

    def commande(self, methode: str, params: dict | None = None) -> dict:
        """Send one DevTools command and return its result (raises on a DevTools error)."""
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": methode, "params": params or {}}))
        while True:
            reponse = json.loads(self.ws.recv(timeout=300))
            if reponse.get("id") == self.n:
                if "error" in reponse:
                    raise RuntimeError(f"{methode}: {reponse['error']}")
                return reponse.get("result", {})

    def evaluer(self, expression: str):
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        return self.commande("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                  "awaitPromise": True})["result"].get("value")

    def taille(self, largeur: int, hauteur: int) -> None:
        self.commande("Emulation.setDeviceMetricsOverride",
                      {"width": largeur, "height": hauteur, "deviceScaleFactor": 1, "mobile": False})

    def aller(self, url: str) -> None:
        self.commande("Page.navigate", {"url": url})

    def capturer(self, cible: Path) -> Path:
        """The viewport as PNG in ``cible``."""
        image = self.commande("Page.captureScreenshot", {"format": "png"})["data"]
        cible.write_bytes(base64.b64decode(image))
        return cible

    def fermer(self) -> None:
        """Close the socket, stop Chromium (killed after 10 s) and remove its profile."""
        try:
            if self.ws is not None:
                self.ws.close()
        finally:
            if self.proc is not None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.dossier.cleanup()
