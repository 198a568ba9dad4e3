"""Offline SVG choropleth maps of the communes of a département (no script, no outside request).

Geometry comes from the snapshot's ``geo/`` folder: ``communes_93_cog2026.geojson`` for
Seine-Saint-Denis (finer), otherwise ``communes_france_cog2026_simplifie.geojson.gz`` filtered on
the département. Coordinates are projected with an equirectangular projection centred on the
département (good enough at this scale) and written with one decimal.

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
    "communes_departement",
    "projection",
    "chemin",
    "classes_quantiles",
    "classe_de",
    "carte_choroplethe",
    "carte_categories",
    "format_nombre",
]

# sequential palette (light → dark), readable in grey when printed
PALETTE = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]
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
    """The communes of département ``code`` as ``{"code", "nom", "geometry"}`` dicts.

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
        }
        for f in features
        if f.get("geometry")
    ]


def _anneaux(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def projection(communes: Sequence[Mapping[str, Any]], largeur: float = 560.0, marge: float = 8.0):
    """A function (lon, lat) → (x, y) fitting all ``communes`` in a box ``largeur`` wide.

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


def classe_de(valeur: float, bornes: Sequence[float]) -> int:
    """Index of the class of ``valeur`` (0-based)."""
    for i, borne in enumerate(bornes):
        if valeur <= borne:
            return i
    return len(bornes) - 1


def carte_choroplethe(
    communes: Sequence[Mapping[str, Any]],
    valeurs: Mapping[str, float | None],
    titre: str,
    source: str,
    unite: str = "",
    secrets: set[str] | frozenset[str] = frozenset(),
    decimales: int = 1,
    inverser: bool = False,
    largeur: float = 560.0,
) -> Markup:
    """An inline SVG map: one path per commune coloured by quantile class of its value.

    Parameters
    ----------
    communes : sequence of dict
        ``{"code", "nom", "geometry"}`` as returned by :func:`communes_departement`.
    valeurs : mapping
        Commune code → value (``None`` when absent).
    titre, source : str
        The caption and the source line (source and year), both printed under the map.
    unite : str
        Unit shown in the legend and tooltips.
    secrets : set of str
        Communes whose value is under statistical secrecy: drawn grey, « secret statistique ».
    inverser : bool
        Dark = low values (for measures where a high value is favourable).
    """
    projeter, hauteur = projection(communes, largeur)
    bornes = classes_quantiles([v for v in valeurs.values() if v is not None])
    palette = PALETTE[: len(bornes)] if bornes else []
    if inverser:
        palette = palette[::-1]
    traces = []
    for commune in communes:
        code = commune["code"]
        valeur = valeurs.get(code)
        if code in secrets:
            couleur, texte = COULEUR_SECRET, "secret statistique"
        elif valeur is None or (isinstance(valeur, float) and math.isnan(valeur)):
            couleur, texte = COULEUR_ABSENT, "donnée absente"
        else:
            couleur = palette[classe_de(valeur, bornes)]
            texte = f"{format_nombre(valeur, decimales)} {unite}".strip()
        traces.append(_trace_commune(commune, projeter, couleur, texte))
    bas = min((v for v in valeurs.values() if v is not None), default=None)
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
    return _svg(titre, source, traces, entrees, largeur, hauteur, largeur_legende=190)


def carte_categories(
    communes: Sequence[Mapping[str, Any]],
    categories: Mapping[str, str | None],
    titre: str,
    source: str,
    ordre: Sequence[str] | None = None,
    largeur: float = 560.0,
) -> Markup:
    """An inline SVG map of a categorical attribute (one colour per category, legend in ``ordre``).

    Examples
    --------
    >>> carre = {"type": "Polygon", "coordinates": [[[2.0, 48.0], [2.1, 48.0], [2.1, 48.1], [2.0, 48.0]]]}
    >>> svg = carte_categories([{"code": "1", "nom": "A", "geometry": carre}], {"1": "Urbain"}, "T", "S")
    >>> "Urbain" in svg
    True
    """
    projeter, hauteur = projection(communes, largeur)
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
    return _svg(titre, source, traces, entrees, largeur, hauteur, largeur_legende=230)


def _trace_commune(commune: Mapping[str, Any], projeter, couleur: str, texte: str) -> str:
    """The path of one commune, with its name, code and ``texte`` as tooltip."""
    code = commune["code"]
    return (
        f'<path d="{chemin(commune["geometry"], projeter)}" fill="{couleur}" stroke="#555" '
        f'stroke-width="0.4" data-commune="{escape(code)}"><title>{escape(commune["nom"])} '
        f"({escape(code)}) : {escape(texte)}</title></path>"
    )


def _svg(
    titre: str,
    source: str,
    traces: Sequence[str],
    entrees: Sequence[tuple[str, str]],
    largeur: float,
    hauteur: float,
    largeur_legende: float,
) -> Markup:
    """The map: the communes' paths, the legend (one ``(couleur, libelle)`` per row), title and source."""
    legende, y = [], 14
    for couleur, libelle in entrees:
        legende.append(
            f'<rect x="0" y="{y - 10}" width="14" height="10" fill="{couleur}" '
            f'stroke="#555" stroke-width="0.4"/><text x="20" y="{y}">{escape(libelle)}</text>'
        )
        y += 16
    largeur_totale = largeur + largeur_legende
    hauteur_totale = max(hauteur, y) + 34
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="carte" role="img" '
        f'viewBox="0 0 {largeur_totale:.0f} {hauteur_totale:.0f}" '
        f'width="100%" preserveAspectRatio="xMidYMin meet" aria-label="{escape(titre)}">'
        f"<title>{escape(titre)}</title>"
        f'<g class="communes">{"".join(traces)}</g>'
        f'<g class="legende" transform="translate({largeur + 12:.0f},10)" font-size="11">'
        f"{''.join(legende)}</g>"
        f'<text x="8" y="{hauteur_totale - 20:.0f}" font-size="12" font-weight="bold">{escape(titre)}</text>'
        f'<text x="8" y="{hauteur_totale - 6:.0f}" font-size="10" fill="#333">{escape(source)}</text>'
        "</svg>"
    )
