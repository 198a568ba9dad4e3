"""Regional and national overview pages (issue 16): every département of a région, or of France, on
one map and in one table, for a measure chosen in the page (an indicator, a need index, an offer
gap, a priority score or a coordination weakness).

One self-contained HTML file per région (``apercu/region_<code>.html``) and one for France
(``apercu/france.html``): the département outlines are inline SVG paths, the values of every
measure are embedded as JSON, a small script colours the map and fills the table when the measure
changes; no outside request (Content-Security-Policy ``default-src 'none'``).

Values come from ``marts.comparaison_departements`` (national for the indicators and the need and
offer indices; the priority scores and coordination weaknesses exist for the départements whose
diagnostic was built); outlines from the snapshot's ``geo/departements_2026_anct.geojson`` (the
file ``ingest/geo.py`` reads too). Overseas départements are drawn in insets beside metropolitan
France.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from rapport.cartes import _lire_geojson, chemin, projection
from rapport.contexte import enregistrements
from rapport.donnees import exige_marts, lire

__all__ = ["FICHIER_DEPARTEMENTS", "donnees_apercu", "rendre_apercu", "produire_apercus", "nom_fichier"]

FICHIER_DEPARTEMENTS = Path("departements_2026_anct.geojson")
TEMPLATES = Path(__file__).resolve().parent / "templates"

# the measure families offered in the page's select, in this order, with their group label
FAMILLES = {
    "indicateur": "Indicateurs",
    "indice_besoin": "Indice de besoin par domaine (100 = France)",
    "ecart_besoin_offre": "Écart besoin - offre par domaine",
    "priorite": "Score de priorité par domaine (départements construits)",
    "faiblesse_coordination": "Faiblesse de coordination par domaine (départements construits)",
}
# the measure shown when the page opens
MESURE_INITIALE = "taux_pauvrete"


def nom_fichier(region: str | None) -> str:
    """``france.html`` or ``region_<code>.html``.

    >>> nom_fichier(None), nom_fichier("11")
    ('france.html', 'region_11.html')
    """
    return "france.html" if region is None else f"region_{region}.html"


def donnees_apercu(con: duckdb.DuckDBPyConnection, region: str | None) -> dict[str, Any]:
    """The départements of ``region`` (all of France when None) and every measure's values."""
    exige_marts(con, ["comparaison_departements", "territoires"])
    filtre, params = ("and d.code_region = ?", [region]) if region else ("", [])
    departements = enregistrements(
        lire(
            con,
            f"""
            select d.code_territoire as code, d.libelle, d.code_region, r.libelle as libelle_region,
                d.population
            from marts.territoires as d
            left join marts.territoires as r on r.niveau = 'region' and r.code_territoire = d.code_region
            where d.niveau = 'departement' {filtre}
              and d.code_territoire in (select code_departement from marts.comparaison_departements)
            order by d.code_territoire""",
            params,
        )
    )
    if not departements:
        raise ValueError(f"aucun département pour la région {region!r} dans les données de comparaison")
    codes = [d["code"] for d in departements]
    marqueurs = ", ".join("?" for _ in codes)
    lignes = enregistrements(
        lire(
            con,
            f"""
        select famille, code_mesure, libelle_mesure, unite, sens, code_departement, annee, valeur,
            mediane_pairs, rang_pairs, nb_classes, tendance
        from marts.comparaison_departements
        where code_departement in ({marqueurs})
          and (famille <> 'priorite' or code_mesure like 'score:%')
        order by famille, libelle_mesure, code_departement""",
            codes,
        )
    )
    mesures: dict[str, dict[str, Any]] = {}
    for r in lignes:
        cle = f"{r['famille']}|{r['code_mesure']}"
        m = mesures.setdefault(
            cle,
            {
                "famille": r["famille"],
                "libelle": r["libelle_mesure"],
                "unite": r["unite"],
                "sens": r["sens"],
                "valeurs": {},
            },
        )
        m["valeurs"][r["code_departement"]] = {
            "v": r["valeur"],
            "a": r["annee"],
            "m": r["mediane_pairs"],
            "r": r["rang_pairs"],
            "n": r["nb_classes"],
            "t": r["tendance"],
        }
    libelle = departements[0]["libelle_region"] if region else "France"
    return {"region": region, "libelle": libelle, "departements": departements, "mesures": mesures}


def _contours(geo_dir: Path, codes: list[str]) -> dict[str, Any]:
    path = Path(geo_dir) / FICHIER_DEPARTEMENTS
    if not path.exists():
        raise FileNotFoundError(f"département outlines not found: {path}")
    features = {}
    for f in _lire_geojson(path)["features"]:
        code = str(f["properties"].get("insee_dep") or f["properties"].get("code") or "")
        if code in codes and f.get("geometry"):
            features[code] = f["geometry"]
    return features


