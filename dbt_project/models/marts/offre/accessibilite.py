"""Access distances: for every commune of France and every Pacte domain, the great-circle
distance in km from the commune's reference point to the nearest service of that domain,
wherever it is (in or out of the département), and to the nearest one inside the département.

Searches stay inside a *zone* that can be travelled by land: metropolitan France (Corsica
included) is one zone, each overseas département is its own; a commune whose zone has no
service of a domain gets no distance (NULL) for it rather than a distance across an ocean.

The reference point is the commune's centroid (or an interior point, ``raw.geo_communes``):
population-weighted points are not available in the snapshot, so distances are those of the
middle of the commune, not of its inhabitants. A service located only at commune level sits at
that commune's point (distance 0 from its own commune).

Targets are the catalogue's services and, for the domains of seed ``offre_bpe_types``, the BPE
2018 equipments, which are counts per commune, not addresses: each commune with at least one
equipment of the domain is one target at the commune's point (``nature_plus_proche =
'equipement'``, id ``bpe_2018--<domaine>--<commune>``), so that they enter the distances without
becoming records of ``marts.structures`` / ``marts.services``. ``nb_services_dans_rayon`` counts
services of the catalogue only.

Nearest neighbours are searched with a k-d tree (scipy ``cKDTree``) on 3-D unit vectors: the
chord length is monotonic in the great-circle distance, so the nearest by chord is the nearest
on the sphere, and the exact great-circle distance is recomputed from the chord. All communes
of France and all domains take a few seconds.
"""

import math

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088


def unit_vectors(longitude: np.ndarray, latitude: np.ndarray) -> np.ndarray:
    """3-D unit vectors of points given in degrees (one row per point).

    Examples
    --------
    >>> unit_vectors(np.array([0.0, 90.0]), np.array([0.0, 0.0])).round(6).tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    """
    lon = np.radians(np.asarray(longitude, dtype=float))
    lat = np.radians(np.asarray(latitude, dtype=float))
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def chord_to_km(chord: np.ndarray) -> np.ndarray:
    """Great-circle distance (km) of a chord between two unit vectors.

    Examples
    --------
    >>> round(float(chord_to_km(np.array([math.sqrt(2)]))[0]), 1)  # a quarter of a meridian
    10007.6
    """
    chord = np.clip(np.asarray(chord, dtype=float), 0.0, 2.0)
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(chord / 2.0)


