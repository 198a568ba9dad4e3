"""Write a large local offer file in the real input format (docs/offre_saisie_locale.md), for the
scale benchmark: ``python benchmarks/offre_locale_massive.py <inbox> --departement 93 --lignes 100000``.

Rows are plausible, all different and all valid: real commune codes of the département (COG
snapshot), real data·inclusion v1 thematiques, types, publics and networks, typologies of the
template, a distinct name and address per row, coordinates on a third of the rows. Nothing random
is left unseeded: the same arguments write the same file.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from socle.settings import load_settings

REPO = Path(__file__).resolve().parent.parent
# the columns of the template the analysts fill in (its header is the format)
COLONNES = (REPO / "templates" / "offre_locale.csv").read_text(encoding="utf-8").splitlines()[0].split(";")
TYPOLOGIES = ["ES", "ASSO", "CS", "CCAS", "CHRS", "PMI", "EAJE", "ACCUEIL_DE_JOUR", "ASSO", "ASSO"]
NOMS = ["Épicerie sociale", "Accueil de jour", "Centre social", "Point conseil budget", "Permanence",
        "Crèche", "Espace parents", "Atelier numérique", "Vestiaire solidaire", "Halte-garderie"]  # fmt: skip
VOIES = ["rue", "avenue", "place", "allée", "boulevard"]


def _referentiel(data_dir: Path) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    with open(data_dir / "data-inclusion-schema" / "referentiels_v1.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            values.setdefault(row["referentiel"], []).append(row["value"])
    return values


def _communes(data_dir: Path, departement: str) -> list[dict[str, str]]:
    with open(data_dir / "cog" / "communes_2026.csv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["dep"] == departement and r["type"] == "commune-actuelle"]
    if not rows:
        raise SystemExit(f"aucune commune du département {departement} dans le COG")
    return rows


def ecrire(inbox: Path, departement: str, lignes: int, data_dir: Path | None = None) -> Path:
    """Write ``<inbox>/<departement>/offre_locale/massive.csv`` with ``lignes`` rows; returns its path."""
    data_dir = data_dir or load_settings().data_dir
    ref = _referentiel(data_dir)
    communes = _communes(data_dir, departement)
    rnd = random.Random(f"offre-locale-{departement}-{lignes}")
    path = inbox / departement / "offre_locale" / "massive.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLONNES, delimiter=";", lineterminator="\n")
        writer.writeheader()
        for i in range(1, lignes + 1):
            commune = rnd.choice(communes)
            nom = f"{rnd.choice(NOMS)} {commune['nom']} n° {i}"
            with_point = i % 3 == 0
            writer.writerow(
                {
                    "id_local": f"MASSIF-{i:06d}",
                    "nom": nom,
                    "siret": "",
                    "typologie": rnd.choice(TYPOLOGIES),
                    "reseaux_porteurs": rnd.choice(ref["ReseauPorteur"]) if i % 4 == 0 else "",
                    "nom_service": f"Service {i}",
                    "description": "Accueil, information et orientation des personnes.",
                    "thematiques": "|".join(rnd.sample(ref["Thematique"], rnd.randint(1, 3))),
                    "types": rnd.choice(ref["TypeService"]),
                    "publics": "|".join(rnd.sample(ref["Public"], rnd.randint(1, 2))),
                    "frais": rnd.choice(ref["Frais"]),
                    "modes_accueil": "en-presentiel",
                    "capacite": str(rnd.randint(5, 60)) if i % 10 == 0 else "",
                    "code_insee": commune["code_insee"],
                    "code_postal": (commune["codes_postaux"] or "").split("|")[0],
                    "commune": commune["nom"],
                    "adresse": f"{i} {rnd.choice(VOIES)} de la Solidarité",
                    # around the middle of the Seine-Saint-Denis; other départements: no coordinates
                    "latitude": f"{48.91 + rnd.uniform(-0.04, 0.04):.5f}"
                    if with_point and departement == "93"
                    else "",
                    "longitude": f"{2.45 + rnd.uniform(-0.08, 0.08):.5f}"
                    if with_point and departement == "93"
                    else "",
                    "site_web": "",
                    "source_locale": "banc d'essai de montée en charge",
                    "date_maj": "2025-01-15",
                }
            )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inbox", type=Path)
    parser.add_argument("--departement", default="93")
    parser.add_argument("--lignes", type=int, default=100_000)
    args = parser.parse_args(argv)
    print(ecrire(args.inbox, args.departement, args.lignes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
