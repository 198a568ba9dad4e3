"""Captures of the network page for docs/kit_comite.md, taken in headless Chromium with networking off.

    uv run --frozen --no-sync python scripts/captures_reseau.py output/93/reseau_acteurs.html docs/captures

Five PNG files: the page as it opens, after a search, in focus mode, with « Sans axe » unticked, and
after that filter round trip (unticked then ticked again). The script also checks what the captures
show (the counter says what
is drawn, the round trip moves no node) and stops with an error otherwise.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "unit"))

import _reseau_chromium as rc  # noqa: E402

RECHERCHE = "france travail"
FOCUS = "allocations familiales"

CAPTURES = {
    "reseau_defaut.png": ["R.etat = etat();"],
    "reseau_recherche.png": [f"taper({RECHERCHE!r});", "R.etat = etat();"],
    "reseau_focus.png": [
        f"taper({FOCUS!r});",
        "document.querySelector('#resultats button').click();",
        "R.etat = etat();",
    ],
    "reseau_filtre_sans_axe.png": ["cocher('Sans axe', false);", "R.etat = etat();"],
    "reseau_filtres_aller_retour.png": [
        "R.avant = etat();",
        "cocher('Sans axe', false);",
        "R.pendant = etat();",
        "cocher('Sans axe', true);",
        "R.etat = etat();",
    ],
}


def main(page: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, steps in CAPTURES.items():
            result = rc.run(page, steps, Path(tmp) / name, screenshot=out / name)
            if "erreur" in result:
                raise SystemExit(f"{name} : {result['erreur']}")
            state = result["etat"]
            if not rc.counter_matches(state):
                raise SystemExit(
                    f"{name} : le compteur « {state['compteur']} » ne dit pas ce qui est dessiné"
                )
            line = f"{name} : {state['compteur']}, {len(state['etiquettes'])} noms affichés"
            if "avant" in result:
                moved = rc.moved(result["avant"]["positions"], state["positions"])
                if moved:
                    raise SystemExit(f"{name} : {len(moved)} nœuds déplacés par l'aller-retour du filtre")
                line += f" (filtre décoché : {result['pendant']['compteur']} ; aucun nœud déplacé)"
            print(line)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
