"""Screenshots of the Dagster UI for docs/operations.md (issue 12), with headless Chromium, offline.

Usage (``pacte ui`` running on PORT)::

    uv run --frozen --no-sync python scripts/captures_dagster.py PORT docs/captures [STEP ...]

Each step opens a page of the UI, waits for a text to be shown, optionally clicks buttons by
their label, and saves the viewport as PNG. Chromium is driven over its DevTools protocol
(``websockets``, as scripts/captures.py) with no network but the loopback, and is stopped at the
end whatever happens. The steps that launch runs (``lancer``) really launch them.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from websockets.sync.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapport.rendu import chromium  # noqa: E402

LOCATION = "orchestration.definitions"


class Onglet:
    """One headless Chromium tab on the UI, driven over the DevTools protocol."""

    def __init__(self, largeur: int = 1440, hauteur: int = 900) -> None:
        exe = chromium()
        if exe is None:
            raise SystemExit("captures: no Chromium (Debian package 'chromium' or PACTE_CHROMIUM)")
        self.dossier = tempfile.TemporaryDirectory(prefix="pacte-captures-ui-", ignore_cleanup_errors=True)
        self.ws = None
        journal = Path(self.dossier.name) / "chromium.log"
        with open(journal, "w") as erreurs:
            self.proc = subprocess.Popen(
                [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={Path(self.dossier.name) / 'profil'}", "--hide-scrollbars",
                 "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",
                 "--remote-debugging-port=0", f"--window-size={largeur},{hauteur}", "about:blank"],
                stdout=subprocess.DEVNULL, stderr=erreurs,
            )
        try:
            port = None
            for _ in range(600):
                trouve = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", journal.read_text(errors="replace"))
                if trouve:
                    port = int(trouve.group(1))
                    break
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
            if port is None:
                raise SystemExit("captures: Chromium did not open its DevTools port")
            ouvreur = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            page = None
            for _ in range(100):
                pages = json.loads(ouvreur.open(f"http://127.0.0.1:{port}/json/list", timeout=30).read())
                page = next((p for p in pages if p.get("type") == "page"), None)
                if page:
                    break
                time.sleep(0.1)
            if page is None:
                raise SystemExit("captures: Chromium shows no tab")
            self.ws = connect(page["webSocketDebuggerUrl"], max_size=None).__enter__()
            self.n = 0
            self.commande("Emulation.setDeviceMetricsOverride",
                          {"width": largeur, "height": hauteur, "deviceScaleFactor": 1, "mobile": False})
        except BaseException:
            self.fermer()
            raise

    def commande(self, methode: str, params: dict | None = None) -> dict:
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": methode, "params": params or {}}))
        while True:
            reponse = json.loads(self.ws.recv(timeout=300))
            if reponse.get("id") == self.n:
                if "error" in reponse:
                    raise RuntimeError(f"{methode}: {reponse['error']}")
                return reponse.get("result", {})

    def evaluer(self, expression: str):
        return self.commande("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                  "awaitPromise": True})["result"].get("value")

    def aller(self, url: str) -> None:
        self.commande("Page.navigate", {"url": url})

    def attendre_texte(self, texte: str, essais: int = 1200) -> None:
        """Wait until ``texte`` is shown on the page (the UI renders after its GraphQL answers)."""
        for _ in range(essais):
            if self.evaluer(f"document.body && document.body.innerText.includes({json.dumps(texte)})"):
                time.sleep(1.0)  # let the rest of the page settle
                return
            time.sleep(0.25)
        raise RuntimeError(f"the page never showed {texte!r}")

    def cliquer_si(self, libelle: str, selecteur: str = "button") -> bool:
        """Click ``libelle`` if it is shown now (e.g. the UI's newsletter invitation's « Skip »)."""
        return bool(self.evaluer(self._clic(libelle, selecteur)))

    @staticmethod
    def _clic(libelle: str, selecteur: str) -> str:
        return f"""(() => {{
            const els = [...document.querySelectorAll({json.dumps(selecteur)})]
                .filter(e => e.innerText && e.innerText.trim() === {json.dumps(libelle)} && e.offsetParent !== null);
            if (!els.length) return false;
            els[els.length - 1].click(); return true; }})()"""

    def cliquer(self, libelle: str, selecteur: str = "button, a, [role=button], [role=menuitem], li") -> None:
        """Click the last visible element among ``selecteur`` whose own text is ``libelle``."""
        code = f"""(() => {{
            const els = [...document.querySelectorAll({json.dumps(selecteur)})]
                .filter(e => e.innerText && e.innerText.trim() === {json.dumps(libelle)} && e.offsetParent !== null);
            if (!els.length) return false;
            els[els.length - 1].click(); return true; }})()"""
        for _ in range(240):
            if self.evaluer(code):
                time.sleep(1.0)
                return
            time.sleep(0.25)
        raise RuntimeError(f"nothing to click labelled {libelle!r}")

    def souris(self, expression: str) -> None:
        """A real mouse click (pointer events) in the middle of the element ``expression`` gives."""
        rect = self.evaluer(f"""(() => {{ const e = {expression}; if (!e) return null;
            const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()""")
        if not rect:
            raise RuntimeError(f"nothing to click: {expression}")
        x, y = rect
        self.commande("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
        for kind in ("mousePressed", "mouseReleased"):
            self.commande("Input.dispatchMouseEvent",
                          {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})
        time.sleep(1.0)

    def capturer(self, cible: Path) -> None:
        image = self.commande("Page.captureScreenshot", {"format": "png"})["data"]
        cible.write_bytes(base64.b64decode(image))
        print(f"captures: {cible}")

    def fermer(self) -> None:
        try:
            if self.ws is not None:
                self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.dossier.cleanup()


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    base = f"http://127.0.0.1:{int(argv[0])}"
    dossier = Path(argv[1])
    dossier.mkdir(parents=True, exist_ok=True)
    etapes = argv[2:] or ["job"]
    onglet = Onglet()
    try:
        for etape in etapes:
            try:
                ETAPES[etape](onglet, base, dossier)
            except Exception:
                onglet.capturer(Path(tempfile.gettempdir()) / f"captures_dagster_echec_{etape}.png")
                raise
    finally:
        onglet.fermer()
    return 0


def _ouvrir_job(o: Onglet, base: str) -> None:
    o.aller(f"{base}/locations/{LOCATION}/jobs/diagnostic")
    o.attendre_texte("Materialize all")
    time.sleep(3)
    o.cliquer_si("Skip")  # the UI's newsletter invitation, shown to a new browser profile


def _attendre_bouton_pret(o: Onglet) -> None:
    """« Materialize all… » shows a spinner while the UI loads the partitions of the job's assets."""
    for _ in range(600):
        if not o.evaluer("!!document.querySelector('button [class*=Spinner], button [role=progressbar]')"):
            return
        time.sleep(1)


def _groupes(o: Onglet, base: str, dossier: Path) -> None:
    _ouvrir_job(o, base)
    o.capturer(dossier / "ui_1_job_diagnostic.png")


def _lancer(o: Onglet, base: str, dossier: Path, code: str, capture: str | None, lancer: bool) -> None:
    """Launch the job ``diagnostic`` for the département ``code`` as the guide says."""
    _ouvrir_job(o, base)
    _attendre_bouton_pret(o)
    o.cliquer("Materialize all…")
    o.attendre_texte("Partition selection")
    # the dialog opens on « Custom » with no partition: the picker lists the partition keys
    # the picker lists the partition keys; typing filters them, a click on the key selects it
    o.souris("document.querySelector('[role=dialog] [aria-haspopup=dialog]')")
    o.commande("Input.insertText", {"text": code})
    time.sleep(2)
    o.souris(f"""[...document.querySelectorAll('[data-radix-popper-content-wrapper] *, [role=dialog] ~ * *')]
        .filter(e => e.children.length === 0 && e.innerText && e.innerText.trim() === {json.dumps(code)})
        .pop()""")
    o.souris("document.querySelector('[role=dialog] [class*=dialog]') || document.querySelector('[role=dialog]')")
    o.attendre_texte("1 partition")
    o.cliquer_si("Tags")
    time.sleep(1)
    if capture:
        o.capturer(dossier / capture)
    if lancer:
        o.cliquer("Launch 1 run")
        time.sleep(3)


def _runs(o: Onglet, base: str, dossier: Path, capture: str) -> None:
    o.aller(f"{base}/runs")
    o.attendre_texte("diagnostic")
    time.sleep(2)
    o.cliquer_si("Skip")
    o.capturer(dossier / capture)


ETAPES = {
    "job": _groupes,
    "dialogue_93": lambda o, b, d: _lancer(o, b, d, "93", "ui_2_lancer_93.png", lancer=False),
    "lancer_93": lambda o, b, d: _lancer(o, b, d, "93", "ui_2_lancer_93.png", lancer=True),
    "lancer_2A": lambda o, b, d: _lancer(o, b, d, "2A", None, lancer=True),
    "file": lambda o, b, d: _runs(o, b, d, "ui_3_file_d_attente.png"),
}

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
