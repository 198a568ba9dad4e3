"""Access distances (dbt Python model marts/offre/accessibilite.py) against hand-checked pairs, and
point-in-polygon locating (int_offre__points_communes.py)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

MODELS = Path(__file__).resolve().parents[2] / "dbt_project" / "models"


def load(relative: str):
    path = MODELS / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def acces():
    return load("marts/offre/accessibilite.py")


@pytest.fixture(scope="module")
def haversine_km():
    """The project's one haversine (the dedup model's ``distance_m``, in metres), in km: the reference
    the chord distances of the accessibility model are checked against."""
    distance_m = load("intermediate/offre/int_offre__structures_dedoublonnees.py").distance_m
    return lambda lon1, lat1, lon2, lat2: distance_m(lon1, lat1, lon2, lat2) / 1000


@pytest.fixture(scope="module")
def points():
    return load("intermediate/offre/int_offre__points_communes.py")


NOTRE_DAME = (2.3499, 48.8530)          # parvis de Notre-Dame de Paris
BASILIQUE = (2.3597, 48.9356)           # basilique de Saint-Denis


def test_notre_dame_to_saint_denis_basilica_by_hand(acces, haversine_km):
    # by hand: Δlat = 0.0826° × 111.195 km = 9.185 km; Δlon = 0.0098° × 111.195 × cos(48.894°) = 0.716 km;
    # √(9.185² + 0.716²) = 9.213 km (the often quoted "about 9.3 km" is between the two buildings' edges)
    by_hand = math.hypot(0.0826 * 111.195, 0.0098 * 111.195 * math.cos(math.radians(48.8943)))
    assert by_hand == pytest.approx(9.213, abs=0.002)
    assert haversine_km(*NOTRE_DAME, *BASILIQUE) == pytest.approx(by_hand, abs=0.01)
    tree = acces.nearest(pd.DataFrame({"longitude": [NOTRE_DAME[0]], "latitude": [NOTRE_DAME[1]]}),
                         pd.DataFrame({"id": ["basilique"], "longitude": [BASILIQUE[0]],
                                       "latitude": [BASILIQUE[1]]}))
    assert tree.distance_km[0] == pytest.approx(by_hand, abs=0.01)


@pytest.mark.parametrize(("a", "b", "km"), [
    # Paris → Marseille (hôtels de ville), usually quoted 660 km
    ((2.3522, 48.8566), (5.3698, 43.2965), 660.5),
    # Saint-Denis → Saint-Pierre (La Réunion), by hand: Δlat 0.457° × 111.195 = 50.82 km,
    # Δlon 0.03° × 111.195 × cos(21.11°) = 3.11 km, √(50.82² + 3.11²) = 50.91 km
    ((55.4481, -20.8823), (55.4781, -21.3393), 50.91),
    ((0.0, 0.0), (0.0, 1.0), 111.195),                  # one degree of meridian
])
def test_great_circle_distance_of_known_pairs(acces, haversine_km, a, b, km):
    assert haversine_km(*a, *b) == pytest.approx(km, rel=0.003)
    chord = np.linalg.norm(acces.unit_vectors(np.array([a[0]]), np.array([a[1]]))
                           - acces.unit_vectors(np.array([b[0]]), np.array([b[1]])), axis=1)
    assert acces.chord_to_km(chord)[0] == pytest.approx(haversine_km(*a, *b), rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.floats(-180, 180), st.floats(-89, 89), st.floats(-180, 180), st.floats(-89, 89))
def test_chord_distance_equals_haversine_everywhere(acces, haversine_km, lon1, lat1, lon2, lat2):
    u = acces.unit_vectors(np.array([lon1, lon2]), np.array([lat1, lat2]))
    assert acces.chord_to_km(np.linalg.norm(u[0] - u[1]))[()] == pytest.approx(
        haversine_km(lon1, lat1, lon2, lat2), abs=1e-6)


def communes_frame(rows):
    return pd.DataFrame(rows, columns=["code_commune", "code_departement", "longitude", "latitude"])


def services_frame(rows):
    return pd.DataFrame(rows, columns=["id_service", "code_domaine", "code_commune", "code_departement",
                                       "longitude", "latitude"])


def test_nearest_service_can_lie_in_the_neighbouring_departement(acces, haversine_km):
    # Saint-Ouen (93070) sits on the Paris border: a service 1.2 km away in Paris (75), one 4 km away in 93
    communes = communes_frame([("93070", "93", 2.3340, 48.9110)])
    services = services_frame([
        ("paris--1", "acces_aux_droits", "75056", "75", 2.3420, 48.9020),
        ("sd--1", "acces_aux_droits", "93066", "93", 2.3590, 48.9390),
    ])
    row = acces.access_table(communes, services, radius_km=10.0).iloc[0]
    assert row.id_service_plus_proche == "paris--1"
    assert row.service_hors_departement
    assert row.code_departement_service == "75"
    assert row.distance_km == pytest.approx(haversine_km(2.3340, 48.9110, 2.3420, 48.9020), abs=1e-6)
    # by hand: Δlat 0.009° × 111.195 = 1.001 km, Δlon 0.008° × 111.195 × cos(48.91°) = 0.585 km → 1.159 km
    assert row.distance_km == pytest.approx(1.159, abs=0.002)
    assert row.distance_km_dans_departement == pytest.approx(
        haversine_km(2.3340, 48.9110, 2.3590, 48.9390), abs=1e-6)
    assert row.nb_services_dans_rayon == 2


def test_no_distance_across_an_ocean_and_none_without_a_point(acces, haversine_km):
    communes = communes_frame([
        ("97411", "974", 55.4470, -20.9330),   # Saint-Denis de La Réunion
        ("93066", "93", 2.3600, 48.9365),
        ("14666", "14", None, None),           # Sannerville: no outline in the layer
    ])
    services = services_frame([("reunion--1", "aide_alimentaire", "97416", "974", 55.4781, -21.3393)])
    out = acces.access_table(communes, services, radius_km=10.0).set_index("code_commune")
    assert out.loc["97411", "distance_km"] == pytest.approx(
        haversine_km(55.4470, -20.9330, 55.4781, -21.3393), abs=1e-6)
    assert pd.isna(out.loc["93066", "distance_km"]) and pd.isna(out.loc["93066", "id_service_plus_proche"])
    assert pd.isna(out.loc["14666", "distance_km"])
    assert out.loc["93066", "zone_recherche"] == "metropole" and out.loc["97411", "zone_recherche"] == "974"


def test_one_row_per_commune_and_domain(acces):
    communes = communes_frame([("a", "01", 5.0, 46.0), ("b", "01", 5.1, 46.0)])
    services = services_frame([
        ("s1", "iae", "a", "01", 5.0, 46.0),
        ("s2", "sante", "b", "01", 5.1, 46.0),
        ("s3", "sante", "b", "01", 5.1, 46.0),
    ])
    out = acces.access_table(communes, services, radius_km=5.0)
    assert sorted(zip(out.code_commune, out.code_domaine, strict=True)) == [
        ("a", "iae"), ("a", "sante"), ("b", "iae"), ("b", "sante")]
    same_place = out[(out.code_commune == "b") & (out.code_domaine == "sante")].iloc[0]
    assert same_place.distance_km == 0.0 and same_place.nb_services_dans_rayon == 2


def test_points_fall_in_their_commune_or_near_its_coast(points):
    communes = pd.DataFrame({
        "code_insee": ["93066", "75056"], "dep": ["93", "75"],
        "geometrie_wkt": ["POLYGON ((2.33 48.90, 2.39 48.90, 2.39 48.96, 2.33 48.96, 2.33 48.90))",
                          "POLYGON ((2.25 48.81, 2.42 48.81, 2.42 48.90, 2.25 48.90, 2.25 48.81))"],
    })
    pts = pd.DataFrame({"longitude": [2.36, 2.30, 2.395, 7.19], "latitude": [48.93, 48.85, 48.93, 48.72]})
    out = points.points_in_communes(pts, communes, tolerance_km=2.0)
    assert list(out.code_commune_point) == ["93066", "75056", "93066", None]
    assert list(out.methode_point) == ["dans_le_contour", "dans_le_contour", "contour_proche",
                                       "hors_communes"]
    # a point on the shared border belongs to one commune only (the smallest code)
    border = points.points_in_communes(pd.DataFrame({"longitude": [2.36], "latitude": [48.90]}),
                                       communes, 1.0)
    assert list(border.code_commune_point) == ["75056"]


def test_the_nearest_of_services_at_the_same_place_does_not_depend_on_their_order(acces):
    # DuckDB returns the catalogue in any order: the service named must not change between builds
    communes = communes_frame([("b", "01", 5.1, 46.0)])
    rows = [(f"s{i}", "sante", "b", "01", 5.1, 46.0) for i in (3, 1, 2)]
    named = {
        acces.access_table(communes, services_frame(order), radius_km=5.0).iloc[0].id_service_plus_proche
        for order in (rows, rows[::-1], rows[1:] + rows[:1])
    }
    assert len(named) == 1


def test_equipments_are_targets_at_their_commune_point_but_not_counted_as_services(acces, haversine_km):
    # Saint-Ouen (93070): a crèche counted by the BPE in Saint-Denis (at the commune's point) is nearer
    # than the only childcare service of the catalogue, in Paris 18e farther south
    communes = communes_frame([("93070", "93", 2.3340, 48.9110)])
    cibles = services_frame([
        ("paris--1", "petite_enfance", "75056", "75", 2.3420, 48.8700),
        ("bpe_2018--petite_enfance--93066", "petite_enfance", "93066", "93", 2.3600, 48.9365),
    ])
    cibles["nature"] = ["service", "equipement"]
    row = acces.access_table(communes, cibles, radius_km=10.0).iloc[0]
    assert row.id_service_plus_proche == "bpe_2018--petite_enfance--93066"
    assert row.nature_plus_proche == "equipement"
    assert row.distance_km == pytest.approx(haversine_km(2.3340, 48.9110, 2.3600, 48.9365), abs=1e-6)
    # the radius counts the catalogue's services only
    assert row.nb_services_dans_rayon == 1
    # without a nature column, every target is a service (the catalogue alone)
    alone = acces.access_table(communes, cibles.drop(columns="nature"), radius_km=10.0).iloc[0]
    assert alone.nature_plus_proche == "service" and alone.nb_services_dans_rayon == 2
