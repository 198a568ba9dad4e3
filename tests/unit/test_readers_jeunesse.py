"""NEET reader: four files stacked with their level, the commune file gzipped."""

from __future__ import annotations

import math

import pytest
from _lecteurs import public_columns, read_fixture

from ingest import jeunesse


def test_neet_fixture_stacks_levels_and_keeps_missing_rates():
    result = read_fixture(
        jeunesse.read_neet,
        {
            "neet_communes.csv.gz": [(11, "codgeo"), (12, "part_non_inseres")],
            "neet_epci.csv": [(8, "part_non_inseres")],
            "neet_dpt.csv": [(14, "an")],
        },
        table="neet",
    )
    frame = result.frame
    assert public_columns(frame) == [
        "niveau",
        "codgeo",
        "libgeo",
        "annee",
        "part_non_inseres",
    ]
    assert frame["niveau"].value_counts().to_dict() == {
        "commune": 9,
        "departement": 12,
        "region": 12,
        "epci": 6,
    }
    ssd = frame[(frame["niveau"] == "departement") & (frame["codgeo"] == "93")].set_index("annee")
    assert ssd["part_non_inseres"].to_dict() == {
        2007: 17.0,
        2008: 17.9,
        2012: 21.4,
        2013: 21.7,
        2017: 20.8,
        2018: 20.1,
    }
    # rows whose trailing empty rate was stripped: NULL + flagged, never zero
    armix = frame[(frame["codgeo"] == "01019") & (frame["annee"] == 2008)].iloc[0]
    assert math.isnan(armix["part_non_inseres"]) and armix["_indisponible"] == ["part_non_inseres"]
    assert frame[(frame["codgeo"] == "01019") & (frame["annee"] == 2013)].iloc[0]["part_non_inseres"] == 0.0
    mayotte = frame[frame["codgeo"].isin(["976", "06", "200060457"])]
    assert len(mayotte) == 15 and mayotte["part_non_inseres"].isna().all()
    assert str(frame["annee"].dtype) == "Int64"


@pytest.mark.snapshot
def test_real_neet(data_dir):
    result = jeunesse.read_neet(data_dir)
    assert result.quarantine == []
    assert result.frame["niveau"].value_counts().to_dict() == {
        "commune": 104895,
        "epci": 3762,
        "departement": 606,
        "region": 108,
    }
    rates = result.frame[(result.frame["niveau"] == "departement") & (result.frame["annee"] == 2018)]
    rates = rates.set_index("codgeo")["part_non_inseres"]
    assert rates[["93", "59", "23", "33"]].tolist() == [20.1, 18.9, 17.3, 14.9]
    assert result.frame["part_non_inseres"].isna().sum() == 658
    assert result.frame["part_non_inseres"].dropna().between(0, 100).all()
