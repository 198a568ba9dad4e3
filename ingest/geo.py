"""Reader for the commune and département outlines (GeoJSON, WGS84 lon/lat).

Files (PROVENANCE.md §10): ``geo/communes_france_cog2026_simplifie.geojson.gz`` (all
communes of metropolitan France and the DROM, COG 2026, simplified to about 10 m) and
``geo/departements_2026_anct.geojson`` (the 101 départements).

Each commune becomes one row of ``raw.geo_communes``: its code, its département, a
reference point (the centroid of the outline, or a point guaranteed inside the outline
when the centroid falls outside it, e.g. for crescent-shaped communes), the bounding
box, the area in km² and the outline itself as WKT so that point-in-polygon tests can
be run downstream. **Population-weighted points are not available** in the snapshot:
the reference point is a geometric one, which overstates distances for communes whose
inhabitants live far from the middle of the territory.

A feature without a valid commune code or without a usable geometry goes to the
quarantine with its position in the file (``line`` = 1-based feature number).
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
from shapely.geometry import shape
from shapely.validation import explain_validity

from ingest.core import (
    FieldError,
    QuarantineRow,
    ReadResult,
    SourceInfo,
    file_checksum,
    normalise_commune_code,
    normalise_departement_code,
)

__all__ = [
    "GEO_VINTAGE",
    "COMMUNES_FILE",
    "DEPARTEMENTS_FILE",
    "read_geo_communes",
    "read_geo_departements",
    "reference_point",
    "area_km2",
]

GEO_VINTAGE = "COG 2026 (IGN ADMIN EXPRESS simplifié)"
COMMUNES_FILE = Path("geo") / "communes_france_cog2026_simplifie.geojson.gz"
DEPARTEMENTS_FILE = Path("geo") / "departements_2026_anct.geojson"
EARTH_RADIUS_KM = 6371.0088

COMMUNE_COLUMNS = [
    "_line", "code_insee", "nom", "dep", "epci_siren", "longitude", "latitude", "methode_point",
    "xmin", "ymin", "xmax", "ymax", "surface_km2", "geometrie_wkt",
]
DEPARTEMENT_COLUMNS = ["_line", "dep", "nom", "xmin", "ymin", "xmax", "ymax", "surface_km2", "geometrie_wkt"]


def area_km2(geometry: Any) -> float:
    """Approximate area in km² of a lon/lat geometry (equirectangular scaling at its latitude).

    Good to a fraction of a percent for a commune or a département; used only to
    describe the outline, never in a published measure.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> round(area_km2(box(2.0, 48.0, 2.1, 48.1)), 1)  # about 7.4 km x 11.1 km
    82.7
    """
    lat = math.radians(geometry.centroid.y)
    km_per_degree = math.pi * EARTH_RADIUS_KM / 180.0
    return float(geometry.area * km_per_degree * km_per_degree * math.cos(lat))


def reference_point(geometry: Any) -> tuple[float, float, str]:
    """The point used for a commune: its centroid, or a point inside it when the centroid is outside.

    Returns ``(longitude, latitude, methode)`` with methode ``centroide`` or ``point_interieur``.

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> reference_point(Polygon([(0, 0), (2, 0), (2, 2), (0, 2)]))
    (1.0, 1.0, 'centroide')
    >>> u_shape = Polygon([(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)])
    >>> reference_point(u_shape)[2]
    'point_interieur'
    """
    centroid = geometry.centroid
    if geometry.contains(centroid):
        return float(centroid.x), float(centroid.y), "centroide"
    inside = geometry.representative_point()
    return float(inside.x), float(inside.y), "point_interieur"


def _load_features(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        document = json.load(handle)
    if isinstance(document, dict) and document.get("type") == "Feature":
        return [document]
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise FieldError("not a GeoJSON FeatureCollection (no 'features' list)")
    return features


def _geometry(feature: dict[str, Any]) -> Any:
    raw = feature.get("geometry")
    if not raw:
        raise FieldError("geometry: feature without geometry")
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise FieldError(f"geometry: unreadable geometry: {exc}") from None
    if geometry.is_empty:
        raise FieldError("geometry: empty geometry")
    if geometry.geom_type not in {"Polygon", "MultiPolygon"}:
        raise FieldError(f"geometry: geometry is a {geometry.geom_type}, not a polygon")
    if not geometry.is_valid:
        geometry = geometry.buffer(0)
        if geometry.is_empty or not geometry.is_valid:
            raise FieldError(f"geometry: invalid polygon: {explain_validity(geometry)}")
    xmin, ymin, xmax, ymax = geometry.bounds
    if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
        raise FieldError(f"geometry: coordinates are not WGS84 longitude/latitude: bounds {geometry.bounds}")
    return geometry


def _read(path: Path, table: str, row_of: Any, columns: list[str]) -> ReadResult:
    path = Path(path)
    if not path.exists():
        return ReadResult(table, pd.DataFrame(columns=columns), SourceInfo(str(path), "", GEO_VINTAGE),
                          [QuarantineRow(table, str(path), 0, "", f"file not found: {path}")])
    checksum = file_checksum(path)
    try:
        features = _load_features(path)
    except (OSError, EOFError, ValueError, FieldError) as exc:
        return ReadResult(table, pd.DataFrame(columns=columns), SourceInfo(str(path), checksum, GEO_VINTAGE),
                          [QuarantineRow(table, str(path), 0, "", f"unreadable GeoJSON: {exc}")])
    rows: list[dict[str, Any]] = []
    rejected: list[QuarantineRow] = []
    for number, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        try:
            rows.append({"_line": number, **row_of(feature, properties)})
        except FieldError as exc:
            field, _, reason = str(exc).partition(": ")
            rejected.append(QuarantineRow(table, str(path), number, field, reason,
                                          json.dumps(properties, ensure_ascii=False)[:500]))
    frame = pd.DataFrame(rows, columns=columns)
    return ReadResult(table, frame, SourceInfo(str(path), checksum, GEO_VINTAGE), rejected)


def _commune_row(feature: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    try:
        code = normalise_commune_code(str(properties.get("code_insee") or ""))
    except FieldError as exc:
        raise FieldError(f"code_insee: {exc}") from None
    try:
        dep = normalise_departement_code(str(properties.get("dep") or ""))
    except FieldError as exc:
        raise FieldError(f"dep: {exc}") from None
    geometry = _geometry(feature)
    longitude, latitude, methode = reference_point(geometry)
    xmin, ymin, xmax, ymax = geometry.bounds
    return {
        "code_insee": code,
        "nom": properties.get("nom"),
        "dep": dep,
        "epci_siren": properties.get("epci_siren") or None,
        "longitude": longitude,
        "latitude": latitude,
        "methode_point": methode,
        "xmin": xmin, "ymin": ymin, "xmax": xmax, "ymax": ymax,
        "surface_km2": area_km2(geometry),
        "geometrie_wkt": geometry.wkt,
    }


def _departement_row(feature: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    try:
        dep = normalise_departement_code(str(properties.get("insee_dep") or properties.get("code") or ""))
    except FieldError as exc:
        raise FieldError(f"insee_dep: {exc}") from None
    geometry = _geometry(feature)
    xmin, ymin, xmax, ymax = geometry.bounds
    return {
        "dep": dep,
        "nom": properties.get("lib_dep") or properties.get("nom"),
        "xmin": xmin, "ymin": ymin, "xmax": xmax, "ymax": ymax,
        "surface_km2": area_km2(geometry),
        "geometrie_wkt": geometry.wkt,
    }


def read_geo_communes(data_dir: Path) -> ReadResult:
    """Commune outlines of COG 2026 with a reference point each (``raw.geo_communes``)."""
    return _read(Path(data_dir) / COMMUNES_FILE, "geo_communes", _commune_row, COMMUNE_COLUMNS)


def read_geo_departements(data_dir: Path) -> ReadResult:
    """Département outlines (``raw.geo_departements``), used for the bounding boxes of France."""
    return _read(Path(data_dir) / DEPARTEMENTS_FILE, "geo_departements", _departement_row,
                 DEPARTEMENT_COLUMNS)
