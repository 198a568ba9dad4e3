"""Filosofi readers: real lines copied from the snapshot plus broken rows, then the real files."""

from __future__ import annotations

import math
import shutil

import pytest
from _lecteurs import FIXTURES, one, public_columns, read_fixture

from ingest import filosofi

# ---------------------------------------------------------------- fixtures


def test_communes_2021_fixture():
    result = read_fixture(
        filosofi.read_communes_2021,
        {
            "cc_filosofi_2021_COM.csv": [(8, ""), (9, "MED21"), (10, "CODGEO")],
        },
        table="filosofi_communes_2021",
    )
    assert result.quarantine[0].reason == "expected 28 fields, found 27"
    frame = result.frame
    assert frame["codgeo"].tolist() == ["01001", "09304", "2A004", "93001", "93066", "97411"]
    assert frame["_line"].tolist() == [2, 3, 4, 5, 6, 7]
    small = one(frame, codgeo="01001")
    assert (small["nbmenfisc21"], small["med21"]) == (346.0, 25820.0)
    assert math.isnan(small["tp6021"]) and len(small["_secret"]) == 24 and "tp6021" in small["_secret"]
    missing = one(frame, codgeo="09304")
    assert math.isnan(missing["med21"]) and len(missing["_indisponible"]) == 27 and missing["_secret"] == []
    aubervilliers = one(frame, codgeo="93001")
    assert aubervilliers["tp6021"] == 42.0 and aubervilliers["pimpot21"] == -12.5
    assert (aubervilliers["d121"], aubervilliers["d921"], aubervilliers["rd21"]) == (7490.0, 29530.0, 3.9)
    assert aubervilliers["_secret"] == [] and aubervilliers["_indisponible"] == []
    assert one(frame, codgeo="93066")["tp6021"] == 36.0
    assert frame["med21"].dtype == "float64"


def test_pauvrete_departements_2021_fixture():
    result = read_fixture(
        filosofi.read_pauvrete_departements_2021,
        {
            "filo2021_disp_pauvres_dep_extract.csv": [(5, "CODGEO"), (6, "TP60Q221")],
        },
    )
    frame = result.frame
    assert frame["codgeo"].tolist() == ["2A", "93", "974"]
    row = one(frame, codgeo="93")
    assert [row[c] for c in ("tp4021", "tp5021", "tp6021", "tp60q221", "tp60ip21")] == [
        10.0,
        18.3,
        28.4,
        10460.0,
        0.245,
    ]


def test_revenus_2019_fixture_stacks_four_levels():
    result = read_fixture(
        filosofi.read_revenus_2019,
        {"FILO2019_DISP_DEP.csv": [(5, "")], "FILO2019_DISP_EPCI.csv": [(3, "CODGEO")]},
    )
    assert result.quarantine[0].reason == "expected 31 fields, found 32"
    frame = result.frame
    assert list(zip(frame["niveau"], frame["codgeo"], strict=True)) == [
        ("departement", "2A"),
        ("departement", "93"),
        ("departement", "974"),
        ("epci", "200054781"),
        ("region", "04"),
        ("region", "11"),
        ("france", "1"),
    ]
    ssd = one(frame, niveau="departement", codgeo="93")
    assert (ssd["libgeo"], ssd["q219"], ssd["nbuc19"], ssd["gi19"], ssd["pimpot19"]) == (
        "Seine-Saint-Denis",
        18070.0,
        1027920.0,
        0.298,
        -16.1,
    )
    france = one(frame, niveau="france")
    assert (france["codgeo"], france["libgeo"], france["q219"]) == ("1", "France métropolitaine", 21930.0)
    assert len(result.source.source_file.split(";")) == 4
    assert result.source.vintage == filosofi.FILOSOFI_2019_VINTAGE


def test_revenus_series_fixture_is_long_with_year_suffix_removed():
    result = read_fixture(filosofi.read_revenus_series, {"FILO2016_DISP_DEP.csv": [(4, "Q216")]})
    frame = result.frame
    assert len(frame) == 15  # (2A, 93, France) x 5 years
    assert public_columns(frame) == [
        "annee",
        "niveau",
        "codgeo",
        "libgeo",
        "nbmen",
        "nbpers",
        "q1",
        "q2",
        "q3",
        "d1",
        "d9",
        "rd",
        "gi",
    ]
    medians = frame[frame["codgeo"] == "93"].set_index("annee")["q2"].to_dict()
    assert medians == {2014: 16726.0, 2015: 16761.5, 2016: 16996.0, 2017: 17310.0, 2018: 17740.0}
    france_2014 = one(frame, niveau="france", annee=2014)
    assert (france_2014["codgeo"], france_2014["q2"], france_2014["gi"], france_2014["rd"]) == (
        "1",
        20369.3,
        0.3,
        3.5,
    )
    assert str(frame["annee"].dtype) == "Int64"
    assert frame["_indisponible"].map(len).sum() == 0


