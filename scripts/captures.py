"""Screenshots of the outputs for docs/captures/ (issue 11), with headless Chromium, offline.

Usage::

    uv run --frozen --no-sync python scripts/captures.py OUTPUT_DIR/93 docs/captures

Each capture opens a page, scrolls to an element (``#id`` or a CSS selector) and saves the
viewport as PNG. Chromium is driven through its DevTools protocol (``websockets``), with no network
(a dead proxy, no name resolution), and is stopped at the end whatever happens.
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

# (file name, page relative to the département's output folder, selector to scroll to, width, height)
CAPTURES = [
    ("rapport_1_couverture_sommaire.png", "rapport_diagnostic.html", "#couverture", 1200, 1500),
    ("rapport_2_synthese.png", "rapport_diagnostic.html", "#synthese-A2", 1200, 1500),
    ("rapport_3_synthese_axe_sans_priorite.png", "rapport_diagnostic.html", "#synthese-A4", 1200, 900),
    ("rapport_4_axe_offre.png", "rapport_diagnostic.html", "#axe-A2 .cartes", 1200, 1500),
    ("rapport_5_fiche_action.png", "rapport_diagnostic.html", "#fiches article.fiche", 1200, 1500),
    ("rapport_6_annexe_sources.png", "rapport_diagnostic.html", "#sources", 1200, 1500),
    ("rapport_7_annexe_annuaire.png", "rapport_diagnostic.html", "#annuaire", 1200, 1200),
    ("fiche_axe_A2_constats.png", "kit/fiche_axe_A2.html", "body", 1200, 1500),
    ("fiche_axe_A2_classements.png", "kit/fiche_axe_A2.html", "section:nth-of-type(2)", 1200, 1500),
    ("fiche_axe_A4_sans_priorite.png", "kit/fiche_axe_A4.html", "section:nth-of-type(2)", 1200, 1200),
]


class Navigateur:
    """One headless Chromium showing one page, driven over the DevTools protocol (page socket)."""

    def __init__(self, url: str, largeur: int, hauteur: int) -> None:
        exe = chromium()
        if exe is None:
            raise SystemExit("captures: no Chromium (Debian package 'chromium' or PACTE_CHROMIUM)")
        self.dossier = tempfile.TemporaryDirectory(prefix="pacte-captures-", ignore_cleanup_errors=True)
        self.ws = None
        journal = Path(self.dossier.name) / "chromium.log"
        with open(journal, "w") as sortie_erreurs:  # a file, not a pipe: Chromium never blocks on it
            self.proc = subprocess.Popen(
                [
                    exe,
                    # not rendu.chromium_arguments: with its extension/app switches Chromium opens no
                    # tab when started on a page with a DevTools port
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    f"--user-data-dir={Path(self.dossier.name) / 'profil'}",
                    "--hide-scrollbars",
                    "--proxy-server=http://127.0.0.1:9",
                    "--host-resolver-rules=MAP * ~NOTFOUND",
                    "--remote-debugging-port=0",
                    f"--window-size={largeur},{hauteur}",
                    url,
                ],
                stdout=subprocess.DEVNULL,
                stderr=sortie_erreurs,
            )
        port = None
        for _ in range(600):  # Chromium opens its port within a few seconds, more on a loaded machine
            trouve = re.search(
                r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", journal.read_text(errors="replace")
            )
            if trouve:
                port = int(trouve.group(1))
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        if port is None:
            self.fermer()
            raise SystemExit("captures: Chromium did not open its DevTools port")
        sans_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        page = None
        for _ in range(100):  # the first tab appears shortly after the port
            pages = json.loads(sans_proxy.open(f"http://127.0.0.1:{port}/json/list", timeout=30).read())
            page = next(
                (p for p in pages if p.get("type") == "page" and p.get("url", "").startswith("file:")), None
            )
            if page:
                break
            time.sleep(0.1)
        if page is None:
            self.fermer()
            raise SystemExit(f"captures: Chromium shows no tab for {url}: {pages}")
        self.ws = connect(page["webSocketDebuggerUrl"], max_size=None).__enter__()
        self.n = 0

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
        return self.commande("Runtime.evaluate", {"expression": expression, "returnByValue": True})[
            "result"
        ].get("value")

    def capturer(self, selecteur: str, largeur: int, hauteur: int, cible: Path) -> None:
        self.commande(
            "Emulation.setDeviceMetricsOverride",
            {"width": largeur, "height": hauteur, "deviceScaleFactor": 1, "mobile": False},
        )
        for _ in range(600):  # the page is loaded and the element drawn
            pret = self.evaluer(
                f"document.readyState === 'complete' && !!document.querySelector({json.dumps(selecteur)})"
            )
            if pret:
                break
            time.sleep(0.1)
        trouve = self.evaluer(
            f"(() => {{ const e = document.querySelector({json.dumps(selecteur)}); "
            "if (!e) return false; window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 8); "
            "return true; })()"
        )
        if not trouve:
            raise RuntimeError(f"nothing matches {selecteur}")
        time.sleep(0.5)
        image = self.commande("Page.captureScreenshot", {"format": "png"})["data"]
        cible.write_bytes(base64.b64decode(image))

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
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    sortie, dossier = Path(argv[0]).resolve(), Path(argv[1])
    dossier.mkdir(parents=True, exist_ok=True)
    for nom, page, selecteur, largeur, hauteur in CAPTURES:
        nav = Navigateur((sortie / page).as_uri(), largeur, hauteur)
        try:
            nav.capturer(selecteur, largeur, hauteur, dossier / nom)
        finally:
            nav.fermer()
        print(f"captures: {dossier / nom}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