def nearest(origins: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """For each origin, the nearest target on the sphere.

    Parameters
    ----------
    origins : DataFrame with ``longitude`` and ``latitude``.
    targets : DataFrame with ``id``, ``longitude`` and ``latitude``.

    Returns
    -------
    DataFrame aligned on ``origins`` (same index) with ``id`` of the nearest target and
    ``distance_km``; NULL when there is no target or the origin has no coordinates.

    Examples
    --------
    >>> o = pd.DataFrame({"longitude": [2.3499, None], "latitude": [48.8530, None]})
    >>> t = pd.DataFrame({"id": ["basilique", "tour-eiffel"], "longitude": [2.3597, 2.2945],
    ...                   "latitude": [48.9356, 48.8584]})
    >>> r = nearest(o, t)
    >>> r.id.tolist(), round(float(r.distance_km[0]), 2)
    (['tour-eiffel', None], 4.1)
    """
    result = pd.DataFrame({"id": pd.Series([None] * len(origins), index=origins.index, dtype=object),
                           "distance_km": np.nan}, index=origins.index)
    valid = origins["longitude"].notna() & origins["latitude"].notna()
    targets = targets[targets["longitude"].notna() & targets["latitude"].notna()]
    if not valid.any() or targets.empty:
        return result
    tree = cKDTree(unit_vectors(targets["longitude"].to_numpy(), targets["latitude"].to_numpy()))
    chord, index = tree.query(unit_vectors(origins.loc[valid, "longitude"].to_numpy(),
                                           origins.loc[valid, "latitude"].to_numpy()), k=1)
    result.loc[valid, "id"] = targets["id"].to_numpy()[index]
    result.loc[valid, "distance_km"] = chord_to_km(chord)
    return result


def count_within(origins: pd.DataFrame, targets: pd.DataFrame, radius_km: float) -> np.ndarray:
    """Number of targets within ``radius_km`` (great circle) of each origin (0 without coordinates).

    Examples
    --------
    >>> o = pd.DataFrame({"longitude": [2.3499], "latitude": [48.8530]})
    >>> t = pd.DataFrame({"longitude": [2.3597, 2.2945, 5.37], "latitude": [48.9356, 48.8584, 43.30]})
    >>> count_within(o, t, 10.0).tolist()
    [2]
    """
    counts = np.zeros(len(origins), dtype=int)
    valid = (origins["longitude"].notna() & origins["latitude"].notna()).to_numpy()
    targets = targets[targets["longitude"].notna() & targets["latitude"].notna()]
    if not valid.any() or targets.empty:
        return counts
    tree = cKDTree(unit_vectors(targets["longitude"].to_numpy(), targets["latitude"].to_numpy()))
    chord = 2.0 * math.sin(radius_km / EARTH_RADIUS_KM / 2.0)
    points = unit_vectors(origins.loc[valid, "longitude"].to_numpy(),
                          origins.loc[valid, "latitude"].to_numpy())
    counts[valid] = tree.query_ball_point(points, r=chord, return_length=True)
    return counts


def search_zone(code_departement: object) -> str | None:
    """The land zone a département belongs to: ``metropole`` or the overseas département itself.

    Examples
    --------
    >>> search_zone("2A"), search_zone("93"), search_zone("974"), search_zone(None)
    ('metropole', 'metropole', '974', None)
    """
    if code_departement is None or pd.isna(code_departement):
        return None
    code = str(code_departement)
    return code if code.startswith("97") or code.startswith("98") else "metropole"


def _nearest_in_groups(origin_xyz: np.ndarray, origin_groups: np.ndarray, target_xyz: np.ndarray,
                       target_groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest target of the same group for each origin: (target index or -1, chord or NaN)."""
    index = np.full(len(origin_xyz), -1, dtype=int)
    chord = np.full(len(origin_xyz), np.nan)
    valid_origin = ~np.isnan(origin_xyz).any(axis=1)
    for group in np.unique(target_groups):
        targets = np.flatnonzero(target_groups == group)
        origins = np.flatnonzero((origin_groups == group) & valid_origin)
        if len(targets) == 0 or len(origins) == 0:
            continue
        found_chord, found = cKDTree(target_xyz[targets]).query(origin_xyz[origins], k=1)
        index[origins] = targets[found]
        chord[origins] = found_chord
    return index, chord


def access_table(communes: pd.DataFrame, services: pd.DataFrame, radius_km: float) -> pd.DataFrame:
    """One row per commune × domain present in ``services``.

    ``communes``: code_commune, code_departement, longitude, latitude (+ any other columns, kept).
    ``services``: id_service, code_domaine, code_commune, code_departement, longitude, latitude and
    optionally ``nature`` (``service`` or ``equipement``; absent = all services). Nearest targets are
    searched in the commune's zone only (see :func:`search_zone`); the nearest one inside the
    commune's own département is given too; the count within the radius is of services only.
    """
    communes = communes.reset_index(drop=True).copy()
    communes["zone_recherche"] = communes["code_departement"].map(search_zone)
    # sorted, so that among services at the same distance the same one is named at every build
    # (DuckDB returns the catalogue in no particular order)
    if "nature" not in services:
        services = services.assign(nature="service")
    services = (
        services[services["longitude"].notna() & services["latitude"].notna()]
        .sort_values(["code_domaine", "id_service"], kind="stable")
        .reset_index(drop=True)
    )
    commune_xyz = np.full((len(communes), 3), np.nan)
    has_point = (communes["longitude"].notna() & communes["latitude"].notna()).to_numpy()
    commune_xyz[has_point] = unit_vectors(communes.loc[has_point, "longitude"].to_numpy(),
                                          communes.loc[has_point, "latitude"].to_numpy())
    commune_zones = communes["zone_recherche"].fillna("").to_numpy(dtype=object)
    commune_deps = communes["code_departement"].fillna("").to_numpy(dtype=object)
    radius_chord = 2.0 * math.sin(radius_km / EARTH_RADIUS_KM / 2.0)
    frames = []
    for domaine, cibles in services.groupby("code_domaine", sort=True):
        target_xyz = unit_vectors(cibles["longitude"].to_numpy(), cibles["latitude"].to_numpy())
        target_deps = cibles["code_departement"].fillna("").to_numpy(dtype=object)
        target_zones = np.array([search_zone(d) or "" for d in target_deps], dtype=object)
        index, chord = _nearest_in_groups(commune_xyz, commune_zones, target_xyz, target_zones)
        _, chord_dep = _nearest_in_groups(commune_xyz, commune_deps, target_xyz, target_deps)
        counts = np.zeros(len(communes), dtype=int)
        is_service = (cibles["nature"] == "service").to_numpy()
        for zone in np.unique(target_zones[is_service]):
            origins = np.flatnonzero((commune_zones == zone) & has_point)
            if len(origins):
                tree = cKDTree(target_xyz[(target_zones == zone) & is_service])
                counts[origins] = tree.query_ball_point(commune_xyz[origins], r=radius_chord,
                                                        return_length=True)
        found = index >= 0
        ids = np.full(len(communes), None, dtype=object)
        ids[found] = cibles["id_service"].to_numpy(dtype=object)[index[found]]
        service_communes = np.full(len(communes), None, dtype=object)
        service_communes[found] = cibles["code_commune"].to_numpy(dtype=object)[index[found]]
        service_deps = np.full(len(communes), None, dtype=object)
        service_deps[found] = target_deps[index[found]]
        natures = np.full(len(communes), None, dtype=object)
        natures[found] = cibles["nature"].to_numpy(dtype=object)[index[found]]
        out = communes.copy()
        out["code_domaine"] = domaine
        out["id_service_plus_proche"] = ids
        out["nature_plus_proche"] = natures
        out["distance_km"] = chord_to_km(chord)
        out["code_commune_service"] = service_communes
        out["code_departement_service"] = service_deps
        out["service_hors_departement"] = found & (service_deps != commune_deps)
        out["distance_km_dans_departement"] = chord_to_km(chord_dep)
        out["nb_services_dans_rayon"] = counts
        frames.append(out)
    if not frames:
        return communes.head(0).assign(
            code_domaine=None, id_service_plus_proche=None, nature_plus_proche=None, distance_km=None
        )
    return pd.concat(frames, ignore_index=True)


def model(dbt, session):
    dbt.config(materialized="table")
    # (plain statements: dbt detects refs and config keys by reading the code)
    rayon = dbt.config.get("rayon_km")
    radius_km = float(rayon) if rayon is not None else 10.0
    communes = dbt.ref("int_communes__hierarchie").df()[
        ["code_commune", "libelle", "code_epci", "code_ept", "code_departement", "code_region", "population"]]
    points = dbt.source("raw", "geo_communes").df()[["code_insee", "longitude", "latitude"]]
    points = points.rename(columns={"code_insee": "code_commune"})
    communes = communes.merge(points, on="code_commune", how="left")
    communes["commune_sans_point"] = communes["longitude"].isna()
    services = dbt.ref("services").df()[
        ["id_service", "code_domaine", "code_commune", "code_departement", "longitude", "latitude"]]
    services = services[services["longitude"].notna() & services["latitude"].notna()].assign(nature="service")
    # BPE equipments: one target per commune × domain at the commune's point
    equipements = dbt.ref("int_offre__equipements_communes").df()
    equipements = (
        equipements.groupby(["code_commune", "code_domaine"], as_index=False)["nb_equipements"].sum()
        .query("nb_equipements > 0")
        .merge(communes[["code_commune", "code_departement", "longitude", "latitude"]], on="code_commune")
    )
    equipements["id_service"] = (
        "bpe_2018--" + equipements["code_domaine"] + "--" + equipements["code_commune"]
    )
    equipements["nature"] = "equipement"
    cibles = pd.concat([services, equipements[services.columns]], ignore_index=True)
    table = access_table(communes, cibles, radius_km)
    axes = dbt.ref("axes_domaines").df()
    axes = axes[["code_axe", "code_domaine"]].drop_duplicates()
    table = table.merge(axes, on="code_domaine", how="left")
    table["rayon_km"] = radius_km
    colonnes = ["code_commune", "libelle", "code_epci", "code_ept", "code_departement", "code_region",
                "population",
                "code_axe", "code_domaine", "longitude", "latitude", "commune_sans_point", "zone_recherche",
                "distance_km",
                "id_service_plus_proche", "nature_plus_proche",
                "code_commune_service", "code_departement_service",
                "service_hors_departement", "distance_km_dans_departement", "nb_services_dans_rayon",
                "rayon_km"]
    return table[colonnes]
