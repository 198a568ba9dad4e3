"""ANCT commune grids (gzip): density, rurality, centrality."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ingest import anct

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "besoins"
READERS = {
    "densite": anct.read_grille_densite,
    "ruralite": anct.read_grille_ruralite,
    "centralite": anct.read_grille_centralite,
}


@pytest.mark.parametrize("grille", list(READERS))
def test_grille_fixture(grille):
    result = READERS[grille](FIXTURES)
    assert result.table_name == f"anct_grille_{grille}"
    assert [(Path(q.source_file).name, q.line, q.field) for q in result.quarantine] == [
        (f"grille_{grille}_communes.csv.gz", 6, "insee_com"),
        (f"grille_{grille}_communes.csv.gz", 7, f"niveau_{grille}"),
    ]
    frame = result.frame
    assert [c for c in frame.columns if not c.startswith("_")] == ["insee_com", "lib_com", f"niveau_{grille}"]
    assert frame["insee_com"].tolist() == ["01001", "2A004", "93066", "97411"]


def test_grille_values_are_stripped_and_undefined_is_not_a_level():
    assert anct.read_grille_ruralite(FIXTURES).frame["niveau_ruralite"].tolist()[:2] == [
        "Les ruralités résidentielles mixtes",
        "Hors champ : DOM ou commune urbaine",
    ]
    assert anct.read_grille_densite(FIXTURES).frame["niveau_densite"].tolist()[2] == "Grands centres urbains"
    centralite = anct.read_grille_centralite(FIXTURES).frame.set_index("insee_com")
    assert centralite.loc["93066", "niveau_centralite"] == "Centre majeur d'équipements et de services"
    assert pd_isna(centralite.loc["97411", "niveau_centralite"])
    assert centralite.loc["97411", "_indisponible"] == ["niveau_centralite"]


def pd_isna(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@pytest.mark.snapshot
@pytest.mark.parametrize("grille", list(READERS))
def test_real_grille(data_dir, grille):
    result = READERS[grille](data_dir)
    assert result.rows == 34875 and result.quarantine == []
    levels = result.frame[f"niveau_{grille}"]
    assert not levels.dropna().str.startswith(" ").any()
    expected = {"densite": 7, "ruralite": 10, "centralite": 5}[grille]
    assert levels.nunique() == expected
    assert levels.isna().sum() == (129 if grille == "centralite" else 0)
