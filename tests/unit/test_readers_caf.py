"""CAF by IRIS: empty cells are secret; rows reduced to ``CODGEO;NOTE`` are withheld IRIS."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ingest import caf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "besoins"
MEASURES = [
    "a",
    "percou",
    "ai",
    "am",
    "acssenf",
    "acavenf",
    "ac3enf",
    "enf",
    "enf_2",
    "enf_3_5",
    "enf_6_10",
    "enf_11_14",
    "enf_15_17",
    "enf_18_24",
    "a_etud",
    "a_netud_24",
    "aal",
    "aapl",
    "aaah",
    "appa",
    "arsas",
]


def test_caf_fixture():
    result = caf.read_caf_iris_2020(FIXTURES)
    assert [(Path(q.source_file).name, q.line, q.field) for q in result.quarantine] == [
        ("data_CAF_2020_IRIS.csv", 7, ""),
        ("data_CAF_2020_IRIS.csv", 8, "CODGEO"),
        ("data_CAF_2020_IRIS.csv", 9, "ARSAS"),
    ]
    assert result.quarantine[0].reason == "expected 23 fields, found 24"
    frame = result.frame
    assert [c for c in frame.columns if not c.startswith("_")] == [
        "codgeo",
        "code_commune",
        "note",
        *MEASURES,
    ]
    assert frame["codgeo"].tolist() == ["930660101", "930660102", "930660201", "010330201", "130560112"]
    assert frame["code_commune"].tolist() == ["93066", "93066", "93066", "01033", "13056"]
    first = frame.iloc[0]
    assert (first["a"], first["percou"], first["aaah"], first["appa"], first["arsas"]) == (
        721,
        1743,
        68,
        226,
        192,
    )
    assert math.isnan(first["a_etud"]) and first["_secret"] == ["a_etud"]
    withheld = frame[frame["codgeo"] == "010330201"].iloc[0]  # NOTE 2: the whole row is withheld
    assert withheld["note"] == 2 and withheld["_secret"] == MEASURES and math.isnan(withheld["a"])
    short = frame[frame["codgeo"] == "130560112"].iloc[0]  # 22 fields: the last (ARSAS) was an empty cell
    assert short["appa"] == 158 and math.isnan(short["arsas"]) and "arsas" in short["_secret"]
    assert frame["_indisponible"].map(len).sum() == 0


@pytest.mark.snapshot
def test_real_caf(data_dir):
    result = caf.read_caf_iris_2020(data_dir)
    assert result.rows == 13444 and result.quarantine == []
    saint_denis = result.frame[result.frame["code_commune"] == "93066"]
    assert len(saint_denis) == 39
    assert (saint_denis["a"].sum(), saint_denis["arsas"].sum()) == (30925, 7251)
    withheld = result.frame[result.frame["note"] != 0]
    assert len(withheld) == 1053 and withheld[MEASURES].isna().all().all()