def dessin(geo_dir: Path, codes: list[str], largeur: float = 620.0) -> dict[str, Any]:
    """SVG paths of the départements ``codes``: metropolitan ones on one map, each overseas one in an
    inset below it. Returns ``{"largeur", "hauteur", "paths": [{code, d, cadre?}], "cadres": [...]}``."""
    contours = _contours(geo_dir, codes)
    metro = [c for c in codes if c in contours and len(c) == 2]
    outre = [c for c in codes if c in contours and len(c) == 3]
    paths, cadres = [], []
    hauteur = 0.0
    if metro:
        projeter, hauteur = projection(
            [{"geometry": contours[c]} for c in metro], largeur=largeur, hauteur_max=largeur * 0.95
        )
        paths += [{"code": c, "d": chemin(contours[c], projeter)} for c in metro]
    if outre:
        # one inset per overseas département, side by side (several rows when many)
        cote = largeur / 5 if metro else min(largeur, largeur / max(1, len(outre)) * 1.0)
        y0 = hauteur + (8 if metro else 0)
        for i, c in enumerate(outre):
            x0 = (i % 5) * cote
            y = y0 + (i // 5) * cote
            proj, h = projection([{"geometry": contours[c]}], largeur=cote - 6, hauteur_max=cote - 6)

            def decale(lon, lat, proj=proj, x0=x0, y=y):
                px, py = proj(lon, lat)
                return (px + x0 + 3, py + y + 3)

            paths.append({"code": c, "d": chemin(contours[c], decale)})
            cadres.append({"x": x0 + 1, "y": y + 1, "l": cote - 2, "h": h + 4})
        lignes = (len(outre) + 4) // 5
        hauteur = y0 + lignes * cote
    return {"largeur": largeur, "hauteur": max(hauteur, 10.0), "paths": paths, "cadres": cadres}


def rendre_apercu(donnees: dict[str, Any], geo_dir: Path) -> str:
    """The overview page of one région (or France)."""
    codes = [d["code"] for d in donnees["departements"]]
    carte = dessin(geo_dir, codes)
    familles = []
    for famille, titre in FAMILLES.items():
        options = sorted(
            (
                {"cle": cle, "libelle": m["libelle"]}
                for cle, m in donnees["mesures"].items()
                if m["famille"] == famille and any(v["v"] is not None for v in m["valeurs"].values())
            ),
            key=lambda o: o["libelle"],
        )
        if options:
            familles.append({"titre": titre, "options": options})
    initiale = f"indicateur|{MESURE_INITIALE}"
    if initiale not in donnees["mesures"]:
        initiale = familles[0]["options"][0]["cle"] if familles else ""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    charge = {
        "departements": {d["code"]: d["libelle"] for d in donnees["departements"]},
        "mesures": donnees["mesures"],
        "initiale": initiale,
    }
    return env.get_template("apercu.html").render(
        titre=f"Aperçu – {donnees['libelle']}",
        donnees=donnees,
        carte=carte,
        familles=familles,
        initiale=initiale,
        # JSON inside a script element: « </ » cannot close it once escaped
        donnees_json=Markup(json.dumps(charge, ensure_ascii=False).replace("</", "<\\/")),
        genere_le=dt.datetime.now().strftime("%d/%m/%Y à %H:%M"),
        nb_construits=len(
            {c for m in donnees["mesures"].values() if m["famille"] == "priorite" for c in m["valeurs"]}
        ),
    )


def _ecrire(chemin_: Path, texte: str) -> Path:
    chemin_.parent.mkdir(parents=True, exist_ok=True)
    partiel = chemin_.with_suffix(chemin_.suffix + ".partiel")
    partiel.write_text(texte, encoding="utf-8")
    partiel.replace(chemin_)
    return chemin_


def produire_apercus(
    con: duckdb.DuckDBPyConnection,
    sortie: Path,
    geo_dir: Path,
    regions: list[str] | None = None,
    france: bool = True,
) -> list[Path]:
    """Write the pages of ``regions`` (every région of France when None) and of France under
    ``sortie/apercu/``; returns the paths written."""
    if regions is None:
        regions = [
            r[0]
            for r in con.execute(
                "select distinct code_region from marts.comparaison_departements order by 1"
            ).fetchall()
        ]
    dossier = Path(sortie) / "apercu"
    ecrits = []
    for region in regions:
        ecrits.append(
            _ecrire(dossier / nom_fichier(region), rendre_apercu(donnees_apercu(con, region), geo_dir))
        )
    if france:
        ecrits.append(_ecrire(dossier / nom_fichier(None), rendre_apercu(donnees_apercu(con, None), geo_dir)))
    return ecrits
