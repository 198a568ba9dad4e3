"""The « Comparaison » part of the report and of the committee sheets (issue 16).

Everything is read from the marts built by dbt (``comparaison_departements``,
``departements_comparables``, ``indicateurs_tendances``, ``departements_profil``); this module only
shapes rows for the templates and draws the small charts (offline inline SVG, no script):

- :func:`completer` adds ``contexte["comparaison"]`` (the peers, the transversal indicators, the
  département within its région) and ``axe["comparaison"]`` to each axis of a report context;
- :func:`rang_texte` writes a rank the French way (« 1er sur 7 »);
- :func:`petit_graphique` draws one small multiple (the département, its région and France).

A warehouse without these marts (built before them) gets no « Comparaison » part, never an error.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import duckdb
from markupsafe import Markup, escape

from rapport.cartes import format_nombre
from rapport.donnees import lire, liste_marts

__all__ = ["MARTS", "completer", "rang_texte", "petit_graphique", "contexte_comparaison"]

MARTS = (
    "comparaison_departements",
    "departements_comparables",
    "indicateurs_tendances",
    "departements_profil",
)

# colours of the small multiples: the département, its région, France (readable in grey when printed)
COULEURS = {"departement": "#b30000", "region": "#1d3557", "france": "#7a7a7a"}
LIBELLES_FAMILLES = {
    "indice_besoin": "Indice de besoin (100 = France)",
    "ecart_besoin_offre": "Écart besoin - offre",
    "faiblesse_coordination": "Faiblesse de coordination (0 à 1)",
    "priorite": "Score de priorité",
}


def rang_texte(rang: Any, sur: Any) -> str:
    """« 1er sur 7 », « 3e sur 7 »; « – » without a rank.

    >>> rang_texte(1, 7), rang_texte(3, 7), rang_texte(None, 7)
    ('1er sur 7', '3e sur 7', '–')
    """
    if rang is None or sur is None or (isinstance(rang, float) and math.isnan(rang)):
        return "–"
    rang, sur = int(rang), int(sur)
    return f"{rang}{'er' if rang == 1 else 'e'} sur {sur}"


def _decimales(unite: str | None, valeurs: Sequence[float]) -> int:
    if unite and unite.startswith("euros"):
        return 0
    grand = max((abs(v) for v in valeurs if v is not None), default=0)
    return 0 if grand >= 1000 else (2 if unite in ("rapport", "0 à 1", "facteur") else 1)


def petit_graphique(
    titre: str,
    series: dict[str, list[tuple[int, float]]],
    unite: str | None,
    lecture: str | None = None,
    largeur: float = 168.0,
    hauteur: float = 92.0,
) -> Markup:
    """One small multiple: a line per territory (``departement``, ``region``, ``france`` keys of
    ``series``, each a list of (year, value)), the first and last years, the département's first
    and last values, and the reading of its trend below. Sizes in points (printed as is).

    >>> svg = petit_graphique("Taux", {"departement": [(2017, 20.0), (2018, 21.5)]}, "%", "en hausse")
    >>> svg.startswith("<svg") and "21,5" in svg and "2017" in svg and "en hausse" in svg
    True
    """
    points = [(a, v) for s in series.values() for a, v in s if v is not None]
    if not points:
        return Markup("")
    annees = [a for a, _ in points]
    valeurs = [v for _, v in points]
    a0, a1 = min(annees), max(annees)
    v0, v1 = min(valeurs), max(valeurs)
    if v1 == v0:
        v0, v1 = v0 - 1, v1 + 1
    marge_g, marge_d, haut, bas = 30.0, 30.0, 22.0, 30.0
    zone_l, zone_h = largeur - marge_g - marge_d, hauteur - haut - bas

    def xy(annee: int, valeur: float) -> tuple[float, float]:
        x = marge_g + (zone_l * (annee - a0) / (a1 - a0) if a1 > a0 else zone_l / 2)
        y = haut + zone_h * (1 - (valeur - v0) / (v1 - v0))
        return x, y

    dec = _decimales(unite, valeurs)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="petit-multiple" width="{largeur:.0f}pt" '
        f'height="{hauteur:.0f}pt" viewBox="0 0 {largeur:.0f} {hauteur:.0f}" role="img" '
        f'aria-label="{escape(titre)}">',
        f'<text x="2" y="9" font-size="8" font-weight="bold">{escape(_court(titre, 36))}</text>',
        f'<line x1="{marge_g}" y1="{haut + zone_h}" x2="{largeur - marge_d}" y2="{haut + zone_h}" '
        'stroke="#c9ced6" stroke-width="0.6"/>',
    ]
    for niveau in ("france", "region", "departement"):
        serie = [(a, v) for a, v in series.get(niveau, []) if v is not None]
        if not serie:
            continue
        couleur = COULEURS[niveau]
        epaisseur = 1.8 if niveau == "departement" else 1.0
        tirets = ' stroke-dasharray="3,2"' if niveau == "france" else ""
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(a, v) for a, v in serie))
        parts.append(
            f'<polyline class="serie-{niveau}" points="{coords}" fill="none" stroke="{couleur}" '
            f'stroke-width="{epaisseur}"{tirets}/>'
        )
        for a, v in serie:
            x, y = xy(a, v)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.4" fill="{couleur}"/>')
        if niveau == "departement":
            (pa, pv), (da, dv) = serie[0], serie[-1]
            x, y = xy(pa, pv)
            parts.append(
                f'<text x="{x - 2:.1f}" y="{y + 3:.1f}" font-size="8" text-anchor="end">'
                f"{format_nombre(pv, dec)}</text>"
            )
            if (da, dv) != (pa, pv):
                x, y = xy(da, dv)
                parts.append(
                    f'<text x="{x + 2:.1f}" y="{y + 3:.1f}" font-size="8">{format_nombre(dv, dec)}</text>'
                )
    parts.append(
        f'<text x="{marge_g}" y="{haut + zone_h + 9}" font-size="8" text-anchor="middle">{a0}</text>'
    )
    if a1 > a0:
        x_fin, y_annee = largeur - marge_d, haut + zone_h + 9
        parts.append(f'<text x="{x_fin}" y="{y_annee}" font-size="8" text-anchor="middle">{a1}</text>')
    if lecture:
        parts.append(f'<text x="2" y="{hauteur - 3}" font-size="8">{escape(_court(lecture, 40))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _court(texte: str, n: int) -> str:
    return texte if len(texte) <= n else texte[: n - 1].rstrip() + "…"


def _enregistrements(frame) -> list[dict[str, Any]]:
    # rapport.contexte imports this module: its helper is imported at call time
    from rapport.contexte import enregistrements

    return enregistrements(frame)


def _series(con: duckdb.DuckDBPyConnection, code: str, code_region: str | None) -> dict[str, dict[str, Any]]:
    """The trend rows of the département, its région and France, by series code."""
    lignes = _enregistrements(
        lire(
            con,
            "select niveau, code_serie, libelle_serie, unite, cast(to_json(serie) as varchar) as serie, "
            "lecture, annee_debut, annee_fin "
            "from marts.indicateurs_tendances where (niveau = 'departement' and code_territoire = ?) "
            "or (niveau = 'region' and code_territoire = ?) or niveau = 'france'",
            [code, code_region],
        )
    )
    par_serie: dict[str, dict[str, Any]] = {}
    for ligne in lignes:
        entree = par_serie.setdefault(ligne["code_serie"], {"series": {}})
        serie = [] if ligne["serie"] is None else json.loads(ligne["serie"])
        points = [(int(p["annee"]), p["valeur"]) for p in serie if p["valeur"] is not None]
        entree["series"][ligne["niveau"]] = points
        if ligne["niveau"] == "departement" and ligne["annee_debut"] is not None:
            entree.update(libelle=ligne["libelle_serie"], unite=ligne["unite"], lecture=ligne["lecture"])
    # a small multiple only for a series with a comparable period (never a line across a break)
    return {k: v for k, v in par_serie.items() if "libelle" in v and len(v["series"]["departement"]) >= 2}


def _ligne(r: dict[str, Any]) -> dict[str, Any]:
    dec = _decimales(r.get("unite"), [r.get("valeur"), r.get("mediane_pairs")])
    return {
        **r,
        "decimales": dec,
        "rang": rang_texte(r.get("rang_pairs"), r.get("nb_classes")),
    }


def contexte_comparaison(con: duckdb.DuckDBPyConnection, code: str) -> dict[str, Any] | None:
    """The comparison of département ``code``: peers, rows per axis, small multiples, région table.
    None when the warehouse lacks the comparison marts."""
    if not set(MARTS) <= set(liste_marts(con)):
        return None
    pairs = _enregistrements(
        lire(
            con,
            "select rang, code_departement_pair as code, libelle_pair as libelle, distance, methode "
            "from marts.departements_comparables where code_departement = ? order by rang",
            [code],
        )
    )
    lignes = [
        _ligne(r)
        for r in _enregistrements(
            lire(
                con,
                "select * from marts.comparaison_departements where code_departement = ? "
                "order by famille, code_axe nulls first, libelle_mesure",
                [code],
            )
        )
    ]
    region = lire(
        con,
        "select code_region from marts.territoires where niveau = 'departement' and code_territoire = ?",
        [code],
    )
    code_region = None if region.empty else region.iloc[0, 0]
    series = _series(con, code, code_region)
    multiples = {
        serie: petit_graphique(s["libelle"], s["series"], s["unite"], s["lecture"])
        for serie, s in series.items()
    }
    profil = _enregistrements(
        lire(
            con,
            "select p.code_departement, p.libelle_departement, p.code_variable, "
            "p.libelle_court_variable as libelle_variable, p.valeur, "
            "p.annee from marts.departements_profil as p where p.code_region = ? "
            "order by p.code_departement, p.code_variable",
            [code_region],
        )
    )
    variables = []
    for p in profil:
        if p["code_variable"] not in [v["code"] for v in variables]:
            variables.append({"code": p["code_variable"], "libelle": p["libelle_variable"]})
    departements_region: dict[str, dict[str, Any]] = {}
    for p in profil:
        d = departements_region.setdefault(
            p["code_departement"],
            {"code": p["code_departement"], "libelle": p["libelle_departement"], "valeurs": {}},
        )
        d["valeurs"][p["code_variable"]] = p["valeur"]
    indicateurs = [r for r in lignes if r["famille"] == "indicateur"]
    return {
        "pairs": pairs,
        "methode": pairs[0]["methode"] if pairs else None,
        "lignes": lignes,
        "transversaux": [r for r in indicateurs if r.get("code_axe") is None],
        "multiples_transversaux": [
            multiples[r["code_mesure"]]
            for r in indicateurs
            if r.get("code_axe") is None and r["code_mesure"] in multiples
        ],
        "multiples": multiples,
        "region": {
            "variables": variables,
            "departements": list(departements_region.values()),
        },
    }


def comparaison_axe(comparaison: dict[str, Any] | None, code_axe: str) -> dict[str, Any] | None:
    """The rows of one axis: its indicators, then its domains' need index, gap and priority score."""
    if comparaison is None:
        return None
    lignes = [r for r in comparaison["lignes"] if r.get("code_axe") == code_axe]
    indicateurs = [r for r in lignes if r["famille"] == "indicateur"]
    domaines = [
        {**r, "libelle_famille": LIBELLES_FAMILLES[r["famille"]]}
        for r in lignes
        if r["famille"] in ("indice_besoin", "ecart_besoin_offre", "faiblesse_coordination")
        or (r["famille"] == "priorite" and r["code_mesure"].startswith("score:"))
    ]
    return {
        "indicateurs": indicateurs,
        "domaines": domaines,
        "multiples": [
            comparaison["multiples"][r["code_mesure"]]
            for r in indicateurs
            if r["code_mesure"] in comparaison["multiples"]
        ],
    }


def completer(con: duckdb.DuckDBPyConnection, code: str, contexte: dict[str, Any]) -> dict[str, Any]:
    """Add the « Comparaison » part to a report context (in place; returns it)."""
    comparaison = contexte_comparaison(con, code)
    contexte["comparaison"] = comparaison
    for axe in contexte.get("axes", []):
        axe["comparaison"] = comparaison_axe(comparaison, axe["code"])
    return contexte
