"""Screenshots of the Dagster UI for docs/operations.md (issue 12), with headless Chromium, offline.

Usage (``pacte ui`` running on PORT)::

    uv run --frozen --no-sync python scripts/captures_dagster.py PORT docs/captures [STEP ...]

Each step opens a page of the UI, waits for a text to be shown, optionally clicks buttons by
their label, and saves the viewport as PNG. Chromium is driven over its DevTools protocol
(:mod:`rapport.navigateur`, as scripts/captures.py) with no network but the loopback, and is stopped at the
end whatever happens. The steps that launch runs (``lancer``) really launch them.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapport.navigateur import Navigateur  # noqa: E402

LOCATION = "orchestration.definitions"


class Onglet(Navigateur):
    """One headless Chromium tab on the UI (loopback only), with the gestures of a person."""

    def __init__(self, largeur: int = 1440, hauteur: int = 900) -> None:
        super().__init__("about:blank", largeur, hauteur, boucle_locale=True)

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
        code = self._clic(libelle, selecteur)
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

    def capturer(self, cible: Path) -> Path:
        super().capturer(cible)
        print(f"captures: {cible}")
        return cible


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
