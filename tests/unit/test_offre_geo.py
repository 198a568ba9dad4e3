"""The geometry reader (ingest.geo): reference points, bounding boxes, quarantine of bad features."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest import geo


@pytest.fixture()
def geo_dir(tmp_path: Path, fixtures_dir: Path) -> Path:
    (tmp_path / "geo").mkdir()
    shutil.copy(fixtures_dir / "offre" / "geo" / "communes.geojson",
                tmp_path / geo.COMMUNES_FILE.with_suffix(""))
    return tmp_path


def _read(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(geo, "COMMUNES_FILE", Path("geo") / "communes_france_cog2026_simplifie.geojson")
    return geo.read_geo_communes(data_dir)


def test_valid_features_are_read_with_a_point_inside(geo_dir, monkeypatch):
    result = _read(geo_dir, monkeypatch)
    frame = result.frame.set_index("code_insee")
    assert sorted(frame.index) == ["93008", "93066", "97411"]
    saint_denis = frame.loc["93066"]
    assert saint_denis.methode_point == "centroide"
    assert saint_denis.longitude == pytest.approx(2.36)
    assert saint_denis.latitude == pytest.approx(48.93)
    assert (saint_denis.xmin, saint_denis.ymax) == (2.33, 48.96)
    # the U-shaped commune's centroid falls in the notch: a point inside is used instead
    assert frame.loc["93008", "methode_point"] == "point_interieur"
    reunion = frame.loc["97411"]
    assert reunion.latitude < 0 and reunion.dep == "974"
    assert 28.5 < saint_denis.surface_km2 < 30  # 0.06° x 0.06° at 48.93° N ≈ 4.38 km x 6.67 km


def test_bad_features_go_to_quarantine_with_their_number_and_reason(geo_dir, monkeypatch):
    result = _read(geo_dir, monkeypatch)
    reasons = {q.line: (q.field, q.reason) for q in result.quarantine}
    assert set(reasons) == {3, 4, 5, 6}
    assert reasons[3][0] == "code_insee" and "9301" in reasons[3][1]
    assert "without geometry" in reasons[4][1]
    assert "Point" in reasons[5][1]
    assert "WGS84" in reasons[6][1]


def test_missing_and_truncated_files_are_reported_not_raised(tmp_path, fixtures_dir, monkeypatch):
    missing = geo.read_geo_communes(tmp_path)
    assert missing.rows == 0 and missing.quarantine[0].line == 0
    assert "not found" in missing.quarantine[0].reason
    (tmp_path / "geo").mkdir()
    shutil.copy(fixtures_dir / "offre" / "geo" / "broken.geojson", tmp_path / "geo" / "broken.geojson")
    monkeypatch.setattr(geo, "COMMUNES_FILE", Path("geo") / "broken.geojson")
    broken = geo.read_geo_communes(tmp_path)
    assert broken.rows == 0 and "unreadable GeoJSON" in broken.quarantine[0].reason


def test_real_layer_covers_france_with_drom(data_dir):
    result = geo.read_geo_communes(data_dir)
    assert result.quarantine == []
    assert result.rows == 34868
    frame = result.frame.set_index("code_insee")
    paris = frame.loc["75056"]
    assert paris.longitude == pytest.approx(2.34, abs=0.02)
    assert paris.latitude == pytest.approx(48.86, abs=0.01)
    assert set(frame.dep.str[:3]) >= {"971", "972", "973", "974", "976"}
    departements = geo.read_geo_departements(data_dir)
    assert departements.rows == 101 and departements.quarantine == []
