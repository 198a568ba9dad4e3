"""Commune containing each distinct coordinate pair of the offer (point-in-polygon).

Reads the places to locate and the COG 2026 commune outlines (``raw.geo_communes``) and
returns, for every distinct (longitude, latitude), the commune whose outline contains the
point. A point that falls in no outline (on a simplified coastline, in a river mouth) takes
the nearest outline when it lies within ``offre_tolerance_contour_km`` of it; farther points
get no commune (``code_commune_point`` NULL): they are outside France or wrong.
"""

import math

import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

KM_PER_DEGREE = math.pi * 6371.0088 / 180.0


def points_in_communes(points: pd.DataFrame, communes: pd.DataFrame, tolerance_km: float) -> pd.DataFrame:
    """Attach to each point the commune containing it.

    Parameters
    ----------
    points : DataFrame with ``longitude``, ``latitude`` (WGS84 degrees).
    communes : DataFrame with ``code_insee``, ``dep`` and ``geometrie_wkt`` (outline as WKT).
    tolerance_km : a point outside every outline takes the nearest one when closer than this.

    Returns
    -------
    DataFrame with ``longitude``, ``latitude``, ``code_commune_point``, ``departement_point``,
    ``distance_contour_km`` (0 inside an outline) and ``methode_point``
    (``dans_le_contour``, ``contour_proche`` or ``hors_communes``).

    Examples
    --------
    >>> communes = pd.DataFrame({"code_insee": ["93066"], "dep": ["93"],
    ...     "geometrie_wkt": ["POLYGON ((2.33 48.90, 2.39 48.90, 2.39 48.96, 2.33 48.96, 2.33 48.90))"]})
    >>> points = pd.DataFrame({"longitude": [2.36, 2.395, 5.0], "latitude": [48.93, 48.93, 45.0]})
    >>> out = points_in_communes(points, communes, tolerance_km=1.0)
    >>> list(out.methode_point)
    ['dans_le_contour', 'contour_proche', 'hors_communes']
    >>> float(round(out.distance_contour_km[1], 2))
    0.37
    """
    result = points[["longitude", "latitude"]].reset_index(drop=True).copy()
    result["code_commune_point"] = None
    result["departement_point"] = None
    result["distance_contour_km"] = np.nan
    result["methode_point"] = "hors_communes"
    if result.empty or communes.empty:
        return result
    outlines = shapely.from_wkt(communes["geometrie_wkt"].to_numpy())
    tree = STRtree(outlines)
    geoms = shapely.points(result["longitude"].to_numpy(), result["latitude"].to_numpy())
    codes = communes["code_insee"].to_numpy()
    deps = communes["dep"].to_numpy()
    point_index, outline_index = tree.query(geoms, predicate="within")
    # a point on a shared border belongs to two outlines: keep the smallest commune code
    inside = pd.DataFrame({"p": point_index, "c": codes[outline_index], "d": deps[outline_index]})
    inside = inside.sort_values(["p", "c"]).drop_duplicates("p")
    result.loc[inside.p, "code_commune_point"] = inside.c.to_numpy()
    result.loc[inside.p, "departement_point"] = inside.d.to_numpy()
    result.loc[inside.p, "distance_contour_km"] = 0.0
    result.loc[inside.p, "methode_point"] = "dans_le_contour"
    outside = np.setdiff1d(np.arange(len(result)), inside.p.to_numpy())
    if len(outside):
        # degrees → km with the longitude scaled at the point's latitude (good enough within a few km)
        max_degrees = tolerance_km / KM_PER_DEGREE / max(math.cos(math.radians(60)), 1e-6)
        near_point, near_outline = tree.query_nearest(geoms[outside], max_distance=max_degrees,
                                                      all_matches=False)
        for p_local, o in zip(near_point, near_outline, strict=True):
            p = outside[p_local]
            lon, lat = result.at[p, "longitude"], result.at[p, "latitude"]
            nearest = shapely.shortest_line(geoms[p], outlines[o]).coords[1]
            dx = (nearest[0] - lon) * KM_PER_DEGREE * math.cos(math.radians(lat))
            dy = (nearest[1] - lat) * KM_PER_DEGREE
            distance = math.hypot(dx, dy)
            if distance <= tolerance_km:
                result.at[p, "code_commune_point"] = codes[o]
                result.at[p, "departement_point"] = deps[o]
                result.at[p, "distance_contour_km"] = distance
                result.at[p, "methode_point"] = "contour_proche"
    return result


def model(dbt, session):
    dbt.config(materialized="table")
    tolerance = dbt.config.get("tolerance_km")
    tolerance_km = float(tolerance) if tolerance is not None else 2.0
    lieux = dbt.ref("int_offre__lieux").df()
    communes = dbt.source("raw", "geo_communes").df()[["code_insee", "dep", "geometrie_wkt"]]
    points = lieux.loc[
        lieux.longitude.between(-180, 180) & lieux.latitude.between(-90, 90), ["longitude", "latitude"]
    ].drop_duplicates()
    return points_in_communes(points, communes, tolerance_km)
