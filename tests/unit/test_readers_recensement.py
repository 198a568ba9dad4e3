"""Census (RP) and population-estimate readers: real lines plus broken rows, then the real files."""

from __future__ import annotations

import math

import pytest
from _lecteurs import one, public_columns, read_fixture

from ingest import recensement


def test_comparateur_fixture_point_decimals_commas_and_empty_rp_cells():
    result = read_fixture(
        recensement.read_comparateur_2022,
        {
            "base_cc_comparateur_rp2022_dep93.csv": [(5, "SUPERF"), (6, ""), (7, "CODGEO")],
        },
        table="rp_comparateur_2022",
    )
    frame = result.frame
    assert frame["codgeo"].tolist() == ["93001", "93059", "93066"]
    aubervilliers = one(frame, codgeo="93001")
    assert aubervilliers["superf"] == 5.76 and aubervilliers["p22_men"] == 34990.0902194347
    assert (aubervilliers["p22_pop"], aubervilliers["med21"], aubervilliers["tp6021"]) == (
        89489.0,
        15330.0,
        42.0,
    )
    assert (aubervilliers["p22_chom1564"], aubervilliers["p22_act1564"]) == (
        7742.2900690608,
        42620.0037197149,
    )
    merged = one(frame, codgeo="93059")  # merged into Saint-Denis in 2025: Filosofi values only
    assert math.isnan(merged["p22_pop"]) and merged["med21"] == 16080.0
    assert len(merged["_indisponible"]) == 27 and merged["_secret"] == []


def test_dossier_complet_fixture():
    result = read_fixture(
        recensement.read_dossier_complet_2022,
        {
            "dossier_complet_extrait_rp2022_dep93.csv": [(4, "CODGEO"), (5, "C22_FAMMONO")],
        },
    )
    frame = result.frame
    assert frame["codgeo"].tolist() == ["93001", "93066"]
    saint_denis = one(frame, codgeo="93066")
    assert saint_denis["c22_fammono"] == 10273.1046690365 and saint_denis["p11_pop"] == 135788.0


def test_estimations_fixture_comma_separated_integers():
    estimations = "estim_pop_dep_sexe_age_quinquennal_2015_2021.csv"
    result = read_fixture(
        recensement.read_estimations_population_departements,
        {estimations: [(9, "sexe"), (10, "a0_4"), (11, "dep"), (12, "aTotal")]},
    )
    assert result.quarantine[2].reason == "not a département code: '20'"
    assert result.quarantine[3].reason == "age bands add up to 820008, not to aTotal 820007"
    frame = result.frame
    assert len(frame) == 7
    assert public_columns(frame)[:5] == ["annee", "dep", "nom", "sexe", "a0_4"]
    ssd = frame[(frame["dep"] == "93") & (frame["annee"] == 2021)].iloc[0]
    assert (ssd["sexe"], ssd["a0_4"], ssd["a95_plus"], ssd["atotal"]) == ("ensemble", 128843, 2217, 1669340)
    assert str(frame["atotal"].dtype) == "Int64" and str(frame["annee"].dtype) == "Int64"
    assert set(frame["dep"]) == {"974", "2A", "93"}


@pytest.mark.snapshot
def test_real_comparateur(data_dir):
    result = recensement.read_comparateur_2022(data_dir)
    assert result.rows == 40 and result.quarantine == []
    assert result.frame["codgeo"].str.startswith("93").all()
    assert result.frame["p22_pop"].sum() == pytest.approx(1681725)
    # MED21 and TP6021 equal the Filosofi 2021 commune file
    from ingest.filosofi import read_communes_2021

    filo = read_communes_2021(data_dir).frame.set_index("codgeo")
    rp = result.frame.set_index("codgeo")
    for column in ("med21", "tp6021"):
        assert rp[column].equals(filo.loc[rp.index, column]), column


@pytest.mark.snapshot
def test_real_dossier_complet(data_dir):
    result = recensement.read_dossier_complet_2022(data_dir)
    assert result.rows == 39 and result.quarantine == []
    comparateur = recensement.read_comparateur_2022(data_dir).frame.set_index("codgeo")
    frame = result.frame.set_index("codgeo")
    bands = [c for c in frame.columns if c.startswith("p22_pop")]
    assert (frame[bands].sum(axis=1) - comparateur.loc[frame.index, "p22_pop"]).abs().max() < 1e-6
    chom = frame[["p22_chom1524", "p22_chom2554", "p22_chom5564"]].sum(axis=1)
    assert (chom - comparateur.loc[frame.index, "p22_chom1564"]).abs().max() < 1e-6


@pytest.mark.snapshot
def test_real_estimations(data_dir):
    result = recensement.read_estimations_population_departements(data_dir)
    # a real defect of the snapshot: Corrèze 2021 "ensemble" has a65_69 = 1 (men + women = 17 901)
    assert result.rows == 2120
    assert [(q.line, q.field, q.reason) for q in result.quarantine] == [
        (1874, "aTotal", "age bands add up to 221171, not to aTotal 239071")
    ]
    total = result.frame[(result.frame["annee"] == 2021) & (result.frame["sexe"] == "ensemble")]
    total = total.set_index("dep")["atotal"]
    assert total[["93", "59", "23"]].tolist() == [1669340, 2598299, 114505]
    bands = [c for c in result.frame.columns if c.startswith("a") and c not in ("annee", "atotal")]
    assert len(bands) == 20
    assert (result.frame[bands].sum(axis=1) == result.frame["atotal"]).all()
    by_sex = result.frame.set_index(["annee", "dep", "sexe"])[[*bands, "atotal"]]
    men, women = by_sex.xs("hommes", level="sexe"), by_sex.xs("femmes", level="sexe")
    everyone = by_sex.xs("ensemble", level="sexe")
    assert ((men + women).loc[everyone.index] == everyone).all().all()
