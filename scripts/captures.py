"""Screenshots of the outputs for docs/captures/ (issue 11), with headless Chromium, offline.

Usage::

    uv run --frozen --no-sync python scripts/captures.py OUTPUT_DIR/93 docs/captures

Each capture opens a page, scrolls to an element (``#id`` or a CSS selector) and saves the
viewport as PNG. Chromium is driven through its DevTools protocol, with no network (a dead proxy,
no name resolution), and is stopped at the end whatever happens (:mod:`rapport.navigateur`).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapport.navigateur import Navigateur  # noqa: E402

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


def capturer(nav: Navigateur, selecteur: str, cible: Path) -> None:
    """Scroll to the first element matching ``selecteur`` once the page is loaded; save the viewport."""
    for _ in range(600):  # the page is loaded and the element drawn
        pret = f"document.readyState === 'complete' && !!document.querySelector({json.dumps(selecteur)})"
        if nav.evaluer(pret):
            break
        time.sleep(0.1)
    trouve = nav.evaluer(
        f"(() => {{ const e = document.querySelector({json.dumps(selecteur)}); "
        "if (!e) return false; window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 8); "
        "return true; })()"
    )
    if not trouve:
        raise RuntimeError(f"nothing matches {selecteur}")
    time.sleep(0.5)
    nav.capturer(cible)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    sortie, dossier = Path(argv[0]).resolve(), Path(argv[1])
    dossier.mkdir(parents=True, exist_ok=True)
    for nom, page, selecteur, largeur, hauteur in CAPTURES:
        with Navigateur((sortie / page).as_uri(), largeur, hauteur) as nav:
            capturer(nav, selecteur, dossier / nom)
        print(f"captures: {dossier / nom}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