def test_revenus_series_column_absent_in_a_year_is_null(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "filosofi", data / "filosofi")
    path = data / "filosofi" / "series_dep_2014_2018" / "FILO2015_DISP_DEP.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    gini = lines[0].split(";").index("GI15")
    path.write_text(
        "\n".join(";".join(c for i, c in enumerate(line.split(";")) if i != gini) for line in lines) + "\n",
        encoding="utf-8",
    )
    result = filosofi.read_revenus_series(data)
    row = one(result.frame, niveau="departement", codgeo="93", annee=2015)
    assert math.isnan(row["gi"]) and row["_indisponible"] == ["gi"] and row["q2"] == 16761.5
    assert one(result.frame, niveau="departement", codgeo="93", annee=2016)["gi"] == 0.299


def test_iris_2021_fixture_gz_with_ns_and_so():
    result = read_fixture(
        filosofi.read_iris_2021, {"BASE_TD_FILO_IRIS_2021_DEC.csv.gz": [(6, "IRIS"), (7, "DEC_MED21")]}
    )
    frame = result.frame
    assert frame["iris"].tolist() == ["012830302", "2A0040101", "930660101", "930660102"]
    assert frame["code_commune"].tolist() == ["01283", "2A004", "93066", "93066"]
    assert list(frame.columns[:4]) == ["_line", "iris", "code_commune", "dec_pimp21"]
    withheld = one(frame, iris="012830302")
    assert len(withheld["_indisponible"]) == 25 and math.isnan(withheld["dec_med21"])
    row = one(frame, iris="930660101")
    assert (row["dec_med21"], row["dec_tp6021"], row["dec_rd21"], row["dec_gi21"]) == (
        12560.0,
        57.0,
        122.3,
        0.429,
    )


# ---------------------------------------------------------------- real snapshot


@pytest.mark.snapshot
def test_real_communes_2021(data_dir):
    result = filosofi.read_communes_2021(data_dir)
    assert result.rows == 34909 and result.quarantine == []
    frame = result.frame.set_index("codgeo")
    expected = {"59512": 46.0, "93001": 42.0, "93066": 36.0, "59350": 27.0, "75056": 16.0}
    assert frame.loc[list(expected), "tp6021"].to_dict() == expected
    # 4 409 published values in the file, 12 of them "nd" (not available)
    assert frame["tp6021"].notna().sum() == 4397 and frame["med21"].notna().sum() == 31304


@pytest.mark.snapshot
def test_real_pauvrete_departements_2021(data_dir):
    result = filosofi.read_pauvrete_departements_2021(data_dir)
    assert result.rows == 98 and result.quarantine == []
    rates = result.frame.set_index("codgeo")["tp6021"].to_dict()
    assert {k: rates[k] for k in ("93", "59", "23", "33", "974")} == {
        "93": 28.4,
        "59": 19.5,
        "23": 19.2,
        "33": 12.8,
        "974": 36.1,
    }
    assert result.frame["tp4021"].min() == 5.0


@pytest.mark.snapshot
def test_real_revenus_2019(data_dir):
    result = filosofi.read_revenus_2019(data_dir)
    assert result.quarantine == []
    assert result.frame["niveau"].value_counts().to_dict() == {
        "epci": 1240,
        "departement": 98,
        "region": 15,
        "france": 1,
    }
    medians = result.frame[result.frame["niveau"] == "departement"].set_index("codgeo")["q219"]
    assert medians[["93", "59", "23", "33"]].tolist() == [18070.0, 20290.0, 19690.0, 22640.0]
    assert one(result.frame, niveau="france")["q219"] == 21930.0


@pytest.mark.snapshot
def test_real_revenus_series(data_dir):
    result = filosofi.read_revenus_series(data_dir)
    assert result.rows == 5 * 99 and result.quarantine == []
    frame = result.frame
    assert frame.groupby("annee").size().to_dict() == dict.fromkeys(range(2014, 2019), 99)
    assert frame[["nbmen", "q2", "d1", "d9", "rd", "gi"]].notna().all().all()
    assert one(frame, codgeo="93", annee=2014)["q2"] == 16726.0
    assert one(frame, codgeo="93", annee=2018)["q2"] == 17740.0


@pytest.mark.snapshot
def test_real_iris_2021(data_dir):
    result = filosofi.read_iris_2021(data_dir)
    assert result.rows == 16026 and result.quarantine == []
    assert result.frame["iris"].str.len().eq(9).all()
    assert (result.frame["code_commune"] == result.frame["iris"].str[:5]).all()
