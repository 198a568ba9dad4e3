"""Offline SVG choropleth maps of the communes of a département (no script, no outside request).

Geometry comes from the snapshot's ``geo/`` folder: ``communes_93_cog2026.geojson`` for
Seine-Saint-Denis (finer), otherwise ``communes_france_cog2026_simplifie.geojson.gz`` filtered on
the département. Coordinates are projected with an equirectangular projection centred on the
département (good enough at this scale) and written with one decimal.

Print: one SVG user unit is one typographic point (the ``width``/``height`` attributes are in
``pt`` and equal the view box), and the whole map is narrower than the A4 text block, so every
text (legend, commune names, title, source) prints at its nominal size, never under 8 pt; the
same SVG is shown on screen. Indices are drawn with a diverging ColorBrewer palette centred on
their reference (100 = France, 0 for a gap), as the Observatoire des territoires maps do;
other measures with a sequential palette of quantile classes.

Examples
--------
>>> carre = {"type": "Polygon", "coordinates": [[[2.0, 48.0], [2.1, 48.0], [2.1, 48.1], [2.0, 48.0]]]}
>>> communes = [{"code": "93001", "nom": "A", "geometry": carre}]
>>> svg = carte_choroplethe(communes, {"93001": 12.5}, titre="T", source="Source : test", unite="%")
>>> svg.startswith("<svg") and "93001" in svg and "Source : test" in svg
True
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

__all__ = [
    "PALETTE",
    "PALETTE_DIVERGENTE",
    "TAILLE_MIN_PT",
    "LARGEUR_IMPRIMABLE_PT",
    "classes_centrees",
    "classe_centree",
    "avec_populations",
    "communes_departement",
    "projection",
    "chemin",
    "classes_quantiles",
    "classe_de",
    "carte_choroplethe",
    "carte_categories",
    "format_nombre",
]

# sequential palette (light → dark, ColorBrewer OrRd 5), readable in grey when printed
PALETTE = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]
# diverging palette, low → high (ColorBrewer RdBu 6 reversed, colour-blind safe): blues under the
# reference, reds above it (a high need index is the bad side); no near-white class, so that
# white means « donnée absente »
PALETTE_DIVERGENTE = ["#2166ac", "#67a9cf", "#d1e5f0", "#fddbc7", "#ef8a62", "#b2182b"]
# smallest text size on a printed map, and the width of the A4 text block (210 - 2 × 14 mm)
TAILLE_MIN_PT = 8.0
LARGEUR_IMPRIMABLE_PT = 182 / 25.4 * 72
TAILLE_LEGENDE, TAILLE_TITRE, TAILLE_SOURCE, TAILLE_NOM = 9.0, 10.0, 8.0, 8.0
# qualitative palette for categories (density grid, typologies)
CATEGORIES = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
COULEUR_SECRET = "#bdbdbd"
COULEUR_ABSENT = "#ffffff"


def format_nombre(valeur: float | None, decimales: int = 1) -> str:
    """French number format: thin spaces for thousands, decimal comma.

    Examples
    --------
    >>> format_nombre(1234567.891, 1)
    '1\u202f234\u202f567,9'
    >>> format_nombre(28.4)
    '28,4'
    >>> format_nombre(None)
    '–'
    """
    if valeur is None or (isinstance(valeur, float) and math.isnan(valeur)):
        return "–"
    texte = f"{valeur:,.{decimales}f}"
    return texte.replace(",", "\u202f").replace(".", ",")


def _lire_geojson(path: Path) -> dict[str, Any]:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return json.load(handle)
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def _france(path: str) -> tuple[dict[str, Any], ...]:
    return tuple(_lire_geojson(Path(path))["features"])


def communes_departement(geo_dir: Path, code: str) -> list[dict[str, Any]]:
    """The communes of département ``code`` as ``{"code", "nom", "geometry", "population"}`` dicts
    (``population`` from the geometry file when it has one, else None: see :func:`avec_populations`).

    Raises ``FileNotFoundError`` naming the file when the geometry is absent.
    """
    geo_dir = Path(geo_dir)
    local = geo_dir / f"communes_{code}_cog2026.geojson"
    if local.exists():
        features = _lire_geojson(local)["features"]
    else:
        national = geo_dir / "communes_france_cog2026_simplifie.geojson.gz"
        if not national.exists():
            raise FileNotFoundError(f"commune geometry not found: {national}")
        features = [f for f in _france(str(national)) if str(f["properties"].get("dep")) == code]
    return [
        {
            "code": str(f["properties"]["code_insee"]),
            "nom": f["properties"].get("nom", ""),
            "geometry": f["geometry"],
            "population": f["properties"].get("population_municipale"),
        }
        for f in features
        if f.get("geometry")
    ]


def avec_populations(
    communes: Sequence[Mapping[str, Any]], populations: Mapping[str, float | None]
) -> list[dict[str, Any]]:
    """The communes with their population from ``populations`` (code → value) where it has one;
    the maps name the most populated communes.

    Examples
    --------
    >>> avec_populations([{"code": "1", "nom": "A", "geometry": None}], {"1": 12.0})[0]["population"]
    12.0
    """
    return [
        {
            **c,
            "population": populations.get(c["code"])
            if populations.get(c["code"]) is not None
            else c.get("population"),
        }
        for c in communes
    ]


def _anneaux(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def _exterieurs(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]] if geometry["coordinates"] else []
    if geometry["type"] == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"] if polygon]
    return []


def projection(
    communes: Sequence[Mapping[str, Any]],
    largeur: float = 560.0,
    marge: float = 8.0,
    hauteur_max: float | None = None,
):
    """A function (lon, lat) → (x, y) fitting all ``communes`` in a box ``largeur`` wide (and at
    most ``hauteur_max`` high, the drawing then narrower than ``largeur``).

    Returns ``(projeter, hauteur)``.
    """
    points = [pt for c in communes for ring in _anneaux(c["geometry"]) for pt in ring]
    if not points:
        raise ValueError("no geometry to draw")
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    lat0 = math.radians((min(lats) + max(lats)) / 2)
    kx = math.cos(lat0)
    etendue_x = (max(lons) - min(lons)) * kx or 1e-6
    etendue_y = (max(lats) - min(lats)) or 1e-6
    echelle = (largeur - 2 * marge) / etendue_x
    if hauteur_max is not None:
        echelle = min(echelle, (hauteur_max - 2 * marge) / etendue_y)
    hauteur = etendue_y * echelle + 2 * marge
    lon_min, lat_max = min(lons), max(lats)

    def projeter(lon: float, lat: float) -> tuple[float, float]:
        return (marge + (lon - lon_min) * kx * echelle, marge + (lat_max - lat) * echelle)

    return projeter, hauteur


def chemin(geometry: Mapping[str, Any], projeter) -> str:
    """SVG path data of a (Multi)Polygon."""
    morceaux = []
    for ring in _anneaux(geometry):
        pts = [projeter(lon, lat) for lon, lat, *_ in ring]
        if len(pts) < 3:
            continue
        morceaux.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
    return "".join(morceaux)


def classes_quantiles(valeurs: Sequence[float], nb: int = 5) -> list[float]:
    """Upper bounds of ``nb`` quantile classes (fewer when values repeat).

    Examples
    --------
    >>> classes_quantiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)
    [2.8, 4.6, 6.4, 8.2, 10]
    >>> classes_quantiles([3, 3, 3])
    [3]
    """
    propres = sorted(v for v in valeurs if v is not None and not math.isnan(v))
    if not propres:
        return []
    bornes: list[float] = []
    for i in range(1, nb + 1):
        position = (len(propres) - 1) * i / nb
        bas, haut = math.floor(position), math.ceil(position)
        borne = propres[bas] + (propres[haut] - propres[bas]) * (position - bas)
        borne = round(borne, 6)
        if not bornes or borne > bornes[-1]:
            bornes.append(borne)
    bornes[-1] = propres[-1]
    return bornes


def _pas_rond(minimum: float) -> float:
    """The smallest step in 1, 2, 2,5, 5, 10, 20, 25, 50 … (× 10ⁿ) at least ``minimum``."""
    if minimum <= 0:
        return 1.0
    puissance = 10 ** math.floor(math.log10(minimum))
    for facteur in (1, 2, 2.5, 5, 10):
        if facteur * puissance >= minimum - 1e-9:
            return float(facteur * puissance)
    return 10.0 * puissance


def classes_centrees(valeurs: Sequence[float], centre: float) -> list[float]:
    """The 5 bounds of the 6 classes of a diverging map centred on ``centre``: ``centre`` itself
    is the middle bound, then a round step ``pas`` on each side (« moins de centre − 2 pas », …,
    « centre + 2 pas et plus »); ``pas`` is such that the widest gap to ``centre`` falls in an
    outer class. A value equal to a bound belongs to the class above it (:func:`classe_centree`).

    Examples
    --------
    >>> classes_centrees([62, 100, 162], 100)
    [50.0, 75.0, 100.0, 125.0, 150.0]
    >>> classes_centrees([-3, 2], 0)
    [-2.0, -1.0, 0.0, 1.0, 2.0]
    """
    propres = [v for v in valeurs if v is not None and not math.isnan(v)]
    ecart = max((abs(v - centre) for v in propres), default=0.0)
    pas = _pas_rond(ecart / 3)
    return [centre + k * pas for k in (-2, -1, 0, 1, 2)]


def classe_centree(valeur: float, bornes: Sequence[float]) -> int:
    """Index (0-5) of the class of ``valeur`` among the :func:`classes_centrees` ``bornes``.

    Examples
    --------
    >>> [classe_centree(v, [50, 75, 100, 125, 150]) for v in (10, 50, 99.9, 100, 149, 150, 300)]
    [0, 1, 2, 3, 4, 5, 5]
    """
    import bisect

    return bisect.bisect_right(list(bornes), valeur)


def classe_de(valeur: float, bornes: Sequence[float]) -> int:
    """Index of the class of ``valeur`` (0-based)."""
    for i, borne in enumerate(bornes):
        if valeur <= borne:
            return i
    return len(bornes) - 1


def _decimales_de(nombres: Sequence[float], minimum: int) -> int:
    """Decimals enough to write every one of ``nombres`` exactly (at most 2)."""
    for d in range(minimum, 3):
        if all(abs(round(n, d) - n) < 1e-9 for n in nombres if math.isfinite(n)):
            return d
    return 2


def carte_choroplethe(
    communes: Sequence[Mapping[str, Any]],
    valeurs: Mapping[str, float | None],
    titre: str,
    source: str,
    unite: str = "",
    secrets: set[str] | frozenset[str] = frozenset(),
    decimales: int = 1,
    inverser: bool = False,
    largeur: float = 340.0,
    centre: float | None = None,
    libelle_centre: str = "",
    etiquettes: int = 6,
) -> Markup:
    """An inline SVG map: one path per commune coloured by the class of its value.

    Parameters
    ----------
    communes : sequence of dict
        ``{"code", "nom", "geometry"[, "population"]}`` as returned by :func:`communes_departement`.
    valeurs : mapping
        Commune code → value (``None`` when absent).
    titre, source : str
        The caption and the source line (source and year), both printed under the map.
    unite : str
        Unit shown in the legend and tooltips.
    secrets : set of str
        Communes whose value is under statistical secrecy: drawn grey, « secret statistique ».
    inverser : bool
        Dark = low values (for measures where a high value is favourable); on a diverging map,
        red under the reference.
    centre : float, optional
        The reference of an index (100 for « 100 = France », 0 for a gap): a diverging palette
        whose middle bound it is (:func:`classes_centrees`). Without it, quantile classes
        on a sequential palette.
    libelle_centre : str
        What the centre means, the first line of the legend (« 100 = valeur de la France »).
    etiquettes : int
        How many of the most populated communes are named on the map (fewer where names would
        overlap).
    """
    projeter, hauteur = projection(communes, largeur, hauteur_max=1.25 * largeur)
    propres = [v for v in valeurs.values() if v is not None and not math.isnan(v)]
    if centre is not None:
        bornes = classes_centrees(propres, centre)
        palette = list(PALETTE_DIVERGENTE)
    else:
        bornes = classes_quantiles(propres)
        palette = PALETTE[: len(bornes)] if bornes else []
    if inverser:
        palette = palette[::-1]
    traces, classes_vues = [], set()
    for commune in communes:
        code = commune["code"]
        valeur = valeurs.get(code)
        if code in secrets:
            couleur, texte = COULEUR_SECRET, "secret statistique"
        elif valeur is None or (isinstance(valeur, float) and math.isnan(valeur)):
            couleur, texte = COULEUR_ABSENT, "donnée absente"
        else:
            classe = classe_centree(valeur, bornes) if centre is not None else classe_de(valeur, bornes)
            classes_vues.add(classe)
            couleur = palette[classe]
            texte = f"{format_nombre(valeur, decimales)} {unite}".strip()
        traces.append(_trace_commune(commune, projeter, couleur, texte))
    if centre is not None:
        entrees = _legende_centree(bornes, palette, classes_vues, unite, libelle_centre)
    else:
        bas = min(propres, default=None)
        entrees = [
            (
                palette[i],
                f"{format_nombre(bas if i == 0 else bornes[i - 1], decimales)} – "
                f"{format_nombre(borne, decimales)} {unite}".strip(),
            )
            for i, borne in enumerate(bornes)
        ]
    if secrets:
        entrees.append((COULEUR_SECRET, "secret statistique"))
    if any(valeurs.get(c["code"]) is None and c["code"] not in secrets for c in communes):
        entrees.append((COULEUR_ABSENT, "donnée absente"))
    noms = _noms_communes(communes, projeter, largeur, hauteur, etiquettes)
    return _svg(titre, source, traces, entrees, largeur, hauteur, noms)


def _legende_centree(
    bornes: Sequence[float],
    palette: Sequence[str],
    vues: set[int],
    unite: str,
    libelle_centre: str,
) -> list[tuple[str | None, str]]:
    """Legend rows of a diverging map, high values first (as the Observatoire des territoires):
    what the centre means, then the classes from the highest to the lowest one drawn, always
    including the two around the centre."""
    milieu = len(bornes) // 2
    premiere, derniere = min(vues | {milieu}), max(vues | {milieu + 1})
    d = _decimales_de(bornes, 0)
    suffixe = f" {unite}" if unite else ""
    lignes: list[tuple[str | None, str]] = []
    for i in range(premiere, derniere + 1):
        if i == 0:
            texte = f"moins de {format_nombre(bornes[0], d)}{suffixe}"
        elif i == len(bornes):
            texte = f"{format_nombre(bornes[-1], d)}{suffixe} et plus"
        else:
            texte = f"de {format_nombre(bornes[i - 1], d)} à {format_nombre(bornes[i], d)}{suffixe}"
        lignes.append((palette[i], texte))
    lignes.reverse()
    if libelle_centre:
        lignes.insert(0, (None, libelle_centre))
    return lignes


def carte_categories(
    communes: Sequence[Mapping[str, Any]],
    categories: Mapping[str, str | None],
    titre: str,
    source: str,
    ordre: Sequence[str] | None = None,
    largeur: float = 340.0,
    etiquettes: int = 6,
) -> Markup:
    """An inline SVG map of a categorical attribute (one colour per category, legend in ``ordre``).

    Examples
    --------
    >>> carre = {"type": "Polygon", "coordinates": [[[2.0, 48.0], [2.1, 48.0], [2.1, 48.1], [2.0, 48.0]]]}
    >>> svg = carte_categories([{"code": "1", "nom": "A", "geometry": carre}], {"1": "Urbain"}, "T", "S")
    >>> "Urbain" in svg
    True
    """
    projeter, hauteur = projection(communes, largeur, hauteur_max=1.25 * largeur)
    valeurs = [v for v in categories.values() if v]
    classes = list(ordre) if ordre else sorted(set(valeurs))
    classes = [c for c in classes if c in set(valeurs)]
    couleurs = {c: CATEGORIES[i % len(CATEGORIES)] for i, c in enumerate(classes)}
    traces = []
    for commune in communes:
        categorie = categories.get(commune["code"])
        couleur = couleurs.get(categorie, COULEUR_ABSENT)
        traces.append(_trace_commune(commune, projeter, couleur, categorie or "donnée absente"))
    entrees = [(couleurs[classe], classe) for classe in classes]
    if any(not categories.get(c["code"]) for c in communes):
        entrees.append((COULEUR_ABSENT, "donnée absente"))
    noms = _noms_communes(communes, projeter, largeur, hauteur, etiquettes)
    return _svg(titre, source, traces, entrees, largeur, hauteur, noms)


def _trace_commune(commune: Mapping[str, Any], projeter, couleur: str, texte: str) -> str:
    """The path of one commune, with its name, code and ``texte`` as tooltip."""
    code = commune["code"]
    return (
        f'<path d="{chemin(commune["geometry"], projeter)}" fill="{couleur}" stroke="#555" '
        f'stroke-width="0.4" data-commune="{escape(code)}"><title>{escape(commune["nom"])} '
        f"({escape(code)}) : {escape(texte)}</title></path>"
    )


def _largeur_texte(texte: str, taille: float) -> float:
    """Width of ``texte`` in DejaVu/Liberation Sans at ``taille`` (a generous estimate)."""
    return len(texte) * taille * 0.6


def _point_interieur(geometry: Mapping[str, Any], projeter) -> tuple[float, float, float] | None:
    """(x, y, area) of the centroid of the largest outer ring, in map coordinates."""
    meilleur = None
    for ring in _exterieurs(geometry):
        pts = [projeter(lon, lat) for lon, lat, *_ in ring]
        if len(pts) < 3:
            continue
        aire = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True):
            croix = x0 * y1 - x1 * y0
            aire += croix
            cx += (x0 + x1) * croix
            cy += (y0 + y1) * croix
        if abs(aire) < 1e-9:
            continue
        point = (cx / (3 * aire), cy / (3 * aire), abs(aire) / 2)
        if meilleur is None or point[2] > meilleur[2]:
            meilleur = point
    return meilleur


def _noms_communes(
    communes: Sequence[Mapping[str, Any]], projeter, largeur: float, hauteur: float, nombre: int
) -> list[tuple[float, float, str]]:
    """(x, y, name) of the ``nombre`` most populated communes whose names fit without overlapping
    one another, most populated first; communes without population are never named."""
    peuplees = sorted(
        (c for c in communes if c.get("population") is not None),
        key=lambda c: (-float(c["population"]), c["code"]),
    )
    places: list[tuple[float, float, float, float]] = []
    noms = []
    for commune in peuplees:
        if len(noms) >= nombre:
            break
        point = _point_interieur(commune["geometry"], projeter)
        if point is None:
            continue
        demi = _largeur_texte(commune["nom"], TAILLE_NOM) / 2
        x = min(max(point[0], demi + 1), largeur - demi - 1)
        y = point[1] + TAILLE_NOM * 0.35
        boite = (x - demi - 2, y - TAILLE_NOM - 1, x + demi + 2, y + 3)
        if boite[1] < 0 or boite[3] > hauteur:
            continue
        if any(
            not (boite[2] < b[0] or b[2] < boite[0] or boite[3] < b[1] or b[3] < boite[1]) for b in places
        ):
            continue
        places.append(boite)
        noms.append((x, y, commune["nom"]))
    return noms


def _lignes(texte: str, largeur: float, taille: float) -> list[str]:
    """``texte`` cut between words into lines at most ``largeur`` wide at ``taille``."""
    import textwrap

    return textwrap.wrap(texte, max(10, int(largeur / (taille * 0.6)))) or [""]


def _svg(
    titre: str,
    source: str,
    traces: Sequence[str],
    entrees: Sequence[tuple[str | None, str]],
    largeur: float,
    hauteur: float,
    noms: Sequence[tuple[float, float, str]],
) -> Markup:
    """The map: the communes' paths, the names of the main communes, the legend (one
    ``(couleur, libelle)`` per row, right of the map; a row without colour is a note), then title
    and source under it.

    One user unit prints as one point: ``width``/``height`` are given in ``pt``."""
    largeur_legende = max([150.0] + [24 + _largeur_texte(libelle, TAILLE_LEGENDE) for _, libelle in entrees])
    largeur_legende = min(largeur_legende, LARGEUR_IMPRIMABLE_PT - 4 - largeur - 12)
    legende, y = [], TAILLE_LEGENDE + 4
    for couleur, libelle in entrees:
        retrait = 0 if couleur is None else 22
        morceaux = _lignes(libelle, largeur_legende - retrait - 2, TAILLE_LEGENDE)
        case = (
            ""
            if couleur is None
            else f'<rect x="0" y="{y - TAILLE_LEGENDE:.0f}" width="16" height="{TAILLE_LEGENDE + 1:.0f}" '
            f'fill="{couleur}" stroke="#555" stroke-width="0.4"/>'
        )
        legende.append(
            case
            + "".join(
                f'<text x="{retrait}" y="{y + k * (TAILLE_LEGENDE + 2):.0f}"'
                + (' font-style="italic"' if couleur is None else "")
                + f">{escape(m)}</text>"
                for k, m in enumerate(morceaux)
            )
        )
        y += len(morceaux) * (TAILLE_LEGENDE + 2) + 5
    largeur_totale = largeur + 12 + largeur_legende
    lignes_titre = _lignes(titre, largeur_totale - 8, TAILLE_TITRE)
    lignes_source = _lignes(source, largeur_totale - 8, TAILLE_SOURCE)
    bas = max(hauteur, y + 10) + 6
    textes = []
    for ligne in lignes_titre:
        bas += TAILLE_TITRE + 3
        textes.append(
            f'<text x="4" y="{bas:.0f}" font-size="{TAILLE_TITRE:g}" font-weight="bold">'
            f"{escape(ligne)}</text>"
        )
    for ligne in lignes_source:
        bas += TAILLE_SOURCE + 2
        textes.append(
            f'<text x="4" y="{bas:.0f}" font-size="{TAILLE_SOURCE:g}" fill="#333">{escape(ligne)}</text>'
        )
    hauteur_totale = bas + 4
    # names on a light box rather than a stroked halo: a halo is a second copy of the text in the PDF
    etiquettes = "".join(
        f'<rect x="{x - _largeur_texte(nom, TAILLE_NOM) * 0.47:.1f}" y="{yy - TAILLE_NOM * 0.85:.1f}" '
        f'width="{_largeur_texte(nom, TAILLE_NOM) * 0.94:.1f}" height="{TAILLE_NOM * 1.15:.1f}" rx="2" '
        f'fill="#ffffff" fill-opacity="0.8"/><text x="{x:.1f}" y="{yy:.1f}">{escape(nom)}</text>'
        for x, yy, nom in noms
    )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="carte" role="img" '
        f'viewBox="0 0 {largeur_totale:.0f} {hauteur_totale:.0f}" '
        f'width="{largeur_totale:.0f}pt" height="{hauteur_totale:.0f}pt" '
        f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(titre)}" '
        f'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif">'
        f"<title>{escape(titre)}</title>"
        f'<g class="communes">{"".join(traces)}</g>'
        f'<g class="noms-communes" font-size="{TAILLE_NOM:g}" text-anchor="middle" fill="#111">'
        f"{etiquettes}</g>"
        f'<g class="legende" transform="translate({largeur + 12:.0f},8)" font-size="{TAILLE_LEGENDE:g}">'
        f"{''.join(legende)}</g>"
        f'<g class="titre-source">{"".join(textes)}</g>'
        "</svg>"
    )
